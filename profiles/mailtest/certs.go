// Package mailtest is the test harness for code that talks to real mail
// servers: a test CA and server certificates made at test time (good,
// expired, not yet valid, wrong name, untrusted), a real Dovecot started on
// free loopback ports (IMAP, POP3 and submission, each with STARTTLS and,
// where the protocol has it, implicit TLS), a go-smtp relay sink behind
// Dovecot's submission service, and small scripted servers (replaying a
// provider's replies, accepting and never speaking, a closed port).
//
// Tests that need Dovecot call StartDovecot; it skips the test with a clear
// reason when dovecot is not installed, unless MAILSETUP_REQUIRE_SERVERS is
// set (CI), in which case the test fails.
//
// Typical use:
//
//	d := mailtest.StartDovecot(t)            // or StartDovecot(t, mailtest.Options{Leaf: ca.ExpiredLeaf(t)})
//	cfg := d.CA.ClientTLS(d.ServerName)      // trusts only the test CA; d.CAFile for --ca or Thunderbird
//	c, _ := imapclient.DialTLS(d.Addr(d.IMAPSPort), &imapclient.Options{TLSConfig: cfg})
//	_ = c.Login(d.User, d.Password).Wait()
//	d.WaitLog("Login: user=<"+d.User+">", 5*time.Second)
//	msgs := d.Relay.Messages()               // what submission relayed
//
// Ports: IMAPPort (STARTTLS), IMAPSPort (TLS), POP3Port (STLS), POP3SPort
// (TLS), SubmissionPort (STARTTLS), SubmissionsPort (TLS). The certificate
// is a CA:FALSE leaf for localhost and 127.0.0.1 (what Thunderbird needs).
package mailtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// CA is a certificate authority made for one test run.
type CA struct {
	// Cert is the CA certificate (CA:TRUE, keyCertSign).
	Cert *x509.Certificate
	// PEM is Cert in PEM form, ready for --ca or a RootCAs pool.
	PEM []byte
	key *ecdsa.PrivateKey
}

// Leaf is a server certificate and its key.
type Leaf struct {
	Cert *x509.Certificate
	// CertPEM holds the leaf followed by its issuer, as servers send it.
	CertPEM []byte
	KeyPEM  []byte
	// TLS is the pair ready for tls.Config.Certificates.
	TLS tls.Certificate
}

// LeafOptions describe a server certificate. Zero values mean: DNS name
// localhost, IP 127.0.0.1, valid from an hour ago for 30 days.
type LeafOptions struct {
	CommonName string
	DNSNames   []string
	IPs        []net.IP
	NotBefore  time.Time
	NotAfter   time.Time
}

func newKey(t testing.TB) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatalf("mailtest: generate key: %v", err)
	}
	return k
}

func serial(t testing.TB) *big.Int {
	t.Helper()
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		t.Fatalf("mailtest: serial: %v", err)
	}
	return n
}

// NewCA makes a certificate authority whose subject common name is name
// (e.g. "Mailsetup Test CA", or "Kaspersky Anti-Virus Personal Root
// Certificate" to imitate an antivirus inspecting TLS).
func NewCA(t testing.TB, name string) *CA {
	t.Helper()
	key := newKey(t)
	tmpl := &x509.Certificate{
		SerialNumber:          serial(t),
		Subject:               pkix.Name{CommonName: name, Organization: []string{name}},
		NotBefore:             time.Now().Add(-24 * time.Hour),
		NotAfter:              time.Now().Add(365 * 24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatalf("mailtest: create CA: %v", err)
	}
	cert, _ := x509.ParseCertificate(der)
	return &CA{Cert: cert, PEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), key: key}
}

// Pool returns a cert pool holding only this CA.
func (ca *CA) Pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(ca.Cert)
	return p
}

// ClientTLS returns a client tls.Config trusting only this CA.
func (ca *CA) ClientTLS(serverName string) *tls.Config {
	return &tls.Config{RootCAs: ca.Pool(), ServerName: serverName, MinVersion: tls.VersionTLS12}
}

