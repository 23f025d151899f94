package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestServerURLSecretNeverPrinted is reliability.md M3 through every
// command: a password typed into --incoming/--outgoing was repeated on
// stderr on the parse-error and bad-scheme paths.
func TestServerURLSecretNeverPrinted(t *testing.T) {
	const pw = "Zq9-SECRET-pw"
	dir := t.TempDir()
	for _, url := range []string{
		"imapx://ivan:" + pw + "@127.0.0.1", "imap://ivan:" + pw + "@127.0.0.1:99x", "imap://ivan:" + pw + "@[::1",
		"imap://ivan:" + pw + "@h%zz", "imap://ivan:" + pw + "@127.0.0.1", "imap://ivan:pa/" + pw + "@127.0.0.1",
	} {
		for _, args := range [][]string{
			{"verify", "ivan@example.test"},
			{"export", "--format", "k9", "ivan@example.test"},
			{"instructions", "--client", "ios", "ivan@example.test"},
			{"thunderbird-install", "--profile", dir, "ivan@example.test"},
			{"batch", "--csv", "c.csv", "--format", "json", "--out", dir},
		} {
			for _, flag := range []string{"--incoming", "--outgoing"} {
				code, out, stderr := runCLI(t, map[string]string{"MAILSETUP_PASSWORD": "x"}, append(args, flag, url)...)
				if code != ExitUsage || strings.Contains(out+stderr, pw) || strings.Contains(out+stderr, "SECRET") {
					t.Errorf("%s %s %s: exit %d, output %q %q", args[0], flag, url, code, out, stderr)
				}
			}
		}
	}
}

// TestPasswordControlCharacters is reliability.md M2: MAILSETUP_PASSWORD
// with CRLF injected a POP3 "DELE 1", and a trailing CR got the password
// printed in clear. It is refused before any connection.
func TestPasswordControlCharacters(t *testing.T) {
	pop, smtp := listen(t, false), listen(t, false)
	servers := []string{fmt.Sprintf("--incoming=pop3://127.0.0.1:%d?security=none", pop.port()), fmt.Sprintf("--outgoing=smtp://127.0.0.1:%d?security=none", smtp.port())}
	for _, tc := range []struct {
		name, env, stdin string
		args             []string
	}{
		{name: "env crlf command", env: "Zq9-SECRET-pw\r\nDELE 1"},
		{name: "env trailing cr", env: "Zq9-SECRET-pw\r"},
		{name: "env nul", env: "Zq9-SECRET\x00pw"},
		{name: "stdin cr inside", stdin: "Zq9-SECRET\rDELE 1\n", args: []string{"--password-stdin"}},
		{name: "stdin tab", stdin: "Zq9-SECRET\tpw\n", args: []string{"--password-stdin"}},
		{name: "username crlf", env: "pw", args: []string{"--username", "ivan\r\nDELE 2"}},
		{name: "username= crlf", env: "pw", args: []string{fmt.Sprintf("--incoming=pop3://127.0.0.1:%d?security=none&username=ivan%%0D%%0ADELE%%203", pop.port())}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := &Env{Stdin: strings.NewReader(tc.stdin), Getenv: func(k string) string {
				if k == "MAILSETUP_PASSWORD" {
					return tc.env
				}
				return ""
			}}
			args := append(append([]string{"verify"}, servers...), tc.args...)
			code, out, stderr := runCLIEnv(t, e, append(args, "ivan@example.test")...)
			if code != ExitUsage || !strings.Contains(stderr, "control character") || strings.Contains(out+stderr, "SECRET") {
				t.Fatalf("exit %d\n%s\n%s", code, out, stderr)
			}
		})
	}
	if n := pop.conns.Load() + smtp.conns.Load(); n != 0 {
		t.Fatalf("%d connections made with a refused password or login", n)
	}
	// A password file with Windows line ends still works on standard input:
	// the line's own CRLF is not part of the password.
	if p, err := readPassword(&Env{Stdin: strings.NewReader("pw\r\n")}, true); err != nil || p != "pw" {
		t.Errorf("stdin CRLF line = %q, %v", p, err)
	}
}

