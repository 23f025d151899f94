package export

import (
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"software.sslmate.com/src/go-pkcs12"
)

// signCert makes a self-signed ECDSA certificate valid from nb to na.
func signCert(t *testing.T, nb, na time.Time) (*x509.Certificate, *ecdsa.PrivateKey, []byte, []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "Signer"}, NotBefore: nb, NotAfter: na, KeyUsage: x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	kd, _ := x509.MarshalPKCS8PrivateKey(key)
	return cert, key, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kd})
}

// TestSignerRefuses holds the checks of the two loaders that existed (the
// preset's and this one), now in this one. The expired and not-yet-valid
// certificates, the encrypted PKCS#1 key (RFC 1421 §4.6.1.1 Proc-Type:
// 4,ENCRYPTED) and the key that cannot sign were accepted or misreported
// here before.
func TestSignerRefuses(t *testing.T) {
	now := time.Now()
	_, _, certPEM, keyPEM := signCert(t, now.Add(-time.Hour), now.Add(time.Hour))
	_, _, oldPEM, oldKey := signCert(t, now.Add(-48*time.Hour), now.Add(-24*time.Hour))
	_, _, futurePEM, futureKey := signCert(t, now.Add(24*time.Hour), now.Add(48*time.Hour))
	_, _, _, otherKey := signCert(t, now.Add(-time.Hour), now.Add(time.Hour))
	rk, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	//lint:ignore SA1019 legacy encrypted PEM is what the check is about
	encBlock, err := x509.EncryptPEMBlock(rand.Reader, "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rk), []byte("pw"), x509.PEMCipherAES256) //nolint:staticcheck
	if err != nil {
		t.Fatal(err)
	}
	encPKCS1 := pem.EncodeToMemory(encBlock)
	xk, _ := ecdh.X25519().GenerateKey(rand.Reader)
	xd, _ := x509.MarshalPKCS8PrivateKey(xk)
	x25519 := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: xd})
	pkcs8Enc := pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: []byte{1, 2, 3}})

	cases := []struct {
		name      string
		cert, key []byte
		part      SignerPart
		words     string
	}{
		{"no certificate", keyPEM, keyPEM, PartCertificate, "no PEM certificate"},
		{"damaged certificate", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte("x")}), keyPEM, PartCertificate, "damaged"},
		{"no key", certPEM, certPEM, PartKey, "no PEM private key"},
		{"encrypted PKCS#8", certPEM, pkcs8Enc, PartKey, "encrypted"},
		{"encrypted PKCS#1", certPEM, encPKCS1, PartKey, "encrypted"},
		{"X25519 cannot sign", certPEM, x25519, PartKey, "cannot sign"},
		{"key of another certificate", certPEM, otherKey, PartKey, "does not belong"},
		{"expired", oldPEM, oldKey, PartCertificate, "expired on"},
		{"not yet valid", futurePEM, futureKey, PartCertificate, "valid only from"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := NewSignerPEM(c.cert, c.key)
			var se *SignerError
			if !errors.As(err, &se) {
				t.Fatalf("err = %v, want a SignerError", err)
			}
			if se.Part != c.part || !strings.Contains(se.Sentence(), c.words) || strings.HasPrefix(se.Sentence(), "export") {
				t.Errorf("part %q, sentence %q; want part %q saying %q", se.Part, se.Sentence(), c.part, c.words)
			}
		})
	}
	if _, err := NewSignerPEM(certPEM, keyPEM); err != nil {
		t.Errorf("a good pair: %v", err)
	}
	if _, err := (SignerOptions{Now: now.Add(-36 * time.Hour)}).PEM(oldPEM, oldKey); err != nil {
		t.Errorf("the old certificate at a time it was valid: %v", err)
	}
}

func TestSignerPKCS12Password(t *testing.T) {
	now := time.Now()
	cert, key, _, _ := signCert(t, now.Add(-time.Hour), now.Add(time.Hour))
	p12, err := pkcs12.Modern.Encode(key, cert, nil, "right")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewSignerPKCS12(p12, "right"); err != nil {
		t.Fatal(err)
	}
	_, err = NewSignerPKCS12(p12, "wrong")
	var se *SignerError
	if !errors.As(err, &se) || se.Part != PartPassword || !errors.Is(err, pkcs12.ErrIncorrectPassword) {
		t.Errorf("wrong password: %v", err)
	}
	_, err = NewSignerPKCS12([]byte("not a p12"), "x")
	if !errors.As(err, &se) || se.Part != PartP12 {
		t.Errorf("not a p12: %v", err)
	}
}
