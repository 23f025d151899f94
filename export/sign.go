package export

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/smallstep/pkcs7"
	"software.sslmate.com/src/go-pkcs12"
)

// Signer signs configuration profiles with a certificate and its key: the
// result is a CMS SignedData in DER with the profile enveloped (not
// detached), as Apple devices expect.
type Signer struct {
	// Cert is the signing certificate.
	Cert *x509.Certificate
	// Key is Cert's private key.
	Key crypto.PrivateKey
	// Chain holds intermediate certificates sent along so the device can
	// build the chain.
	Chain []*x509.Certificate
}

// SignerPart names what a SignerError is about.
type SignerPart string

// The parts of the signing material a SignerError can name.
const (
	PartCertificate SignerPart = "certificate"
	PartKey         SignerPart = "key"
	PartP12         SignerPart = "p12"
	PartPassword    SignerPart = "password"
)

// SignerError says which part of the signing material is unusable and why,
// so a caller can name its own field ("--sign-key", "signing.key") and say
// the sentence.
type SignerError struct {
	Part SignerPart
	// Problem is the plain-words sentence, without the "export: " prefix.
	Problem string
	// Err is the underlying error, or nil.
	Err error
}

func (e *SignerError) Error() string { return "export: " + e.Problem }

// Sentence is the problem for a person, without the package prefix.
func (e *SignerError) Sentence() string { return e.Problem }

// Unwrap returns the underlying error (pkcs12.ErrIncorrectPassword for a
// wrong password).
func (e *SignerError) Unwrap() error { return e.Err }

func signerErr(part SignerPart, err error, format string, a ...any) *SignerError {
	return &SignerError{Part: part, Problem: fmt.Sprintf(format, a...), Err: err}
}

// SignerOptions tune how signing material is checked.
type SignerOptions struct {
	// Now is the time the certificate must be valid at; zero means time.Now().
	Now time.Time
}

// NewSignerPEM reads a signer from a PEM certificate file's bytes (the
// first certificate signs, the rest are the chain) and a PEM private key
// (PKCS#8, PKCS#1 or SEC 1, unencrypted), checked as SignerOptions.PEM does.
func NewSignerPEM(certPEM, keyPEM []byte) (*Signer, error) {
	return SignerOptions{}.PEM(certPEM, keyPEM)
}

// NewSignerPKCS12 reads a signer from a PKCS#12 (.p12/.pfx) file's bytes,
// checked as SignerOptions.PKCS12 does.
func NewSignerPKCS12(data []byte, password string) (*Signer, error) {
	return SignerOptions{}.PKCS12(data, password)
}

// PEM reads a signer from PEM bytes. It refuses, as a *SignerError naming
// the part: no certificate or a damaged one; no key, an encrypted one
// (PKCS#8 "ENCRYPTED PRIVATE KEY" or a PKCS#1 key with an encrypted
// Proc-Type header, RFC 1421 §4.6.1.1), a damaged one or one that cannot
// sign; a key that does not belong to the certificate; a certificate not
// valid at o.Now.
func (o SignerOptions) PEM(certPEM, keyPEM []byte) (*Signer, error) {
	certs, err := parseCertsPEM(certPEM)
	if err != nil {
		return nil, err
	}
	key, err := parseKeyPEM(keyPEM)
	if err != nil {
		return nil, err
	}
	return o.newSigner(certs[0], key, certs[1:], PartKey, PartCertificate)
}

// PKCS12 reads a signer from a PKCS#12 file; a wrong password is a
// SignerError of PartPassword wrapping pkcs12.ErrIncorrectPassword. The
// key and validity checks are PEM's.
func (o SignerOptions) PKCS12(data []byte, password string) (*Signer, error) {
	key, cert, chain, err := pkcs12.DecodeChain(data, password)
	if errors.Is(err, pkcs12.ErrIncorrectPassword) {
		return nil, signerErr(PartPassword, err, "the password does not open the PKCS#12 file")
	}
	if err != nil {
		return nil, signerErr(PartP12, err, "not a PKCS#12 file with a key and certificate: %v", err)
	}
	return o.newSigner(cert, key, chain, PartP12, PartP12)
}

