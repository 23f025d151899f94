package export

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"image/png"
	"io"
	"strings"
	"testing"

	"howett.net/plist"

	"mailsetup/profiles"
)

// hardNames are the escaping seeds: quotes, backslashes, markup, line
// breaks, INI and prefs syntax, several scripts and emoji.
var hardNames = []string{
	`Ivan "The Terrible" Petrov`,
	`C:\Users\ivan\ \\server`,
	`<b>Bold</b> & "friends" 'too'`,
	"line1\nline2\r\n[Account2]\nAccountName=evil",
	`user_pref("mail.accountmanager.accounts", "evil");`,
	`a;b=c[d]`,
	`"quoted"`,
	`'single'`,
	`Иван Петров`,
	`山田 太郎`,
	`İsmail Işık ĞÜŞÖÇ`,
	`Ana-Maria Ştefănescu`,
	`Đorđe Čović`,
	"emoji 🙂👩‍💻 \u2028 sep",
	"</string><key>PayloadType</key><string>x",
	"]]> <!-- --> &amp; &#x41;",
	"\t tab \x00 nul \x7f del \xff bad utf8",
	"",
}

type rtValues struct {
	Name, Provider, Org, User, Password string
}

// expectations derived from the inputs: what a reader must get back.
func (v rtValues) want(addr profiles.Address) (name, provider, user string) {
	name = CleanText(v.Name)
	if name == "" {
		name = addr.String()
	}
	provider = CleanText(v.Provider)
	if provider == "" {
		provider = addr.Domain
	}
	user = CleanText(profiles.ExpandUsername(v.User, addr))
	if user == "" {
		user = addr.String()
	}
	return
}

func rtConfig(t testing.TB, v rtValues, p profiles.Protocol) (*profiles.Config, Account) {
	cfg, addr := testConfig(t)
	cfg.Provider.Name = v.Provider
	cfg.Provider.Help = ""
	for i := range cfg.Incoming {
		cfg.Incoming[i].Username = v.User
	}
	for i := range cfg.Outgoing {
		cfg.Outgoing[i].Username = v.User
	}
	return cfg, Account{Address: addr, DisplayName: v.Name, Incoming: p}
}

// qrPNG is cleared by FuzzQR: it then writes only the payload, because
// drawing QR codes under coverage instrumentation runs at ~10 per second.
var qrPNG = true

