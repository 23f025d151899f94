package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"mailsetup/export"
)

func runExportCLI(t *testing.T, stdin string, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &Env{Ctx: context.Background(), Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string { return env[k] }}
	code := Main(e, args)
	return code, out.String(), errb.String()
}

var exportServers = []string{"--incoming", "imap://imap.mail.ru:993?security=tls", "--outgoing", "smtp://smtp.mail.ru:465?security=tls"}

func TestExportCommand(t *testing.T) {
	for _, f := range export.Formats {
		t.Run(string(f.Name), func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "x"+f.Ext)
			args := append([]string{"export", "--format", string(f.Name), "--out", out, "--name", "Ivan Petrov"}, exportServers...)
			code, _, stderr := runExportCLI(t, "", nil, append(args, "user@mail.ru")...)
			if code != ExitOK {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			data, err := os.ReadFile(out)
			if err != nil || len(data) == 0 {
				t.Fatalf("no output file: %v", err)
			}
			if f.Name == export.FormatPRF && !strings.Contains(stderr, "/importprf") {
				t.Errorf("prf export does not say how to import: %s", stderr)
			}
		})
	}
}

func TestExportPassword(t *testing.T) {
	const pw = "Sup3r-secret-pw"
	base := append([]string{"export", "--format", "k9"}, exportServers...)
	// Without --include-password the password never reaches the file.
	code, stdout, _ := runExportCLI(t, pw+"\n", map[string]string{"MAILSETUP_PASSWORD": pw}, append(base, "user@mail.ru")...)
	if code != ExitOK || strings.Contains(stdout, pw) {
		t.Fatalf("exit %d; password in output without --include-password: %v", code, strings.Contains(stdout, pw))
	}
	code, stdout, stderr := runExportCLI(t, pw+"\n", nil, append(base, "--include-password", "--password-stdin", "user@mail.ru")...)
	if code != ExitOK || !strings.Contains(stdout, "<password>"+pw+"</password>") {
		t.Fatalf("exit %d, password missing with --include-password: %s", code, stderr)
	}
	if strings.Contains(stderr, pw) {
		t.Fatal("password printed on stderr")
	}
	// Formats that cannot hold a password say so.
	code, _, stderr = runExportCLI(t, pw+"\n", nil, "export", "--format", "prf", "--include-password", "--password-stdin", "--incoming", "imap://a.example:993", "--outgoing", "smtp://a.example:465", "user@mail.ru")
	if code != ExitUsage || !strings.Contains(stderr, "cannot hold a password") || strings.Contains(stderr, pw) {
		t.Fatalf("exit %d: %s", code, stderr)
	}
}

func TestExportBadInput(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no-format", []string{"export", "user@mail.ru"}, "--format"},
		{"bad-format", []string{"export", "--format", "docx", "user@mail.ru"}, "unknown format"},
		{"no-address", []string{"export", "--format", "k9"}, "address"},
		{"bad-protocol", []string{"export", "--format", "k9", "--protocol", "exchange", "user@mail.ru"}, "--protocol"},
		{"sign-non-apple", []string{"export", "--format", "k9", "--sign-p12", "x.p12", "user@mail.ru"}, "only the mobileconfig"},
		{"sign-half", []string{"export", "--format", "mobileconfig", "--sign-cert", "c.pem", "user@mail.ru"}, "go together"},
		{"stdin-without-include", []string{"export", "--format", "k9", "--password-stdin", "user@mail.ru"}, "--include-password"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runExportCLI(t, "", nil, tc.args...)
			if code != ExitUsage || !strings.Contains(stderr, tc.want) {
				t.Fatalf("exit %d, stderr %q, want exit 2 mentioning %q", code, stderr, tc.want)
			}
		})
	}
}

func TestThunderbirdInstallCommand(t *testing.T) {
	prof := t.TempDir()
	args := append([]string{"thunderbird-install", "--profile", prof, "--name", "Ivan"}, exportServers...)
	code, stdout, stderr := runExportCLI(t, "", nil, append(args, "user@mail.ru")...)
	if code != ExitOK || !strings.Contains(stdout, "Added") {
		t.Fatalf("exit %d: %s %s", code, stdout, stderr)
	}
	code, stdout, _ = runExportCLI(t, "", nil, append(args, "user@mail.ru")...)
	if code != ExitOK || !strings.Contains(stdout, "nothing was changed") {
		t.Fatalf("second run: exit %d: %s", code, stdout)
	}
	code, _, stderr = runExportCLI(t, "", nil, append([]string{"thunderbird-install", "--profile", filepath.Join(prof, "missing")}, append(exportServers, "user@mail.ru")...)...)
	if code != ExitFailed || !strings.Contains(stderr, "not a folder") {
		t.Fatalf("missing profile: exit %d %s", code, stderr)
	}
}
