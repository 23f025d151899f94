package export

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"howett.net/plist"

	"mailsetup/assets/i18n"
	"mailsetup/profiles"
	"mailsetup/profiles/knowledge"
)

// accountShape is one kind of account every format must either write so
// that the client can sign in, or refuse with ErrCannotSignIn.
type accountShape struct {
	name string
	cfg  *profiles.Config
	acct Account
}

func accountShapes(t *testing.T) []accountShape {
	t.Helper()
	cfg, addr := testConfig(t)
	st, saddr := starttlsConfig(t)
	kb := knowledge.Default()
	var out []accountShape
	out = append(out,
		accountShape{"imap", cfg, Account{Address: addr, Incoming: profiles.IMAP}},
		accountShape{"pop3", cfg, Account{Address: addr, Incoming: profiles.POP3}},
		accountShape{"starttls-pop3", st, Account{Address: saddr, Incoming: profiles.POP3}},
	)
	// The OAuth-only providers, from the built-in provider files
	// (profiles/knowledge/providers/outlook.json, microsoft365.json: auth ["oauth2"]).
	for _, a := range []string{"ivan@outlook.com", "ivan@hotmail.com"} {
		ad, err := profiles.ParseAddress(a)
		if err != nil {
			t.Fatal(err)
		}
		c, ok := kb.Detect(ad)
		if !ok {
			t.Fatalf("no built-in settings for %s", a)
		}
		in, _ := c.RecommendedIncoming()
		if !in.OAuthOnly() {
			t.Fatalf("%s: expected an OAuth-only provider, got %v", a, in.Auth)
		}
		out = append(out, accountShape{"oauth-only-" + a, c, Account{Address: ad, Incoming: profiles.IMAP}}, accountShape{"oauth-only-pop3-" + a, c, Account{Address: ad, Incoming: profiles.POP3}})
	}
	m365 := cfg.Clone()
	m365.Provider = profiles.Provider{ID: "microsoft365", Name: "Microsoft 365"}
	for i := range m365.Incoming {
		m365.Incoming[i].Host, m365.Incoming[i].Auth = "outlook.office365.com", []profiles.AuthMethod{profiles.AuthOAuth2}
	}
	m365.Outgoing[0].Host, m365.Outgoing[0].Auth = "smtp.office365.com", []profiles.AuthMethod{profiles.AuthOAuth2, profiles.AuthPassword}
	out = append(out, accountShape{"oauth-only-m365", m365, Account{Address: addr, Incoming: profiles.IMAP}})
	// A non-Microsoft OAuth-only server: nothing Apple can use.
	g := cfg.Clone()
	for i := range g.Incoming {
		g.Incoming[i].Auth = []profiles.AuthMethod{profiles.AuthOAuth2}
	}
	// imap.mail.ru: Thunderbird desktop has OAuth2 for it, Android and Apple not.
	out = append(out, accountShape{"oauth-only-other", g, Account{Address: addr, Incoming: profiles.IMAP}})
	u := g.Clone()
	for i := range u.Incoming {
		u.Incoming[i].Host = "mail.example.org"
	}
	u.Outgoing[0].Auth = []profiles.AuthMethod{profiles.AuthOAuth2}
	// A host no client has OAuth2 settings for.
	out = append(out, accountShape{"oauth-only-unknown-host", u, Account{Address: addr, Incoming: profiles.IMAP}})
	only := func(name string, m profiles.AuthMethod) {
		c := cfg.Clone()
		for i := range c.Incoming {
			c.Incoming[i].Auth = []profiles.AuthMethod{m}
		}
		for i := range c.Outgoing {
			c.Outgoing[i].Auth = []profiles.AuthMethod{m}
		}
		out = append(out, accountShape{name, c, Account{Address: addr, Incoming: profiles.IMAP}})
	}
	only("client-cert-only", profiles.AuthClientCert)
	only("gssapi-only", profiles.AuthGSSAPI)
	only("ntlm-only", profiles.AuthNTLM)
	return out
}

