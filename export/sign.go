package export

import (
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"

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

// NewSignerPEM reads a signer from a PEM certificate file's bytes (the
// first certificate signs, the rest are the chain) and a PEM private key
// (PKCS#8, PKCS#1 or SEC 1).
func NewSignerPEM(certPEM, keyPEM []byte) (*Signer, error) {
	var certs []*x509.Certificate
	for rest := certPEM; ; {
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
			return nil, fmt.Errorf("export: signing certificate: %w", err)
		}
		certs = append(certs, c)
	}
	if len(certs) == 0 {
		return nil, errors.New("export: the certificate file holds no PEM CERTIFICATE block")
	}
	var key crypto.PrivateKey
	for rest := keyPEM; key == nil; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			return nil, errors.New("export: the key file holds no PEM private key")
		}
		var err error
		switch b.Type {
		case "PRIVATE KEY":
			key, err = x509.ParsePKCS8PrivateKey(b.Bytes)
		case "RSA PRIVATE KEY":
			key, err = x509.ParsePKCS1PrivateKey(b.Bytes)
		case "EC PRIVATE KEY":
			key, err = x509.ParseECPrivateKey(b.Bytes)
		case "ENCRYPTED PRIVATE KEY":
			return nil, errors.New("export: the private key is encrypted; export it without a passphrase or use a PKCS#12 file")
		default:
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("export: signing key: %w", err)
		}
	}
	return newSigner(certs[0], key, certs[1:])
}

// NewSignerPKCS12 reads a signer from a PKCS#12 (.p12/.pfx) file's bytes.
func NewSignerPKCS12(data []byte, password string) (*Signer, error) {
	key, cert, chain, err := pkcs12.DecodeChain(data, password)
	if err != nil {
		return nil, fmt.Errorf("export: PKCS#12 file: %w", err)
	}
	return newSigner(cert, key, chain)
}

func newSigner(cert *x509.Certificate, key crypto.PrivateKey, chain []*x509.Certificate) (*Signer, error) {
	type publicKeyer interface{ Public() crypto.PublicKey }
	pk, ok := key.(publicKeyer)
	if !ok {
		return nil, errors.New("export: unsupported signing key type")
	}
	type equaler interface{ Equal(crypto.PublicKey) bool }
	if eq, ok := pk.Public().(equaler); !ok || !eq.Equal(cert.PublicKey) {
		return nil, errors.New("export: the private key does not belong to the signing certificate")
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
