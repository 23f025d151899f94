package autoconfig

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"mailsetup/profiles"
	"mailsetup/profiles/mailtest"
)

func addr(t testing.TB, s string) profiles.Address {
	t.Helper()
	a, err := profiles.ParseAddress(s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

const full = `<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="example.com">
    <domain>example.com</domain>
    <displayName>Example Mail</displayName>
    <displayShortName>Example</displayShortName>
    <incomingServer type="imap">
      <hostname>imap.example.com</hostname>
      <port>993</port>
      <socketType>SSL</socketType>
      <username>%EMAILADDRESS%</username>
      <authentication>password-cleartext</authentication>
      <authentication>OAuth2</authentication>
    </incomingServer>
    <incomingServer type="imap">
      <hostname>imap.example.com</hostname>
      <port>143</port>
      <socketType>STARTTLS</socketType>
      <username>%EMAILLOCALPART%</username>
      <authentication>password-encrypted</authentication>
    </incomingServer>
    <incomingServer type="pop3">
      <hostname>pop.%EMAILDOMAIN%</hostname>
      <port>110</port>
      <socketType>plain</socketType>
      <username>%EMAILLOCALPART%.%EMAILDOMAIN%</username>
      <authentication>password-cleartext</authentication>
    </incomingServer>
    <incomingServer type="exchange">
      <hostname>outlook.example.com</hostname>
    </incomingServer>
    <outgoingServer type="smtp">
      <hostname>smtp.example.com</hostname>
      <port>465</port>
      <socketType>SSL</socketType>
      <username>%EMAILADDRESS</username>
      <authentication>password-cleartext</authentication>
    </outgoingServer>
    <documentation url="https://example.com/help">
      <descr lang="de">Hilfe</descr>
      <descr lang="en">Help   page</descr>
    </documentation>
    <enable visiturl="https://example.com/settings">
      <instruction>Turn IMAP on</instruction>
    </enable>
  </emailProvider>
</clientConfig>`

func TestParseFull(t *testing.T) {
	cfg, err := Parse(strings.NewReader(full), addr(t, "ivan@example.com"))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"imap imap.example.com:993 tls ivan@example.com [password oauth2]",
		"imap imap.example.com:143 starttls ivan [password-encrypted]",
		"pop3 pop.example.com:110 none ivan.example.com [password]"}
	if len(cfg.Incoming) != len(want) {
		t.Fatalf("incoming = %v", cfg.Incoming)
	}
	for i, s := range cfg.Incoming {
		if got := describe(s); got != want[i] {
			t.Errorf("incoming[%d] = %q, want %q", i, got, want[i])
		}
	}
	if got := describe(cfg.Outgoing[0]); got != "smtp smtp.example.com:465 tls ivan@example.com [password]" {
		t.Errorf("outgoing = %q", got)
	}
	if cfg.Provider.Name != "Example Mail" || cfg.Provider.ID != "example.com" || cfg.Provider.Help != "https://example.com/help" {
		t.Errorf("provider = %+v", cfg.Provider)
	}
	if !cfg.HasNote(profiles.NoteEnableClients) || !cfg.HasNote(profiles.NoteInfo) {
		t.Errorf("notes = %+v", cfg.Notes)
	}
	for _, n := range cfg.Notes {
		if n.Kind == profiles.NoteInfo && n.Text != "Help page" {
			t.Errorf("documentation note = %q", n.Text)
		}
	}
}

func describe(s profiles.Server) string {
	var a []string
	for _, m := range s.Auth {
		a = append(a, string(m))
	}
	return s.String() + " " + s.Username + " [" + strings.Join(a, " ") + "]"
}

func TestParseRejects(t *testing.T) {
	big := "<clientConfig>" + strings.Repeat("<!-- padding -->", MaxSize/16+1) + "</clientConfig>"
	tests := []struct {
		name   string
		doc    string
		reason Reason
	}{
		{"empty", "  \n", ReasonEmpty},
		{"truncated", `<clientConfig><emailProvider id="x"><incomingServer`, ReasonMalformed},
		{"mismatched", `<clientConfig><emailProvider></clientConfig></emailProvider>`, ReasonMalformed},
		{"html", `<html><body>Not found</body></html>`, ReasonNotConfig},
		{"no provider", `<clientConfig version="1.1"></clientConfig>`, ReasonNoProvider},
		{"too large", big, ReasonTooLarge},
		{"second root", `<clientConfig><emailProvider/></clientConfig><x/>`, ReasonMalformed},
		{"no outgoing", strings.Replace(full, `type="smtp"`, `type="jmap"`, 1), ReasonNoServers},
		{"foreign user", strings.Replace(full, "<username>%EMAILADDRESS</username>", "<username>%EMAILLOCALPART%@evil.example</username>", 1), ReasonNoServers},
		{"unknown placeholder", strings.Replace(full, "<username>%EMAILADDRESS</username>", "<username>%FOO%</username>", 1), ReasonNoServers},
		{"bad port", strings.Replace(full, "<port>465</port>", "<port>99999</port>", 1), ReasonNoServers},
		{"bad host", strings.Replace(full, "<hostname>smtp.example.com</hostname>", "<hostname>smtp example</hostname>", 1), ReasonNoServers},
		{"bad socket", strings.Replace(full, "<socketType>SSL</socketType>\n      <username>%EMAILADDRESS</username>", "<socketType>QUIC</socketType>\n      <username>%EMAILADDRESS</username>", 1), ReasonNoServers},
		{"entity bomb", `<!DOCTYPE x [<!ENTITY a "aaaa">]><clientConfig>&a;&b;</clientConfig>`, ReasonMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tt.doc), addr(t, "ivan@example.com"))
			var e *Error
			if !errors.As(err, &e) || !errors.Is(err, ErrInvalid) {
				t.Fatalf("err = %v, want an *Error", err)
			}
			if e.Reason != tt.reason {
				t.Fatalf("reason = %s (%v), want %s", e.Reason, err, tt.reason)
			}
			if e.Error() == "" || !strings.HasPrefix(e.Error(), "autoconfig: ") {
				t.Errorf("message %q", e.Error())
			}
		})
	}
}

