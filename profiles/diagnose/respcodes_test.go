package diagnose

import (
	"strings"
	"testing"

	"mailsetup/assets/i18n"
	"mailsetup/profiles"
)

// TestResponseCodes covers every response code of RFC 5530 §3 (IMAP),
// RFC 2449 §8 and RFC 3206 (POP3), and RFC 4954 §6's SMTP AUTH replies:
// each gets its own diagnosis, and a temporary one says to try again in a
// few minutes instead of blaming the password.
func TestResponseCodes(t *testing.T) {
	imap, pop, smtp := profiles.IMAP, profiles.POP3, profiles.SMTP
	cases := []struct {
		proto profiles.Protocol
		stage Stage
		reply string
		want  Code
	}{
		// RFC 5530 §3, in the RFC's order.
		{imap, StageAuth, "NO [UNAVAILABLE] User's backend down for maintenance", ServerTemporary},
		{imap, StageAuth, "NO [AUTHENTICATIONFAILED] Authentication failed", AuthFailed},
		{imap, StageAuth, "NO [AUTHORIZATIONFAILED] No such authorization-ID", AuthorizationFailed},
		{imap, StageAuth, "NO [EXPIRED] That password isn't valid any more", PasswordExpired},
		{imap, StageAuth, "NO [PRIVACYREQUIRED] Connection offers no privacy", PlaintextRefused},
		{imap, StageAuth, "NO [CONTACTADMIN] You need to contact the administrator", ContactAdmin},
		{imap, StageMailbox, "NO [NOPERM] Access denied", NoPermission},
		{imap, StageMailbox, "NO [INUSE] Mailbox in use", MailboxInUse},
		{imap, StageMailbox, "NO [EXPUNGEISSUED] Some messages were also expunged", ServerTemporary},
		{imap, StageMailbox, "NO [CORRUPTION] Corrupt mailbox", ServerError},
		{imap, StageAuth, "NO [SERVERBUG] Authentication failed: internal error", ServerError},
		{imap, StageAuth, "NO [CLIENTBUG] Bad syntax", ProtocolError},
		{imap, StageMailbox, "NO [CANNOT] The mailbox cannot be opened", ServerError},
		{imap, StageAuth, "NO [LIMIT] Too many connections", TooManyConnections},
		{imap, StageMailbox, "NO [OVERQUOTA] Sorry", MailboxFull},
		{imap, StageMailbox, "NO [ALREADYEXISTS] Mailbox exists", ProtocolError},
		{imap, StageMailbox, "NO [NONEXISTENT] No such mailbox", MailboxNotFound},
		// A tagged form, as a server's log shows it.
		{imap, StageAuth, "a1 NO [UNAVAILABLE] Temporary authentication failure, try again later", ServerTemporary},
		// RFC 2449 §8 and RFC 3206.
		{pop, StageAuth, "-ERR [LOGIN-DELAY] wait 15 minutes between logins", LoginDelay},
		{pop, StageAuth, "-ERR [IN-USE] Do you have another POP session running?", MailboxInUse},
		{pop, StageAuth, "-ERR [SYS/TEMP] Authentication failed, please try again later", ServerTemporary},
		{pop, StageAuth, "-ERR [SYS/PERM] Your maildrop is corrupt", ServerError},
		{pop, StageAuth, "-ERR [AUTH] Invalid password", AuthFailed},
		// RFC 4954 §6.
		{smtp, StageAuth, "454 4.7.0 Temporary authentication failure", AuthTemporary},
		{smtp, StageAuth, "432 4.7.12 A password transition is needed", PasswordExpired},
		{smtp, StageAuth, "538 5.7.11 Encryption required for requested authentication mechanism", PlaintextRefused},
		{smtp, StageAuth, "535 5.7.8 Authentication credentials invalid", AuthFailed},
		// A provider's own words still win over a generic code.
		{imap, StageAuth, "NO [AUTHORIZATIONFAILED] Account is locked", AccountBlocked},
	}
	for _, c := range cases {
		t.Run(c.reply, func(t *testing.T) {
			f := Failure{Protocol: c.proto, Stage: c.stage, Err: errAuth, Reply: c.reply, Host: "mail.example.test", Port: 993}
			if got, _ := Classify(f); got != c.want {
				t.Fatalf("got %s, want %s", got, c.want)
			}
			for _, lang := range i18n.Languages {
				d := Explain(f, lang)
				if strings.HasPrefix(d.Title, "diag.") || strings.HasPrefix(d.Advice, "diag.") || strings.Contains(d.Advice, "{{") {
					t.Fatalf("%s: untranslated: %+v", lang, d)
				}
			}
			if c.want.Temporary() {
				d := Explain(f, "en")
				if !strings.Contains(d.Advice, "few minutes") {
					t.Errorf("a temporary failure must say to try again in a few minutes: %s", d.Advice)
				}
				if strings.Contains(d.Advice, "Check the login") || strings.Contains(d.Advice, "type the password again") {
					t.Errorf("a temporary failure blames the password: %s", d.Advice)
				}
			}
		})
	}
}
