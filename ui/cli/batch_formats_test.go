package cli

import (
	"archive/zip"
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"encoding/xml"
	"image/png"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/smallstep/pkcs7"
	"howett.net/plist"

	"mailsetup/export"
	"mailsetup/profiles"
)

// batchTestFormats are the outputs the batch tests write and parse back:
// every export format and the settings JSON.
const batchTestFormats = "json,mobileconfig,prf,thunderbird,thunderbird-zip,autoconfig,k9,autodiscover,qr"

// batchBenchFormats is what IT typically hands out.
const batchBenchFormats = "mobileconfig,prf,thunderbird"

// checkExportFiles parses back the export files of one person, the way the
// programs that import them would, and checks they carry the address and
// the incoming server from settings.json.
func checkExportFiles(t *testing.T, dir string, a profiles.Address, line int) {
	t.Helper()
	var cfg profiles.Config
	readJSON(t, filepath.Join(dir, "settings.json"), &cfg)
	in, _ := cfg.RecommendedIncoming()
	out, _ := cfg.RecommendedOutgoing()
	acct := export.Account{Address: a}
	file := func(name export.FormatName) []byte {
		f, _ := export.Lookup(string(name))
		data, err := os.ReadFile(filepath.Join(dir, export.FileName(f, acct, nil)))
		if err != nil {
			t.Errorf("line %d: %v", line, err)
		}
		return data
	}
	fail := func(format string, msg string, args ...any) {
		t.Helper()
		t.Errorf("line %d (%s) %s: "+msg, append([]any{line, a, format}, args...)...)
	}

	// mobileconfig: an XML plist (or CMS-signed when the preset signs).
	mc := file(export.FormatMobileconfig)
	if bytes.HasPrefix(mc, []byte{0x30}) { // DER SEQUENCE: signed
		p7, err := pkcs7.Parse(mc)
		if err != nil {
			fail("mobileconfig", "signed profile does not parse: %v", err)
		} else {
			if err := p7.Verify(); err != nil {
				fail("mobileconfig", "signature does not verify: %v", err)
			}
			mc = p7.Content
		}
	}
	var prof struct {
		PayloadType    string
		PayloadContent []map[string]any
	}
	if _, err := plist.Unmarshal(mc, &prof); err != nil {
		fail("mobileconfig", "not a plist: %v", err)
	} else if prof.PayloadType != "Configuration" || len(prof.PayloadContent) != 1 ||
		prof.PayloadContent[0]["EmailAddress"] != a.String() || prof.PayloadContent[0]["IncomingMailServerHostName"] != in.Host ||
		prof.PayloadContent[0]["OutgoingMailServerHostName"] != out.Host || prof.PayloadContent[0]["IncomingMailServerUsername"] != in.Username {
		fail("mobileconfig", "wrong content: %+v", prof)
	}

	// prf: INI sections as Outlook reads them.
	secs, err := export.ParsePRF(file(export.FormatPRF))
	if err != nil {
		fail("prf", "%v", err)
	} else {
		var acc *export.PRFSection
		for i := range secs {
			if secs[i].Name == "Account1" {
				acc = &secs[i]
			}
		}
		key := strings.ToUpper(string(in.Protocol)) + "Server"
		if acc == nil || acc.Values["EmailAddress"] != a.String() || acc.Values[key] != in.Host || acc.Values["SMTPServer"] != out.Host {
			fail("prf", "[Account1] = %+v", acc)
		}
	}

	// thunderbird: prefs with Mozilla's grammar.
	checkPrefs := func(format string, data []byte) {
		ps, err := export.ParsePrefs(data)
		if err != nil {
			fail(format, "%v", err)
			return
		}
		m := export.PrefMap(ps)
		if m["mail.server.server1.hostname"] != in.Host || m["mail.identity.id1.useremail"] != a.String() ||
			m["mail.server.server1.userName"] != in.Username || m["mail.smtpserver.smtp1.hostname"] != out.Host {
			fail(format, "prefs: %v", m)
		}
	}
	checkPrefs("thunderbird", file(export.FormatThunderbird))

	// thunderbird-zip: a zip holding prefs.js.
	z := file(export.FormatThunderbirdZip)
	if zr, err := zip.NewReader(bytes.NewReader(z), int64(len(z))); err != nil {
		fail("thunderbird-zip", "%v", err)
	} else {
		found := false
		for _, f := range zr.File {
			if f.Name == "prefs.js" {
				r, _ := f.Open()
				data, _ := io.ReadAll(r)
				r.Close()
				checkPrefs("thunderbird-zip prefs.js", data)
				found = true
			}
		}
		if !found {
			fail("thunderbird-zip", "no prefs.js")
		}
	}

	// autoconfig, k9, autodiscover: well-formed XML carrying the host.
	var ac struct {
		Provider struct {
			Incoming []struct {
				Type     string `xml:"type,attr"`
				Hostname string `xml:"hostname"`
				Username string `xml:"username"`
			} `xml:"incomingServer"`
			Outgoing []struct {
				Hostname string `xml:"hostname"`
			} `xml:"outgoingServer"`
		} `xml:"emailProvider"`
	}
	if err := xml.Unmarshal(file(export.FormatAutoconfig), &ac); err != nil {
		fail("autoconfig", "%v", err)
	} else if len(ac.Provider.Incoming) == 0 || ac.Provider.Incoming[0].Hostname != in.Host || len(ac.Provider.Outgoing) == 0 || ac.Provider.Outgoing[0].Hostname != out.Host {
		fail("autoconfig", "%+v", ac)
	}
	var k9 struct {
		Accounts []struct {
			Incoming struct {
				Host     string `xml:"host"`
				Username string `xml:"username"`
			} `xml:"incoming-server"`
			Identities []struct {
				Email string `xml:"email"`
			} `xml:"identities>identity"`
		} `xml:"accounts>account"`
	}
	if err := xml.Unmarshal(file(export.FormatK9), &k9); err != nil {
		fail("k9", "%v", err)
	} else if len(k9.Accounts) != 1 || k9.Accounts[0].Incoming.Host != in.Host || k9.Accounts[0].Incoming.Username != in.Username ||
		len(k9.Accounts[0].Identities) != 1 || k9.Accounts[0].Identities[0].Email != a.String() {
		fail("k9", "%+v", k9)
	}
	var ad struct {
		Protocols []struct {
			Type   string `xml:"Type"`
			Server string `xml:"Server"`
		} `xml:"Response>Account>Protocol"`
	}
	if err := xml.Unmarshal(file(export.FormatAutodiscover), &ad); err != nil {
		fail("autodiscover", "%v", err)
	} else {
		hosts := map[string]bool{}
		for _, p := range ad.Protocols {
			hosts[p.Server] = true
		}
		if !hosts[in.Host] || !hosts[out.Host] {
			fail("autodiscover", "%+v", ad)
		}
	}

	// qr: a square PNG image (decoded in full for every 25th line: the
	// export package's tests scan the codes themselves).
	qr := file(export.FormatQR)
	if c, err := png.DecodeConfig(bytes.NewReader(qr)); err != nil {
		fail("qr", "%v", err)
	} else if c.Width < 21 || c.Width != c.Height {
		fail("qr", "image %dx%d", c.Width, c.Height)
	} else if line%25 == 0 {
		if _, err := png.Decode(bytes.NewReader(qr)); err != nil {
			fail("qr", "%v", err)
		}
	}
}

