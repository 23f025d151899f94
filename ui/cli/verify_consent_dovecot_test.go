package cli

import (
	"fmt"
	"strings"
	"testing"

	"mailsetup/preset"
	"mailsetup/profiles/mailtest"
)

// TestVerifyPlaintextDovecot runs the consent rules against a real Dovecot
// that accepts a login without encryption: a preset's unencrypted server
// is refused without --allow-plaintext (nothing reaches the server) and
// signs in with it; an unencrypted server typed with --incoming signs in
// with a warning.
func TestVerifyPlaintextDovecot(t *testing.T) {
	d := mailtest.StartDovecot(t)
	domain := d.User[strings.LastIndexByte(d.User, '@')+1:]
	pr, err := preset.Parse([]byte(fmt.Sprintf(`{"organisation": {"name": "Plain Ltd"},
  "domains": [{"names": [%q],
    "incoming": [{"protocol": "imap", "host": "localhost", "port": %d, "security": "none"}],
    "outgoing": [{"protocol": "smtp", "host": "localhost", "port": %d, "security": "starttls"}]}]}`, domain, d.IMAPPort, d.SubmissionPort)), nil)
	if err != nil {
		t.Fatal(err)
	}
	newEnv := func() *Env {
		return &Env{Stdin: strings.NewReader(d.Password + "\n"), LoadPreset: func(string) (*preset.Preset, error) { return pr, nil }}
	}
	before := d.Log()
	code, out, stderr := runCLIEnv(t, newEnv(), "verify", "--password-stdin", "--ca", d.CAFile, d.User)
	if code != ExitUsage || !strings.Contains(stderr, "unencrypted") || !strings.Contains(stderr, "--allow-plaintext") {
		t.Fatalf("preset none without the flag: exit %d\n%s\n%s", code, out, stderr)
	}
	if strings.Count(d.Log(), "Login:") != strings.Count(before, "Login:") {
		t.Fatal("a login reached Dovecot without consent")
	}
	code, out, stderr = runCLIEnv(t, newEnv(), "verify", "--password-stdin", "--allow-plaintext", "--ca", d.CAFile, d.User)
	if code != ExitOK || !strings.Contains(stderr, "(found) is unencrypted") {
		t.Fatalf("preset none with --allow-plaintext: exit %d\n%s\n%s", code, out, stderr)
	}
	if strings.Count(d.Log(), "Login:") == strings.Count(before, "Login:") {
		t.Fatalf("the log shows no login after consent, so the check above proves nothing:\n%s", d.Log())
	}
	code, out, stderr = runCLIEnv(t, &Env{Stdin: strings.NewReader(d.Password + "\n")}, "verify", "--password-stdin", "--ca", d.CAFile,
		fmt.Sprintf("--incoming=imap://localhost:%d?security=none", d.IMAPPort),
		fmt.Sprintf("--outgoing=smtp://localhost:%d?security=starttls", d.SubmissionPort), d.User)
	if code != ExitOK || !strings.Contains(stderr, "(given) is unencrypted") {
		t.Fatalf("typed none: exit %d\n%s\n%s", code, out, stderr)
	}
	if strings.Contains(out+stderr, d.Password) {
		t.Fatal("password in the output")
	}
}
