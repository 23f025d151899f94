package profiles

import (
	"strings"
	"testing"
)

func TestParseServerURL(t *testing.T) {
	cases := []struct {
		in      string
		want    Server
		wantErr string
	}{
		{in: "imap://imap.mail.ru:993?security=tls", want: Server{Protocol: IMAP, Host: "imap.mail.ru", Port: 993, Security: SecurityTLS}},
		{in: "imap://imap.mail.ru?security=starttls", want: Server{Protocol: IMAP, Host: "imap.mail.ru", Port: 143, Security: SecuritySTARTTLS}},
		{in: "pop3://pop.mail.ru", want: Server{Protocol: POP3, Host: "pop.mail.ru", Port: 995, Security: SecurityTLS}},
		{in: "smtp://127.0.0.1:10587?security=starttls", want: Server{Protocol: SMTP, Host: "127.0.0.1", Port: 10587, Security: SecuritySTARTTLS}},
		{in: "smtp://SMTP.Mail.RU?security=SSL", want: Server{Protocol: SMTP, Host: "smtp.mail.ru", Port: 465, Security: SecurityTLS}},
		{in: "imaps://imap.example.org", want: Server{Protocol: IMAP, Host: "imap.example.org", Port: 993, Security: SecurityTLS}},
		{in: "smtp://h.example.org:25?security=none&username=bob", want: Server{Protocol: SMTP, Host: "h.example.org", Port: 25, Security: SecurityNone, Username: "bob"}},
		{in: "http://x.example.org", wantErr: "scheme"},
		{in: "imap://x.example.org:0", wantErr: "port"},
		{in: "imap://x.example.org:70000", wantErr: "port"},
		{in: "imap://x.example.org?security=ssl3", wantErr: "unknown security"},
		{in: "imap://bob:secret@x.example.org", wantErr: "never a password"},
		{in: "imap://", wantErr: "empty"},
		{in: "imap://bad_host!.org", wantErr: "contains"},
	}
	for _, tc := range cases {
		got, err := ParseServerURL(tc.in)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("ParseServerURL(%q) error = %v, want one containing %q", tc.in, err, tc.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), "secret") {
				t.Errorf("ParseServerURL(%q) error leaks the password: %v", tc.in, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseServerURL(%q) error: %v", tc.in, err)
			continue
		}
		if got.Protocol != tc.want.Protocol || got.Host != tc.want.Host || got.Port != tc.want.Port || got.Security != tc.want.Security || got.Username != tc.want.Username {
			t.Errorf("ParseServerURL(%q) = %+v, want %+v", tc.in, got, tc.want)
		}
		back, err := ParseServerURL(got.URL())
		if err != nil || !back.Same(got) {
			t.Errorf("URL round trip %q → %q → %+v, %v", tc.in, got.URL(), back, err)
		}
	}
}

func TestOverrideKeepsAlternatives(t *testing.T) {
	cfg := &Config{
		Address: "ivan@mail.ru", Source: SourceBuiltin,
		Incoming: []Server{
			{Protocol: IMAP, Host: "imap.mail.ru", Port: 993, Security: SecurityTLS, Username: "ivan@mail.ru"},
			{Protocol: POP3, Host: "pop.mail.ru", Port: 995, Security: SecurityTLS, Username: "ivan@mail.ru"},
		},
		Outgoing: []Server{{Protocol: SMTP, Host: "smtp.mail.ru", Port: 465, Security: SecurityTLS, Username: "ivan@mail.ru"}},
	}
	in := Server{Protocol: IMAP, Host: "imap.mail.ru", Port: 143, Security: SecuritySTARTTLS}
	cfg.Override(&in, nil, "")
	if got := cfg.Incoming[0]; got.Port != 143 || got.Username != "ivan@mail.ru" {
		t.Errorf("first incoming = %+v, want port 143 with the old username", got)
	}
	if len(cfg.Incoming) != 3 || cfg.Incoming[1].Port != 993 || cfg.Incoming[2].Protocol != POP3 {
		t.Errorf("incoming = %+v, want 143, 993, then POP3", cfg.Incoming)
	}
	if cfg.Source != SourceManual || len(cfg.Warnings) != 1 {
		t.Errorf("source = %s, warnings = %q", cfg.Source, cfg.Warnings)
	}
	cfg.Override(nil, nil, "ivan")
	for _, s := range append(cfg.Incoming, cfg.Outgoing...) {
		if s.Username != "ivan" {
			t.Errorf("%s username = %q after override", s, s.Username)
		}
	}
}

func TestValidateHost(t *testing.T) {
	good := []string{"imap.mail.ru", "127.0.0.1", "::1", "xn--80a1acny.xn--p1ai", "localhost", "a-b.example"}
	bad := []string{"", "-a.ru", "a-.ru", "a..ru", "a b.ru", "a/b.ru", strings.Repeat("a", 64) + ".ru"}
	for _, h := range good {
		if err := ValidateHost(h); err != nil {
			t.Errorf("ValidateHost(%q) = %v, want nil", h, err)
		}
	}
	for _, h := range bad {
		if err := ValidateHost(h); err == nil {
			t.Errorf("ValidateHost(%q) = nil, want an error", h)
		}
	}
}

func TestConfigNormalizeAndClone(t *testing.T) {
	var c Config
	c.Normalize()
	if c.Incoming == nil || c.Outgoing == nil || c.Notes == nil || c.Warnings == nil || c.Trust != TrustVerified {
		t.Fatalf("Normalize left nils: %+v", c)
	}
	c.Notes = append(c.Notes, Note{Kind: NoteInfo, Args: map[string]string{"a": "b"}})
	c.Incoming = append(c.Incoming, Server{Protocol: IMAP, Auth: []AuthMethod{AuthPassword}})
	d := c.Clone()
	d.Notes[0].Args["a"] = "changed"
	d.Incoming[0].Auth[0] = AuthOAuth2
	if c.Notes[0].Args["a"] != "b" || c.Incoming[0].Auth[0] != AuthPassword {
		t.Error("Clone shares memory with the original")
	}
}

func TestNoteKindsClosed(t *testing.T) {
	for _, k := range []NoteKind{"enable-imap", "enable-pop3", "app-password", "oauth-only", "from-must-match-login", "port-alternative", "limit", "legacy"} {
		if !k.Valid() {
			t.Errorf("required note kind %q is missing", k)
		}
	}
	if NoteKind("made-up").Valid() {
		t.Error("an unknown kind is valid")
	}
}