func TestBatchSignedMobileconfig(t *testing.T) {
	dir := t.TempDir()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "Example Profile Signing"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), KeyUsage: x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kd, _ := x509.MarshalPKCS8PrivateKey(key)
	os.WriteFile(filepath.Join(dir, "cert.pem"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(filepath.Join(dir, "key.pem"), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kd}), 0o600)
	p := filepath.Join(dir, "preset.json")
	os.WriteFile(p, []byte(strings.Replace(testPresetJSON, `"support"`, `"signing": {"certificate": "cert.pem", "key": "key.pem"}, "exports": ["mobileconfig", "prf"], "lock": ["formats"], "support"`, 1)), 0o600)
	csv := filepath.Join(dir, "c.csv")
	os.WriteFile(csv, []byte("ann@example.com,Ann\n"), 0o600)
	out := filepath.Join(dir, "out")
	if code, _, stderr := runCLI(t, nil, "batch", "--csv", csv, "--out", out, "--format", "all", "--preset", p); code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	files, _ := filepath.Glob(filepath.Join(out, "ann@example.com", "*"))
	if len(files) != 2 {
		t.Errorf("--format all with a preset offering 2 formats wrote %v", files)
	}
	data, err := os.ReadFile(filepath.Join(out, "ann@example.com", "ann-example.com.mobileconfig"))
	if err != nil {
		names, _ := filepath.Glob(filepath.Join(out, "ann@example.com", "*.mobileconfig"))
		if len(names) != 1 {
			t.Fatal(err)
		}
		data, _ = os.ReadFile(names[0])
	}
	p7, err := pkcs7.Parse(data)
	if err != nil {
		t.Fatalf("the mobileconfig is not signed: %v", err)
	}
	if err := p7.Verify(); err != nil {
		t.Fatal(err)
	}
	if s := p7.GetOnlySigner(); s == nil || s.Subject.CommonName != "Example Profile Signing" {
		t.Errorf("signer = %v", s)
	}
	if !bytes.Contains(p7.Content, []byte("<string>ann@example.com</string>")) {
		t.Error("signed content lacks the address")
	}
	if code, _, stderr := runCLI(t, nil, "batch", "--csv", csv, "--out", out+"2", "--format", "qr", "--preset", p); code != ExitUsage || !strings.Contains(stderr, `does not offer "qr"`) {
		t.Errorf("a format the preset does not offer: exit %d %s", code, stderr)
	}
}
