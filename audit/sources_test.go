package audit

import (
	"net/http"
	"strings"
	"testing"

	"mailsetup/profiles"
)

func sourceOf(rep *Report, k Kind) (SourceResult, bool) {
	for _, s := range rep.Sources {
		if s.Kind == k {
			return s, true
		}
	}
	return SourceResult{}, false
}

// TestSourceKinds: each way of publishing settings is found as its own
// question, and each client takes the one its own order reaches first.
func TestSourceKinds(t *testing.T) {
	pox := poxXML("mail.example.test", 993, "mail.example.test", 465)
	ac := autoconfigXML("mail.example.test", 993, "SSL", "mail.example.test", 465, "SSL")
	cases := []struct {
		name    string
		setup   func(e *env)
		kind    Kind
		outcome profiles.Outcome
		// client → via ("" = does not find)
		clients map[string]string
	}{
		{"well-known over HTTPS", func(e *env) { e.serve("example.test:443", "/.well-known/autoconfig/mail/config-v1.1.xml", ac) },
			KindAutoconfigHTTPSWellKnown, profiles.OutcomeFound, map[string]string{"thunderbird": "autoconfig", "k9": "autoconfig", "outlook-classic": ""}},
		{"ISPDB", func(e *env) { e.serve("ispdb.test:443", "/v1.1/example.test", ac) },
			KindISPDB, profiles.OutcomeFound, map[string]string{"thunderbird": "ispdb", "k9": "ispdb", "mailsetup": "ispdb"}},
		{"MX at a hoster in the ISPDB", func(e *env) {
			e.dns.add("example.test. 300 IN MX 10 mx1.mail.hoster.test.")
			e.serve("ispdb.test:443", "/v1.1/hoster.test", ac)
		}, KindMXISPDB, profiles.OutcomeFound, map[string]string{"thunderbird": "mx", "k9": "mx"}},
		{"MX at a hoster with its own autoconfig", func(e *env) {
			e.dns.add("example.test. 300 IN MX 10 mx1.mail.hoster.test.")
			e.serve("autoconfig.mail.hoster.test:443", "/mail/config-v1.1.xml", ac)
		}, KindMXAutoconfig, profiles.OutcomeFound, map[string]string{"thunderbird": "mx", "k9": "mx", "mailsetup": ""}},
		{"Autodiscover through the HTTP redirect", func(e *env) {
			e.mux("autodiscover.example.test:80").HandleFunc("/autodiscover/autodiscover.xml", func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, "https://ad.hoster.test/autodiscover/autodiscover.xml", http.StatusFound)
			})
			e.serve("ad.hoster.test:443", "/autodiscover/autodiscover.xml", pox)
		}, KindAutodiscoverRedirect, profiles.OutcomeFound, map[string]string{"outlook-classic": "autodiscover", "thunderbird": "autodiscover", "k9": ""}},
		{"Autodiscover redirect to plain HTTP is refused", func(e *env) {
			e.mux("autodiscover.example.test:80").HandleFunc("/autodiscover/autodiscover.xml", func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, "http://ad.hoster.test/autodiscover/autodiscover.xml", http.StatusFound)
			})
			e.serve("ad.hoster.test:80", "/autodiscover/autodiscover.xml", pox)
		}, KindAutodiscoverRedirect, profiles.OutcomeError, map[string]string{"outlook-classic": ""}},
		{"Autodiscover through _autodiscover._tcp", func(e *env) {
			e.dns.add("_autodiscover._tcp.example.test. 300 IN SRV 0 0 443 ad.hoster.test.")
			e.serve("ad.hoster.test:443", "/autodiscover/autodiscover.xml", pox)
		}, KindAutodiscoverSRV, profiles.OutcomeFound, map[string]string{"outlook-classic": "autodiscover"}},
		{"Autodiscover at the root domain", func(e *env) { e.serve("example.test:443", "/autodiscover/autodiscover.xml", pox) },
			KindAutodiscoverRoot, profiles.OutcomeFound, map[string]string{"outlook-classic": "autodiscover", "outlook-new": "", "applemail": ""}},
		{"SRV records alone", func(e *env) {
			e.dns.add("_imaps._tcp.example.test. 300 IN SRV 0 1 993 mail.example.test.",
				"_submissions._tcp.example.test. 300 IN SRV 0 1 465 mail.example.test.")
		}, KindSRV, profiles.OutcomeFound, map[string]string{"mailsetup": "srv", "thunderbird": "", "k9": "", "outlook-classic": ""}},
		{"MX at Google: Apple Mail and the new Outlook know it", func(e *env) { e.dns.add("example.test. 300 IN MX 1 aspmx.l.google.com.") },
			KindMX, profiles.OutcomeFound, map[string]string{"applemail": "builtin", "outlook-new": "builtin", "mailsetup": "mx"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			e.mail("mail.example.test:993", mailOpts{proto: "imap", implicit: true, cert: e.leaf("mail.example.test")})
			e.mail("mail.example.test:465", mailOpts{proto: "smtp", implicit: true, cert: e.leaf("mail.example.test")})
			tc.setup(e)
			rep := e.check()
			ok := false
			for _, s := range rep.Sources {
				ok = ok || (s.Kind == tc.kind && s.Outcome == tc.outcome)
			}
			if !ok {
				t.Fatalf("no %s answer with outcome %s: %+v", tc.kind, tc.outcome, rep.Sources)
			}
			for id, via := range tc.clients {
				c := clientOf(rep, id)
				if c.Via != via || c.Finds != (via != "") {
					t.Errorf("%s: via %q finds %v, want %q (%s)", id, c.Via, c.Finds, via, c.Why)
				}
			}
			if _, ok := codes(rep)[CodeAutodiscoverMissing]; ok == (strings.HasPrefix(string(tc.kind), "autodiscover") && tc.outcome == profiles.OutcomeFound) {
				t.Errorf("autodiscover-missing reported: %v", ok)
			}
		})
	}
}

// TestAutodiscoverSignInCounts: an Exchange-style Autodiscover that asks
// for a sign-in (HTTP 401) is there, so it is not "missing".
func TestAutodiscoverSignInCounts(t *testing.T) {
	e := newEnv(t)
	e.mux("autodiscover.example.test:443").HandleFunc("/autodiscover/autodiscover.xml", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("WWW-Authenticate", `Basic realm="x"`)
		w.WriteHeader(http.StatusUnauthorized)
	})
	rep := e.check()
	if p, ok := codes(rep)[CodeAutodiscoverMissing]; ok {
		t.Fatalf("reported missing: %s", p.Detail)
	}
	if s, _ := sourceOf(rep, KindAutodiscoverSubdomain); !strings.Contains(s.Detail, "401") {
		t.Errorf("detail %q", s.Detail)
	}
}
