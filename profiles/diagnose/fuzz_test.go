package diagnose

import (
	"errors"
	"strings"
	"testing"

	"mailsetup/assets/i18n"
	"mailsetup/profiles"
)

// FuzzClassify feeds arbitrary server replies to the classifier: it must
// never panic, always return a known code, and the texts must be filled.
func FuzzClassify(f *testing.F) {
	for _, s := range []string{
		"NO [ALERT] Application-specific password required: https://support.google.com/accounts/answer/185833 (Failure)",
		"535 5.7.139 Authentication unsuccessful, basic authentication is disabled.",
		"NO [AUTHENTICATIONFAILED] LOGIN invalid credentials or IMAP is disabled sc=x",
		"535 5.7.0 NEOBHODIM parol prilozheniya https://help.mail.ru/mail/security/protection/external / Application password is REQUIRED",
		"-ERR [AUTH] Authentication failed.", "550 Message sending for this account is disabled", "", "{{.Host}}", "https://",
	} {
		f.Add(s, "gmail", uint8(0))
	}
	known := map[Code]bool{}
	for _, c := range Codes {
		known[c] = true
	}
	stages := []Stage{StageConnect, StageTLS, StageGreeting, StageStartTLS, StageAuth, StageMailbox, StageSend}
	f.Fuzz(func(t *testing.T, reply, provider string, st uint8) {
		fl := Failure{Protocol: profiles.SMTP, Stage: stages[int(st)%len(stages)], Err: errors.New("x"), Reply: reply, Provider: provider, Host: "h", Port: 1}
		c, _ := Classify(fl)
		if !known[c] {
			t.Fatalf("unknown code %q", c)
		}
		d := Explain(fl, i18n.Languages[int(st)%len(i18n.Languages)])
		if d.Title == "" || strings.HasPrefix(d.Title, "diag.") || d.Links == nil {
			t.Fatalf("bad diagnosis %+v", d)
		}
	})
}
