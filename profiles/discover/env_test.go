package discover

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"log"
	"mailsetup/profiles/mailtest"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-smtp"

	"mailsetup/profiles"
)

// testCA is a throw-away certificate authority for the test servers.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pool *x509.CertPool
}

func newCA(t testing.TB) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "mailsetup test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &testCA{cert: cert, key: key, pool: pool}
}

// leaf issues a server certificate for names (DNS names or IPs).
func (ca *testCA) leaf(t testing.TB, names ...string) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl := &x509.Certificate{
		SerialNumber: serial, Subject: pkix.Name{CommonName: names[0]},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, n := range names {
		if ip := net.ParseIP(n); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, n)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// network routes "host:port" to local listeners. Names in hosts exist (a
// dial to an unrouted port of theirs is refused, or hangs when blackholed);
// other names do not exist.
type network struct {
	mu        sync.Mutex
	routes    map[string]string
	hosts     map[string]bool
	blackhole map[string]bool // "host:port" or ":port" that never answer
	closed    string          // a local address nothing listens on
}

func newNetwork(t testing.TB) *network {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	return &network{routes: map[string]string{}, hosts: map[string]bool{}, blackhole: map[string]bool{}, closed: closed}
}

func (n *network) route(hostport, local string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.routes[strings.ToLower(hostport)] = local
	h, _, _ := net.SplitHostPort(hostport)
	n.hosts[strings.ToLower(h)] = true
}

func (n *network) host(h string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.hosts[h] = true
}

func (n *network) block(hostport string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.blackhole[hostport] = true
	if h, _, _ := net.SplitHostPort(hostport); h != "" {
		n.hosts[h] = true
	}
}

func (n *network) Dial(ctx context.Context, network, address string) (net.Conn, error) {
	n.mu.Lock()
	local, ok := n.routes[strings.ToLower(address)]
	host, port, _ := net.SplitHostPort(address)
	known := n.hosts[strings.ToLower(host)]
	hole := n.blackhole[strings.ToLower(address)] || n.blackhole[":"+port]
	n.mu.Unlock()
	var d net.Dialer
	switch {
	case ok:
		return d.DialContext(ctx, "tcp", local)
	case hole && known:
		<-ctx.Done()
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: ctx.Err()}
	case known:
		return d.DialContext(ctx, "tcp", n.closed)
	}
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

// httpsServer starts a TLS HTTP server for names and routes name:443 to it.
func httpsServer(t testing.TB, ca *testCA, nw *network, h http.Handler, names ...string) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{ca.leaf(t, names...)}}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	for _, n := range names {
		nw.route(n+":443", srv.Listener.Addr().String())
	}
	return srv
}

// httpServer starts a plain HTTP server and routes name:80 to it.
func httpServer(t testing.TB, nw *network, h http.Handler, names ...string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	for _, n := range names {
		nw.route(n+":80", srv.Listener.Addr().String())
	}
	return srv
}

// dnsServer is mailtest's DNS server on loopback, with this package's
// short names.
type dnsServer struct{ *mailtest.DNS }

func newDNS(t testing.TB) *dnsServer { return &dnsServer{mailtest.NewDNS(t)} }

func (ds *dnsServer) add(records ...string) { ds.Add(records...) }

// scripted starts a TCP server that runs fn on each connection and routes
// name:port to it.
func scripted(t testing.TB, nw *network, fn func(net.Conn), hostports ...string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { defer c.Close(); fn(c) }()
		}
	}()
	for _, hp := range hostports {
		nw.route(hp, ln.Addr().String())
	}
}

// imapServer starts a go-imap server (implicit TLS when implicit, else with
// STARTTLS) and routes hostport to it.
func imapServer(t testing.TB, nw *network, cert tls.Certificate, implicit bool, hostport string) {
	t.Helper()
	mem := imapmemserver.New()
	tcfg := &tls.Config{Certificates: []tls.Certificate{cert}}
	opts := &imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps:   imap.CapSet{imap.CapIMAP4rev1: {}},
		Logger: nopLogger{},
	}
	if !implicit {
		opts.TLSConfig = tcfg
	}
	srv := imapserver.New(opts)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if implicit {
		ln = tls.NewListener(ln, tcfg)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { srv.Close() })
	nw.route(hostport, ln.Addr().String())
}

type nopLogger struct{}

func (nopLogger) Printf(string, ...any) {}
func (nopLogger) Println(...any)        {}

type smtpSession struct{}

func (smtpSession) Mail(string, *smtp.MailOptions) error { return errors.New("no") }
func (smtpSession) Rcpt(string, *smtp.RcptOptions) error { return errors.New("no") }
func (smtpSession) Data(io.Reader) error                 { return errors.New("no") }
func (smtpSession) Reset()                               {}
func (smtpSession) Logout() error                        { return nil }

// smtpServer starts a go-smtp server (implicit TLS or STARTTLS).
func smtpServer(t testing.TB, nw *network, cert tls.Certificate, implicit bool, hostport string) {
	t.Helper()
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return smtpSession{}, nil }))
	srv.Domain = "mail.test"
	srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
	srv.ErrorLog = nopLogger{}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if implicit {
		ln = tls.NewListener(ln, srv.TLSConfig)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { srv.Close() })
	nw.route(hostport, ln.Addr().String())
}

func mustAddr(t testing.TB, s string) profiles.Address {
	t.Helper()
	a, err := profiles.ParseAddress(s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// autoconfigXML is a small valid config for host names of domain.
func autoconfigXML(imapHost string, imapPort int, sec string, smtpHost string) string {
	return `<?xml version="1.0"?>
<clientConfig version="1.1"><emailProvider id="x">
<domain>example.test</domain><displayName>Test Mail</displayName>
<incomingServer type="imap"><hostname>` + imapHost + `</hostname><port>` + itoa(imapPort) + `</port><socketType>` + sec + `</socketType><username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></incomingServer>
<outgoingServer type="smtp"><hostname>` + smtpHost + `</hostname><port>465</port><socketType>SSL</socketType><username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></outgoingServer>
</emailProvider></clientConfig>`
}

func itoa(i int) string {
	return strings.TrimSpace(strings.Repeat(" ", 0) + big.NewInt(int64(i)).String())
}

func traceOf(res *Result, src profiles.Source) profiles.TraceEntry {
	for _, e := range res.Trace {
		if e.Source == src {
			return e
		}
	}
	return profiles.TraceEntry{}
}

func (ds *dnsServer) setDelay(d time.Duration) { ds.SetDelay(d) }

func (ds *dnsServer) setAD(ad bool) { ds.SetAD(ad) }
