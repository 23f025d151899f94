package profiles

import (
	"strings"
	"testing"
)

// TestParseServerURLNeverRepeatsASecret is reliability.md M3: a password
// typed into a server URL was repeated on the bad-scheme and parse-error
// paths ("server \"imapx://ivan:Zq9-SECRET-pw@127.0.0.1\": the scheme…").
func TestParseServerURLNeverRepeatsASecret(t *testing.T) {
	const pw = "Zq9-SECRET-pw"
	for _, in := range []string{
		"imapx://ivan:" + pw + "@127.0.0.1",
		"imap://ivan:" + pw + "@127.0.0.1:99x",
		"imap://ivan:" + pw + "@[::1",
		"imap://ivan:" + pw + "@h%zz",
		"imap://ivan:" + pw + "@127.0.0.1",
		"smtp://ivan:" + pw + "@127.0.0.1:465?security=tls",
		"imap://ivan:pa/" + pw + "@127.0.0.1",  // url.Parse sees host "ivan", port "pa"
		"imap://ivan:pa?" + pw + "@127.0.0.1",  // …or a query key
		"imap://ivan:pa#" + pw + "@127.0.0.1",  // …or a fragment
		"imap://127.0.0.1?password=" + pw,      // not a key we read
		"imap://127.0.0.1?x" + pw + "=1",       // an unknown key is not repeated
		"imap://127.0.0.1/" + pw,               // nor a path
		"ivan:" + pw + "@127.0.0.1",            // no scheme at all
		"imap://" + pw + "@127.0.0.1:70000",    // a login only, bad port
		"imap://ivan:" + pw + "\r\n@127.0.0.1", // control characters
	} {
		_, err := ParseServerURL(in)
		if err == nil {
			t.Errorf("ParseServerURL(%q) accepted", in)
			continue
		}
		if strings.Contains(err.Error(), pw) || strings.Contains(err.Error(), "SECRET") {
			t.Errorf("ParseServerURL(%q) error repeats the password: %v", in, err)
		}
	}
	_, err := ParseServerURL("imap://ivan:" + pw + "@127.0.0.1")
	if err == nil || !strings.Contains(err.Error(), "--password-stdin") || !strings.Contains(err.Error(), "never a password") {
		t.Errorf("password in URL: %v, want the way to give it instead", err)
	}
	_, err = ParseServerURL("imap://ivan@127.0.0.1")
	if err == nil || !strings.Contains(err.Error(), "--username") {
		t.Errorf("login in URL: %v, want --username", err)
	}
}

// TestParseServerURLRefusesControlInUsername is reliability.md M2: a
// username= with CR/LF was sent to a POP3 server as "USER ivan\r\nDELE 3".
func TestParseServerURLRefusesControlInUsername(t *testing.T) {
	for _, in := range []string{
		"pop3://127.0.0.1:110?security=none&username=ivan%0D%0ADELE%203",
		"pop3://127.0.0.1:110?username=ivan%00",
		"smtp://127.0.0.1?username=a%09b",
	} {
		if _, err := ParseServerURL(in); err == nil || !strings.Contains(err.Error(), "control character") {
			t.Errorf("ParseServerURL(%q) = %v, want a control-character refusal", in, err)
		}
	}
	s, err := ParseServerURL("smtp://h.example.org?username=ivan@example.org")
	if err != nil || s.Username != "ivan@example.org" {
		t.Errorf("an address as username= = %+v, %v", s, err)
	}
}

// TestParseServerURLMessages checks that each refusal names the wrong part.
func TestParseServerURLMessages(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"imapx://127.0.0.1", `"imapx"`},
		{"imap://127.0.0.1:99999", `"99999"`},
		{"imap://127.0.0.1:99x", "port number"},
		{"imap://127.0.0.1/INBOX", "path"},
		{"imap://127.0.0.1?sec=tls", "unknown key"},
	} {
		if _, err := ParseServerURL(tc.in); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseServerURL(%q) = %v, want %q", tc.in, err, tc.want)
		}
	}
}
