package audit

import (
	"crypto/tls"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"mailsetup/profiles"
	"mailsetup/profiles/mailtest"
)

func codes(rep *Report) map[string]Problem {
	out := map[string]Problem{}
	for _, p := range rep.Problems {
		if _, ok := out[p.Code]; !ok {
			out[p.Code] = p
		}
	}
	return out
}

func clientOf(rep *Report, id string) ClientReport {
	for _, c := range rep.Clients {
		if c.Client == id {
			return c
		}
	}
	return ClientReport{}
}

// TestGoodDomain: a domain where every source agrees and every server is
// right has no error, every standard source found, and Thunderbird, K-9,
// classic Outlook and mailsetup find working servers.
func TestGoodDomain(t *testing.T) {
	e := newEnv(t)
	e.good()
	rep := e.check()
	if len(rep.Problems) != 0 {
		t.Fatalf("problems on a good domain: %+v", rep.Problems)
	}
	want := map[string]string{"thunderbird": "autoconfig", "k9": "autoconfig", "outlook-classic": "autodiscover", "mailsetup": "autoconfig"}
	for id, via := range want {
		c := clientOf(rep, id)
		if !c.Finds || c.Via != via || !c.Works {
			t.Errorf("%s: finds=%v via=%q works=%v (%s)", id, c.Finds, c.Via, c.Works, c.Why)
		}
	}
	if c := clientOf(rep, "applemail"); c.Finds {
		t.Errorf("Apple Mail reads no autoconfig (discovery.md §8) but finds: %+v", c)
	}
	imap, ok := rep.Server(Endpoint{profiles.IMAP, "mail.example.test", 143, profiles.SecuritySTARTTLS})
	if !ok || !imap.STARTTLSOffered || imap.PlaintextAuthBeforeTLS || imap.TLS == nil || !imap.TLS.Trusted {
		t.Fatalf("IMAP 143: %+v", imap)
	}
	if strings.Join(imap.Auth, ",") != "PLAIN,LOGIN" || !contains(imap.CapabilitiesBeforeTLS, "LOGINDISABLED") {
		t.Errorf("IMAP 143 capabilities: before %v, auth %v", imap.CapabilitiesBeforeTLS, imap.Auth)
	}
	if imap.TLS.Version != "TLS 1.3" || imap.TLS.Issuer != "Mailsetup Test CA" || imap.TLS.DaysLeft < 28 {
		t.Errorf("TLS: %+v", imap.TLS)
	}
	if n := len(rep.Files); n != 4 {
		t.Fatalf("files: %d, want 4", n)
	}
}

