package discover

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"mailsetup/profiles"
	"mailsetup/profiles/mailtest"
)

// TestRemoteConfigNamingLocalHosts: an HTTPS autoconfig of a public domain
// that names localhost, a loopback or private address, or an all-number
// name is flagged: trust confirm and a warning naming the host
// (reliability.md L8). Before, such settings were "verified".
func TestRemoteConfigNamingLocalHosts(t *testing.T) {
	for _, host := range []string{"127.0.0.1", "::1", "localhost", "imap.localhost", "10.1.2.3", "192.168.0.10",
		"169.254.1.1", "2130706433", "0177.0.0.1", "0x7f.1"} {
		t.Run(host, func(t *testing.T) {
			w := newWorld(t)
			doc := autoconfigXML(host, 993, "SSL", "smtp.example.com")
			httpsServer(t, w.ca, w.nw, http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) { io.WriteString(rw, doc) }), "autoconfig.example.com")
			o := w.opts(profiles.SourceAutoconfig)
			o.HTTPSOnly = true
			res := detect(t, w, "ivan@example.com", o)
			if res.Config == nil {
				t.Fatalf("nothing found: %+v", res.Trace)
			}
			if res.Config.Trust != profiles.TrustConfirm {
				t.Errorf("trust %s, want confirm", res.Config.Trust)
			}
			if !strings.Contains(strings.Join(res.Config.Warnings, " "), host+" named by autoconfig") {
				t.Errorf("warnings %q", res.Config.Warnings)
			}
		})
	}
	t.Run("public-host-not-flagged", func(t *testing.T) {
		w := newWorld(t)
		doc := autoconfigXML("imap.example.com", 993, "SSL", "smtp.example.com")
		httpsServer(t, w.ca, w.nw, http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) { io.WriteString(rw, doc) }), "autoconfig.example.com")
		o := w.opts(profiles.SourceAutoconfig)
		o.HTTPSOnly = true
		res := detect(t, w, "ivan@example.com", o)
		if res.Config == nil || res.Config.Trust != profiles.TrustVerified || len(res.Config.Warnings) != 0 {
			t.Fatalf("config %+v", res.Config)
		}
	})
	t.Run("internal-domain-not-flagged", func(t *testing.T) {
		// A company's internal domain (no public suffix) may well use a
		// private address.
		w := newWorld(t)
		doc := autoconfigXML("10.1.2.3", 993, "SSL", "smtp.example.test")
		httpsServer(t, w.ca, w.nw, http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) { io.WriteString(rw, doc) }), "autoconfig.example.test")
		o := w.opts(profiles.SourceAutoconfig)
		o.HTTPSOnly = true
		res := detect(t, w, "ivan@example.test", o)
		if res.Config == nil || res.Config.Trust != profiles.TrustVerified {
			t.Fatalf("config %+v", res.Config)
		}
	})
}

// TestPercentInLocalPart: a '%' in a legal local part does not make every
// ISPDB server be refused for an "unknown placeholder", and the address is
// expanded once (reliability.md L17).
func TestPercentInLocalPart(t *testing.T) {
	w := newWorld(t)
	httpsServer(t, w.ca, w.nw, ispdbHandler(map[string]string{"example.test": autoconfigXML("imap.example.test", 993, "SSL", "smtp.example.test")}), "ispdb.test")
	for _, a := range []string{"a%b@example.test", "%EMAILDOMAIN%@example.test"} {
		res := detect(t, w, a, w.opts(profiles.SourceISPDB))
		if res.Config == nil {
			t.Fatalf("%s: nothing found: %+v", a, res.Trace)
		}
		if got := res.Config.Incoming[0].Username; got != a {
			t.Errorf("%s: login %q", a, got)
		}
	}
}

// TestGuessFloodingServers: a probed server that floods (an endless line,
// endless CAPABILITY atoms, endless 250- lines) is cut off by mailwire's
// limits with a plain reason in the trace, and the probe stops reading.
func TestGuessFloodingServers(t *testing.T) {
	w := newWorld(t)
	floods := map[string]*mailtest.Flood{
		"imap.example.test:143": mailtest.ServeFlood(t, nil, mailtest.IMAPEndlessLine, 64<<20),
		"mail.example.test:143": mailtest.ServeFlood(t, nil, mailtest.IMAPEndlessCapability, 64<<20),
		"smtp.example.test:587": mailtest.ServeFlood(t, nil, mailtest.SMTPEndlessEHLO, 64<<20),
	}
	for hp, fl := range floods {
		w.nw.route(hp, fmt.Sprintf("127.0.0.1:%d", fl.Port))
	}
	res := detect(t, w, "ivan@example.test", w.opts(profiles.SourceGuess))
	if res.Config != nil {
		t.Fatalf("a flooding server was taken: %+v", res.Config)
	}
	d := res.Trace[0].Detail
	for _, want := range []string{"imap.example.test:143 the server sent a line longer than",
		"mail.example.test:143 the server sent a", "smtp.example.test:587 the server sent a reply of more than"} {
		if !strings.Contains(d, want) {
			t.Errorf("detail lacks %q:\n%s", want, d)
		}
	}
	for hp, fl := range floods {
		if fl.Written() > 24<<20 {
			t.Errorf("%s: the probe read on (%d bytes sent)", hp, fl.Written())
		}
	}
}
