package verify

import (
	"context"
	"errors"
	"strings"
	"testing"

	"mailsetup/profiles"
	"mailsetup/profiles/mailtest"
)

// TestNeedsConsent is the consent contract: settings of trust "confirm"
// and servers with security none (alternatives included) need an explicit
// yes, and only the servers Verify would try count.
func TestNeedsConsent(t *testing.T) {
	tlsIMAP := srv(profiles.IMAP, "imap.example.test", 993, profiles.SecurityTLS)
	plainIMAP := srv(profiles.IMAP, "imap.example.test", 143, profiles.SecurityNone)
	tlsSMTP := srv(profiles.SMTP, "smtp.example.test", 465, profiles.SecurityTLS)
	plainSMTP := srv(profiles.SMTP, "smtp.example.test", 25, profiles.SecurityNone)
	cfg := func(trust profiles.Trust, in, out []profiles.Server) profiles.Config {
		return profiles.Config{Address: "ivan@example.test", Domain: "example.test", Trust: trust, TrustDomain: "example.test",
			Incoming: in, Outgoing: out}
	}
	cases := []struct {
		name                   string
		cfg                    profiles.Config
		opts                   Options
		unconfirmed, plaintext bool
		servers                []profiles.Server
	}{
		{"verified-tls", cfg(profiles.TrustVerified, []profiles.Server{tlsIMAP}, []profiles.Server{tlsSMTP}), Options{}, false, false, nil},
		{"confirm", cfg(profiles.TrustConfirm, []profiles.Server{tlsIMAP}, []profiles.Server{tlsSMTP}), Options{}, true, false, []profiles.Server{tlsIMAP, tlsSMTP}},
		{"confirm-accepted", cfg(profiles.TrustConfirm, []profiles.Server{tlsIMAP}, []profiles.Server{tlsSMTP}), Options{AllowUnconfirmed: true}, false, false, nil},
		{"plain-outgoing", cfg(profiles.TrustVerified, []profiles.Server{tlsIMAP}, []profiles.Server{plainSMTP}), Options{}, false, true, []profiles.Server{plainSMTP}},
		{"plain-accepted", cfg(profiles.TrustVerified, []profiles.Server{tlsIMAP}, []profiles.Server{plainSMTP}), Options{AllowPlaintext: true}, false, false, nil},
		{"plain-only-as-alternative", cfg(profiles.TrustVerified, []profiles.Server{tlsIMAP, plainIMAP}, nil), Options{}, false, true, []profiles.Server{plainIMAP}},
		{"alternative-not-tried", cfg(profiles.TrustVerified, []profiles.Server{tlsIMAP, plainIMAP}, nil), Options{NoAlternatives: true}, false, false, nil},
		{"plain-side-not-checked", cfg(profiles.TrustVerified, []profiles.Server{tlsIMAP}, []profiles.Server{plainSMTP}), Options{Incoming: true}, false, false, nil},
		{"both", cfg(profiles.TrustConfirm, []profiles.Server{plainIMAP}, []profiles.Server{tlsSMTP}), Options{}, true, true, []profiles.Server{plainIMAP, tlsSMTP}},
		{"both-plain-accepted", cfg(profiles.TrustConfirm, []profiles.Server{plainIMAP}, []profiles.Server{tlsSMTP}), Options{AllowPlaintext: true}, true, false, []profiles.Server{plainIMAP, tlsSMTP}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ce := NeedsConsent(c.cfg, c.opts)
			if !c.unconfirmed && !c.plaintext {
				if ce != nil {
					t.Fatalf("consent asked: %+v", ce)
				}
				return
			}
			if ce == nil || ce.Unconfirmed != c.unconfirmed || ce.Plaintext != c.plaintext || ce.TrustDomain != "example.test" {
				t.Fatalf("got %+v", ce)
			}
			if len(ce.Servers) != len(c.servers) {
				t.Fatalf("servers %v, want %v", ce.Servers, c.servers)
			}
			for i := range c.servers {
				if !ce.Servers[i].Same(c.servers[i]) {
					t.Fatalf("servers %v, want %v", ce.Servers, c.servers)
				}
			}
			msg := ce.Error()
			if c.plaintext && !strings.Contains(msg, "without encryption") || c.unconfirmed && !strings.Contains(msg, "example.test") {
				t.Errorf("message does not say why: %s", msg)
			}
		})
	}
}

// TestConsentBeforeConnecting: Verify returns the *ConsentError before
// connecting anywhere: the spoofed plain-HTTP autoconfig of reliability.md
// H2 (trust confirm, security none, a local server) gets nothing.
func TestConsentBeforeConnecting(t *testing.T) {
	sc := mailtest.ServeScript(t, nil, imapScript("IMAP4rev1 AUTH=PLAIN", "OK welcome", nil, false))
	cfg := oneServer("ivan@example.org", srv(profiles.IMAP, "127.0.0.1", sc.Port, profiles.SecurityNone))
	cfg.Trust, cfg.TrustDomain = profiles.TrustConfirm, "example.org"
	o := quickOpts(nil, secretPassword)
	o.AllowPlaintext = false
	res, err := Verify(context.Background(), cfg, o)
	var ce *ConsentError
	if !errors.As(err, &ce) || !ce.Unconfirmed || !ce.Plaintext || res != nil {
		t.Fatalf("got %v, %v", res, err)
	}
	if got := sc.Received(); len(got) != 0 {
		t.Fatalf("the server was reached: %q", got)
	}
	o.AllowPlaintext, o.AllowUnconfirmed = true, true
	if res := verifyT(t, context.Background(), cfg, o); !res.OK() {
		t.Fatalf("with consent: %+v", res.Checks[0].Diagnosis)
	}
}