// wantRefused lists the shapes each format must refuse: a file that
// imports but can never sign in is not written silently (issue 13).
var wantRefused = map[FormatName][]string{
	// com.apple.mail.managed has no OAuth, Kerberos or certificate value;
	// Microsoft's OAuth accounts get the Exchange payload instead.
	FormatMobileconfig: {"oauth-only-other", "oauth-only-unknown-host", "client-cert-only", "gssapi-only"},
	// Outlook's IMAP/POP accounts: password, SPA (NTLM), SMTP none.
	FormatPRF:          {"oauth-only-", "client-cert-only", "gssapi-only"},
	FormatAutodiscover: {"oauth-only-", "client-cert-only", "gssapi-only"},
	// readFromXML.sys.mjs:148-158 has no TLS-client-cert, and
	// readAuthentication (:388-393) drops OAuth2 for hosts without
	// OAuth2Providers settings.
	FormatAutoconfig: {"client-cert-only", "oauth-only-unknown-host"},
	// OAuth2Providers.sys.mjs:64-108.
	FormatThunderbird:    {"oauth-only-unknown-host"},
	FormatThunderbirdZip: {"oauth-only-unknown-host"},
	// ServerSettingsDescriptions.kt:49-77, IntValueMapper.kt:41-52 and
	// TbOAuthConfigurationFactory.kt:22-113 (no mail.ru).
	FormatK9: {"gssapi-only", "ntlm-only", "oauth-only-other", "oauth-only-unknown-host"},
	FormatQR: {"gssapi-only", "ntlm-only", "oauth-only-other", "oauth-only-unknown-host"},
}

func refused(f FormatName, shape string) bool {
	for _, p := range wantRefused[f] {
		if strings.HasPrefix(shape, p) {
			return true
		}
	}
	return false
}

// TestNoExportThatCannotSignIn writes every format for every account shape
// and expects either a file or ErrCannotSignIn with a sentence that says
// what to do, exactly where the client cannot sign in.
func TestNoExportThatCannotSignIn(t *testing.T) {
	for _, s := range accountShapes(t) {
		for _, f := range Formats {
			t.Run(s.name+"/"+string(f.Name), func(t *testing.T) {
				var buf bytes.Buffer
				err := Write(string(f.Name), &buf, s.cfg, s.acct, Options{})
				if refused(f.Name, s.name) {
					if !errors.Is(err, ErrCannotSignIn) {
						t.Fatalf("want ErrCannotSignIn, got %v (%d bytes written)", err, buf.Len())
					}
					if !strings.Contains(err.Error(), "; ") || buf.Len() != 0 {
						t.Errorf("the refusal must say what to do instead and write nothing: %v", err)
					}
					return
				}
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if f.Name == FormatMobileconfig {
					if got, want := MobileconfigIsExchange(s.cfg, s.acct), strings.HasPrefix(s.name, "oauth-only-") && s.name != "oauth-only-other" && s.name != "oauth-only-unknown-host"; got != want {
						t.Errorf("MobileconfigIsExchange = %v, want %v", got, want)
					}
				}
				if f.Name == FormatPRF || f.Name == FormatMobileconfig {
					if bytes.Contains(buf.Bytes(), []byte("EmailAuthPassword")) && strings.HasPrefix(s.name, "oauth-only") {
						t.Error("a password profile for an OAuth-only provider")
					}
				}
			})
		}
	}
}

// TestInstallRefusesWhatThunderbirdCannotSignIn: the direct install
// follows the same rule as the Thunderbird prefs and zip.
func TestInstallRefusesWhatThunderbirdCannotSignIn(t *testing.T) {
	for _, s := range accountShapes(t) {
		dir := t.TempDir()
		_, err := InstallThunderbird(dir, s.cfg, s.acct)
		if refused(FormatThunderbird, s.name) != errors.Is(err, ErrCannotSignIn) {
			t.Errorf("%s: install error %v", s.name, err)
		}
		if _, statErr := os.Stat(filepath.Join(dir, "prefs.js")); (statErr == nil) == (err != nil) {
			t.Errorf("%s: prefs.js written=%v with error %v", s.name, statErr == nil, err)
		}
	}
}

