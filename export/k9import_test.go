package export

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"mailsetup/profiles"
)

// The rules below are Thunderbird for Android's importer, read at
// thunderbird/thunderbird-android@a59bd679859d (2026-08-20, Settings.VERSION 111).
// Paths are under legacy/core/src/main/java/com/fsck/k9/ unless named in full.

// k9Server is one <incoming-server>/<outgoing-server> as
// preferences/SettingsFileParser.kt:236-293 reads it.
type k9Server struct {
	Type, Host, Port, Security, Auth, Username string
	Password                                   *string
}

// k9Imported is what the importer keeps of one account.
type k9Imported struct {
	UUID, Name         string
	Settings           map[string]string
	Incoming, Outgoing *k9Server
	Identities         []k9Identity
	// OutgoingPasswordNeeded is SettingsImporter.kt:182-186.
	OutgoingPasswordNeeded bool
}

// k9Values are the value sets the importer validates against.
var k9Values = map[string][]string{
	// ServerSettingsDescriptions.kt:30-48 (content version 92+)
	"connection-security": {"NONE", "STARTTLS_REQUIRED", "SSL_TLS_REQUIRED"},
	// ServerSettingsDescriptions.kt:49-77 (content version 95+)
	"authentication-type": {"PLAIN", "CRAM_MD5", "EXTERNAL", "XOAUTH2", "NONE"},
	// AccountSettingsDescriptions.java:437-447 DeletePolicySetting mapping;
	// Settings.java:76 reads file values with fromPrettyString. An unknown
	// value silently becomes the default NEVER (Settings.java:79-86), so a
	// wrong spelling would not fail: the test compares the exact value.
	"deletePolicy": {"NEVER", "DELETE", "MARK_AS_READ"},
}

func oneOf(v string, set []string) bool {
	for _, s := range set {
		if v == s {
			return true
		}
	}
	return false
}

// k9EmailRE is EmailAddressValidator.kt:14-25 transcribed (Java's \p{Graph}
// and \p{Blank} are ASCII-only without UNICODE_CHARACTER_CLASS).
var k9EmailRE = regexp.MustCompile("^([0-9a-zA-Z!#$%&'*+\\-/=?^_`{|}~]+(\\.[0-9a-zA-Z!#$%&'*+\\-/=?^_`{|}~]+)*|\"([\\x21\\x23-\\x5b\\x5d-\\x7e \\t]|\\\\[\\x21-\\x7e \\t])+\")" +
	"@(((([a-zA-Z0-9]([a-zA-Z0-9]|\\-|_)*[a-zA-Z0-9])|[a-zA-Z0-9])\\.)+(([a-zA-Z]([a-zA-Z0-9]|\\-|_)*[a-zA-Z0-9])|[a-zA-Z])|(([a-zA-Z0-9]([a-zA-Z0-9]|\\-|_)*[a-zA-Z0-9])|[a-zA-Z0-9]))$")