func checkRoundTrip(t *testing.T, format FormatName, v rtValues) {
	for _, p := range []profiles.Protocol{profiles.IMAP, profiles.POP3} {
		cfg, acct := rtConfig(t, v, p)
		f, _ := Lookup(string(format))
		opts := Options{Organization: v.Org}
		if f.Password {
			opts.IncludePassword, opts.Password = true, v.Password
		}
		var buf bytes.Buffer
		var err error
		if format == FormatQR && !qrPNG {
			var payload string
			payload, err = QRPayload(cfg, acct, opts)
			buf.WriteString(payload)
		} else {
			err = Write(string(format), &buf, cfg, acct, opts)
		}
		if opts.IncludePassword && err != nil && strings.Contains(err.Error(), "password") {
			continue // refused a password no file can hold: fine, nothing written
		}
		if err != nil {
			t.Fatalf("%s %s: %v", format, p, err)
		}
		name, provider, user := v.want(acct.Address)
		pw := ""
		if opts.IncludePassword {
			pw = v.Password
		}
		in, _ := cfg.FirstIncoming(p)
		check := func(field, got, want string) {
			t.Helper()
			if got != want {
				t.Errorf("%s %s: %s = %q, want %q\nfile:\n%s", format, p, field, got, want, buf.String())
			}
		}
		switch format {
		case FormatMobileconfig:
			var got struct {
				PayloadContent                                       []mailPayload
				PayloadOrganization, PayloadType, PayloadDisplayName string
				PayloadDescription, PayloadIdentifier, PayloadUUID   string
			}
			if _, err := plist.Unmarshal(buf.Bytes(), &got); err != nil {
				t.Fatalf("plist does not parse: %v\n%s", err, buf.String())
			}
			if len(got.PayloadContent) != 1 {
				t.Fatalf("%d payloads", len(got.PayloadContent))
			}
			m := got.PayloadContent[0]
			check("EmailAccountName", m.EmailAccountName, name)
			check("IncomingMailServerUsername", m.IncomingMailServerUsername, user)
			check("OutgoingMailServerUsername", m.OutgoingMailServerUsername, user)
			check("IncomingMailServerHostName", m.IncomingMailServerHostName, in.Host)
			check("IncomingPassword", m.IncomingPassword, pw)
			check("OutgoingPassword", m.OutgoingPassword, pw)
			check("PayloadOrganization", got.PayloadOrganization, CleanText(v.Org))
			check("PayloadType", got.PayloadType, "Configuration")
			check("payload PayloadType", m.PayloadType, "com.apple.mail.managed")
			// No key injected: re-parse into a generic map and count keys.
			var generic map[string]any
			if _, err := plist.Unmarshal(buf.Bytes(), &generic); err != nil {
				t.Fatal(err)
			}
			d := generic["PayloadContent"].([]any)[0].(map[string]any)
			wantKeys := 21
			if pw != "" {
				wantKeys = 23
			}
			if len(d) != wantKeys {
				t.Errorf("mail payload has %d keys, want %d", len(d), wantKeys)
			}
		case FormatPRF:
			secs, err := ParsePRF(buf.Bytes())
			if err != nil {
				t.Fatalf("prf: %v", err)
			}
			if len(secs) != 9 {
				t.Fatalf("prf has %d sections, want 9", len(secs))
			}
			a := prfSection(secs, "Account1")
			if a == nil {
				t.Fatal("no [Account1]")
			}
			check("DisplayName", a.Values["DisplayName"], name)
			pfx := "IMAP"
			if p == profiles.POP3 {
				pfx = "POP3"
			}
			check("UserName", a.Values[pfx+"UserName"], user)
			check("Organization", a.Values["Organization"], CleanText(v.Org))
			checkPRFKeysMapped(t, secs, p)
		case FormatThunderbird, FormatThunderbirdZip:
			data := buf.Bytes()
			if format == FormatThunderbirdZip {
				data = unzipPrefs(t, data)
			}
			ps, err := ParsePrefs(data)
			if err != nil {
				t.Fatalf("prefs: %v\n%s", err, data)
			}
			m := PrefMap(ps)
			if len(m) != len(ps) {
				t.Errorf("a pref appears twice")
			}
			want := 25 // no mail.account.lastKey (see snapshotPrefs)
			if p == profiles.POP3 {
				want = 27
			}
			if len(ps) != want {
				t.Errorf("%d prefs, want %d: a line was injected or lost\n%s", len(ps), want, data)
			}
			check("fullName", str(m["mail.identity.id1.fullName"]), name)
			check("userName", str(m["mail.server.server1.userName"]), user)
			check("smtp username", str(m["mail.smtpserver.smtp1.username"]), user)
			check("smtp description", str(m["mail.smtpserver.smtp1.description"]), provider)
			check("accounts", str(m["mail.accountmanager.accounts"]), "account1")
		case FormatAutoconfig:
			var got struct {
				Provider struct {
					Display  string `xml:"displayName"`
					Incoming []struct {
						Type string `xml:"type,attr"`
						Host string `xml:"hostname"`
						User string `xml:"username"`
					} `xml:"incomingServer"`
					Outgoing []struct {
						User string `xml:"username"`
					} `xml:"outgoingServer"`
				} `xml:"emailProvider"`
			}
			if err := xml.Unmarshal(buf.Bytes(), &got); err != nil {
				t.Fatalf("xml: %v\n%s", err, buf.String())
			}
			check("displayName", got.Provider.Display, provider)
			if len(got.Provider.Incoming) != 2 || len(got.Provider.Outgoing) != 1 {
				t.Fatalf("servers: %d in, %d out", len(got.Provider.Incoming), len(got.Provider.Outgoing))
			}
			check("incoming type", got.Provider.Incoming[0].Type, string(p))
			check("incoming username", profiles.ExpandUsername(got.Provider.Incoming[0].User, acct.Address), user)
			check("outgoing username", profiles.ExpandUsername(got.Provider.Outgoing[0].User, acct.Address), user)
		case FormatK9:
			type srv struct {
				Type     string `xml:"type,attr"`
				Host     string `xml:"host"`
				User     string `xml:"username"`
				Password string `xml:"password"`
			}
			var got struct {
				Version  string `xml:"version,attr"`
				Accounts []struct {
					UUID string `xml:"uuid,attr"`
					In   srv    `xml:"incoming-server"`
					Out  srv    `xml:"outgoing-server"`
					IDs  []struct {
						Name  string `xml:"name"`
						Email string `xml:"email"`
					} `xml:"identities>identity"`
				} `xml:"accounts>account"`
			}
			if err := xml.Unmarshal(buf.Bytes(), &got); err != nil {
				t.Fatalf("xml: %v", err)
			}
			if len(got.Accounts) != 1 || len(got.Accounts[0].IDs) != 1 {
				t.Fatalf("want 1 account with 1 identity")
			}
			a := got.Accounts[0]
			check("identity name", a.IDs[0].Name, name)
			check("incoming type", a.In.Type, strings.ToUpper(string(p)))
			check("incoming username", a.In.User, user)
			check("outgoing username", a.Out.User, user)
			check("incoming password", a.In.Password, pw)
			check("outgoing password", a.Out.Password, pw)
		case FormatAutodiscover:
			var got struct {
				Response struct {
					Name      string `xml:"User>DisplayName"`
					Protocols []struct {
						Type  string `xml:"Type"`
						Login string `xml:"LoginName"`
					} `xml:"Account>Protocol"`
				} `xml:"Response"`
			}
			if err := xml.Unmarshal(buf.Bytes(), &got); err != nil {
				t.Fatalf("xml: %v", err)
			}
			check("DisplayName", got.Response.Name, name)
			if len(got.Response.Protocols) != 2 {
				t.Fatalf("%d protocols", len(got.Response.Protocols))
			}
			check("login", got.Response.Protocols[0].Login, user)
			check("smtp login", got.Response.Protocols[1].Login, user)
		case FormatQR:
			if qrPNG {
				if _, err := png.Decode(bytes.NewReader(buf.Bytes())); err != nil {
					t.Fatalf("png: %v", err)
				}
			}
			payload, err := QRPayload(cfg, acct, opts)
			if err != nil {
				t.Fatal(err)
			}
			var got []any
			if err := json.Unmarshal([]byte(payload), &got); err != nil {
				t.Fatalf("json: %v", err)
			}
			if len(got) != 4 {
				t.Fatalf("payload has %d parts", len(got))
			}
			inArr := got[2].([]any)
			idArr := got[3].([]any)[0].([]any)
			outArr := idArr[0].([]any)
			ident := idArr[1].([]any)
			check("incoming user", inArr[5].(string), user)
			check("outgoing user", outArr[5].(string), user)
			check("display name", ident[1].(string), name)
			if pw != "" {
				check("password", inArr[7].(string), pw)
			} else if len(inArr) != 7 {
				t.Errorf("incoming array has %d fields, want 7 (no password)", len(inArr))
			}
		default:
			t.Fatalf("no round-trip check for %s", format)
		}
	}
}

