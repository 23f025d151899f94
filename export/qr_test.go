package export

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"mailsetup/profiles"
)

// TestQRScans decodes our PNG with zbarimg (Debian zbar-tools) and expects
// exactly the payload Thunderbird for Android reads.
func TestQRScans(t *testing.T) {
	zbar, err := exec.LookPath("zbarimg")
	if err != nil {
		if os.Getenv("MAILSETUP_REQUIRE_SERVERS") != "" {
			t.Fatal("zbarimg (Debian zbar-tools) is not installed")
		}
		t.Skip("zbarimg (Debian zbar-tools) is not installed: cannot scan the QR code")
	}
	cfg, addr := testConfig(t)
	for _, c := range []struct {
		name string
		acct Account
		opts Options
	}{
		{"imap", Account{Address: addr, DisplayName: "Ivan Petrov", Incoming: profiles.IMAP}, Options{}},
		{"pop3-password", Account{Address: addr, DisplayName: `Иван "Q" 🙂`, Incoming: profiles.POP3}, Options{IncludePassword: true, Password: `p"w\d`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteQR(&buf, cfg, c.acct, c.opts); err != nil {
				t.Fatal(err)
			}
			p := filepath.Join(t.TempDir(), "qr.png")
			os.WriteFile(p, buf.Bytes(), 0o600)
			out, err := exec.Command(zbar, "--raw", "-q", "-Sbinary", p).Output()
			if err != nil {
				t.Fatalf("zbarimg could not read the code: %v", err)
			}
			want, _ := QRPayload(cfg, c.acct, c.opts)
			if got := strings.TrimRight(string(out), "\n"); got != want {
				t.Fatalf("scanned %q\nwant    %q", got, want)
			}
		})
	}
	want := `[1,[1,1],[0,"imap.mail.ru",993,3,1,"user@mail.ru","user@mail.ru"],[[[0,"smtp.mail.ru",465,3,1,"user@mail.ru"],["user@mail.ru","Ivan Petrov"]]]]`
	if got, _ := QRPayload(cfg, Account{Address: addr, DisplayName: "Ivan Petrov", Incoming: profiles.IMAP}, Options{}); got != want {
		t.Errorf("payload %s\nformats.md example %s", got, want)
	}
}