var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// k9Import reads a .k9s element by element as SettingsFileParser.kt does
// and validates it as SettingsImporter/AccountSettingsValidator do; an error
// is what makes the app reject the file or the account.
func k9Import(data []byte) ([]k9Imported, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	var path []string
	var accs []k9Imported
	var cur *k9Imported
	var srv *k9Server
	var key, idName, idEmail string
	var text strings.Builder
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			path = append(path, t.Name.Local)
			text.Reset()
			attr := func(n string) string {
				for _, a := range t.Attr {
					if a.Name.Local == n {
						return a.Value
					}
				}
				return ""
			}
			p := strings.Join(path, "/")
			switch p {
			case "k9settings":
				// SettingsFileParser.kt:68-71 and 110-114; SettingsExporter.kt:508-512.
				if attr("format") != "1" {
					return nil, fmt.Errorf("Unsupported file format version: %s", attr("format"))
				}
				if v, err := strconv.Atoi(attr("version")); err != nil || v <= 0 {
					return nil, fmt.Errorf("Invalid content version: %s", attr("version"))
				} else if v < 95 {
					return nil, fmt.Errorf("content version %d predates the authentication values used here", v)
				}
			case "k9settings/accounts/account":
				accs = append(accs, k9Imported{UUID: attr("uuid"), Settings: map[string]string{}})
				cur = &accs[len(accs)-1]
				if !uuidRE.MatchString(cur.UUID) { // SettingsFileParser.kt:223-234
					return nil, fmt.Errorf("invalid account UUID %q: the account is skipped", cur.UUID)
				}
			case "k9settings/accounts/account/incoming-server", "k9settings/accounts/account/outgoing-server":
				srv = &k9Server{Type: attr("type")}
			case "k9settings/accounts/account/settings/value":
				key = attr("key")
			case "k9settings/accounts/account/identities/identity":
				idName, idEmail = "", ""
			}
		case xml.CharData:
			text.Write(t)
		case xml.EndElement:
			p := strings.Join(path, "/")
			v := text.String()
			switch {
			case p == "k9settings/accounts/account/name":
				cur.Name = v
			case p == "k9settings/accounts/account/settings/value":
				cur.Settings[key] = v
			case strings.HasSuffix(p, "-server/host"):
				srv.Host = v
			case strings.HasSuffix(p, "-server/port"):
				srv.Port = v
			case strings.HasSuffix(p, "-server/connection-security"):
				srv.Security = v
			case strings.HasSuffix(p, "-server/authentication-type"):
				srv.Auth = v
			case strings.HasSuffix(p, "-server/username"):
				srv.Username = v
			case strings.HasSuffix(p, "-server/password"):
				pw := v
				srv.Password = &pw
			case p == "k9settings/accounts/account/incoming-server":
				cur.Incoming = srv
			case p == "k9settings/accounts/account/outgoing-server":
				cur.Outgoing = srv
			case p == "k9settings/accounts/account/identities/identity/name":
				idName = v
			case p == "k9settings/accounts/account/identities/identity/email":
				idEmail = v
			case p == "k9settings/accounts/account/identities/identity":
				cur.Identities = append(cur.Identities, k9Identity{idName, idEmail})
			}
			path = path[:len(path)-1]
			text.Reset()
		}
	}
	for i := range accs {
		if err := k9Validate(&accs[i]); err != nil {
			return nil, err
		}
	}
	return accs, nil
}

func k9Validate(a *k9Imported) error {
	// AccountSettingsValidator.kt:31-33, 50-64.
	if a.Incoming == nil || a.Outgoing == nil {
		return errors.New("missing incoming or outgoing server")
	}
	if len(a.Identities) == 0 {
		return errors.New("Missing identities, there should be at least one.")
	}
	for k, v := range a.Settings {
		if set, ok := k9Values[k]; ok && !oneOf(v, set) {
			return fmt.Errorf("setting %s=%q is not one of %v (silently replaced by the default)", k, v, set)
		}
	}
	for _, s := range []*k9Server{a.Incoming, a.Outgoing} {
		// ServerTypeConverter.kt:7 lower-cases the type; ServerSettings.kt:25-27.
		typ := strings.ToLower(s.Type)
		if (s == a.Incoming && typ != "imap" && typ != "pop3") || (s == a.Outgoing && typ != "smtp") {
			return fmt.Errorf("server type %q", s.Type)
		}
		if s.Host == "" {
			return errors.New("missing host")
		}
		if n, err := strconv.Atoi(s.Port); err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("bad port %q", s.Port)
		}
		// ServerSettingsValidator.kt:21-27 plus the value sets.
		if !oneOf(s.Security, k9Values["connection-security"]) {
			return fmt.Errorf("Missing or invalid 'connectionSecurity' value %q", s.Security)
		}
		if !oneOf(s.Auth, k9Values["authentication-type"]) {
			return fmt.Errorf("Missing or invalid 'authenticationType' value %q", s.Auth)
		}
		if strings.ContainsAny(s.Username, "\r\n") || s.Password != nil && strings.ContainsAny(*s.Password, "\r\n") {
			return errors.New("line break in username or password")
		}
	}
	// IdentitySettingsValidator.kt:7-9 → erroneousAccounts (SettingsImporter.kt:97-105).
	for _, id := range a.Identities {
		if !k9EmailRE.MatchString(id.Email) {
			return fmt.Errorf("Invalid email address: %s", id.Email)
		}
	}
	o := a.Outgoing
	a.OutgoingPasswordNeeded = o.Auth != "EXTERNAL" && o.Auth != "XOAUTH2" && o.Username != "" && (o.Password == nil || *o.Password == "")
	return nil
}

// k9Identity is one <identity>.
type k9Identity struct{ Name, Email string }

// qrImported is what Thunderbird for Android's QR reader takes from a payload.
type qrImported struct {
	InProto, InSec, InAuth, OutSec, OutAuth int
	InHost, InUser, Email, Name             string
	InPassword                              *string
}