// TestMobileconfigEveryShapeAgainstAppleSchema checks every payload of
// every written profile against Apple's schema files for its PayloadType
// (apple/device-management: com.apple.mail.managed.yaml,
// com.apple.eas.account.yaml, CommonPayloadKeys.yaml, TopLevel.yaml).
func TestMobileconfigEveryShapeAgainstAppleSchema(t *testing.T) {
	dir := sharedDir(t, "data/apple")
	top := loadAppleKeys(t, dir, "apple-device-management_TopLevel.yaml")
	common := loadAppleKeys(t, dir, "apple-device-management_CommonPayloadKeys.yaml")
	schemas := map[string]map[string]appleKey{
		"com.apple.mail.managed": loadAppleKeys(t, dir, "apple-device-management_com.apple.mail.managed.yaml"),
		"com.apple.eas.account":  loadAppleKeys(t, dir, "apple-device-management_com.apple.eas.account.yaml"),
	}
	seen := map[string]bool{}
	for _, s := range accountShapes(t) {
		for _, opts := range []Options{{}, {IncludePassword: true, Password: "pw"}} {
			var buf bytes.Buffer
			if err := WriteMobileconfig(&buf, s.cfg, s.acct, opts); err != nil {
				if refused(FormatMobileconfig, s.name) {
					continue
				}
				t.Fatalf("%s: %v", s.name, err)
			}
			var root map[string]any
			if _, err := plist.Unmarshal(buf.Bytes(), &root); err != nil {
				t.Fatal(err)
			}
			checkAgainst(t, s.name+" profile", root, top)
			for _, p := range root["PayloadContent"].([]any) {
				d := p.(map[string]any)
				typ, _ := d["PayloadType"].(string)
				schema, ok := schemas[typ]
				if !ok {
					t.Fatalf("%s: payload type %q has no schema here", s.name, typ)
				}
				seen[typ] = true
				checkAgainst(t, s.name+" "+typ, d, schema, common)
				if typ == "com.apple.eas.account" {
					// "If enabled, don't specify a password" (OAuth key);
					// the Mac has no such payload (macOS: introduced n/a),
					// so the profile targets iPhone/iPad (TargetDeviceType 1).
					if d["OAuth"] != true || d["Password"] != nil {
						t.Errorf("%s: EAS payload must use OAuth without a password: %v", s.name, d)
					}
					if root["TargetDeviceType"] != uint64(1) {
						t.Errorf("%s: TargetDeviceType = %v, want 1 (iPhone/iPad)", s.name, root["TargetDeviceType"])
					}
				}
				if typ == "com.apple.mail.managed" && strings.HasPrefix(s.name, "oauth-only") {
					t.Errorf("%s: a password mail payload for an OAuth-only account", s.name)
				}
			}
		}
	}
	for _, typ := range []string{"com.apple.mail.managed", "com.apple.eas.account"} {
		if !seen[typ] {
			t.Errorf("no shape produced a %s payload", typ)
		}
	}
}

// TestMobileconfigTranslated: the names and descriptions the iPhone shows
// while it installs the profile (PayloadDisplayName, PayloadDescription of
// the profile and the payload) are in the person's language, from
// assets/translations/export.<lang>.json, for all six languages.
func TestMobileconfigTranslated(t *testing.T) {
	cfg, addr := testConfig(t)
	english := map[string]string{}
	for _, lang := range i18n.Languages {
		for _, s := range []accountShape{{"imap", cfg, Account{Address: addr, Incoming: profiles.IMAP}}, accountShapes(t)[3]} {
			var buf bytes.Buffer
			if err := WriteMobileconfig(&buf, s.cfg, s.acct, Options{Lang: lang}); err != nil {
				t.Fatal(err)
			}
			var root map[string]any
			if _, err := plist.Unmarshal(buf.Bytes(), &root); err != nil {
				t.Fatal(err)
			}
			p := root["PayloadContent"].([]any)[0].(map[string]any)
			texts := map[string]string{
				"profile name": root["PayloadDisplayName"].(string), "profile description": root["PayloadDescription"].(string),
				"payload name": p["PayloadDisplayName"].(string), "payload description": p["PayloadDescription"].(string),
			}
			for what, text := range texts {
				key := s.name + " " + what
				if strings.Contains(text, "export.mobileconfig.") || !strings.Contains(text, s.acct.Address.String()) {
					t.Errorf("%s %s: %q is not a finished text", lang, key, text)
				}
				if lang == "en" {
					english[key] = text
				} else if text == english[key] && what != "payload name" {
					t.Errorf("%s %s is still English: %q", lang, key, text)
				}
			}
		}
	}
}

// TestOAuthHostLists: Thunderbird matches the host and its parent domains
// (OAuth2Providers.sys.mjs:586-590), Android the exact host name.
func TestOAuthHostLists(t *testing.T) {
	for _, c := range []struct {
		host        string
		tb, android bool
	}{
		{"imap.gmail.com", true, true}, {"IMAP.GMAIL.COM.", true, true}, {"outlook.office365.com", true, true},
		{"smtp-mail.outlook.com", true, true}, {"imap.mail.ru", true, false}, {"imap.yandex.com", true, false},
		{"evilgmail.com", false, false}, {"gmail.com.evil.example", false, false}, {"mail.example.org", false, false},
	} {
		if got := tbKnowsOAuth(c.host); got != c.tb {
			t.Errorf("Thunderbird OAuth2 for %s = %v, want %v", c.host, got, c.tb)
		}
		if got := androidKnowsOAuth(c.host); got != c.android {
			t.Errorf("Android OAuth2 for %s = %v, want %v", c.host, got, c.android)
		}
	}
}
