package preset

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"image"
	"image/png"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"software.sslmate.com/src/go-pkcs12"

	"mailsetup/profiles"
)

// testCert makes a self-signed signing certificate valid from notBefore to notAfter.
func testCert(t testing.TB, cn string, notBefore, notAfter time.Time) (*x509.Certificate, *ecdsa.PrivateKey, []byte, []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: cn},
		NotBefore: notBefore, NotAfter: notAfter,
		KeyUsage: x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	kd, _ := x509.MarshalPKCS8PrivateKey(key)
	return cert, key, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kd})
}

func pngBytes(t testing.TB, w, h int) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewRGBA(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// fixture writes a directory with a valid preset and its files and returns
// the directory and the preset as a map to be changed by each case.
func fixture(t *testing.T) (string, map[string]any) {
	t.Helper()
	dir := t.TempDir()
	cert, key, certPEM, keyPEM := testCert(t, "Example Profile Signing", time.Now().Add(-time.Hour), time.Now().Add(24*time.Hour))
	_, _, otherCert, _ := testCert(t, "Other", time.Now().Add(-time.Hour), time.Now().Add(24*time.Hour))
	_, _, oldCert, oldKey := testCert(t, "Old", time.Now().Add(-48*time.Hour), time.Now().Add(-24*time.Hour))
	p12, err := pkcs12.Modern.Encode(key, cert, nil, "sekret")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		"cert.pem": certPEM, "key.pem": keyPEM, "other.pem": otherCert,
		"old-cert.pem": oldCert, "old-key.pem": oldKey, "sign.p12": p12,
		"logo.png": pngBytes(t, 64, 64), "tiny.png": pngBytes(t, 4, 4),
		"notimage.png": []byte("hello"), "big.png": make([]byte, MaxLogoBytes+1),
	}
	for n, d := range files {
		if err := os.WriteFile(filepath.Join(dir, n), d, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir, validPreset()
}

func validPreset() map[string]any {
	var m map[string]any
	if err := json.Unmarshal([]byte(`{
	  "version": 1,
	  "organisation": {"name": "Example Ltd", "logo": "logo.png"},
	  "domains": [
	    {"names": ["example.com", "Пример.РФ"],
	     "incoming": [{"protocol": "imap", "host": "mail.example.com", "port": 993, "security": "tls"},
	                  {"protocol": "pop3", "host": "mail.example.com", "security": "starttls", "username": "%EMAILLOCALPART%"}],
	     "outgoing": [{"protocol": "smtp", "host": "smtp.example.com", "port": 587, "security": "starttls", "username": "%EMAILLOCALPART%", "auth": ["password"]}],
	     "webmail": "https://mail.example.com"},
	    {"names": ["example.org"],
	     "incoming": [{"protocol": "imap", "host": "imap.example.org"}],
	     "outgoing": [{"protocol": "smtp", "host": "smtp.example.org"}]}
	  ],
	  "lock": ["incoming", "outgoing", "username", "domain", "language", "formats"],
	  "exports": ["mobileconfig", "prf"],
	  "guides": ["outlook", "thunderbird"],
	  "signing": {"certificate": "cert.pem", "key": "key.pem"},
	  "support": {"name": "IT helpdesk", "email": "it@example.com", "phone": "+7 495 000-00-00", "url": "https://help.example.com"},
	  "language": "ru"
	}`), &m); err != nil {
		panic(err)
	}
	return m
}

func writePreset(t *testing.T, dir string, v any) string {
	t.Helper()
	var data []byte
	switch x := v.(type) {
	case string:
		data = []byte(x)
	default:
		var err error
		data, err = json.MarshalIndent(v, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
	}
	name := filepath.Join(dir, FileName)
	if err := os.WriteFile(name, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return name
}

// set changes the value at a dotted path ("domains.0.incoming.1.port");
// a nil value deletes it.
func set(m map[string]any, path string, v any) {
	parts := strings.Split(path, ".")
	var cur any = m
	for i, p := range parts {
		last := i == len(parts)-1
		switch c := cur.(type) {
		case map[string]any:
			if last {
				if v == nil {
					delete(c, p)
				} else {
					c[p] = v
				}
				return
			}
			cur = c[p]
		case []any:
			var idx int
			for _, r := range p {
				idx = idx*10 + int(r-'0')
			}
			if last {
				c[idx] = v
				return
			}
			cur = c[idx]
		}
	}
}

func TestValidPreset(t *testing.T) {
	dir, m := fixture(t)
	p, err := LoadFile(writePreset(t, dir, m))
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Organisation(); got.Name != "Example Ltd" || got.LogoName != "logo.png" || len(got.Logo) == 0 {
		t.Errorf("organisation = %+v", got)
	}
	if p.Language() != "ru" {
		t.Errorf("language = %q", p.Language())
	}
	if s := p.Support().String(); s != "IT helpdesk, it@example.com, +7 495 000-00-00, https://help.example.com" {
		t.Errorf("support = %q", s)
	}
	if sg := p.Signing(); sg == nil || sg.Cert.Subject.CommonName != "Example Profile Signing" || sg.Key == nil {
		t.Errorf("signing = %+v", sg)
	}
	if got := strings.Join(p.Formats(), ","); got != "mobileconfig,prf" {
		t.Errorf("formats = %q", got)
	}
	if !p.OffersFormat("prf") || p.OffersFormat("k9") || !p.OffersGuide("outlook") || p.OffersGuide("iphone") {
		t.Error("OffersFormat/OffersGuide disagree with the lists")
	}
	if got := strings.Join(p.DomainNames(), ","); got != "example.com,xn--e1afmkfd.xn--p1ai,example.org" {
		t.Errorf("domains = %q", got)
	}
	if !strings.Contains(p.WithSupport("could not save"), "contact IT helpdesk, it@example.com") {
		t.Errorf("WithSupport = %q", p.WithSupport("could not save"))
	}
}

// TestLocks checks that a preset locks exactly the fields it lists.
func TestLocks(t *testing.T) {
	for _, tc := range []struct {
		lock []any
	}{
		{nil},
		{[]any{"incoming"}},
		{[]any{"outgoing", "username"}},
		{[]any{"domain"}},
		{[]any{"language", "formats"}},
		{[]any{"incoming", "outgoing", "username", "domain", "language", "formats"}},
	} {
		dir, m := fixture(t)
		set(m, "lock", tc.lock)
		p, err := LoadFile(writePreset(t, dir, m))
		if err != nil {
			t.Fatalf("lock %v: %v", tc.lock, err)
		}
		want := map[Field]bool{}
		for _, f := range tc.lock {
			want[Field(f.(string))] = true
		}
		for _, f := range Fields {
			if p.Locked(f) != want[f] {
				t.Errorf("lock %v: Locked(%s) = %v", tc.lock, f, p.Locked(f))
			}
		}
		foreign, _ := profiles.ParseAddress("ivan@mail.ru")
		own, _ := profiles.ParseAddress("ivan@example.org")
		if err := p.CheckAddress(own); err != nil {
			t.Errorf("lock %v: company address refused: %v", tc.lock, err)
		}
		err = p.CheckAddress(foreign)
		if want[FieldDomain] != (err != nil) || (err != nil && !errors.Is(err, ErrForeignDomain)) {
			t.Errorf("lock %v: CheckAddress(foreign) = %v", tc.lock, err)
		}
	}
	var none *Preset
	for _, f := range Fields {
		if none.Locked(f) {
			t.Errorf("nil preset locks %s", f)
		}
	}
	if none.Formats() != nil || !none.OffersFormat("qr") || none.Support().String() != "" || none.WithSupport("x") != "x" {
		t.Error("nil preset restricts something")
	}
	if _, ok := none.ConfigFor(profiles.Address{Local: "a", Domain: "example.com"}); ok {
		t.Error("nil preset has settings")
	}
}

func TestConfigFor(t *testing.T) {
	dir, m := fixture(t)
	p, err := LoadFile(writePreset(t, dir, m))
	if err != nil {
		t.Fatal(err)
	}
	addr, _ := profiles.ParseAddress("Ivan <Ivan.Petrov@ПРИМЕР.рф>")
	cfg, ok := p.ConfigFor(addr)
	if !ok {
		t.Fatal("no settings for a company domain")
	}
	if cfg.Source != profiles.SourcePreset || cfg.Trust != profiles.TrustVerified || cfg.Provider.Name != "Example Ltd" || cfg.DomainUnicode != "пример.рф" {
		t.Errorf("cfg = %+v", cfg)
	}
	want := []string{"imap mail.example.com:993 tls Ivan.Petrov@xn--e1afmkfd.xn--p1ai", "pop3 mail.example.com:110 starttls Ivan.Petrov"}
	for i, s := range cfg.Incoming {
		if got := s.String() + " " + s.Username; got != want[i] {
			t.Errorf("incoming[%d] = %q, want %q", i, got, want[i])
		}
	}
	if o := cfg.Outgoing[0]; o.String() != "smtp smtp.example.com:587 starttls" || o.Username != "Ivan.Petrov" {
		t.Errorf("outgoing = %+v", o)
	}
	cfg.Incoming[0].Host = "changed"
	again, _ := p.ConfigFor(addr)
	if again.Incoming[0].Host != "mail.example.com" {
		t.Error("changing a returned Config changed the preset")
	}
	other, _ := profiles.ParseAddress("a@example.org")
	if cfg, _ := p.ConfigFor(other); cfg.Incoming[0].Port != 993 || cfg.Outgoing[0].Port != 465 || cfg.Incoming[0].Username != "a@example.org" {
		t.Errorf("defaults: %+v", cfg)
	}
	if _, ok := p.ConfigFor(profiles.Address{Local: "a", Domain: "sub.example.com"}); ok {
		t.Error("a subdomain matched")
	}
}

func TestP12(t *testing.T) {
	dir, m := fixture(t)
	set(m, "signing", map[string]any{"p12": "sign.p12", "password": "sekret"})
	p, err := LoadFile(writePreset(t, dir, m))
	if err != nil {
		t.Fatal(err)
	}
	if p.Signing() == nil || p.Signing().Cert.Subject.CommonName != "Example Profile Signing" {
		t.Fatalf("signing = %+v", p.Signing())
	}
	getenv := func(k string) string {
		if k == "P12PASS" {
			return "sekret"
		}
		return ""
	}
	set(m, "signing", map[string]any{"p12": "sign.p12", "password_env": "P12PASS"})
	if _, err := Load(Options{Path: writePreset(t, dir, m), Getenv: getenv}); err != nil {
		t.Fatal(err)
	}
}

// TestInvalid loads many broken presets; each must fail naming the field.
func TestInvalid(t *testing.T) {
	type edit struct {
		path string
		v    any
	}
	cases := []struct {
		name  string
		edits []edit
		raw   string // used instead of the edited preset when set
		field string // the field the error must name
	}{
		{name: "empty file", raw: "", field: "(file)"},
		{name: "syntax", raw: "{\n  \"version\": 1,\n  \"organisation\": {\"name\": \"X\",}\n}", field: "(line 3"},
		{name: "truncated", raw: `{"version": 1, "organisation": {"name": "X"`, field: "(file)"},
		{name: "trailing", raw: `{"organisation": {"name": "X"}} {}`, field: "(file)"},
		{name: "unknown field", edits: []edit{{"colour", "red"}}, field: "colour"},
		{name: "unknown nested field", edits: []edit{{"domains.0.imap", "x"}}, field: "imap"},
		{name: "wrong type", edits: []edit{{"version", "one"}}, field: "version"},
		{name: "wrong type nested", edits: []edit{{"domains.0.incoming.0.port", "993"}}, field: "domains.incoming.port"},
		{name: "version", edits: []edit{{"version", 2}}, field: "version"},
		{name: "no organisation", edits: []edit{{"organisation", nil}}, field: "organisation"},
		{name: "empty org name", edits: []edit{{"organisation.name", "  "}}, field: "organisation.name"},
		{name: "long org name", edits: []edit{{"organisation.name", strings.Repeat("x", 101)}}, field: "organisation.name"},
		{name: "control in org name", edits: []edit{{"organisation.name", "Ex\x07ample"}}, field: "organisation.name"},
		{name: "missing logo", edits: []edit{{"organisation.logo", "nope.png"}}, field: "organisation.logo"},
		{name: "logo not image", edits: []edit{{"organisation.logo", "notimage.png"}}, field: "organisation.logo"},
		{name: "logo too small", edits: []edit{{"organisation.logo", "tiny.png"}}, field: "organisation.logo"},
		{name: "logo too big", edits: []edit{{"organisation.logo", "big.png"}}, field: "organisation.logo"},
		{name: "logo bad data uri", edits: []edit{{"organisation.logo", "data:image/png,abc"}}, field: "organisation.logo"},
		{name: "logo bad base64", edits: []edit{{"organisation.logo", "data:image/png;base64,!!"}}, field: "organisation.logo"},
		{name: "no domain names", edits: []edit{{"domains.0.names", []any{}}}, field: "domains[0].names"},
		{name: "bad domain", edits: []edit{{"domains.0.names", []any{"example"}}}, field: "domains[0].names[0]"},
		{name: "domain with space", edits: []edit{{"domains.1.names", []any{"exa mple.org"}}}, field: "domains[1].names[0]"},
		{name: "duplicate domain", edits: []edit{{"domains.1.names", []any{"EXAMPLE.com"}}}, field: "domains[1].names[0]"},
		{name: "duplicate IDN domain", edits: []edit{{"domains.1.names", []any{"xn--e1afmkfd.xn--p1ai"}}}, field: "domains[1].names[0]"},
		{name: "no incoming", edits: []edit{{"domains.0.incoming", []any{}}}, field: "domains[0].incoming"},
		{name: "no outgoing", edits: []edit{{"domains.1.outgoing", nil}}, field: "domains[1].outgoing"},
		{name: "smtp incoming", edits: []edit{{"domains.0.incoming.0.protocol", "smtp"}}, field: "domains[0].incoming[0].protocol"},
		{name: "imap outgoing", edits: []edit{{"domains.0.outgoing.0.protocol", "imap"}}, field: "domains[0].outgoing[0].protocol"},
		{name: "no protocol", edits: []edit{{"domains.0.incoming.1.protocol", nil}}, field: "domains[0].incoming[1].protocol"},
		{name: "bad security", edits: []edit{{"domains.0.incoming.0.security", "ssl3"}}, field: "domains[0].incoming[0].security"},
		{name: "no host", edits: []edit{{"domains.0.incoming.0.host", ""}}, field: "domains[0].incoming[0].host"},
		{name: "bad host", edits: []edit{{"domains.0.outgoing.0.host", "smtp example.com"}}, field: "domains[0].outgoing[0].host"},
		{name: "host with slash", edits: []edit{{"domains.0.outgoing.0.host", "smtp://x"}}, field: "domains[0].outgoing[0].host"},
		{name: "port too big", edits: []edit{{"domains.0.incoming.0.port", 70000}}, field: "domains[0].incoming[0].port"},
		{name: "port negative", edits: []edit{{"domains.1.incoming.0.port", -1}}, field: "domains[1].incoming[0].port"},
		{name: "bad placeholder", edits: []edit{{"domains.0.incoming.0.username", "%USER%"}}, field: "domains[0].incoming[0].username"},
		{name: "space in username", edits: []edit{{"domains.0.incoming.0.username", "a b"}}, field: "domains[0].incoming[0].username"},
		{name: "bad auth", edits: []edit{{"domains.0.outgoing.0.auth", []any{"kerberos5"}}}, field: "domains[0].outgoing[0].auth[0]"},
		{name: "bad webmail", edits: []edit{{"domains.0.webmail", "mail.example.com"}}, field: "domains[0].webmail"},
		{name: "bad help", edits: []edit{{"domains.1.help", "ftp://x"}}, field: "domains[1].help"},
		{name: "unknown lock", edits: []edit{{"lock", []any{"password"}}}, field: "lock[0]"},
		{name: "lock twice", edits: []edit{{"lock", []any{"domain", "domain"}}}, field: "lock[1]"},
		{name: "lock domain without domains", edits: []edit{{"domains", nil}, {"lock", []any{"domain"}}}, field: "lock[0]"},
		{name: "lock language without language", edits: []edit{{"language", nil}}, field: "lock[4]"},
		{name: "lock formats without lists", edits: []edit{{"exports", nil}, {"guides", nil}}, field: "lock[5]"},
		{name: "unknown export", edits: []edit{{"exports", []any{"mobileconfig", "eml"}}}, field: "exports[1]"},
		{name: "export twice", edits: []edit{{"exports", []any{"prf", "prf"}}}, field: "exports[1]"},
		{name: "empty exports", edits: []edit{{"exports", []any{}}}, field: "exports"},
		{name: "bad guide", edits: []edit{{"guides", []any{"Outlook 2016"}}}, field: "guides[0]"},
		{name: "signing empty", edits: []edit{{"signing", map[string]any{}}}, field: "signing"},
		{name: "signing no key", edits: []edit{{"signing.key", nil}}, field: "signing.key"},
		{name: "signing no cert", edits: []edit{{"signing.certificate", nil}}, field: "signing.certificate"},
		{name: "signing missing cert file", edits: []edit{{"signing.certificate", "nope.pem"}}, field: "signing.certificate"},
		{name: "signing cert is key", edits: []edit{{"signing.certificate", "key.pem"}}, field: "signing.certificate"},
		{name: "signing key is cert", edits: []edit{{"signing.key", "cert.pem"}}, field: "signing.key"},
		{name: "signing key mismatch", edits: []edit{{"signing.certificate", "other.pem"}}, field: "signing.key"},
		{name: "signing expired", edits: []edit{{"signing.certificate", "old-cert.pem"}, {"signing.key", "old-key.pem"}}, field: "signing.certificate"},
		{name: "signing both", edits: []edit{{"signing.p12", "sign.p12"}}, field: "signing"},
		{name: "signing pem password", edits: []edit{{"signing.password", "x"}}, field: "signing.password"},
		{name: "p12 wrong password", edits: []edit{{"signing", map[string]any{"p12": "sign.p12", "password": "wrong"}}}, field: "signing.password"},
		{name: "p12 not p12", edits: []edit{{"signing", map[string]any{"p12": "cert.pem", "password": "sekret"}}}, field: "signing.p12"},
		{name: "p12 missing", edits: []edit{{"signing", map[string]any{"p12": "nope.p12"}}}, field: "signing.p12"},
		{name: "p12 env unset", edits: []edit{{"signing", map[string]any{"p12": "sign.p12", "password_env": "MAILSETUP_TEST_UNSET_VAR"}}}, field: "signing.password_env"},
		{name: "support empty", edits: []edit{{"support", map[string]any{"name": "IT"}}}, field: "support"},
		{name: "support bad email", edits: []edit{{"support.email", "it at example"}}, field: "support.email"},
		{name: "support email with name", edits: []edit{{"support.email", "IT <it@example.com>"}}, field: "support.email"},
		{name: "support bad phone", edits: []edit{{"support.phone", "call us"}}, field: "support.phone"},
		{name: "support bad url", edits: []edit{{"support.url", "help.example.com"}}, field: "support.url"},
		{name: "support control", edits: []edit{{"support.name", "IT\nhelp"}}, field: "support.name"},
		{name: "language", edits: []edit{{"language", "de"}}, field: "language"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir, m := fixture(t)
			var v any = m
			if tc.raw != "" || len(tc.edits) == 0 {
				v = tc.raw
			}
			for _, e := range tc.edits {
				set(m, e.path, e.v)
			}
			name := writePreset(t, dir, v)
			p, err := LoadFile(name)
			if err == nil {
				t.Fatalf("loaded: %+v", p)
			}
			if p != nil {
				t.Error("a preset came back with the error")
			}
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("error is %T, not *ValidationError: %v", err, err)
			}
			if !strings.Contains(err.Error(), tc.field) {
				t.Errorf("error does not name %q: %v", tc.field, err)
			}
			if !strings.Contains(err.Error(), name) {
				t.Errorf("error does not name the file: %v", err)
			}
			found := false
			for _, f := range ve.Fields() {
				if strings.HasPrefix(f, tc.field) {
					found = true
				}
			}
			if !found {
				t.Errorf("fields %v do not include %q", ve.Fields(), tc.field)
			}
		})
	}
}

func TestManyProblemsAllNamed(t *testing.T) {
	dir, m := fixture(t)
	set(m, "language", "xx")
	set(m, "domains.0.incoming.0.port", 0)
	set(m, "domains.0.incoming.0.host", "")
	set(m, "support.email", "bad")
	_, err := LoadFile(writePreset(t, dir, m))
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatal(err)
	}
	for _, f := range []string{"language", "domains[0].incoming[0].host", "support.email"} {
		if !strings.Contains(err.Error(), f) {
			t.Errorf("%q not named: %v", f, err)
		}
	}
}

func TestLoadOrder(t *testing.T) {
	dir, m := fixture(t)
	beside := writePreset(t, dir, m)
	exe := func() (string, error) { return filepath.Join(dir, "mailsetup.exe"), nil }
	noenv := func(string) string { return "" }

	p, err := Load(Options{Getenv: noenv, Executable: exe, NoEmbedded: true})
	if err != nil || p == nil || p.Origin != beside {
		t.Fatalf("beside the executable: %v %v", p, err)
	}
	other := t.TempDir()
	p, err = Load(Options{Getenv: noenv, Executable: func() (string, error) { return filepath.Join(other, "x"), nil }, NoEmbedded: true})
	if err != nil || p != nil {
		t.Fatalf("no preset anywhere: %v %v", p, err)
	}
	// The environment variable wins over the file beside the executable,
	// and --preset wins over both.
	m2 := validPreset()
	set(m2, "organisation.name", "From Env")
	set(m2, "organisation.logo", nil)
	set(m2, "signing", nil)
	envFile := filepath.Join(other, "env.json")
	data, _ := json.Marshal(m2)
	os.WriteFile(envFile, data, 0o600)
	getenv := func(k string) string {
		if k == EnvVar {
			return envFile
		}
		return ""
	}
	if p, err := Load(Options{Getenv: getenv, Executable: exe, NoEmbedded: true}); err != nil || p.Organisation().Name != "From Env" {
		t.Fatalf("env: %v %v", p, err)
	}
	if p, err := Load(Options{Path: beside, Getenv: getenv, Executable: exe, NoEmbedded: true}); err != nil || p.Organisation().Name != "Example Ltd" {
		t.Fatalf("explicit: %v %v", p, err)
	}
	// A broken preset beside the executable is an error, not "no preset".
	os.WriteFile(beside, []byte("{"), 0o600)
	if _, err := Load(Options{Getenv: noenv, Executable: exe, NoEmbedded: true}); err == nil {
		t.Fatal("broken preset beside the executable was ignored")
	}
	if _, err := Load(Options{Path: filepath.Join(other, "missing.json")}); err == nil || !strings.Contains(err.Error(), "missing.json") {
		t.Fatalf("missing explicit preset: %v", err)
	}
}

func TestInlineAndBOM(t *testing.T) {
	_, _, certPEM, keyPEM := testCert(t, "Inline", time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	m := validPreset()
	set(m, "organisation.logo", "data:image/png;base64,"+b64(pngBytes(t, 32, 32)))
	set(m, "signing", map[string]any{"certificate": string(certPEM), "key": string(keyPEM)})
	data, _ := json.Marshal(m)
	p, err := Parse(append([]byte("\xef\xbb\xbf"), data...), nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.Signing().Cert.Subject.CommonName != "Inline" || len(p.Organisation().Logo) == 0 {
		t.Error("inline certificate or logo not read")
	}
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

func FuzzParse(f *testing.F) {
	data, _ := json.Marshal(validPreset())
	f.Add(data)
	f.Add([]byte(`{"organisation": {"name": "X"}}`))
	f.Add([]byte(`{"organisation": {"name": "X"}, "domains": [{"names": ["a.b"], "incoming": [{"protocol": "imap", "host": "h"}], "outgoing": [{"protocol": "smtp", "host": "h", "port": 70000}]}]}`))
	f.Add([]byte("{"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse(data, nil)
		if err != nil {
			var ve *ValidationError
			if !errors.As(err, &ve) || len(ve.Problems) == 0 {
				t.Fatalf("error %T without a named field: %v", err, err)
			}
			for _, pr := range ve.Problems {
				if pr.Field == "" {
					t.Fatalf("problem without a field: %v", err)
				}
			}
			if p != nil {
				t.Fatal("preset returned with an error")
			}
			return
		}
		if p.Organisation().Name == "" {
			t.Fatal("valid preset without a name")
		}
		for _, n := range p.DomainNames() {
			addr := profiles.Address{Local: "x", Domain: n, DomainUnicode: n}
			cfg, ok := p.ConfigFor(addr)
			if !ok || !cfg.Found() {
				t.Fatalf("domain %s has no settings", n)
			}
			for _, s := range append(cfg.Incoming, cfg.Outgoing...) {
				if err := s.Validate(); err != nil {
					t.Fatalf("invalid server accepted: %v", err)
				}
			}
		}
	})
}