func parseCertsPEM(data []byte) ([]*x509.Certificate, error) {
	var certs []*x509.Certificate
	for rest := data; ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, signerErr(PartCertificate, err, "a certificate is damaged: %v", err)
		}
		certs = append(certs, c)
	}
	if len(certs) == 0 {
		return nil, signerErr(PartCertificate, nil, "no PEM certificate (-----BEGIN CERTIFICATE-----) found")
	}
	return certs, nil
}

const errEncryptedKey = "the key is encrypted: give an unencrypted PEM key, or a PKCS#12 file with a password"

func parseKeyPEM(data []byte) (crypto.PrivateKey, error) {
	for rest := data; ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			return nil, signerErr(PartKey, nil, "no PEM private key (-----BEGIN PRIVATE KEY-----) found")
		}
		var key crypto.PrivateKey
		var err error
		switch b.Type {
		case "ENCRYPTED PRIVATE KEY":
			return nil, signerErr(PartKey, nil, errEncryptedKey)
		case "PRIVATE KEY":
			key, err = x509.ParsePKCS8PrivateKey(b.Bytes)
		case "RSA PRIVATE KEY":
			if strings.Contains(b.Headers["Proc-Type"], "ENCRYPTED") {
				return nil, signerErr(PartKey, nil, errEncryptedKey)
			}
			key, err = x509.ParsePKCS1PrivateKey(b.Bytes)
		case "EC PRIVATE KEY":
			if strings.Contains(b.Headers["Proc-Type"], "ENCRYPTED") {
				return nil, signerErr(PartKey, nil, errEncryptedKey)
			}
			key, err = x509.ParseECPrivateKey(b.Bytes)
		default:
			continue
		}
		if err != nil {
			return nil, signerErr(PartKey, err, "the key is damaged: %v", err)
		}
		return key, nil
	}
}

// newSigner checks that key can sign, belongs to cert and that cert is
// valid now; keyPart and certPart name where a problem is.
func (o SignerOptions) newSigner(cert *x509.Certificate, key crypto.PrivateKey, chain []*x509.Certificate, keyPart, certPart SignerPart) (*Signer, error) {
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, signerErr(keyPart, nil, "the key cannot sign")
	}
	switch signer.Public().(type) {
	case *rsa.PublicKey, *ecdsa.PublicKey, ed25519.PublicKey:
	default:
		return nil, signerErr(keyPart, nil, "the key cannot sign (use an RSA, ECDSA or Ed25519 key)")
	}
	type equaler interface{ Equal(crypto.PublicKey) bool }
	if eq, ok := signer.Public().(equaler); !ok || !eq.Equal(cert.PublicKey) {
		return nil, signerErr(keyPart, nil, "the key does not belong to the certificate %q", cert.Subject.CommonName)
	}
	now := o.Now
	if now.IsZero() {
		now = time.Now()
	}
	if now.After(cert.NotAfter) {
		return nil, signerErr(certPart, nil, "the certificate %q expired on %s", cert.Subject.CommonName, cert.NotAfter.Format("2006-01-02"))
	}
	if now.Before(cert.NotBefore) {
		return nil, signerErr(certPart, nil, "the certificate %q is valid only from %s", cert.Subject.CommonName, cert.NotBefore.Format("2006-01-02"))
	}
	return &Signer{Cert: cert, Key: key, Chain: chain}, nil
}

// Sign wraps content in a CMS SignedData (SHA-256, content enveloped, DER).
// CMS records the signing time, so signed output differs from run to run;
// the enveloped content does not.
func (s *Signer) Sign(content []byte) ([]byte, error) {
	sd, err := pkcs7.NewSignedData(content)
	if err != nil {
		return nil, fmt.Errorf("export: signing: %w", err)
	}
	sd.SetDigestAlgorithm(pkcs7.OIDDigestAlgorithmSHA256)
	if err := sd.AddSigner(s.Cert, s.Key, pkcs7.SignerInfoConfig{}); err != nil {
		return nil, fmt.Errorf("export: signing: %w", err)
	}
	for _, c := range s.Chain {
		sd.AddCertificate(c)
	}
	out, err := sd.Finish()
	if err != nil {
		return nil, fmt.Errorf("export: signing: %w", err)
	}
	return out, nil
}