// qrImport reads a payload as feature/migration/qrcode/.../payload/
// QrCodePayloadAdapter.kt:9-140 does (strict types, element by element) and
// maps the integers as IntValueMapper.kt:13-52 does; an error is what makes
// QrCodePayloadValidator.kt:17-23 reject the whole code.
func qrImport(payload string) (*qrImported, error) {
	var top []json.RawMessage
	if err := json.Unmarshal([]byte(payload), &top); err != nil {
		return nil, err
	}
	if len(top) < 3 {
		return nil, errors.New("short payload")
	}
	var version int
	if err := json.Unmarshal(top[0], &version); err != nil || version != 1 { // :12-17
		return nil, fmt.Errorf("Unsupported version: %s", top[0])
	}
	var misc []int // :32-45
	if err := json.Unmarshal(top[1], &misc); err != nil || len(misc) < 2 || misc[0] != 1 || misc[1] != 1 {
		return nil, fmt.Errorf("misc %s", top[1])
	}
	var in []json.RawMessage // :54-67
	if err := json.Unmarshal(top[2], &in); err != nil || len(in) < 6 || len(in) > 8 {
		return nil, fmt.Errorf("incoming %s", top[2])
	}
	q := &qrImported{}
	var ints [5]int
	for i, j := range []int{0, 2, 3, 4} {
		if err := json.Unmarshal(in[j], &ints[i]); err != nil {
			return nil, fmt.Errorf("incoming element %d is not an int: %s", j, in[j])
		}
	}
	q.InProto, q.InSec, q.InAuth = ints[0], ints[2], ints[3]
	if err := json.Unmarshal(in[1], &q.InHost); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(in[5], &q.InUser); err != nil {
		return nil, err
	}
	if len(in) == 8 {
		var pw string
		if err := json.Unmarshal(in[7], &pw); err != nil {
			return nil, err
		}
		q.InPassword = &pw
	}
	if len(top) != 4 {
		return nil, errors.New("want exactly one account")
	}
	var groups [][]json.RawMessage // :81-129
	if err := json.Unmarshal(top[3], &groups); err != nil || len(groups) != 1 || len(groups[0]) < 2 {
		return nil, fmt.Errorf("outgoing %s", top[3])
	}
	var out []any
	if err := json.Unmarshal(groups[0][0], &out); err != nil || len(out) < 6 || len(out) > 7 {
		return nil, fmt.Errorf("outgoing server %s", groups[0][0])
	}
	for i, j := range []int{0, 2, 3, 4} {
		f, ok := out[j].(float64)
		if !ok {
			return nil, fmt.Errorf("outgoing element %d is not an int", j)
		}
		ints[i] = int(f)
	}
	if ints[0] != 0 { // IntValueMapper.kt:18-22: 0 → SMTP only
		return nil, fmt.Errorf("Unsupported value: %d", ints[0])
	}
	q.OutSec, q.OutAuth = ints[2], ints[3]
	var id []string // :131-140
	if err := json.Unmarshal(groups[0][1], &id); err != nil || len(id) < 2 {
		return nil, fmt.Errorf("identity %s", groups[0][1])
	}
	q.Email, q.Name = id[0], id[1]
	if q.InProto != 0 && q.InProto != 1 { // IntValueMapper.kt:6-12
		return nil, fmt.Errorf("Unsupported value: %d", q.InProto)
	}
	for _, sec := range []int{q.InSec, q.OutSec} { // IntValueMapper.kt:25-38
		if sec < 0 || sec > 3 {
			return nil, fmt.Errorf("Unsupported value: %d", sec)
		}
	}
	for _, a := range []int{q.InAuth, q.OutAuth} { // IntValueMapper.kt:41-52
		switch a {
		case 3:
			return nil, errors.New("Unsupported authentication method: Gssapi")
		case 4:
			return nil, errors.New("Unsupported authentication method: Ntlm")
		case 0, 1, 2, 5, 6:
		default:
			return nil, fmt.Errorf("Unsupported value: %d", a)
		}
	}
	// toUserEmailAddress() with EmailAddressParserConfig.LIMITED: ASCII,
	// no quoted local part; the same validator then runs on the settings
	// file the QR import writes (XmlSettingWriter → SettingsImporter).
	if !k9EmailRE.MatchString(q.Email) || strings.HasPrefix(q.Email, "\"") {
		return nil, fmt.Errorf("Invalid email address: %s", q.Email)
	}
	return q, nil
}