func TestForeignUsernameWarns(t *testing.T) {
	doc := strings.Replace(full, "<username>%EMAILLOCALPART%</username>", "<username>boss@other.example</username>", 1)
	cfg, err := Parse(strings.NewReader(doc), addr(t, "ivan@example.com"))
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Incoming) != 2 || len(cfg.Warnings) != 1 || !strings.Contains(cfg.Warnings[0], "another domain") {
		t.Fatalf("incoming %v warnings %q", cfg.Incoming, cfg.Warnings)
	}
}

func TestLatin1(t *testing.T) {
	doc := strings.Replace(full, `encoding="UTF-8"`, `encoding="ISO-8859-1"`, 1)
	doc = strings.Replace(doc, "Example Mail", "Exempel M\xe4il", 1)
	cfg, err := Parse(strings.NewReader(doc), addr(t, "ivan@example.com"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Provider.Name != "Exempel Mäil" {
		t.Fatalf("name = %q", cfg.Provider.Name)
	}
}

// ispdbDir is the shared ISPDB sample (skips without it).
func ispdbDir(t testing.TB) string { return mailtest.SharedData(t, "ispdb") }

// TestISPDBConformance parses every provider file of the ISPDB sample.
func TestISPDBConformance(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(ispdbDir(t), "*.xml"))
	if len(files) == 0 {
		t.Fatal("no ISPDB files")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := Decode(strings.NewReader(string(data)))
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
			continue
		}
		doms := doc.Domains()
		if len(doms) == 0 {
			t.Errorf("%s: no domains", filepath.Base(f))
			continue
		}
		cfg, err := doc.Config(addr(t, "test.user@"+doms[0]))
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
			continue
		}
		if !cfg.Found() || len(cfg.Warnings) > 0 {
			t.Errorf("%s: found=%v warnings=%q", filepath.Base(f), cfg.Found(), cfg.Warnings)
		}
		for _, s := range append(cfg.Incoming, cfg.Outgoing...) {
			if err := s.Validate(); err != nil {
				t.Errorf("%s: %v", filepath.Base(f), err)
			}
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add(full)
	f.Add(`<clientConfig><emailProvider id="x"><incomingServer type="imap"><hostname>a.b</hostname><port>1</port></incomingServer></emailProvider></clientConfig>`)
	f.Add(`<?xml version="1.0" encoding="ISO-8859-1"?><clientConfig/>`)
	a := addr(f, "ivan@example.com")
	f.Fuzz(func(t *testing.T, doc string) {
		cfg, err := Parse(strings.NewReader(doc), a)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error is not an *Error: %v", err)
			}
			return
		}
		if !cfg.Found() {
			t.Fatal("no error but not found")
		}
		for _, s := range append(cfg.Incoming, cfg.Outgoing...) {
			if err := s.Validate(); err != nil {
				t.Fatalf("invalid server accepted: %v", err)
			}
			if i := strings.LastIndexByte(s.Username, '@'); i >= 0 && s.Username[i+1:] != a.Domain {
				t.Fatalf("foreign username accepted: %q", s.Username)
			}
		}
	})
}
