package autoconfig

import (
	"fmt"
	"regexp"
	"strings"

	"mailsetup/profiles"
)

// Placeholders, as Thunderbird reads and fills them
// (mozilla/releases-comm-central @ cf9726f563,
// mail/components/accountcreation/modules/):
//
//   - A hostname may hold placeholders only in the form
//     ^[a-zA-Z0-9\-\.]*(%[A-Z0-9]+%[a-zA-Z0-9\-\.]*)+$ — upper-case names
//     between two '%' (InputSanitizer.sys.mjs:123-134, hostname()).
//   - A username is any string (readFromXML.sys.mjs:124, "may be a
//     %VARIABLE%").
//   - AccountConfig.replaceVariables (AccountConfig.sys.mjs:546) fills
//     %EMAILADDRESS%, %EMAILLOCALPART%, %EMAILDOMAIN% and %REALNAME% in the
//     usernames and hostnames, case-sensitively, every occurrence
//     (_replaceVariable, AccountConfig.sys.mjs:597-608, replaceAll).
//
// One deliberate difference: the values are filled in one pass, so a '%'
// or a placeholder-like text inside the address itself ("a%b@…",
// "%EMAILDOMAIN%@…") is never expanded a second time (_replaceVariable
// runs one replaceAll per name, in turn, over the text already filled).
// %REALNAME% is not known here: a login or host built from the user's
// display name is refused.

var (
	hostPlaceholderRE = regexp.MustCompile(`^[a-zA-Z0-9\-.]*(%[A-Z0-9]+%[a-zA-Z0-9\-.]*)+$`)
	placeholderRE     = regexp.MustCompile(`%[A-Z0-9]+%`)
)

// fill replaces the known placeholders in tmpl in one pass with the
// values of addr, or with the values given (for the checks below). It
// reports the first unknown placeholder.
func fill(tmpl, address, local, domain string) (string, string) {
	var unknown string
	out := placeholderRE.ReplaceAllStringFunc(tmpl, func(ph string) string {
		switch ph {
		case profiles.PlaceholderAddress:
			return address
		case profiles.PlaceholderLocalPart:
			return local
		case profiles.PlaceholderDomain:
			return domain
		}
		if unknown == "" {
			unknown = ph
		}
		return ph
	})
	return out, unknown
}

// expandHost fills the placeholders of a server's hostname as Thunderbird
// does; ok is false when the name has placeholders in a form Thunderbird
// refuses or unknown ones.
func expandHost(host string, addr profiles.Address) (string, bool) {
	if !strings.Contains(host, "%") {
		return host, true
	}
	if !hostPlaceholderRE.MatchString(host) {
		return host, false
	}
	out, unknown := fill(host, addr.String(), addr.Local, addr.Domain)
	if unknown != "" {
		return host, false
	}
	return strings.ToLower(out), true
}

// atLike are characters a person reads as '@' but a server does not
// (fullwidth, small and other compatibility forms).
const atLike = "\uFF20\uFE6B\u24D0"

// expandUsername fills the placeholders of a username template in one
// pass. It refuses unknown placeholders, control characters, and any
// login that names a user of another domain, which would send the user's
// password for a login that is not theirs: "%EMAILLOCALPART%@evil.example",
// "%EMAILLOCALPART%@evil.example@<domain>" (two '@'), "evil\%EMAILLOCALPART%"
// (a Windows DOMAIN\user of another domain) and a fullwidth '＠'. The check
// is made on the template's shape, with the address's own parts stood in
// for by harmless text, so a '%' or an '@' inside the user's quoted local
// part neither breaks discovery nor hides an attack.
func expandUsername(tmpl string, addr profiles.Address) (string, error) {
	t := strings.TrimSpace(tmpl)
	if t == "" {
		return addr.String(), nil
	}
	if len(t) > 256 {
		return "", fmt.Errorf("username template is too long")
	}
	// A missing closing '%' is a known ISPDB typo ("%EMAILADDRESS").
	for _, ph := range []string{profiles.PlaceholderAddress, profiles.PlaceholderLocalPart, profiles.PlaceholderDomain} {
		short := strings.TrimSuffix(ph, "%")
		if strings.HasSuffix(t, short) {
			t += "%"
		}
	}
	if strings.ContainsFunc(t, func(r rune) bool { return r < ' ' || r == 0x7f || r == '\u2028' || r == '\u2029' }) {
		return "", fmt.Errorf("username contains control characters")
	}
	shape, unknown := fill(t, "local@"+addr.Domain, "local", addr.Domain)
	if unknown != "" {
		return "", fmt.Errorf("username %q has an unknown placeholder %s", truncate(t, 60), unknown)
	}
	if err := foreignLogin(shape, addr); err != nil {
		return "", err
	}
	out, _ := fill(t, addr.String(), addr.Local, addr.Domain)
	return out, nil
}

// foreignLogin refuses a login shape that names another domain.
func foreignLogin(shape string, addr profiles.Address) error {
	refuse := func() error {
		return fmt.Errorf("username %q belongs to another domain than %s; refused", truncate(shape, 80), addr.Domain)
	}
	if strings.ContainsAny(shape, atLike) {
		return refuse()
	}
	if strings.Count(shape, "@") > 1 {
		return refuse()
	}
	if i := strings.LastIndexByte(shape, '@'); i >= 0 {
		dom := strings.ToLower(strings.TrimSuffix(shape[i+1:], "."))
		if dom != addr.Domain && dom != strings.ToLower(addr.DomainUnicode) {
			return refuse()
		}
	}
	if i := strings.IndexByte(shape, '\\'); i >= 0 {
		// DOMAIN\user: only the address's own domain (or its first label,
		// the usual NetBIOS name) may stand before the backslash.
		pre := strings.ToLower(shape[:i])
		first, _, _ := strings.Cut(addr.Domain, ".")
		if strings.ContainsRune(shape[i+1:], '\\') || (pre != addr.Domain && pre != first) {
			return refuse()
		}
	}
	return nil
}

// CheckLogin refuses a literal login (no placeholders, e.g. an
// Autodiscover <LoginName>) that names a user of another domain than
// addr's, by the same rules as username templates: two '@', DOMAIN\user of
// another domain, a fullwidth or small '@', or an '@' followed by another
// domain.
func CheckLogin(login string, addr profiles.Address) error {
	if login == addr.String() || login == addr.Local {
		return nil
	}
	if strings.ContainsFunc(login, func(r rune) bool { return r < ' ' || r == 0x7f }) {
		return fmt.Errorf("login contains control characters")
	}
	return foreignLogin(login, addr)
}