// k9Shapes are the account shapes both Android formats must handle.
func k9Shapes(t *testing.T) []struct {
	name    string
	cfg     *profiles.Config
	acct    Account
	opts    Options
	refused bool
	// wanted values when written
	deletePolicy, inAuth, outAuth, outUser string
	qrIn, qrOut                            int
} {
	t.Helper()
	mk := func(addr string, in, out profiles.Server) (*profiles.Config, Account) {
		a, err := profiles.ParseAddress(addr)
		if err != nil {
			t.Fatal(err)
		}
		return profiles.ManualConfig(a, in, out), Account{Address: a}
	}
	imap := func(auth ...profiles.AuthMethod) profiles.Server {
		return profiles.Server{Protocol: profiles.IMAP, Host: "mail.example.org", Port: 993, Security: profiles.SecurityTLS, Username: "ivan@example.org", Auth: auth}
	}
	pop := profiles.Server{Protocol: profiles.POP3, Host: "mail.example.org", Port: 995, Security: profiles.SecurityTLS, Username: "ivan@example.org"}
	smtp := func(auth ...profiles.AuthMethod) profiles.Server {
		return profiles.Server{Protocol: profiles.SMTP, Host: "mail.example.org", Port: 587, Security: profiles.SecuritySTARTTLS, Username: "ivan@example.org", Auth: auth}
	}
	type shape = struct {
		name    string
		cfg     *profiles.Config
		acct    Account
		opts    Options
		refused bool
		// wanted values when written
		deletePolicy, inAuth, outAuth, outUser string
		qrIn, qrOut                            int
	}
	var out []shape
	add := func(name, addr string, in, o profiles.Server, opts Options, refused bool, dp, ia, oa, ou string, qi, qo int) {
		cfg, acct := mk(addr, in, o)
		out = append(out, shape{name, cfg, acct, opts, refused, dp, ia, oa, ou, qi, qo})
	}
	add("imap", "ivan@example.org", imap(profiles.AuthPassword), smtp(profiles.AuthPassword), Options{}, false, "DELETE", "PLAIN", "PLAIN", "ivan@example.org", 1, 1)
	add("pop3", "ivan@example.org", pop, smtp(profiles.AuthPassword), Options{}, false, "NEVER", "PLAIN", "PLAIN", "ivan@example.org", 1, 1)
	add("pop3-delete", "ivan@example.org", pop, smtp(profiles.AuthPassword), Options{DeleteFromServer: true}, false, "DELETE", "PLAIN", "PLAIN", "ivan@example.org", 1, 1)
	add("smtp-no-auth", "ivan@example.org", imap(), smtp(profiles.AuthNone), Options{}, false, "DELETE", "PLAIN", "NONE", "", 1, 0)
	add("cram", "ivan@example.org", imap(profiles.AuthPasswordEncrypted), smtp(profiles.AuthPasswordEncrypted), Options{}, false, "DELETE", "CRAM_MD5", "CRAM_MD5", "ivan@example.org", 2, 2)
	// OAuth2 only where the app has settings for the host
	// (app-thunderbird/src/release/.../TbOAuthConfigurationFactory.kt:22-113).
	msIn, msOut := imap(profiles.AuthOAuth2), smtp(profiles.AuthOAuth2)
	msIn.Host, msOut.Host = "outlook.office365.com", "smtp.office365.com"
	add("oauth", "ivan@example.org", msIn, msOut, Options{}, false, "DELETE", "XOAUTH2", "XOAUTH2", "ivan@example.org", 6, 6)
	add("oauth-unknown-host", "ivan@example.org", imap(profiles.AuthOAuth2), smtp(profiles.AuthOAuth2), Options{}, true, "", "", "", "", 0, 0)
	add("oauth-unknown-host-then-password", "ivan@example.org", imap(profiles.AuthOAuth2, profiles.AuthPassword), smtp(profiles.AuthOAuth2, profiles.AuthPassword), Options{}, false, "DELETE", "PLAIN", "PLAIN", "ivan@example.org", 1, 1)
	add("ntlm-then-password", "ivan@example.org", imap(profiles.AuthNTLM, profiles.AuthPassword), smtp(profiles.AuthNTLM, profiles.AuthPassword), Options{}, false, "DELETE", "PLAIN", "PLAIN", "ivan@example.org", 1, 1)
	add("ntlm-only", "ivan@example.org", imap(profiles.AuthNTLM), smtp(profiles.AuthPassword), Options{}, true, "", "", "", "", 0, 0)
	add("gssapi-only", "ivan@example.org", imap(profiles.AuthPassword), smtp(profiles.AuthGSSAPI), Options{}, true, "", "", "", "", 0, 0)
	add("non-ascii-local-part", "иван@example.org", imap(profiles.AuthPassword), smtp(profiles.AuthPassword), Options{}, true, "", "", "", "", 0, 0)
	add("punycode-domain", "ivan@пример.рф", imap(profiles.AuthPassword), smtp(profiles.AuthPassword), Options{}, false, "DELETE", "PLAIN", "PLAIN", "ivan@example.org", 1, 1)
	return out
}