// TestProblemCodes runs one scenario per problem code against real local
// servers and checks the code is reported (with a fix in English).
func TestProblemCodes(t *testing.T) {
	now := time.Now()
	cases := []struct {
		code  string
		setup func(e *env)
	}{
		{CodeNoSettings, func(e *env) {}},
		{CodeAutoconfigMissing, func(e *env) {
			e.dns.add("_imaps._tcp.example.test. 300 IN SRV 0 1 993 mail.example.test.")
		}},
		{CodeAutoconfigHTTPOnly, func(e *env) {
			e.serve("autoconfig.example.test:80", "/mail/config-v1.1.xml", autoconfigXML("mail.example.test", 993, "SSL", "mail.example.test", 465, "SSL"))
		}},
		{CodeAutoconfigNeedsAddress, func(e *env) {
			// automx2's behaviour: 400 without ?emailaddress=.
			e.mux("autoconfig.example.test:443").HandleFunc("/mail/config-v1.1.xml", func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Query().Get("emailaddress") == "" {
					http.Error(w, "missing emailaddress", http.StatusBadRequest)
					return
				}
				_, _ = io.WriteString(w, autoconfigXML("mail.example.test", 993, "SSL", "mail.example.test", 465, "SSL"))
			})
			e.mail("mail.example.test:993", mailOpts{proto: "imap", implicit: true, cert: e.leaf("mail.example.test")})
			e.mail("mail.example.test:465", mailOpts{proto: "smtp", implicit: true, cert: e.leaf("mail.example.test")})
		}},
		{CodeAutoconfigK9Rejects, func(e *env) {
			// An SSL server first and a plain one as the alternative: Thunderbird
			// takes the first; K-9's parser throws on socketType "plain"
			// (RealAutoconfigParser.kt, toConnectionSecurity).
			doc := strings.Replace(autoconfigXML("mail.example.test", 993, "SSL", "mail.example.test", 465, "SSL"), "<outgoingServer",
				`<incomingServer type="imap"><hostname>mail.example.test</hostname><port>143</port><socketType>plain</socketType><username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></incomingServer><outgoingServer`, 1)
			e.serve("autoconfig.example.test:443", "/mail/config-v1.1.xml", doc)
			e.mail("mail.example.test:993", mailOpts{proto: "imap", implicit: true, cert: e.leaf("mail.example.test")})
			e.mail("mail.example.test:465", mailOpts{proto: "smtp", implicit: true, cert: e.leaf("mail.example.test")})
		}},
		{CodeAutoconfigMalformed, func(e *env) {
			e.serve("autoconfig.example.test:443", "/mail/config-v1.1.xml", `<clientConfig version="1.1"><emailProvider id="x">`)
		}},
		{CodeWebCertInvalid, func(e *env) {
			// autoconfig.<domain> points at a web host whose certificate names only itself.
			e.muxWith("autoconfig.example.test:443", e.leaf("webhost.example.net")).HandleFunc("/mail/config-v1.1.xml", func(w http.ResponseWriter, _ *http.Request) {
				_, _ = io.WriteString(w, autoconfigXML("mail.example.test", 993, "SSL", "mail.example.test", 465, "SSL"))
			})
		}},
		{CodeAutodiscoverMalformed, func(e *env) {
			e.serve("autodiscover.example.test:443", "/autodiscover/autodiscover.xml", `<Autodiscover><Response>`)
		}},
		{CodeSourcesDisagree, func(e *env) {
			e.serve("autoconfig.example.test:443", "/mail/config-v1.1.xml", autoconfigXML("mail.example.test", 993, "SSL", "mail.example.test", 465, "SSL"))
			e.serve("autodiscover.example.test:443", "/autodiscover/autodiscover.xml", poxXML("old.example.test", 993, "old.example.test", 465))
		}},
		{CodeAutodiscoverMissing, func(e *env) {
			e.serve("autoconfig.example.test:443", "/mail/config-v1.1.xml", autoconfigXML("mail.example.test", 993, "SSL", "mail.example.test", 465, "SSL"))
		}},
		{CodeSRVMissing, func(e *env) {}},
		{CodeCertExpired, func(e *env) {
			e.mail("mail.example.test:993", mailOpts{proto: "imap", implicit: true, cert: e.ca.Leaf(e.t, mailtest.LeafOptions{
				DNSNames: []string{"mail.example.test"}, NotBefore: now.Add(-90 * 24 * time.Hour), NotAfter: now.Add(-2 * 24 * time.Hour)})})
			e.dns.add("_imaps._tcp.example.test. 300 IN SRV 0 1 993 mail.example.test.")
		}},
		{CodeCertNotYetValid, func(e *env) {
			e.mail("mail.example.test:993", mailOpts{proto: "imap", implicit: true, cert: e.ca.Leaf(e.t, mailtest.LeafOptions{
				DNSNames: []string{"mail.example.test"}, NotBefore: now.Add(48 * time.Hour), NotAfter: now.Add(90 * 24 * time.Hour)})})
			e.dns.add("_imaps._tcp.example.test. 300 IN SRV 0 1 993 mail.example.test.")
		}},
		{CodeCertExpiring, func(e *env) {
			e.mail("mail.example.test:993", mailOpts{proto: "imap", implicit: true, cert: e.ca.Leaf(e.t, mailtest.LeafOptions{
				DNSNames: []string{"mail.example.test"}, NotAfter: now.Add(10 * 24 * time.Hour)})})
			e.dns.add("_imaps._tcp.example.test. 300 IN SRV 0 1 993 mail.example.test.")
		}},
		{CodeCertWrongName, func(e *env) {
			e.mail("mail.example.test:993", mailOpts{proto: "imap", implicit: true, cert: e.leaf("other.example.net")})
			e.dns.add("_imaps._tcp.example.test. 300 IN SRV 0 1 993 mail.example.test.")
		}},
		{CodeCertUntrusted, func(e *env) {
			e.mail("mail.example.test:993", mailOpts{proto: "imap", implicit: true, cert: selfSigned(e.t, "mail.example.test")})
			e.dns.add("_imaps._tcp.example.test. 300 IN SRV 0 1 993 mail.example.test.")
		}},
		{CodeTLSOld, func(e *env) {
			e.mail("mail.example.test:993", mailOpts{proto: "imap", implicit: true, cert: e.leaf("mail.example.test"), maxTLS: tls.VersionTLS11})
			e.dns.add("_imaps._tcp.example.test. 300 IN SRV 0 1 993 mail.example.test.")
		}},
		{CodeServerUnreachable, func(e *env) {
			e.nw.blackhole("mail.example.test:993")
			e.dns.add("_imaps._tcp.example.test. 300 IN SRV 0 1 993 mail.example.test.")
		}},
		{CodeServerBroken, func(e *env) {
			// An implicit-TLS port that speaks plain text: the handshake fails.
			e.mail("mail.example.test:993", mailOpts{proto: "imap", cert: e.leaf("mail.example.test")})
			e.dns.add("_imaps._tcp.example.test. 300 IN SRV 0 1 993 mail.example.test.")
		}},
		{CodeSTARTTLSMissing, func(e *env) {
			e.mail("mail.example.test:143", mailOpts{proto: "imap", noSTARTTLS: true})
			e.dns.add("_imap._tcp.example.test. 300 IN SRV 0 1 143 mail.example.test.")
		}},
		{CodePlaintextAuthBeforeTLS, func(e *env) {
			e.mail("mail.example.test:587", mailOpts{proto: "smtp", authBeforeTLS: true, cert: e.leaf("mail.example.test")})
			e.dns.add("_submission._tcp.example.test. 300 IN SRV 0 1 587 mail.example.test.")
		}},
		{CodePlaintextOnly, func(e *env) {
			e.serve("autoconfig.example.test:443", "/mail/config-v1.1.xml", autoconfigXML("mail.example.test", 143, "plain", "mail.example.test", 25, "plain"))
			e.mail("mail.example.test:143", mailOpts{proto: "imap", noSTARTTLS: true, authBeforeTLS: true})
			e.mail("mail.example.test:25", mailOpts{proto: "smtp", noSTARTTLS: true, authBeforeTLS: true})
		}},
		{CodeMXProviderMismatch, func(e *env) {
			e.dns.add("example.test. 300 IN MX 1 aspmx.l.google.com.")
			e.serve("autoconfig.example.test:443", "/mail/config-v1.1.xml", autoconfigXML("mail.example.test", 993, "SSL", "mail.example.test", 465, "SSL"))
		}},
		{CodeDNSSECUnsigned, func(e *env) {
			e.dns.add("example.test. 300 IN MX 10 mx.example.test.")
		}},
	}
	seen := map[string]bool{}
	for _, tc := range cases {
		seen[tc.code] = true
		t.Run(tc.code, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			tc.setup(e)
			rep := e.check()
			p, ok := codes(rep)[tc.code]
			if !ok {
				b, _ := json.MarshalIndent(rep.Problems, "", " ")
				t.Fatalf("%s not reported; problems: %s", tc.code, b)
			}
			if p.Severity != severityOf(tc.code) || p.Detail == "" || p.Fix == "" || strings.Contains(p.Detail, "audit.") {
				t.Errorf("problem %+v", p)
			}
			if tc.code == CodeAutoconfigK9Rejects {
				if tb, k9 := clientOf(rep, "thunderbird"), clientOf(rep, "k9"); !tb.Finds || k9.Finds || !strings.Contains(k9.Why, "plain") {
					t.Errorf("thunderbird %+v; k9 %+v", tb, k9)
				}
			}
			if tc.code == CodeAutoconfigNeedsAddress {
				// Thunderbird sends the address and finds it; K-9 never does (discovery.md §2.1 a).
				if tb, k9 := clientOf(rep, "thunderbird"), clientOf(rep, "k9"); !tb.Finds || !tb.Works || k9.Finds {
					t.Errorf("thunderbird %+v; k9 %+v", tb, k9)
				}
			}
			if severityOf(tc.code) == SeverityError && !rep.HasErrors() {
				t.Errorf("an error-severity problem but HasErrors is false")
			}
		})
	}
	for _, c := range Codes {
		if !seen[c.Code] {
			t.Errorf("no scenario for %s", c.Code)
		}
	}
}

