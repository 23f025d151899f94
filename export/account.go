// Package export writes ready-to-import mail account profiles: Apple
// .mobileconfig, Outlook .prf, Thunderbird prefs, profile zip and direct
// install, autoconfig XML, K-9 .k9s, Autodiscover POX and the Thunderbird for
// Android QR code. Every writer is deterministic: nothing random or
// time-based is produced inside (UUIDs are derived from the address, dates
// are injected through Options).
package export

import (
	"crypto/sha1"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"mailsetup/profiles"
)

// Account is the account to export: whose address, the display name put in
// sent mail and which incoming protocol the user chose.
type Account struct {
	// Address is the e-mail address.
	Address profiles.Address
	// DisplayName is the sender name; empty means Address.Name, then the address.
	DisplayName string
	// Incoming is profiles.IMAP or profiles.POP3; empty picks the recommended server.
	Incoming profiles.Protocol
}

// Options changes what a writer puts in the file.
type Options struct {
	// IncludePassword writes Password into formats that can hold one
	// (mobileconfig, k9, qr). Without it no password is ever written.
	IncludePassword bool
	// Password is the account password, used only with IncludePassword.
	Password string
	// Signer signs a mobileconfig (CMS SignedData, DER); nil leaves it unsigned.
	Signer *Signer
	// Organization is shown by Apple devices and written into the PRF; optional.
	Organization string
	// IdentifierPrefix is the reverse-DNS prefix of Apple payload identifiers;
	// empty means DefaultIdentifierPrefix.
	IdentifierPrefix string
	// ProfileUUID and PayloadUUID override the derived Apple UUIDs, and
	// AccountUUID the K-9 account UUID (tests, IT tooling).
	ProfileUUID, PayloadUUID, AccountUUID string
	// ModTime is the modification time stored in zip entries; zero means
	// 1980-01-01 00:00 UTC so that the zip is byte-for-byte reproducible.
	ModTime time.Time
	// DeleteFromServer turns off "leave a copy on the server" for a POP3
	// account: the PRF, Thunderbird (prefs, zip, install) and autoconfig
	// writers let the client delete a message from the server once it is
	// downloaded, and the .k9s deletes it from the server when it is deleted
	// on the phone (Thunderbird for Android has no "delete after download").
	// The zero value keeps a copy on the server. IMAP ignores it.
	DeleteFromServer bool
	// Lang is the language of the texts a device shows while it installs
	// the file (the .mobileconfig names and descriptions, from
	// assets/translations/export.<lang>.json); empty means English.
	Lang string
}

// DefaultIdentifierPrefix is the reverse-DNS prefix of mobileconfig identifiers.
const DefaultIdentifierPrefix = "app.mailsetup"

// ErrNoServer means the Config lacks the incoming or outgoing server needed.
var ErrNoServer = errors.New("export: no server")

// ErrCannotSignIn means the file would import but the client could never
// sign in with it (for example a password profile for a provider that only
// allows OAuth2): nothing is written, and the wrapped message says what to
// do instead.
var ErrCannotSignIn = errors.New("export: the client could not sign in with this file")

// resolved is an Account with its servers chosen and usernames expanded.
type resolved struct {
	Email    string // ASCII-domain address
	Name     string // sanitised display name, never empty
	Domain   string
	Provider string // provider name or domain
	In, Out  profiles.Server
	InUser   string
	OutUser  string
	Password string // empty unless requested
	// DeleteFromServer is Options.DeleteFromServer.
	DeleteFromServer bool
}

// withoutPassword is opts for writers that never hold a password.
func withoutPassword(opts Options) Options {
	opts.IncludePassword, opts.Password = false, ""
	return opts
}

