package profiles

import (
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// Limits from RFC 5321 §4.5.3.1 and RFC 1035 §2.3.4.
const (
	maxAddressLength = 254
	maxLocalLength   = 64
	maxLabelLength   = 63
)

// AddressField names the part of an address an AddressError is about.
type AddressField string

// The fields an AddressError can name.
const (
	FieldAddress AddressField = "address"
	FieldLocal   AddressField = "local part"
	FieldDomain  AddressField = "domain"
)

// AddressReason is a stable, machine-readable reason an address was rejected.
type AddressReason string

// The reasons ParseAddress rejects an address for.
const (
	ReasonEmpty         AddressReason = "empty"
	ReasonNoAt          AddressReason = "no-at"
	ReasonManyAt        AddressReason = "many-at"
	ReasonSpace         AddressReason = "space"
	ReasonControl       AddressReason = "control-character"
	ReasonNoDot         AddressReason = "no-dot"
	ReasonLabelTooLong  AddressReason = "label-too-long"
	ReasonTooLong       AddressReason = "too-long"
	ReasonInvalidDomain AddressReason = "invalid-domain"
	ReasonInvalidLocal  AddressReason = "invalid-local-part"
	ReasonEncoding      AddressReason = "invalid-encoding"
)

// AddressError reports why a typed address was rejected: which field is wrong
// and why, in a form the window can translate (Reason) and a plain English
// sentence (Error).
type AddressError struct {
	Field  AddressField
	Reason AddressReason
	Detail string // extra words for the English message, may be empty
}

func (e *AddressError) Error() string { return "address: " + e.Sentence() }

// addressFieldIDs names the fields of an AddressError in translation keys.
var addressFieldIDs = map[AddressField]string{
	FieldAddress: "address",
	FieldLocal:   "local",
	FieldDomain:  "domain",
}

// MessageKeys are the translation keys that say this problem to a person,
// most specific first: "address.err.<reason>.<field>", then
// "address.err.<reason>" (assets/translations/address.<lang>.json).
// i18n.Err renders an AddressError with them.
func (e *AddressError) MessageKeys() []string {
	return []string{
		"address.err." + string(e.Reason) + "." + addressFieldIDs[e.Field],
		"address.err." + string(e.Reason),
	}
}

// Sentence is the problem as a plain English sentence, without the
// "address: " prefix Error adds: what a person reads when no translation
// is at hand ("the domain has no dot: it should look like example.com").
func (e *AddressError) Sentence() string {
	var msg string
	switch e.Reason {
	case ReasonEmpty:
		msg = "the " + string(e.Field) + " is empty"
	case ReasonNoAt:
		msg = `the address has no "@": it should look like name@example.com`
	case ReasonManyAt:
		msg = `the address has more than one "@"`
	case ReasonSpace:
		msg = "the " + string(e.Field) + " contains a space"
	case ReasonControl:
		msg = "the " + string(e.Field) + " contains an invisible control character"
	case ReasonNoDot:
		msg = `the domain has no dot: it should look like example.com`
	case ReasonLabelTooLong:
		msg = "a part of the domain is longer than 63 characters"
	case ReasonTooLong:
		msg = "the " + string(e.Field) + " is too long"
	case ReasonInvalidDomain:
		msg = "the domain is not a valid internet name"
	case ReasonInvalidLocal:
		msg = "the part before the @ is not valid"
	case ReasonEncoding:
		msg = "the text is not valid UTF-8"
	default:
		msg = "the " + string(e.Field) + " is not valid"
	}
	if e.Detail != "" {
		msg += " (" + e.Detail + ")"
	}
	return msg
}

// ErrInvalidAddress matches every *AddressError with errors.Is.
var ErrInvalidAddress = errors.New("address: invalid")

// Is lets errors.Is(err, ErrInvalidAddress) match any AddressError.
func (e *AddressError) Is(target error) bool { return target == ErrInvalidAddress }

// Address is an e-mail address as a person typed it, checked and normalised.
// The local part is kept exactly as typed; the domain is lower-cased and held
// both in ASCII (punycode, for DNS, TLS and logins) and in Unicode (for people).
type Address struct {
	// Name is a display name pasted in with the address ("Ivan <ivan@mail.ru>"), or "".
	Name string
	// Local is the part before the "@", as typed.
	Local string
	// Domain is the domain in lower-case ASCII (A-labels), e.g. "xn--80a1acny.xn--p1ai".
	Domain string
	// DomainUnicode is the domain in Unicode (U-labels), e.g. "почта.рф".
	DomainUnicode string
}

// String returns the address in ASCII form, local@domain, as servers want it.
func (a Address) String() string {
	if a.Local == "" && a.Domain == "" {
		return ""
	}
	return a.Local + "@" + a.Domain
}

// Unicode returns the address with its domain in Unicode, for display.
func (a Address) Unicode() string {
	if a.Local == "" && a.Domain == "" {
		return ""
	}
	return a.Local + "@" + a.DomainUnicode
}

// IsZero reports whether a is the zero Address.
func (a Address) IsZero() bool { return a.Local == "" && a.Domain == "" }

// BaseLocal returns the local part without a "+tag" subaddress
// ("ivan+shop" → "ivan"). It returns Local unchanged when there is no tag.
func (a Address) BaseLocal() string {
	if i := strings.IndexByte(a.Local, '+'); i > 0 {
		return a.Local[:i]
	}
	return a.Local
}

// ParseAddress checks and normalises what a person typed into an address
// field. Surrounding space is trimmed; "Name <addr>" is accepted. The error,
// if any, is an *AddressError.
func ParseAddress(typed string) (Address, error) {
	s := strings.TrimSpace(typed)
	if s == "" {
		return Address{}, &AddressError{Field: FieldAddress, Reason: ReasonEmpty}
	}
	if len(s) > 4*maxAddressLength {
		return Address{}, &AddressError{Field: FieldAddress, Reason: ReasonTooLong}
	}
	if !utf8.ValidString(s) {
		return Address{}, &AddressError{Field: FieldAddress, Reason: ReasonEncoding}
	}
	if i := strings.IndexFunc(s, isControl); i >= 0 {
		return Address{}, &AddressError{Field: FieldAddress, Reason: ReasonControl, Detail: fmt.Sprintf("at position %d", utf8.RuneCountInString(s[:i])+1)}
	}
	if invisibleJoiner(s) {
		i := strings.IndexRune(s, '\u200d')
		return Address{}, &AddressError{Field: FieldAddress, Reason: ReasonControl, Detail: fmt.Sprintf("at position %d", utf8.RuneCountInString(s[:i])+1)}
	}
	var name string
	if strings.ContainsAny(s, "<>") {
		parsed, err := mail.ParseAddress(s)
		if err != nil {
			return Address{}, &AddressError{Field: FieldAddress, Reason: ReasonInvalidLocal, Detail: "could not read the name and address"}
		}
		name, s = strings.TrimSpace(parsed.Name), parsed.Address
	}
	switch n := strings.Count(s, "@"); {
	case n == 0:
		return Address{}, &AddressError{Field: FieldAddress, Reason: ReasonNoAt}
	case n > 1:
		return Address{}, &AddressError{Field: FieldAddress, Reason: ReasonManyAt}
	}
	at := strings.IndexByte(s, '@')
	local, domain := s[:at], s[at+1:]
	if local == "" {
		return Address{}, &AddressError{Field: FieldLocal, Reason: ReasonEmpty}
	}
	if domain == "" {
		return Address{}, &AddressError{Field: FieldDomain, Reason: ReasonEmpty}
	}
	if strings.ContainsFunc(local, unicode.IsSpace) {
		return Address{}, &AddressError{Field: FieldLocal, Reason: ReasonSpace}
	}
	if strings.ContainsFunc(domain, unicode.IsSpace) {
		return Address{}, &AddressError{Field: FieldDomain, Reason: ReasonSpace}
	}
	if len(local) > maxLocalLength {
		return Address{}, &AddressError{Field: FieldLocal, Reason: ReasonTooLong, Detail: fmt.Sprintf("%d characters, at most %d", len(local), maxLocalLength)}
	}
	if err := checkLocal(local); err != nil {
		return Address{}, err
	}
	ascii, uni, err := NormalizeDomain(domain)
	if err != nil {
		return Address{}, err
	}
	addr := Address{Name: name, Local: local, Domain: ascii, DomainUnicode: uni}
	if n := len(addr.String()); n > maxAddressLength {
		return Address{}, &AddressError{Field: FieldAddress, Reason: ReasonTooLong, Detail: fmt.Sprintf("%d characters, at most %d", n, maxAddressLength)}
	}
	return addr, nil
}

// checkLocal rejects local parts no mail server would accept: characters
// outside RFC 5322's atext and dots, apart from UTF-8 (RFC 6531).
func checkLocal(local string) error {
	if strings.HasPrefix(local, `"`) {
		return checkQuotedLocal(local)
	}
	if strings.HasPrefix(local, ".") || strings.HasSuffix(local, ".") || strings.Contains(local, "..") {
		return &AddressError{Field: FieldLocal, Reason: ReasonInvalidLocal, Detail: "dots at the start, end or twice in a row"}
	}
	for _, r := range local {
		if r >= utf8.RuneSelf {
			continue
		}
		if ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') || ('0' <= r && r <= '9') || strings.ContainsRune("!#$%&'*+-/=?^_`{|}~.", r) {
			continue
		}
		return &AddressError{Field: FieldLocal, Reason: ReasonInvalidLocal, Detail: fmt.Sprintf("the character %q", r)}
	}
	return nil
}

// checkQuotedLocal accepts a quoted local part only as RFC 5322 §3.2.4
// writes one: a quote, then at least one qtext character (printable ASCII
// other than the quote and the backslash, or UTF-8 as RFC 6532 allows) or
// quoted-pair (a backslash and a printable character), then a closing
// quote that ends the local part. ("", "a"b", "\" are refused.)
func checkQuotedLocal(local string) error {
	bad := func(detail string) error {
		return &AddressError{Field: FieldLocal, Reason: ReasonInvalidLocal, Detail: detail}
	}
	body := local[1:]
	n := 0
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch {
		case c == '"':
			if i != len(body)-1 {
				return bad("text after the closing quote")
			}
			if n == 0 {
				return bad("nothing between the quotes")
			}
			return nil
		case c == '\\':
			if i+1 >= len(body)-1 || body[i+1] < 0x20 || body[i+1] == 0x7f {
				return bad("a backslash with nothing after it inside the quotes")
			}
			i++
		case c < 0x20 || c == 0x7f:
			return bad(fmt.Sprintf("the character %q inside the quotes", rune(c)))
		}
		n++
	}
	return bad("a quote that is never closed")
}

// isControl reports characters that have no place in an address: controls,
// line separators and invisible format characters (Cf: zero-width spaces,
// bidi overrides). The zero-width joiner U+200D is part of how some scripts
// and emoji are written, so it is allowed only between two non-ASCII
// characters (see invisibleJoiner): between ASCII letters it only makes an
// address that looks like another.
func isControl(r rune) bool {
	return unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || unicode.Is(unicode.Cf, r) && r != '\u200d'
}

// invisibleJoiner reports a zero-width joiner (U+200D) with an ASCII
// character (or nothing) on either side, where it joins nothing visible.
func invisibleJoiner(s string) bool {
	rs := []rune(s)
	for i, r := range rs {
		if r != '\u200d' {
			continue
		}
		if i == 0 || i == len(rs)-1 || rs[i-1] < utf8.RuneSelf || rs[i+1] < utf8.RuneSelf {
			return true
		}
	}
	return false
}

var domainProfile = idna.New(
	idna.MapForLookup(),
	idna.BidiRule(),
	idna.Transitional(false),
	idna.StrictDomainName(true),
	idna.VerifyDNSLength(true),
)

// NormalizeDomain converts a domain typed in any form (Unicode, punycode,
// mixed case, with a trailing dot) into its lower-case ASCII form and its
// Unicode form. The error, if any, is an *AddressError for FieldDomain.
func NormalizeDomain(domain string) (ascii, unicodeForm string, err error) {
	d := strings.TrimSuffix(strings.TrimSpace(domain), ".")
	if d == "" {
		return "", "", &AddressError{Field: FieldDomain, Reason: ReasonEmpty}
	}
	if !utf8.ValidString(d) {
		return "", "", &AddressError{Field: FieldDomain, Reason: ReasonEncoding}
	}
	if strings.ContainsFunc(d, isControl) {
		return "", "", &AddressError{Field: FieldDomain, Reason: ReasonControl}
	}
	if strings.ContainsFunc(d, unicode.IsSpace) {
		return "", "", &AddressError{Field: FieldDomain, Reason: ReasonSpace}
	}
	// Check label lengths on the typed form first, for a clear message.
	for _, label := range strings.Split(d, ".") {
		if len(label) > maxLabelLength && isASCII(label) {
			return "", "", &AddressError{Field: FieldDomain, Reason: ReasonLabelTooLong, Detail: fmt.Sprintf("%d characters", len(label))}
		}
	}
	if strings.HasPrefix(d, "[") {
		return "", "", &AddressError{Field: FieldDomain, Reason: ReasonInvalidDomain, Detail: "an IP address cannot be used: mail programs need the domain name"}
	}
	a, err := domainProfile.ToASCII(d)
	if err != nil {
		if strings.Contains(err.Error(), "label") && strings.Contains(err.Error(), "length") {
			return "", "", &AddressError{Field: FieldDomain, Reason: ReasonLabelTooLong}
		}
		return "", "", &AddressError{Field: FieldDomain, Reason: ReasonInvalidDomain, Detail: idnaDetail(err)}
	}
	a = strings.ToLower(a)
	labels := strings.Split(a, ".")
	if len(labels) < 2 {
		return "", "", &AddressError{Field: FieldDomain, Reason: ReasonNoDot}
	}
	for _, label := range labels {
		if label == "" {
			return "", "", &AddressError{Field: FieldDomain, Reason: ReasonInvalidDomain, Detail: "two dots in a row"}
		}
		if len(label) > maxLabelLength {
			return "", "", &AddressError{Field: FieldDomain, Reason: ReasonLabelTooLong, Detail: fmt.Sprintf("%d characters", len(label))}
		}
	}
	if tld := labels[len(labels)-1]; isAllDigits(tld) {
		return "", "", &AddressError{Field: FieldDomain, Reason: ReasonInvalidDomain, Detail: "an IP address cannot be used: mail programs need the domain name"}
	}
	u, err := idna.Display.ToUnicode(a)
	if err != nil {
		u = a
	}
	return a, u, nil
}

func idnaDetail(err error) string {
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 {
		msg = msg[i+2:]
	}
	return strings.TrimPrefix(msg, "idna: ")
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func isAllDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
