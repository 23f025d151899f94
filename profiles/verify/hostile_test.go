package verify

import (
	"context"
	"strings"
	"testing"
	"time"

	"mailsetup/profiles"
	"mailsetup/profiles/diagnose"
	"mailsetup/profiles/mailtest"
)

// floodLimit is how much a flooding server sends at most: enough that a
// client without limits would read it all (and fail the test), small
// enough not to exhaust the machine when it does.
const floodLimit = 64 << 20

// TestFloodingServers: an endless line, endless 250- lines, an endless CAPA
// or CAPABILITY list and an IMAP literal announcing 5 GB each end the check
// with the reply-too-large diagnosis, and the client stops reading early
// (the server could send only a few MB, its socket buffers included).
// Before mailwire, the clients read until the step deadline or memory ran
// out (reliability.md H1).
func TestFloodingServers(t *testing.T) {
	for _, kind := range mailtest.FloodKinds {
		t.Run(string(kind), func(t *testing.T) {
			fl := mailtest.ServeFlood(t, nil, kind, floodLimit)
			p := profiles.Protocol(kind.Protocol())
			s := srv(p, "127.0.0.1", fl.Port, profiles.SecurityNone)
			o := quickOpts(nil, secretPassword)
			o.StepTimeout = 5 * time.Second
			o.AllowPlaintext = true
			chk := checkT(t, context.Background(), oneServer("ivan@example.org", s), s, o)
			if chk.OK || chk.Diagnosis == nil || chk.Diagnosis.Code != diagnose.ReplyTooLarge {
				t.Fatalf("got %+v, want %s", chk.Diagnosis, diagnose.ReplyTooLarge)
			}
			if w := fl.Written(); w > 24<<20 {
				t.Errorf("the client read on: the server could send %d bytes", w)
			}
			if strings.Contains(chk.Diagnosis.Advice, "password") {
				t.Errorf("a flood is not a password problem: %s", chk.Diagnosis.Advice)
			}
		})
	}
}

// TestHugeCertificateChain: a server presenting 200 certificates gets the
// tls-chain-too-large diagnosis, on implicit TLS and after STARTTLS.
func TestHugeCertificateChain(t *testing.T) {
	ca := mailtest.NewCA(t, "Mailsetup Test CA")
	leaf := ca.Leaf(t, mailtest.LeafOptions{})
	huge := leaf.HugeChainTLS(200)
	t.Run("implicit", func(t *testing.T) {
		sc := mailtest.ServeScript(t, huge, imapScript("IMAP4rev1 AUTH=PLAIN", "OK welcome", nil, false))
		s := srv(profiles.IMAP, "localhost", sc.Port, profiles.SecurityTLS)
		chk := checkT(t, context.Background(), oneServer("ivan@example.org", s), s, quickOpts(ca, secretPassword))
		if chk.OK || chk.Diagnosis == nil || chk.Diagnosis.Code != diagnose.TLSChainTooLarge {
			t.Fatalf("got %+v, want %s", chk.Diagnosis, diagnose.TLSChainTooLarge)
		}
	})
	t.Run("starttls", func(t *testing.T) {
		sc := mailtest.ServeScript(t, nil, smtpScript([]string{"STARTTLS", "AUTH PLAIN"}, "235 ok", huge))
		s := srv(profiles.SMTP, "localhost", sc.Port, profiles.SecuritySTARTTLS)
		chk := checkT(t, context.Background(), oneServer("ivan@example.org", s), s, quickOpts(ca, secretPassword))
		if chk.OK || chk.Diagnosis == nil || chk.Diagnosis.Code != diagnose.TLSChainTooLarge {
			t.Fatalf("got %+v, want %s", chk.Diagnosis, diagnose.TLSChainTooLarge)
		}
	})
	t.Run("normal-chain-still-works", func(t *testing.T) {
		sc := mailtest.ServeScript(t, leaf.ServerTLS(), imapScript("IMAP4rev1 AUTH=PLAIN", "OK welcome", nil, false))
		s := srv(profiles.IMAP, "localhost", sc.Port, profiles.SecurityTLS)
		chk := checkT(t, context.Background(), oneServer("ivan@example.org", s), s, quickOpts(ca, secretPassword))
		if !chk.OK {
			t.Fatalf("a normal chain failed: %+v", chk.Diagnosis)
		}
	})
}

