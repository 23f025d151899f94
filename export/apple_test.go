package export

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
	"howett.net/plist"
	"software.sslmate.com/src/go-pkcs12"

	"mailsetup/profiles"
)

// sharedDir walks up from the test's folder to the folder holding
// shared/<sub>, or skips.
func sharedDir(t *testing.T, sub string) string {
	t.Helper()
	dir, _ := os.Getwd()
	for {
		p := filepath.Join(dir, "shared", sub)
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skipf("../shared/%s not found above the repository: Apple's schema files are not available here", sub)
		}
		dir = parent
	}
}

type appleKey struct {
	Key      string     `yaml:"key"`
	Type     string     `yaml:"type"`
	Presence string     `yaml:"presence"`
	Range    []any      `yaml:"rangelist"`
	Sub      []appleKey `yaml:"subkeys"`
}

func loadAppleKeys(t *testing.T, dir, file string) map[string]appleKey {
	data, err := os.ReadFile(filepath.Join(dir, file))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Keys []appleKey `yaml:"payloadkeys"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	m := map[string]appleKey{}
	for _, k := range doc.Keys {
		m[k.Key] = k
	}
	if len(m) < 5 {
		t.Fatalf("%s: only %d keys read", file, len(m))
	}
	return m
}

func appleTypeOK(typ string, v any) bool {
	switch typ {
	case "<string>":
		_, ok := v.(string)
		return ok
	case "<integer>":
		switch v.(type) {
		case uint64, int64, int:
			return true
		}
	case "<boolean>":
		_, ok := v.(bool)
		return ok
	case "<array>":
		_, ok := v.([]any)
		return ok
	case "<dictionary>":
		_, ok := v.(map[string]any)
		return ok
	case "<data>":
		_, ok := v.([]byte)
		return ok
	case "<date>":
		_, ok := v.(time.Time)
		return ok
	case "<real>":
		_, ok := v.(float64)
		return ok
	}
	return false
}

func checkAgainst(t *testing.T, where string, dict map[string]any, schema ...map[string]appleKey) {
	t.Helper()
	for k, v := range dict {
		var def appleKey
		found := false
		for _, s := range schema {
			if d, ok := s[k]; ok {
				def, found = d, true
				break
			}
		}
		if !found {
			t.Errorf("%s: key %s is not in Apple's schema", where, k)
			continue
		}
		if !appleTypeOK(def.Type, v) {
			t.Errorf("%s: %s is %T, Apple's schema says %s", where, k, v, def.Type)
		}
		if len(def.Range) > 0 {
			ok := false
			for _, r := range def.Range {
				if fmt.Sprint(r) == fmt.Sprint(v) {
					ok = true
				}
			}
			if !ok {
				t.Errorf("%s: %s = %v is not one of %v", where, k, v, def.Range)
			}
		}
	}
	for _, s := range schema {
		for k, d := range s {
			if d.Presence == "required" && dict[k] == nil && k != "EncryptedPayloadContent" {
				t.Errorf("%s: required key %s is missing", where, k)
			}
		}
	}
}

func TestMobileconfigAppleSchema(t *testing.T) {
	dir := sharedDir(t, "data/apple")
	top := loadAppleKeys(t, dir, "apple-device-management_TopLevel.yaml")
	common := loadAppleKeys(t, dir, "apple-device-management_CommonPayloadKeys.yaml")
	mail := loadAppleKeys(t, dir, "apple-device-management_com.apple.mail.managed.yaml")
	cfg, addr := testConfig(t)
	st, saddr := starttlsConfig(t)
	for _, c := range []struct {
		cfg  *profiles.Config
		acct Account
		opts Options
	}{
		{cfg, Account{Address: addr, DisplayName: "Ivan", Incoming: profiles.IMAP}, Options{}},
		{cfg, Account{Address: addr, DisplayName: "Ivan", Incoming: profiles.POP3}, Options{IncludePassword: true, Password: "pw", Organization: "Org"}},
		{st, Account{Address: saddr, Incoming: profiles.POP3}, Options{}},
	} {
		var buf bytes.Buffer
		if err := WriteMobileconfig(&buf, c.cfg, c.acct, c.opts); err != nil {
			t.Fatal(err)
		}
		var root map[string]any
		if _, err := plist.Unmarshal(buf.Bytes(), &root); err != nil {
			t.Fatal(err)
		}
		// PayloadContent items are checked below; TopLevel lists it as <array>.
		checkAgainst(t, "profile", root, top)
		if root["PayloadType"] != "Configuration" || root["PayloadVersion"] != uint64(1) {
			t.Errorf("PayloadType/Version = %v/%v", root["PayloadType"], root["PayloadVersion"])
		}
		for _, p := range root["PayloadContent"].([]any) {
			checkAgainst(t, "mail payload", p.(map[string]any), mail, common)
		}
	}
}

// testCert makes a self-signed signing certificate and key.
func testCert(t *testing.T, rsaKey bool) (*x509.Certificate, any, []byte, []byte) {
	t.Helper()
	var key any
	var pub any
	if rsaKey {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		key, pub = k, &k.PublicKey
	} else {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		key, pub = k, &k.PublicKey
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(42), Subject: pkix.Name{CommonName: "mailsetup test profile signer"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection, x509.ExtKeyUsageCodeSigning},
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, pub, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	kder, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return cert, key, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder})
}

func TestSignedMobileconfigOpenSSL(t *testing.T) {
	openssl, err := exec.LookPath("openssl")
	if err != nil {
		t.Skip("openssl is not installed: cannot verify the signature with it")
	}
	cfg, addr := testConfig(t)
	acct := Account{Address: addr, DisplayName: "Иван & <Co>", Incoming: profiles.IMAP}
	var plain bytes.Buffer
	if err := WriteMobileconfig(&plain, cfg, acct, Options{}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		rsa  bool
		p12  bool
	}{{"rsa-pem", true, false}, {"ecdsa-pem", false, false}, {"rsa-p12", true, true}} {
		t.Run(tc.name, func(t *testing.T) {
			cert, key, certPEM, keyPEM := testCert(t, tc.rsa)
			var s *Signer
			var err error
			if tc.p12 {
				p12, perr := pkcs12.Modern.Encode(key, cert, nil, "p12pass")
				if perr != nil {
					t.Fatal(perr)
				}
				s, err = NewSignerPKCS12(p12, "p12pass")
				if err == nil {
					if _, err2 := NewSignerPKCS12(p12, "wrong"); err2 == nil {
						t.Error("a wrong PKCS#12 password was accepted")
					}
				}
			} else {
				s, err = NewSignerPEM(certPEM, keyPEM)
			}
			if err != nil {
				t.Fatal(err)
			}
			var signed bytes.Buffer
			if err := WriteMobileconfig(&signed, cfg, acct, Options{Signer: s}); err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			in := filepath.Join(dir, "signed.mobileconfig")
			ca := filepath.Join(dir, "ca.pem")
			out := filepath.Join(dir, "content.plist")
			os.WriteFile(in, signed.Bytes(), 0o600)
			os.WriteFile(ca, certPEM, 0o600)
			cmd := exec.Command(openssl, "smime", "-verify", "-binary", "-inform", "DER", "-in", in, "-CAfile", ca, "-purpose", "any", "-out", out)
			msg, err := cmd.CombinedOutput()
			if err != nil || !strings.Contains(string(msg), "Verification successful") {
				t.Fatalf("openssl smime -verify: %v\n%s", err, msg)
			}
			got, _ := os.ReadFile(out)
			if !bytes.Equal(got, plain.Bytes()) {
				t.Fatalf("enveloped content differs from the unsigned profile")
			}
			// A tampered file must not verify.
			bad := append([]byte{}, signed.Bytes()...)
			i := bytes.Index(bad, []byte("imap.mail.ru"))
			bad[i] = 'X'
			os.WriteFile(in, bad, 0o600)
			if msg, err := exec.Command(openssl, "smime", "-verify", "-binary", "-inform", "DER", "-in", in, "-CAfile", ca, "-purpose", "any", "-out", out).CombinedOutput(); err == nil {
				t.Fatalf("openssl verified a tampered profile:\n%s", msg)
			}
		})
	}
	// A key that does not match the certificate is refused.
	_, _, certPEM, _ := testCert(t, false)
	_, _, _, otherKey := testCert(t, false)
	if _, err := NewSignerPEM(certPEM, otherKey); err == nil {
		t.Error("a key of another certificate was accepted")
	}
}

func TestMobileconfigPlistutil(t *testing.T) {
	bin, err := exec.LookPath("plistutil")
	if err != nil {
		if os.Getenv("MAILSETUP_REQUIRE_SERVERS") != "" {
			t.Fatal("plistutil (libplist-utils) is not installed")
		}
		t.Skip("plistutil (Debian libplist-utils) is not installed")
	}
	cfg, addr := testConfig(t)
	for _, p := range []profiles.Protocol{profiles.IMAP, profiles.POP3} {
		var buf bytes.Buffer
		if err := WriteMobileconfig(&buf, cfg, Account{Address: addr, DisplayName: `Ivan "Q" <&> Петров 🙂`, Incoming: p}, Options{IncludePassword: true, Password: "p&w"}); err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		in := filepath.Join(dir, "p.mobileconfig")
		bin1 := filepath.Join(dir, "p.bin")
		back := filepath.Join(dir, "p.xml")
		os.WriteFile(in, buf.Bytes(), 0o600)
		// XML → binary → XML through libplist, then compare with our parse.
		if msg, err := exec.Command(bin, "-i", in, "-o", bin1, "-f", "bin").CombinedOutput(); err != nil {
			t.Fatalf("plistutil could not read the profile: %v\n%s", err, msg)
		}
		if msg, err := exec.Command(bin, "-i", bin1, "-o", back, "-f", "xml").CombinedOutput(); err != nil {
			t.Fatalf("plistutil: %v\n%s", err, msg)
		}
		x, _ := os.ReadFile(back)
		var a, b map[string]any
		if _, err := plist.Unmarshal(buf.Bytes(), &a); err != nil {
			t.Fatal(err)
		}
		if _, err := plist.Unmarshal(x, &b); err != nil {
			t.Fatal(err)
		}
		pa := a["PayloadContent"].([]any)[0].(map[string]any)
		pb := b["PayloadContent"].([]any)[0].(map[string]any)
		if len(pa) != len(pb) {
			t.Fatalf("libplist sees %d keys, we wrote %d", len(pb), len(pa))
		}
		for k, v := range pa {
			if pb[k] != v {
				t.Errorf("libplist reads %s = %v, we wrote %v", k, pb[k], v)
			}
		}
	}
}