// WriteFile writes the CA's PEM into dir and returns the path.
func (ca *CA) WriteFile(t testing.TB, dir string) string {
	t.Helper()
	p := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(p, ca.PEM, 0o644); err != nil {
		t.Fatalf("mailtest: %v", err)
	}
	return p
}

// Leaf issues a server certificate: CA:FALSE, digitalSignature,
// serverAuth, with the names of opts (Thunderbird rejects a CA certificate
// used as a server certificate, so this is always a separate leaf).
func (ca *CA) Leaf(t testing.TB, opts LeafOptions) *Leaf {
	t.Helper()
	if opts.CommonName == "" {
		opts.CommonName = "localhost"
	}
	if opts.DNSNames == nil && opts.IPs == nil {
		opts.DNSNames = []string{"localhost"}
		opts.IPs = []net.IP{net.IPv4(127, 0, 0, 1)}
	}
	if opts.NotBefore.IsZero() {
		opts.NotBefore = time.Now().Add(-time.Hour)
	}
	if opts.NotAfter.IsZero() {
		opts.NotAfter = opts.NotBefore.Add(30 * 24 * time.Hour)
	}
	key := newKey(t)
	tmpl := &x509.Certificate{
		SerialNumber:          serial(t),
		Subject:               pkix.Name{CommonName: opts.CommonName},
		DNSNames:              opts.DNSNames,
		IPAddresses:           opts.IPs,
		NotBefore:             opts.NotBefore,
		NotAfter:              opts.NotAfter,
		BasicConstraintsValid: true,
		IsCA:                  false,
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatalf("mailtest: create leaf: %v", err)
	}
	cert, _ := x509.ParseCertificate(der)
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatalf("mailtest: marshal key: %v", err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	certPEM = append(certPEM, ca.PEM...)
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder})
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		t.Fatalf("mailtest: key pair: %v", err)
	}
	return &Leaf{Cert: cert, CertPEM: certPEM, KeyPEM: keyPEM, TLS: pair}
}

// ServerTLS returns a server tls.Config presenting this leaf.
func (l *Leaf) ServerTLS() *tls.Config {
	return &tls.Config{Certificates: []tls.Certificate{l.TLS}, MinVersion: tls.VersionTLS12}
}

// ExpiredLeaf issues a certificate for localhost/127.0.0.1 that expired
// a day ago (valid from 60 to 1 days ago).
func (ca *CA) ExpiredLeaf(t testing.TB) *Leaf {
	t.Helper()
	now := time.Now()
	return ca.Leaf(t, LeafOptions{NotBefore: now.Add(-60 * 24 * time.Hour), NotAfter: now.Add(-24 * time.Hour)})
}

// NotYetValidLeaf issues a certificate for localhost/127.0.0.1 that
// becomes valid in ten days.
func (ca *CA) NotYetValidLeaf(t testing.TB) *Leaf {
	t.Helper()
	now := time.Now()
	return ca.Leaf(t, LeafOptions{NotBefore: now.Add(10 * 24 * time.Hour), NotAfter: now.Add(40 * 24 * time.Hour)})
}

// WrongNameLeaf issues a valid certificate for mail.example.net only, so a
// client connecting to localhost or 127.0.0.1 sees a name mismatch.
func (ca *CA) WrongNameLeaf(t testing.TB) *Leaf {
	t.Helper()
	return ca.Leaf(t, LeafOptions{CommonName: "mail.example.net", DNSNames: []string{"mail.example.net"}, IPs: []net.IP{}})
}

// UntrustedLeaf issues a good localhost certificate from a fresh CA named
// issuer, which the caller's pool does not hold ("" → "Untrusted Test CA").
func UntrustedLeaf(t testing.TB, issuer string) *Leaf {
	t.Helper()
	if issuer == "" {
		issuer = "Untrusted Test CA"
	}
	return NewCA(t, issuer).Leaf(t, LeafOptions{})
}
