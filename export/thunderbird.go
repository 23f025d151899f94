package export

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"mailsetup/profiles"
)

// Pref is one Thunderbird preference line: user_pref(Name, Value).
// Value is a string, an int or a bool.
type Pref struct {
	Name  string
	Value any
}

// tbKeys are the keys an account uses in a prefs file.
type tbKeys struct {
	Account, Server, Identity, SMTP string
}

func tbSocket(s profiles.Security) int {
	switch s {
	case profiles.SecurityTLS:
		return 3
	case profiles.SecuritySTARTTLS:
		return 2
	}
	return 0
}

// tbMethods are the sign-ins Thunderbird desktop has (MailNewsTypes2.idl
// nsMsgAuthMethod); OAuth2 only for the hosts it knows (tbKnowsOAuth).
var tbMethods = []profiles.AuthMethod{profiles.AuthPassword, profiles.AuthPasswordEncrypted, profiles.AuthNTLM, profiles.AuthGSSAPI, profiles.AuthClientCert, profiles.AuthNone, profiles.AuthOAuth2}

// tbAuth is the authMethod pref value (MailNewsTypes2.idl:78-106) of the
// first method of s Thunderbird can use; ok is false when there is none.
func tbAuth(s profiles.Server) (int, bool) {
	a, ok := pickAuth(s, withoutOAuthUnless(s, tbKnowsOAuth, tbMethods)...)
	switch a {
	case profiles.AuthNone:
		return 1, ok
	case profiles.AuthPasswordEncrypted:
		if !hasAuth(s, profiles.AuthPassword) {
			return 4, ok
		}
	case profiles.AuthNTLM:
		return 6, ok
	case profiles.AuthGSSAPI:
		return 5, ok
	case profiles.AuthClientCert:
		return 7, ok
	case profiles.AuthOAuth2:
		return 10, ok
	}
	return 3, ok
}

// tbCheck refuses an account Thunderbird could not sign in to: OAuth2 as
// the only method on a host Thunderbird has no OAuth2 settings for.
func tbCheck(format string, r *resolved) error {
	for _, s := range []profiles.Server{r.In, r.Out} {
		if _, ok := tbAuth(s); !ok {
			return cannotSignIn(format, "Thunderbird can sign in to "+s.Host+" only with "+authNames(s)+", and it has OAuth2 only for the providers it knows (OAuth2Providers); add the account in Thunderbird by hand")
		}
	}
	return nil
}

// tbAuthValue is tbAuth's value; callers checked with tbCheck.
func tbAuthValue(s profiles.Server) int {
	v, _ := tbAuth(s)
	return v
}

// accountPrefs returns the server, identity and SMTP prefs of r under keys k
// (not the list prefs).
func accountPrefs(r *resolved, k tbKeys) []Pref {
	srv := "mail.server." + k.Server + "."
	id := "mail.identity." + k.Identity + "."
	smtp := "mail.smtpserver." + k.SMTP + "."
	ps := []Pref{
		{"mail.account." + k.Account + ".server", k.Server},
		{"mail.account." + k.Account + ".identities", k.Identity},
		{srv + "type", string(r.In.Protocol)},
		{srv + "hostname", r.In.Host},
		{srv + "port", r.In.Port},
		{srv + "socketType", tbSocket(r.In.Security)},
		{srv + "authMethod", tbAuthValue(r.In)},
		{srv + "userName", r.InUser},
		{srv + "name", r.Email},
		{srv + "login_at_startup", true},
	}
	if r.In.Protocol == profiles.POP3 {
		ps = append(ps, Pref{srv + "leave_on_server", !r.DeleteFromServer}, Pref{srv + "download_on_biff", true})
	}
	ps = append(ps,
		Pref{id + "fullName", r.Name},
		Pref{id + "useremail", r.Email},
		Pref{id + "smtpServer", k.SMTP},
		Pref{id + "valid", true},
		Pref{smtp + "type", "smtp"},
		Pref{smtp + "hostname", r.Out.Host},
		Pref{smtp + "port", r.Out.Port},
		Pref{smtp + "try_ssl", tbSocket(r.Out.Security)},
		Pref{smtp + "authMethod", tbAuthValue(r.Out)},
		Pref{smtp + "username", r.OutUser},
		Pref{smtp + "description", r.Provider},
	)
	return ps
}