func str(v any) string { s, _ := v.(string); return s }

func prfSection(secs []PRFSection, name string) *PRFSection {
	for i := range secs {
		if secs[i].Name == name {
			return &secs[i]
		}
	}
	return nil
}

// checkPRFKeysMapped asserts that every key of [Account1] (except the
// processor keywords) has a mapping in the Section 7 block of its type.
func checkPRFKeysMapped(t *testing.T, secs []PRFSection, p profiles.Protocol) {
	t.Helper()
	mapName := "IMAP_I_Mail"
	if p == profiles.POP3 {
		mapName = "I_Mail"
	}
	list := prfSection(secs, "Internet Account List")
	if list == nil || list.Values["Account1"] != mapName {
		t.Fatalf("[Internet Account List] Account1 should be %s", mapName)
	}
	mapping := prfSection(secs, mapName)
	acct := prfSection(secs, "Account1")
	for _, k := range acct.Keys {
		switch k {
		case "UniqueService", "DefaultAccount":
			continue
		}
		if _, ok := mapping.Values[k]; !ok && !strings.EqualFold(k, "ReplyEMailAddress") {
			t.Errorf("[Account1] %s has no mapping in [%s]: Outlook would ignore it", k, mapName)
		}
	}
}

func unzipPrefs(t *testing.T, data []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("zip: %v", err)
	}
	if len(zr.File) != 1 || zr.File[0].Name != "prefs.js" {
		t.Fatalf("zip should hold only prefs.js")
	}
	rc, err := zr.File[0].Open()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestRoundTripTable(t *testing.T) {
	for _, f := range Formats {
		for i, n := range hardNames {
			v := rtValues{Name: n, Provider: hardNames[(i+3)%len(hardNames)], Org: hardNames[(i+5)%len(hardNames)], User: strings.ReplaceAll(hardNames[(i+7)%len(hardNames)], "%", ""), Password: hardNames[(i+1)%len(hardNames)]}
			t.Run(string(f.Name), func(t *testing.T) { checkRoundTrip(t, f.Name, v) })
		}
	}
}