// TestCAFileChecked is reliability.md L5: --ca /dev/zero crashed with out of
// memory and a FIFO hung.
func TestCAFileChecked(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.pem")
	f, _ := os.Create(big)
	f.Truncate(maxCABytes + 1)
	f.Close()
	cases := map[string]string{"/dev/zero": "not a regular file", big: "too large", dir: "not a regular file"}
	fifo := filepath.Join(dir, "fifo")
	if mkfifo(fifo) == nil {
		cases[fifo] = "not a regular file"
	}
	for path, want := range cases {
		if _, err := os.Stat(path); err != nil {
			continue
		}
		code, _, stderr := runCLI(t, map[string]string{"MAILSETUP_PASSWORD": "x"}, "verify", "--ca", path,
			"--incoming", "imap://127.0.0.1:1", "--outgoing", "smtp://127.0.0.1:1", "ivan@example.test")
		if code != ExitUsage || !strings.Contains(stderr, "--ca") || !strings.Contains(stderr, want) {
			t.Errorf("--ca %s: exit %d, stderr %q, want %q", path, code, stderr, want)
		}
	}
}

// TestExportPasswordFile is reliability.md M4: "--include-password --out F"
// kept an existing F's 0644 mode and followed a symbolic link.
func TestExportPasswordFile(t *testing.T) {
	const pw = "Zq9-SECRET-pw"
	dir := t.TempDir()
	env := map[string]string{"MAILSETUP_PASSWORD": pw}
	args := func(out string, extra ...string) []string {
		return append(append([]string{"export", "--format", "mobileconfig", "--include-password", "--out", out}, exportServers...), append(extra, "ivan@mail.ru")...)
	}
	fresh := filepath.Join(dir, "new.mobileconfig")
	if code, _, stderr := runCLI(t, env, args(fresh)...); code != ExitOK {
		t.Fatalf("new file: exit %d %s", code, stderr)
	}
	if st, _ := os.Stat(fresh); st.Mode().Perm() != 0o600 {
		t.Errorf("new password file mode %o, want 600", st.Mode().Perm())
	}
	old := filepath.Join(dir, "old.mobileconfig")
	os.WriteFile(old, []byte("MINE"), 0o644)
	os.Chmod(old, 0o644)
	code, _, stderr := runCLI(t, env, args(old)...)
	if data, _ := os.ReadFile(old); code != ExitFailed || string(data) != "MINE" || !strings.Contains(stderr, "--force") {
		t.Errorf("existing file without --force: exit %d, content %q, stderr %q", code, data, stderr)
	}
	if code, _, stderr := runCLI(t, env, args(old, "--force")...); code != ExitOK {
		t.Fatalf("--force: exit %d %s", code, stderr)
	}
	if st, _ := os.Stat(old); st.Mode().Perm() != 0o600 {
		t.Errorf("replaced password file mode %o, want 600 (the old 644 was kept)", st.Mode().Perm())
	}
	target := filepath.Join(dir, "target.k9s")
	os.WriteFile(target, []byte("OTHER"), 0o644)
	link := filepath.Join(dir, "link.mobileconfig")
	if err := os.Symlink(target, link); err == nil {
		code, _, _ := runCLI(t, env, args(link, "--force")...)
		if data, _ := os.ReadFile(target); code != ExitFailed || string(data) != "OTHER" {
			t.Errorf("symlink --out: exit %d, target now %q", code, data)
		}
	}
	// Without a password the file is 0644 and an existing one is still
	// never overwritten silently (the window and cli export used O_TRUNC or
	// os.WriteFile).
	plain := filepath.Join(dir, "plain.prf")
	os.WriteFile(plain, []byte("MINE"), 0o600)
	code, _, _ = runCLI(t, nil, append(append([]string{"export", "--format", "prf", "--out", plain}, exportServers...), "ivan@mail.ru")...)
	if data, _ := os.ReadFile(plain); code != ExitFailed || string(data) != "MINE" {
		t.Errorf("existing .prf overwritten without --force: exit %d", code)
	}
}

// TestSignP12NotPKCS12 is reliability.md L19: a non-PKCS#12 --sign-p12
// printed a raw ASN.1 dump.
func TestSignP12NotPKCS12(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x.p12")
	os.WriteFile(p, []byte("not a p12 file at all, just text\n"), 0o600)
	code, _, stderr := runCLI(t, nil, append(append([]string{"export", "--format", "mobileconfig", "--sign-p12", p}, exportServers...), "ivan@mail.ru")...)
	if code != ExitUsage || !strings.Contains(stderr, "is not a PKCS#12") || strings.Contains(stderr, "asn1") {
		t.Errorf("exit %d: %s", code, stderr)
	}
}