// TestK9ImportsLikeTheApp parses every .k9s and QR payload we write the
// way Thunderbird for Android does, and checks the values its code uses:
// the app's delete policy (DefaultDeletePolicyProvider.kt:8-10:
// IMAP → ON_DELETE, POP3 → NEVER; written as "DELETE"/"NEVER",
// XmlSettingWriter.kt:68-72, 179-185), no password prompt for an SMTP
// server without authentication (SettingsImporter.kt:182-186), and a
// refusal for what the importer rejects.
func TestK9ImportsLikeTheApp(t *testing.T) {
	for _, c := range k9Shapes(t) {
		t.Run(c.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := WriteK9(&buf, c.cfg, c.acct, c.opts)
			payload, qerr := QRPayload(c.cfg, c.acct, c.opts)
			if c.refused {
				if !errors.Is(err, ErrCannotSignIn) || !errors.Is(qerr, ErrCannotSignIn) {
					t.Fatalf("want ErrCannotSignIn from both, got k9 %v, qr %v", err, qerr)
				}
				t.Logf("k9: %v\nqr: %v", err, qerr)
				return
			}
			if err != nil || qerr != nil {
				t.Fatalf("k9 %v, qr %v", err, qerr)
			}
			accs, err := k9Import(buf.Bytes())
			if err != nil {
				t.Fatalf("the app would reject the .k9s: %v\n%s", err, buf.String())
			}
			if len(accs) != 1 {
				t.Fatalf("%d accounts", len(accs))
			}
			a := accs[0]
			if a.Settings["deletePolicy"] != c.deletePolicy {
				t.Errorf("deletePolicy %q, want %q", a.Settings["deletePolicy"], c.deletePolicy)
			}
			if a.Incoming.Auth != c.inAuth || a.Outgoing.Auth != c.outAuth {
				t.Errorf("auth %s/%s, want %s/%s", a.Incoming.Auth, a.Outgoing.Auth, c.inAuth, c.outAuth)
			}
			if c.name != "punycode-domain" && a.Outgoing.Username != c.outUser {
				t.Errorf("outgoing username %q, want %q", a.Outgoing.Username, c.outUser)
			}
			if c.outAuth == "NONE" && a.OutgoingPasswordNeeded {
				t.Error("the app would ask for an SMTP password nobody needs")
			}
			q, err := qrImport(payload)
			if err != nil {
				t.Fatalf("the QR reader would reject the code: %v\n%s", err, payload)
			}
			if q.InAuth != c.qrIn || q.OutAuth != c.qrOut {
				t.Errorf("QR auth %d/%d, want %d/%d", q.InAuth, q.OutAuth, c.qrIn, c.qrOut)
			}
		})
	}
}

// TestAndroidPasswordOnlyForPasswordLogin: with IncludePassword the
// password goes only to servers that sign in with it.
func TestAndroidPasswordOnlyForPasswordLogin(t *testing.T) {
	for _, c := range k9Shapes(t) {
		if c.refused {
			continue
		}
		opts := c.opts
		opts.IncludePassword, opts.Password = true, "s3cret"
		var buf bytes.Buffer
		if err := WriteK9(&buf, c.cfg, c.acct, opts); err != nil {
			t.Fatal(err)
		}
		accs, err := k9Import(buf.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range []*k9Server{accs[0].Incoming, accs[0].Outgoing} {
			want := s.Auth == "PLAIN" || s.Auth == "CRAM_MD5"
			if (s.Password != nil) != want {
				t.Errorf("%s: %s server with %s has password=%v", c.name, s.Type, s.Auth, s.Password != nil)
			}
		}
		payload, err := QRPayload(c.cfg, c.acct, opts)
		if err != nil {
			t.Fatal(err)
		}
		q, err := qrImport(payload)
		if err != nil {
			t.Fatal(err)
		}
		if want := q.InAuth == 1 || q.InAuth == 2; (q.InPassword != nil) != want {
			t.Errorf("%s: QR incoming auth %d has password=%v", c.name, q.InAuth, q.InPassword != nil)
		}
		if c.qrOut == 0 && strings.Count(payload, "s3cret") > 1 {
			t.Errorf("%s: QR carries the password for an SMTP server without login", c.name)
		}
	}
}