// TestNeverSignsIn: the probes say only CAPABILITY/STARTTLS/LOGOUT (IMAP),
// CAPA/STLS/QUIT (POP3) and EHLO/STARTTLS/QUIT (SMTP) — no LOGIN, USER,
// PASS or AUTH, even to servers that offer a password before TLS.
func TestNeverSignsIn(t *testing.T) {
	e := newEnv(t)
	cert := e.leaf("mail.example.test")
	scripts := []*mailtest.Script{
		e.mail("mail.example.test:143", mailOpts{proto: "imap", authBeforeTLS: true, cert: cert}),
		e.mail("mail.example.test:993", mailOpts{proto: "imap", implicit: true, cert: cert}),
		e.mail("mail.example.test:110", mailOpts{proto: "pop3", authBeforeTLS: true, cert: cert}),
		e.mail("mail.example.test:995", mailOpts{proto: "pop3", implicit: true, cert: cert}),
		e.mail("mail.example.test:587", mailOpts{proto: "smtp", authBeforeTLS: true, cert: cert}),
		e.mail("mail.example.test:465", mailOpts{proto: "smtp", implicit: true, cert: cert}),
	}
	e.dns.add("_imap._tcp.example.test. 300 IN SRV 0 1 143 mail.example.test.",
		"_imaps._tcp.example.test. 300 IN SRV 0 1 993 mail.example.test.",
		"_pop3._tcp.example.test. 300 IN SRV 0 1 110 mail.example.test.",
		"_pop3s._tcp.example.test. 300 IN SRV 0 1 995 mail.example.test.",
		"_submission._tcp.example.test. 300 IN SRV 0 1 587 mail.example.test.",
		"_submissions._tcp.example.test. 300 IN SRV 0 1 465 mail.example.test.")
	rep := e.check()
	allowed := map[string]bool{"CAPABILITY": true, "STARTTLS": true, "LOGOUT": true, "CAPA": true, "STLS": true, "QUIT": true, "EHLO": true}
	n := 0
	for _, s := range scripts {
		for _, l := range s.Received() {
			n++
			f := strings.Fields(strings.ToUpper(l))
			cmd := f[0]
			if len(f) > 1 && (strings.HasPrefix(f[0], "A") || f[0] == "Z") && f[0] != "EHLO" {
				cmd = f[1] // an IMAP tag
			}
			if !allowed[cmd] {
				t.Errorf("the probe sent %q", l)
			}
		}
	}
	if n == 0 || len(rep.Servers) != 6 {
		t.Fatalf("%d lines from %d servers", n, len(rep.Servers))
	}
	if p := codes(rep); len(p) == 0 || p[CodePlaintextAuthBeforeTLS].Code == "" {
		t.Errorf("the servers offering a password before TLS were not reported: %v", p)
	}
}
