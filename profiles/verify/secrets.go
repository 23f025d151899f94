package verify

import (
	"encoding/base64"
	"regexp"
	"strings"

	"mailsetup/profiles"
	"mailsetup/profiles/internal/mailwire"
)

// CredentialError means the password or a username holds a line break
// or another control character. Verify refuses it before anything is
// sent: on the wire such a character would end the command early and
// start another one (a password ending in "\r\nDELE 1" deletes a message
// over POP3), and a trailing "\r" (from a Windows text file) would leak the
// password in a server's echo.
type CredentialError struct {
	// Field is "password" or "username".
	Field string
}

// Error says in plain words what is wrong, without the value.
func (e *CredentialError) Error() string {
	return "verify: the " + e.Field + " holds a line break or another control character; " +
		"remove it (a password copied from a file often ends with one) and try again"
}

// checkCredentials refuses control characters in the password and in the
// username of every server Verify would try.
func checkCredentials(cfg *profiles.Config, opts *Options) error {
	if mailwire.HasControl(string(opts.Password)) {
		return &CredentialError{Field: "password"}
	}
	addr, _ := cfg.Addr()
	if mailwire.HasControl(cfg.Address) {
		return &CredentialError{Field: "username"}
	}
	for _, list := range sidesOf(cfg, opts) {
		for _, s := range list {
			if mailwire.HasControl(username(s, addr)) {
				return &CredentialError{Field: "username"}
			}
		}
	}
	return nil
}

// redactor removes the password, in every form a server may echo, from
// server texts: raw, IMAP-quoted ("\"" and "\\" escaped), base64 of the
// password (AUTH LOGIN) and of the AUTH PLAIN blob for each username form,
// with and without padding, in any letter case (a server may upper-case
// what it echoes, e.g. inside CAPABILITY).
type redactor struct{ re *regexp.Regexp }

func newRedactor(password, user string, addr profiles.Address) *redactor {
	r := &redactor{}
	if password == "" {
		return r
	}
	forms := []string{password, imapQuoted(password)}
	add := func(b []byte) {
		forms = append(forms, base64.StdEncoding.EncodeToString(b), base64.RawStdEncoding.EncodeToString(b))
	}
	add([]byte(password))
	for _, u := range []string{user, addr.String(), addr.Local} {
		add([]byte("\x00" + u + "\x00" + password))
		add([]byte(u + "\x00" + u + "\x00" + password))
	}
	seen := map[string]bool{}
	var alts []string
	// Longest first, so a longer form is not left half-redacted by a
	// shorter one inside it.
	for len(forms) > 0 {
		best := 0
		for i, f := range forms {
			if len(f) > len(forms[best]) {
				best = i
			}
		}
		f := forms[best]
		forms = append(forms[:best], forms[best+1:]...)
		if f != "" && !seen[f] {
			seen[f] = true
			if len(f) >= 4 {
				alts = append(alts, "(?i:"+regexp.QuoteMeta(f)+")")
			} else {
				// A very short password in any case would blank out
				// ordinary letters everywhere; only its exact form goes.
				alts = append(alts, regexp.QuoteMeta(f))
			}
		}
	}
	r.re = regexp.MustCompile(strings.Join(alts, "|"))
	return r
}

// imapQuoted is password as an IMAP quoted string's content (RFC 3501
// §4.3: "\"" and "\\" are escaped).
func imapQuoted(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s)
}

func (r *redactor) clean(s string) string {
	if r.re == nil || s == "" {
		return s
	}
	return r.re.ReplaceAllString(s, "********")
}

// cleanAll redacts every string of list in place and returns it.
func (r *redactor) cleanAll(list []string) []string {
	for i, s := range list {
		list[i] = r.clean(s)
	}
	return list
}