// snapshotPrefs is a whole single-account prefs file. It has no
// mail.account.lastKey: without it Thunderbird takes the highest accountN
// in use (nsMsgAccountManager.cpp:309-335, GetUniqueAccountKey), so the
// next account it creates can never reuse account1.
func snapshotPrefs(r *resolved) []Pref {
	k := tbKeys{"account1", "server1", "id1", "smtp1"}
	ps := []Pref{
		{"mail.accountmanager.accounts", "account1"},
		{"mail.accountmanager.defaultaccount", "account1"},
		{"mail.smtpservers", "smtp1"},
		{"mail.smtp.defaultserver", "smtp1"},
	}
	return append(ps, accountPrefs(r, k)...)
}

// QuotePref returns s as a libpref string literal: double quotes, with
// backslash, quote and control characters escaped; everything else UTF-8.
func QuotePref(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x20 || r == 0x7f || r == '\u2028' || r == '\u2029':
			if r == 0 {
				continue // \u0000 is forbidden in prefs
			}
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// FormatPref returns one user_pref line without the line end.
func FormatPref(p Pref) string {
	var v string
	switch x := p.Value.(type) {
	case string:
		v = QuotePref(x)
	case int:
		v = strconv.Itoa(x)
	case bool:
		v = strconv.FormatBool(x)
	default:
		v = QuotePref(fmt.Sprint(x))
	}
	return "user_pref(" + QuotePref(p.Name) + ", " + v + ");"
}

func writePrefs(w io.Writer, header string, ps []Pref) error {
	var b strings.Builder
	b.WriteString(header)
	for _, p := range ps {
		b.WriteString(FormatPref(p))
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteThunderbirdPrefs writes the prefs.js of a new one-account
// Thunderbird profile (keys account1, server1, id1, smtp1), to be saved as
// prefs.js in a new, empty profile folder while Thunderbird is closed.
// Thunderbird reads prefs.js once at start and then writes it itself
// (Local Folders and every account added later included), so nothing in it
// is pinned. It must not be saved as user.js: Thunderbird applies user.js
// again at every start, and the account list in it would then hide Local
// Folders and make the next account reuse a key. For a profile that has
// accounts the zip or the direct install is the way. Thunderbird keeps
// passwords outside prefs, so none is written.
func WriteThunderbirdPrefs(w io.Writer, cfg *profiles.Config, acct Account, opts Options) error {
	r, err := resolve(cfg, acct, withoutPassword(opts))
	if err != nil {
		return err
	}
	if err := tbCheck("thunderbird", r); err != nil {
		return err
	}
	header := "// Mozilla User Preferences\n" +
		"// Thunderbird account " + strings.ReplaceAll(r.Email, "*/", "") + " (" + strings.ToUpper(string(r.In.Protocol)) + " + SMTP), made by mailsetup.\n" +
		"// Save this file as prefs.js in a NEW, EMPTY profile folder while Thunderbird is closed\n" +
		"// (thunderbird -ProfileManager makes one). Thunderbird reads it once and keeps it up to date itself.\n" +
		"// Never save it as user.js: user.js is applied again at every start and would hide Local Folders\n" +
		"// and accounts you add later. For a profile that already has accounts, use the thunderbird-zip\n" +
		"// export (Tools > Import) or \"mailsetup thunderbird-install\".\n\n"
	return writePrefs(w, header, snapshotPrefs(r))
}

// WriteThunderbirdZip writes a zip holding only prefs.js with the account,
// for Thunderbird's Tools → Import → "Import from another Thunderbird
// installation" (zip file). Thunderbird re-keys the imported account and
// appends it, leaving existing accounts alone.
func WriteThunderbirdZip(w io.Writer, cfg *profiles.Config, acct Account, opts Options) error {
	r, err := resolve(cfg, acct, withoutPassword(opts))
	if err != nil {
		return err
	}
	if err := tbCheck("thunderbird-zip", r); err != nil {
		return err
	}
	var prefs bytes.Buffer
	if err := writePrefs(&prefs, "// Mozilla User Preferences\n\n", snapshotPrefs(r)); err != nil {
		return err
	}
	mt := opts.ModTime
	if mt.IsZero() {
		mt = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	zw := zip.NewWriter(w)
	f, err := zw.CreateHeader(&zip.FileHeader{Name: "prefs.js", Method: zip.Deflate, Modified: mt.UTC()})
	if err != nil {
		return fmt.Errorf("export: thunderbird zip: %w", err)
	}
	if _, err := f.Write(prefs.Bytes()); err != nil {
		return fmt.Errorf("export: thunderbird zip: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("export: thunderbird zip: %w", err)
	}
	return nil
}
