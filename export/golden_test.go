package export

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"mailsetup/profiles"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// testConfig is the formats document's example account: mail.ru with IMAP,
// POP3 and SMTP over implicit TLS.
func testConfig(t testing.TB) (*profiles.Config, profiles.Address) {
	t.Helper()
	addr, err := profiles.ParseAddress("user@mail.ru")
	if err != nil {
		t.Fatal(err)
	}
	cfg := &profiles.Config{
		Address:  addr.String(),
		Domain:   addr.Domain,
		Provider: profiles.Provider{ID: "mail.ru", Name: "Mail.ru", Help: "https://help.mail.ru/mail/mailer"},
		Source:   profiles.SourceBuiltin,
		Incoming: []profiles.Server{
			{Protocol: profiles.IMAP, Host: "imap.mail.ru", Port: 993, Security: profiles.SecurityTLS, Username: "%EMAILADDRESS%", Auth: []profiles.AuthMethod{profiles.AuthPassword}},
			{Protocol: profiles.POP3, Host: "pop.mail.ru", Port: 995, Security: profiles.SecurityTLS, Username: "%EMAILADDRESS%", Auth: []profiles.AuthMethod{profiles.AuthPassword}},
		},
		Outgoing: []profiles.Server{
			{Protocol: profiles.SMTP, Host: "smtp.mail.ru", Port: 465, Security: profiles.SecurityTLS, Username: "%EMAILADDRESS%", Auth: []profiles.AuthMethod{profiles.AuthPassword}},
		},
	}
	return cfg, addr
}

// starttlsConfig is a self-hosted domain with STARTTLS everywhere and a
// login that differs from the address for SMTP.
func starttlsConfig(t testing.TB) (*profiles.Config, profiles.Address) {
	addr, err := profiles.ParseAddress("ivan@example.org")
	if err != nil {
		t.Fatal(err)
	}
	cfg := &profiles.Config{
		Address: addr.String(), Domain: addr.Domain,
		Provider: profiles.Provider{ID: "example.org", Name: "Example & Co"},
		Incoming: []profiles.Server{
			{Protocol: profiles.POP3, Host: "mail.example.org", Port: 110, Security: profiles.SecuritySTARTTLS, Username: "%EMAILLOCALPART%"},
			{Protocol: profiles.IMAP, Host: "mail.example.org", Port: 143, Security: profiles.SecuritySTARTTLS, Username: "%EMAILLOCALPART%"},
		},
		Outgoing: []profiles.Server{
			{Protocol: profiles.SMTP, Host: "mail.example.org", Port: 587, Security: profiles.SecuritySTARTTLS, Username: "ivan.smtp", Auth: []profiles.AuthMethod{profiles.AuthPasswordEncrypted}},
		},
	}
	return cfg, addr
}

func TestGolden(t *testing.T) {
	cfg, addr := testConfig(t)
	st, saddr := starttlsConfig(t)
	cases := []struct {
		name string
		cfg  *profiles.Config
		acct Account
		opts Options
	}{
		{"mailru-imap", cfg, Account{Address: addr, DisplayName: "Ivan Petrov", Incoming: profiles.IMAP}, Options{}},
		{"mailru-pop3", cfg, Account{Address: addr, DisplayName: "Ivan Petrov", Incoming: profiles.POP3}, Options{}},
		{"starttls-imap", st, Account{Address: saddr, DisplayName: "Иван \"Ваня\" <Петров> & Co", Incoming: profiles.IMAP}, Options{Organization: "Example & Co"}},
		{"starttls-pop3", st, Account{Address: saddr, DisplayName: "İsmail Işık 🙂", Incoming: profiles.POP3}, Options{}},
		{"mailru-imap-password", cfg, Account{Address: addr, DisplayName: "Ivan Petrov", Incoming: profiles.IMAP}, Options{IncludePassword: true, Password: "s3cr&t<\"pw\">"}},
	}
	for _, c := range cases {
		for _, f := range Formats {
			if c.name == "mailru-imap-password" && !f.Password {
				continue
			}
			t.Run(c.name+"/"+string(f.Name), func(t *testing.T) {
				var buf bytes.Buffer
				if err := Write(string(f.Name), &buf, c.cfg, c.acct, c.opts); err != nil {
					t.Fatal(err)
				}
				var again bytes.Buffer
				if err := Write(string(f.Name), &again, c.cfg, c.acct, c.opts); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(buf.Bytes(), again.Bytes()) {
					t.Fatal("two runs gave different bytes: the writer is not deterministic")
				}
				golden := filepath.Join("testdata", c.name+"."+string(f.Name)+f.Ext)
				if *update {
					if err := os.MkdirAll("testdata", 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run go test ./export -run TestGolden -update)", err)
				}
				if !bytes.Equal(buf.Bytes(), want) {
					t.Errorf("output differs from %s (rerun with -update if intended):\n%s", golden, buf.String())
				}
			})
		}
	}
}
