package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
)

func TestInstructions(t *testing.T) {
	test.NewTempApp(t)
	over := []string{"--incoming", "pop3://pop.example.net:995?security=tls", "--outgoing", "smtp://smtp.example.net:587?security=starttls", "--username", "ann.login"}
	for _, tc := range []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"text", append([]string{"instructions", "--client", "thunderbird", "--lang", "en"}, append(over, "ann@example.net")...), ExitOK,
			[]string{"pop.example.net", "995", "POP3", "smtp.example.net", "587", "STARTTLS", "ann.login", "Leave messages on server"}},
		{"flags after address", append([]string{"instructions", "ann@example.net", "--client", "ios", "--lang", "tr"}, over...), ExitOK,
			[]string{"pop.example.net", "Mail Hesapları"}},
		{"no client", []string{"instructions", "ann@example.net"}, ExitUsage, nil},
		{"bad client", []string{"instructions", "--client", "mutt", "ann@example.net"}, ExitUsage, nil},
		{"bad lang", []string{"instructions", "--client", "ios", "--lang", "de", "ann@example.net"}, ExitUsage, nil},
		{"bad protocol", []string{"instructions", "--client", "ios", "--protocol", "jmap", "ann@example.net"}, ExitUsage, nil},
		{"no address", []string{"instructions", "--client", "ios"}, ExitUsage, nil},
	} {
		code, out, errs := runCLI(t, nil, tc.args...)
		if code != tc.code {
			t.Errorf("%s: exit %d, want %d (stderr %q)", tc.name, code, tc.code, errs)
		}
		for _, w := range tc.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s: output lacks %q:\n%s", tc.name, w, out)
			}
		}
	}
}

func TestInstructionsHTMLFile(t *testing.T) {
	test.NewTempApp(t)
	path := filepath.Join(t.TempDir(), "guide.html")
	code, _, errs := runCLI(t, nil, "instructions", "--client", "outlook", "--lang", "ja", "--out", path,
		"--incoming", "imap://imap.example.net:993?security=tls", "--outgoing", "smtp://smtp.example.net:465?security=tls", "ann@example.net")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	if !strings.Contains(s, `<html lang="ja">`) || !strings.Contains(s, "imap.example.net") || !strings.Contains(s, "data:image/png;base64,") {
		t.Errorf("HTML file lacks lang, host or pictures (%d bytes)", len(b))
	}
	// A directory that does not exist: a clear failure, nothing left behind.
	code, _, errs = runCLI(t, nil, "instructions", "--client", "outlook", "--out", filepath.Join(t.TempDir(), "no", "such", "g.html"),
		"--incoming", "imap://imap.example.net:993?security=tls", "--outgoing", "smtp://smtp.example.net:465?security=tls", "ann@example.net")
	if code != ExitFailed || errs == "" {
		t.Errorf("unwritable --out: exit %d, stderr %q", code, errs)
	}
}