// TestDataBeforeTLS: bytes sent after the STARTTLS "go ahead" and before
// the handshake end the check with starttls-injection and nothing is sent.
//
// The injected lines come in the same TCP segment as the "go ahead" (seen
// in the read buffer), or in a later one (seen as the first byte where the
// TLS handshake should be: not a TLS record).
func TestDataBeforeTLS(t *testing.T) {
	for _, split := range []bool{false, true} {
		sc := mailtest.ServeScript(t, nil, func(c *mailtest.Conn) {
			c.Send("220 scripted ESMTP")
			for {
				line, ok := c.ReadLine()
				if !ok {
					return
				}
				switch strings.ToUpper(strings.Fields(line + " x")[0]) {
				case "EHLO":
					c.Send("250-scripted", "250 STARTTLS")
				case "STARTTLS":
					if split {
						c.Send("220 go ahead")
						time.Sleep(150 * time.Millisecond)
						c.Send("250-injected", "250 AUTH PLAIN")
					} else {
						c.Send("220 go ahead", "250-injected", "250 AUTH PLAIN")
					}
				default:
					c.Send("502 no")
				}
			}
		})
		s := srv(profiles.SMTP, "127.0.0.1", sc.Port, profiles.SecuritySTARTTLS)
		o := quickOpts(nil, secretPassword)
		o.StepTimeout = 5 * time.Second // it fails at once; a busy machine must not turn it into a timeout
		chk := checkT(t, context.Background(), oneServer("ivan@example.org", s), s, o)
		if chk.OK || chk.Diagnosis == nil || chk.Diagnosis.Code != diagnose.StartTLSInjection {
			t.Fatalf("split=%v: got %+v, want %s", split, chk.Diagnosis, diagnose.StartTLSInjection)
		}
	}
}

// TestOverallDeadline: six silent servers of one side are bounded by
// Options.Timeout, not 6 × the step timeout (reliability.md M11), and at
// most MaxServersPerSide are tried.
func TestOverallDeadline(t *testing.T) {
	cfg := &profiles.Config{Address: "ivan@example.org", Domain: "example.org"}
	for i := 0; i < 6; i++ {
		cfg.Incoming = append(cfg.Incoming, srv(profiles.IMAP, "127.0.0.1", mailtest.Silent(t), profiles.SecurityTLS))
	}
	o := quickOpts(nil, secretPassword)
	o.Incoming = true
	o.StepTimeout = 30 * time.Second
	o.Timeout = 1500 * time.Millisecond
	o.AllowUnconfirmed = true
	res := verifyT(t, context.Background(), cfg, o)
	chk := res.Checks[0]
	if chk.OK || chk.Diagnosis == nil || chk.Diagnosis.Code != diagnose.Timeout {
		t.Fatalf("got %+v, want timeout", chk.Diagnosis)
	}
	// A step timeout of 30 s cannot have run out: the overall deadline cut
	// the first server short and no alternative was started after it.
	if len(chk.Attempts) > 1 {
		t.Errorf("alternatives tried after the overall deadline: %+v", chk.Attempts)
	}
	if got := sameProtocol(cfg.Incoming); len(got) != MaxServersPerSide {
		t.Errorf("%d servers per side, want %d", len(got), MaxServersPerSide)
	}
	// A context deadline is honoured as well.
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	o.Timeout = 0
	res = verifyT(t, ctx, cfg, o)
	if res.Checks[0].Diagnosis == nil || res.Checks[0].Diagnosis.Code != diagnose.Timeout {
		t.Fatalf("context deadline: got %+v", res.Checks[0].Diagnosis)
	}
}
