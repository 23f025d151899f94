package autoconfig

import (
	"strings"
	"testing"
)

// TestExpandUsername: one pass, and no login of another domain however it
// is written (reliability.md L7, L17).
func TestExpandUsername(t *testing.T) {
	cases := []struct {
		tmpl, address, want string
		refused             bool
	}{
		{"%EMAILADDRESS%", "ivan@example.com", "ivan@example.com", false},
		{"%EMAILLOCALPART%", "ivan@example.com", "ivan", false},
		{"%EMAILLOCALPART%@%EMAILDOMAIN%", "ivan@example.com", "ivan@example.com", false},
		{"%EMAILADDRESS", "ivan@example.com", "ivan@example.com", false}, // the ISPDB typo
		// A '%' in a legal local part does not break discovery (L17).
		{"%EMAILADDRESS%", "a%b@example.com", "a%b@example.com", false},
		{"%EMAILLOCALPART%", "a%b@example.com", "a%b", false},
		// Expanded once: the address's own text is never expanded again (L17).
		{"%EMAILADDRESS%", "%EMAILDOMAIN%@example.com", "%EMAILDOMAIN%@example.com", false},
		{"%EMAILLOCALPART%", "%EMAILLOCALPART%@example.com", "%EMAILLOCALPART%", false},
		// Another domain, however written (L7).
		{"%EMAILLOCALPART%@evil.example", "ivan@example.com", "", true},
		{"%EMAILLOCALPART%@evil.example@example.com", "ivan@example.com", "", true},
		{"%EMAILADDRESS%@example.com", "ivan@example.com", "", true},
		{`evil.example\%EMAILLOCALPART%`, "ivan@example.com", "", true},
		{`EVIL\%EMAILLOCALPART%`, "ivan@example.com", "", true},
		{"%EMAILLOCALPART%＠evil.example", "ivan@example.com", "", true},
		{"%EMAILLOCALPART%＠example.com", "ivan@example.com", "", true},
		{"%EMAILLOCALPART%﹫example.com", "ivan@example.com", "", true},
		// The domain's own NetBIOS-style name is fine.
		{`EXAMPLE\%EMAILLOCALPART%`, "ivan@example.com", `EXAMPLE\ivan`, false},
		{`example.com\%EMAILLOCALPART%`, "ivan@example.com", `example.com\ivan`, false},
		// Unknown placeholders and control characters.
		{"%REALNAME%", "ivan@example.com", "", true},
		{"%FOO%@example.com", "ivan@example.com", "", true},
		{"ivan\r\nDELE 1", "ivan@example.com", "", true},
	}
	for _, c := range cases {
		t.Run(c.tmpl+" "+c.address, func(t *testing.T) {
			got, err := expandUsername(c.tmpl, addr(t, c.address))
			if c.refused {
				if err == nil {
					t.Fatalf("accepted as %q", got)
				}
				return
			}
			if err != nil || got != c.want {
				t.Fatalf("got %q, %v; want %q", got, err, c.want)
			}
		})
	}
}

// TestExpandHost: placeholders in hostnames as Thunderbird reads them and
// fills them: mozilla/releases-comm-central @ cf9726f563,
// mail/components/accountcreation/modules/InputSanitizer.sys.mjs:123-134
// (hostname(): only ^[a-zA-Z0-9\-\.]*(%[A-Z0-9]+%[a-zA-Z0-9\-\.]*)+$, upper-case
// names) and AccountConfig.sys.mjs:546,597-608 (replaceVariables fills
// EMAILADDRESS, EMAILLOCALPART, EMAILDOMAIN, REALNAME in the hostnames).
func TestExpandHost(t *testing.T) {
	cases := []struct {
		host, address, want string
		ok                  bool
	}{
		{"imap.%EMAILDOMAIN%", "ivan@example.com", "imap.example.com", true},
		{"%EMAILLOCALPART%.mail.example.com", "ivan@example.com", "ivan.mail.example.com", true},
		{"IMAP.%EMAILDOMAIN%", "ivan@example.com", "imap.example.com", true},
		{"imap.example.com", "ivan@example.com", "imap.example.com", true},
		{"imap.%emaildomain%", "ivan@example.com", "", false}, // lower case: not a placeholder to Thunderbird
		{"imap.%REALNAME%", "ivan@example.com", "", false},
		{"imap.%EMAILDOMAIN", "ivan@example.com", "", false},
		{"imap %EMAILDOMAIN%", "ivan@example.com", "", false},
	}
	for _, c := range cases {
		got, ok := expandHost(c.host, addr(t, c.address))
		if ok != c.ok || (ok && got != c.want) {
			t.Errorf("expandHost(%q) = %q, %v; want %q, %v", c.host, got, ok, c.want, c.ok)
		}
	}
	// Through the parser: a host built from a local part with '%' is not a
	// valid name and is skipped with a warning about the host, not the
	// username template (L17).
	doc := strings.Replace(full, "<hostname>imap.example.com</hostname>", "<hostname>%EMAILLOCALPART%.example.com</hostname>", 1)
	cfg, err := Parse(strings.NewReader(doc), addr(t, "a%b@example.com"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range cfg.Incoming {
		if strings.Contains(s.Host, "%") {
			t.Fatalf("a host with %%: %v", s)
		}
	}
	for _, w := range cfg.Warnings {
		if strings.Contains(w, "placeholder") {
			t.Errorf("the address's %% is blamed on the template: %s", w)
		}
	}
}

// TestCheckLogin: literal logins (Autodiscover's <LoginName>) by the same
// rules.
func TestCheckLogin(t *testing.T) {
	a := addr(t, "ivan@example.com")
	for login, ok := range map[string]bool{
		"ivan@example.com": true, "ivan": true, `EXAMPLE\ivan`: true, "boss@example.com": true,
		"ivan@evil.example": false, "ivan@evil.example@example.com": false, `evil\ivan`: false,
		"ivan＠example.com": false, "ivan\r\n": false,
	} {
		if err := CheckLogin(login, a); (err == nil) != ok {
			t.Errorf("CheckLogin(%q) = %v, want ok=%v", login, err, ok)
		}
	}
}