func resolve(cfg *profiles.Config, acct Account, opts Options) (*resolved, error) {
	if cfg == nil {
		return nil, fmt.Errorf("%w: no settings were given", ErrNoServer)
	}
	addr := acct.Address
	if addr.IsZero() {
		a, err := cfg.Addr()
		if err != nil {
			return nil, fmt.Errorf("export: %w", err)
		}
		addr = a
	}
	var in profiles.Server
	var ok bool
	switch acct.Incoming {
	case "":
		in, ok = cfg.RecommendedIncoming()
	case profiles.IMAP, profiles.POP3:
		in, ok = cfg.FirstIncoming(acct.Incoming)
	default:
		return nil, fmt.Errorf("export: incoming protocol must be imap or pop3, not %q", acct.Incoming)
	}
	if !ok {
		p := string(acct.Incoming)
		if p == "" {
			p = "incoming"
		}
		return nil, fmt.Errorf("%w: the settings have no %s server for %s", ErrNoServer, p, addr)
	}
	out, ok := cfg.RecommendedOutgoing()
	if !ok {
		return nil, fmt.Errorf("%w: the settings have no outgoing (SMTP) server for %s", ErrNoServer, addr)
	}
	if err := in.Validate(); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	if err := out.Validate(); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	r := &resolved{Email: addr.String(), Domain: addr.Domain, In: in, Out: out, DeleteFromServer: opts.DeleteFromServer}
	r.Name = CleanText(acct.DisplayName)
	if r.Name == "" {
		r.Name = CleanText(addr.Name)
	}
	if r.Name == "" {
		r.Name = r.Email
	}
	r.Provider = CleanText(cfg.Provider.Name)
	if r.Provider == "" {
		r.Provider = addr.Domain
	}
	r.InUser = username(in, addr)
	r.OutUser = username(out, addr)
	if opts.IncludePassword {
		if !utf8.ValidString(opts.Password) || strings.ContainsFunc(opts.Password, func(c rune) bool { return unicode.IsControl(c) || c == 0xFFFE || c == 0xFFFF }) {
			return nil, errors.New("export: the password contains a line break, control character or invalid text, which profile files cannot hold")
		}
		r.Password = opts.Password
	}
	return r, nil
}

func username(s profiles.Server, addr profiles.Address) string {
	// Discovery has already filled the placeholders in; a login that is the
	// address or its local part is taken as it is, so an address that itself
	// holds "%EMAILDOMAIN%" (legal in a local part) is not expanded a second
	// time (reliability.md L17).
	if s.Username == addr.String() || s.Username == addr.Local {
		return CleanText(s.Username)
	}
	if u := CleanText(profiles.ExpandUsername(s.Username, addr)); u != "" {
		return u
	}
	return addr.String()
}

// CleanText removes what no profile format can carry in a one-line field:
// line breaks, tabs and other control characters (each becomes a space, runs
// of spaces collapse), and trims the ends. Everything else (quotes, <, &, =,
// emoji, any script) is kept; the writers escape it.
func CleanText(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || r == '\uFEFF' {
			r = ' '
		}
		if r == 0xFFFE || r == 0xFFFF { // not allowed in XML
			r = unicode.ReplacementChar
		}
		if r == ' ' {
			if space {
				continue
			}
			space = true
		} else {
			space = false
		}
		b.WriteRune(r)
	}
	return strings.TrimSpace(b.String())
}

// uuidNamespace is the UUIDv5 namespace of mailsetup's derived UUIDs.
var uuidNamespace = [16]byte{0x6d, 0x61, 0x69, 0x6c, 0x73, 0x65, 0x74, 0x75, 0x70, 0x2d, 0x45, 0x78, 0x70, 0x6f, 0x72, 0x74}

// DeriveUUID returns the RFC 4122 version-5 UUID (SHA-1 of mailsetup's
// namespace and name) in upper-case canonical form, so that the same address
// always yields the same UUID.
func DeriveUUID(name string) string {
	h := sha1.New()
	h.Write(uuidNamespace[:])
	h.Write([]byte(name))
	sum := h.Sum(nil)
	sum[6] = sum[6]&0x0f | 0x50
	sum[8] = sum[8]&0x3f | 0x80
	return fmt.Sprintf("%X-%X-%X-%X-%X", sum[0:4], sum[4:6], sum[6:8], sum[8:10], sum[10:16])
}

// identSlug turns an address into a reverse-DNS-safe identifier part.
func identSlug(email string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(email) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	return b.String()
}

func hasAuth(s profiles.Server, m profiles.AuthMethod) bool {
	for _, a := range s.Auth {
		if a == m {
			return true
		}
	}
	return false
}

// pickAuth returns the first of the server's sign-in methods that the
// target client can use (an empty list means the password). ok is false when
// the client supports none of them.
func pickAuth(s profiles.Server, supported ...profiles.AuthMethod) (profiles.AuthMethod, bool) {
	if len(s.Auth) == 0 {
		s.Auth = []profiles.AuthMethod{profiles.AuthPassword}
	}
	for _, a := range s.Auth {
		for _, x := range supported {
			if a == x {
				return a, true
			}
		}
	}
	return "", false
}

// authNames lists a server's methods for an error message ("ntlm, gssapi").
func authNames(s profiles.Server) string {
	var n []string
	for _, a := range s.Auth {
		n = append(n, string(a))
	}
	return strings.Join(n, ", ")
}

// cannotSignIn returns ErrCannotSignIn for format with the sentence why and
// what to do instead.
func cannotSignIn(format, why string) error {
	return fmt.Errorf("%w: %s: %s", ErrCannotSignIn, format, why)
}
