package verify

import (
	"context"
	"strings"
	"testing"

	"mailsetup/profiles"
	"mailsetup/profiles/diagnose"
	"mailsetup/profiles/mailtest"
)

// pop3Refusing plays a POP3 server that refuses PASS (and AUTH) with reply.
func pop3Refusing(reply string) func(c *mailtest.Conn) {
	return func(c *mailtest.Conn) {
		c.Send("+OK scripted")
		for {
			l, ok := c.ReadLine()
			if !ok {
				return
			}
			switch strings.ToUpper(strings.Fields(l + " x")[0]) {
			case "CAPA":
				c.Send("+OK", "USER", "SASL PLAIN", ".")
			case "USER":
				c.Send("+OK")
			case "PASS", "AUTH":
				c.Send(reply)
			case "QUIT":
				c.Send("+OK bye")
				return
			default:
				c.Send("-ERR no")
			}
		}
	}
}

// TestServerResponseCodes: the response codes of RFC 2449/3206 (POP3),
// RFC 5530 (IMAP) and RFC 4954's 454 (SMTP), sent by scripted servers at
// sign-in, each end in their own diagnosis after one attempt: a temporary
// failure is not retried with another mechanism and not called a wrong
// password.
func TestServerResponseCodes(t *testing.T) {
	cases := []struct {
		proto profiles.Protocol
		reply string
		want  diagnose.Code
	}{
		{profiles.POP3, "-ERR [LOGIN-DELAY] wait 15 minutes", diagnose.LoginDelay},
		{profiles.POP3, "-ERR [IN-USE] another session is active", diagnose.MailboxInUse},
		{profiles.POP3, "-ERR [SYS/TEMP] authentication failed, try again later", diagnose.ServerTemporary},
		{profiles.POP3, "-ERR [SYS/PERM] maildrop corrupt", diagnose.ServerError},
		{profiles.POP3, "-ERR [AUTH] invalid password", diagnose.AuthFailed},
		{profiles.IMAP, "NO [UNAVAILABLE] backend down", diagnose.ServerTemporary},
		{profiles.IMAP, "NO [EXPIRED] password expired", diagnose.PasswordExpired},
		{profiles.IMAP, "NO [CONTACTADMIN] see your admin", diagnose.ContactAdmin},
		{profiles.IMAP, "NO [AUTHORIZATIONFAILED] not allowed", diagnose.AuthorizationFailed},
		{profiles.SMTP, "454 4.7.0 Temporary authentication failure", diagnose.AuthTemporary},
	}
	for _, c := range cases {
		t.Run(c.reply, func(t *testing.T) {
			var h func(*mailtest.Conn)
			switch c.proto {
			case profiles.POP3:
				h = pop3Refusing(c.reply)
			case profiles.IMAP:
				h = imapScript("IMAP4rev1 AUTH=PLAIN", c.reply, nil, false)
			default:
				h = smtpScript([]string{"AUTH PLAIN LOGIN"}, c.reply, nil)
			}
			sc := mailtest.ServeScript(t, nil, h)
			s := srv(c.proto, "127.0.0.1", sc.Port, profiles.SecurityNone)
			chk := checkT(t, context.Background(), oneServer("ivan@example.org", s), s, quickOpts(nil, secretPassword))
			if chk.OK || chk.Diagnosis == nil || chk.Diagnosis.Code != c.want {
				t.Fatalf("got %+v, want %s", chk.Diagnosis, c.want)
			}
			n := 0
			for _, l := range sc.Received() {
				u := strings.ToUpper(l)
				if strings.HasPrefix(u, "PASS") || strings.HasPrefix(u, "AUTH") || strings.Contains(u, " LOGIN ") || strings.Contains(u, "AUTHENTICATE") {
					n++
				}
			}
			if n != 1 {
				t.Errorf("%d sign-in attempts, want 1: %q", n, sc.Received())
			}
		})
	}
}
