package verify

import (
	"context"
	"testing"
	"time"

	"mailsetup/profiles"
	"mailsetup/profiles/mailtest"
)

// BenchmarkDovecot verifies against the real Dovecot: the incoming check
// alone, the outgoing check alone, and both together (which run at the same
// time and should take about the longer of the two, not the sum).
func BenchmarkDovecot(b *testing.B) {
	d := mailtest.StartDovecot(b)
	in := srv(profiles.IMAP, "localhost", d.IMAPSPort, profiles.SecurityTLS)
	out := srv(profiles.SMTP, "localhost", d.SubmissionPort, profiles.SecuritySTARTTLS)
	benchSides(b, testConfig(d, []profiles.Server{in}, []profiles.Server{out}), opts(d, d.Password))
}

// BenchmarkLatency uses scripted servers that wait before every reply, as
// a distant provider does: IMAP 40 ms per reply, SMTP 25 ms.
func BenchmarkLatency(b *testing.B) {
	ca := mailtest.NewCA(b, "Mailsetup Test CA")
	tlsCfg := ca.Leaf(b, mailtest.LeafOptions{}).ServerTLS()
	imapSrv := mailtest.ServeScript(b, tlsCfg, delayed(40*time.Millisecond, imapScript("IMAP4rev1 AUTH=PLAIN", "OK signed in", nil, false)))
	smtpSrv := mailtest.ServeScript(b, tlsCfg, delayed(25*time.Millisecond, smtpScript([]string{"AUTH PLAIN LOGIN"}, "235 2.7.0 ok", nil)))
	cfg := &profiles.Config{Address: "ivan@example.org", Domain: "example.org",
		Incoming: []profiles.Server{srv(profiles.IMAP, "localhost", imapSrv.Port, profiles.SecurityTLS)},
		Outgoing: []profiles.Server{srv(profiles.SMTP, "localhost", smtpSrv.Port, profiles.SecurityTLS)}}
	o := quickOpts(ca, "secret")
	o.StepTimeout = 5 * time.Second
	benchSides(b, cfg, o)
}

func benchSides(b *testing.B, cfg *profiles.Config, o Options) {
	for _, side := range []string{"incoming", "outgoing", "both"} {
		b.Run(side, func(b *testing.B) {
			oo := o
			oo.Incoming = side == "incoming"
			oo.Outgoing = side == "outgoing"
			for i := 0; i < b.N; i++ {
				res := verifyT(b, context.Background(), cfg, oo)
				if !res.OK() {
					b.Fatalf("verify failed: %+v", res.Checks)
				}
			}
		})
	}
}

// delayed makes a scripted server wait before every reply.
func delayed(d time.Duration, h func(c *mailtest.Conn)) func(c *mailtest.Conn) {
	return func(c *mailtest.Conn) {
		c.Delay = d
		h(c)
	}
}