func fuzzWriter(f *testing.F, format FormatName) {
	for i, n := range hardNames {
		f.Add(n, hardNames[(i+1)%len(hardNames)], hardNames[(i+2)%len(hardNames)], hardNames[(i+3)%len(hardNames)], hardNames[(i+4)%len(hardNames)])
	}
	f.Fuzz(func(t *testing.T, name, provider, org, user, pw string) {
		checkRoundTrip(t, format, rtValues{name, provider, org, user, pw})
	})
}

func FuzzMobileconfig(f *testing.F)   { fuzzWriter(f, FormatMobileconfig) }
func FuzzPRF(f *testing.F)            { fuzzWriter(f, FormatPRF) }
func FuzzThunderbird(f *testing.F)    { fuzzWriter(f, FormatThunderbird) }
func FuzzThunderbirdZip(f *testing.F) { fuzzWriter(f, FormatThunderbirdZip) }
func FuzzAutoconfig(f *testing.F)     { fuzzWriter(f, FormatAutoconfig) }
func FuzzK9(f *testing.F)             { fuzzWriter(f, FormatK9) }
func FuzzAutodiscover(f *testing.F)   { fuzzWriter(f, FormatAutodiscover) }
func FuzzQR(f *testing.F) {
	qrPNG = false
	f.Cleanup(func() { qrPNG = true })
	fuzzWriter(f, FormatQR)
}

// reliability.md L17: "%EMAILDOMAIN%@example.test" is a legal address; its
// login must stay that address, not become "example.test@example.test".
func TestUsernameNotExpandedTwice(t *testing.T) {
	addr, err := profiles.ParseAddress("%EMAILDOMAIN%@example.test")
	if err != nil {
		t.Fatal(err)
	}
	s := profiles.Server{Protocol: profiles.IMAP, Host: "imap.example.test", Port: 993, Security: profiles.SecurityTLS, Username: addr.String()}
	if got := username(s, addr); got != "%EMAILDOMAIN%@example.test" {
		t.Errorf("username = %q", got)
	}
	s.Username = profiles.PlaceholderAddress
	if got := username(s, addr); got != "%EMAILDOMAIN%@example.test" {
		t.Errorf("template: username = %q", got)
	}
}
