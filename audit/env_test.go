package audit

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"mailsetup/profiles/mailtest"
)

// testDomain is the domain every scenario checks.
const testDomain = "example.test"

// network routes "host:port" to local listeners. Known hosts without a
// route refuse the connection; blackholed ones never answer; other names
// do not exist.
type network struct {
	mu     sync.Mutex
	routes map[string]string
	hosts  map[string]bool
	holes  map[string]bool
	closed string
}

func newNetwork(t testing.TB) *network {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	return &network{routes: map[string]string{}, hosts: map[string]bool{}, holes: map[string]bool{}, closed: closed}
}

func (n *network) route(hostport, local string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.routes[strings.ToLower(hostport)] = local
	h, _, _ := net.SplitHostPort(hostport)
	n.hosts[strings.ToLower(h)] = true
}

// blackhole makes hostport a firewalled host: the connect never completes.
func (n *network) blackhole(hostport string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.holes[hostport] = true
	h, _, _ := net.SplitHostPort(hostport)
	n.hosts[h] = true
}

func (n *network) Dial(ctx context.Context, _, address string) (net.Conn, error) {
	n.mu.Lock()
	local, ok := n.routes[strings.ToLower(address)]
	host, _, _ := net.SplitHostPort(address)
	known, hole := n.hosts[strings.ToLower(host)], n.holes[strings.ToLower(address)]
	n.mu.Unlock()
	var d net.Dialer
	switch {
	case ok:
		return d.DialContext(ctx, "tcp", local)
	case hole:
		<-ctx.Done()
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: ctx.Err()}
	case known:
		return d.DialContext(ctx, "tcp", n.closed)
	}
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

// dnsServer is mailtest's DNS server on loopback, with this package's
// short names.
type dnsServer struct{ *mailtest.DNS }

func newDNS(t testing.TB) *dnsServer { return &dnsServer{mailtest.NewDNS(t)} }

func (ds *dnsServer) add(records ...string) { ds.Add(records...) }

// env is one scenario: DNS, web servers and mail servers on loopback.
type env struct {
	t     testing.TB
	ca    *mailtest.CA
	nw    *network
	dns   *dnsServer
	web   map[string]*http.ServeMux // "host:443" or "host:80"
	delay time.Duration             // every web and mail answer waits this long
}

func newEnv(t testing.TB) *env {
	return &env{t: t, ca: mailtest.NewCA(t, "Mailsetup Test CA"), nw: newNetwork(t), dns: newDNS(t), web: map[string]*http.ServeMux{}}
}

// mux returns the handlers of hostport, starting its server on first use
// (HTTPS with a test-CA certificate for :443, plain HTTP for :80).
func (e *env) mux(hostport string) *http.ServeMux {
	return e.muxWith(hostport, nil)
}

// muxWith is mux with the HTTPS server presenting leaf (nil: a good one).
func (e *env) muxWith(hostport string, leaf *mailtest.Leaf) *http.ServeMux {
	if m, ok := e.web[hostport]; ok {
		return m
	}
	m := http.NewServeMux()
	e.web[hostport] = m
	host, port, _ := net.SplitHostPort(hostport)
	var h http.Handler = m
	if e.delay > 0 {
		d := e.delay
		h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { time.Sleep(d); m.ServeHTTP(w, r) })
	}
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	if port == "443" {
		if leaf == nil {
			leaf = e.leaf(host)
		}
		srv.TLS = &tls.Config{Certificates: []tls.Certificate{leaf.TLS}}
		srv.StartTLS()
	} else {
		srv.Start()
	}
	e.t.Cleanup(srv.Close)
	e.nw.route(hostport, srv.Listener.Addr().String())
	return m
}

// serve answers path on hostport with body (status 200).
func (e *env) serve(hostport, path, body string) {
	e.mux(hostport).HandleFunc(path, func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, body) })
}

func (e *env) leaf(names ...string) *mailtest.Leaf {
	return e.ca.Leaf(e.t, mailtest.LeafOptions{CommonName: names[0], DNSNames: names, IPs: []net.IP{},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(90 * 24 * time.Hour)})
}

func (e *env) opts() Options {
	return Options{DNS: e.dns.Addr, ISPDB: "https://ispdb.test/v1.1/", RootCAs: e.ca.Pool(), Dial: e.nw.Dial,
		Timeout: 10 * time.Second, ProbeTimeout: 3 * time.Second}
}

func (e *env) check() *Report {
	e.t.Helper()
	rep, err := Check(context.Background(), testDomain, e.opts())
	if err != nil {
		e.t.Fatal(err)
	}
	return rep
}

// mailOpts describe a scripted mail server.
type mailOpts struct {
	proto string // imap, pop3, smtp
	// implicit is TLS from the first byte; otherwise STARTTLS is offered
	// unless noSTARTTLS.
	implicit   bool
	noSTARTTLS bool
	// authBeforeTLS advertises password sign-in on the plain connection.
	authBeforeTLS bool
	cert          *mailtest.Leaf
	// maxTLS caps the TLS version the server speaks (0: Go's default).
	maxTLS uint16
}

// mail starts a scripted server speaking enough IMAP, POP3 or SMTP for a
// probe and routes hostport to it.
func (e *env) mail(hostport string, o mailOpts) *mailtest.Script {
	var cfg *tls.Config
	if o.cert != nil {
		cfg = o.cert.ServerTLS()
		if o.maxTLS != 0 {
			cfg.MinVersion, cfg.MaxVersion = tls.VersionTLS10, o.maxTLS
		}
	}
	var implicit *tls.Config
	if o.implicit {
		implicit = cfg
	}
	d := e.delay
	s := mailtest.ServeScript(e.t, implicit, func(c *mailtest.Conn) {
		c.Delay = d
		secure := o.implicit
		switch o.proto {
		case "imap":
			imapScript(c, cfg, o, secure)
		case "pop3":
			pop3Script(c, cfg, o, secure)
		case "smtp":
			smtpScript(c, cfg, o, secure)
		}
	})
	e.nw.route(hostport, "127.0.0.1:"+strconv.Itoa(s.Port))
	return s
}

func imapScript(c *mailtest.Conn, cfg *tls.Config, o mailOpts, secure bool) {
	c.Send("* OK IMAP ready")
	for {
		l, ok := c.ReadLine()
		if !ok {
			return
		}
		f := strings.Fields(l)
		if len(f) < 2 {
			return
		}
		tag, cmd := f[0], strings.ToUpper(f[1])
		switch cmd {
		case "CAPABILITY":
			caps := "IMAP4rev1"
			switch {
			case secure:
				caps += " AUTH=PLAIN AUTH=LOGIN"
			case o.authBeforeTLS:
				caps += " AUTH=PLAIN"
			default:
				caps += " LOGINDISABLED"
			}
			if !secure && !o.noSTARTTLS {
				caps += " STARTTLS"
			}
			c.Send("* CAPABILITY "+caps, tag+" OK done")
		case "STARTTLS":
			c.Send(tag + " OK begin TLS")
			if c.StartTLS(cfg) != nil {
				return
			}
			secure = true
		case "LOGOUT":
			c.Send("* BYE", tag+" OK bye")
			return
		default:
			c.Send(tag + " BAD unexpected")
		}
	}
}

func pop3Script(c *mailtest.Conn, cfg *tls.Config, o mailOpts, secure bool) {
	c.Send("+OK POP3 ready")
	for {
		l, ok := c.ReadLine()
		if !ok {
			return
		}
		switch strings.ToUpper(l) {
		case "CAPA":
			lines := []string{"+OK"}
			if secure || o.authBeforeTLS {
				lines = append(lines, "USER", "SASL PLAIN")
			}
			if !secure && !o.noSTARTTLS {
				lines = append(lines, "STLS")
			}
			c.Send(append(lines, ".")...)
		case "STLS":
			c.Send("+OK begin TLS")
			if c.StartTLS(cfg) != nil {
				return
			}
			secure = true
		case "QUIT":
			c.Send("+OK bye")
			return
		default:
			c.Send("-ERR unexpected")
		}
	}
}

func smtpScript(c *mailtest.Conn, cfg *tls.Config, o mailOpts, secure bool) {
	c.Send("220 mail.example.test ESMTP ready")
	for {
		l, ok := c.ReadLine()
		if !ok {
			return
		}
		f := strings.Fields(strings.ToUpper(l))
		if len(f) == 0 {
			return
		}
		switch f[0] {
		case "EHLO":
			lines := []string{"250-mail.example.test"}
			if !secure && !o.noSTARTTLS {
				lines = append(lines, "250-STARTTLS")
			}
			if secure || o.authBeforeTLS {
				lines = append(lines, "250-AUTH PLAIN LOGIN")
			}
			c.Send(append(lines, "250 8BITMIME")...)
		case "STARTTLS":
			c.Send("220 go ahead")
			if c.StartTLS(cfg) != nil {
				return
			}
			secure = true
		case "QUIT":
			c.Send("221 bye")
			return
		default:
			c.Send("502 unexpected")
		}
	}
}

// selfSigned is a certificate that is its own issuer.
func selfSigned(t testing.TB, name string) *mailtest.Leaf {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: name}, DNSNames: []string{name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(90 * 24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return &mailtest.Leaf{Cert: cert, TLS: tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}}
}

// autoconfigXML is a clientConfig file naming imap and smtp servers.
func autoconfigXML(imapHost string, imapPort int, imapSec, smtpHost string, smtpPort int, smtpSec string) string {
	return `<?xml version="1.0"?>
<clientConfig version="1.1"><emailProvider id="example.test">
<domain>example.test</domain><displayName>Example</displayName>
<incomingServer type="imap"><hostname>` + imapHost + `</hostname><port>` + strconv.Itoa(imapPort) + `</port><socketType>` + imapSec + `</socketType><username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></incomingServer>
<outgoingServer type="smtp"><hostname>` + smtpHost + `</hostname><port>` + strconv.Itoa(smtpPort) + `</port><socketType>` + smtpSec + `</socketType><username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></outgoingServer>
</emailProvider></clientConfig>`
}

// poxXML is an Autodiscover answer naming an IMAP and an SMTP server.
func poxXML(imapHost string, imapPort int, smtpHost string, smtpPort int) string {
	return `<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">
<Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a">
<Account><AccountType>email</AccountType><Action>settings</Action>
<Protocol><Type>IMAP</Type><Server>` + imapHost + `</Server><Port>` + strconv.Itoa(imapPort) + `</Port><SSL>on</SSL><Encryption>SSL</Encryption></Protocol>
<Protocol><Type>SMTP</Type><Server>` + smtpHost + `</Server><Port>` + strconv.Itoa(smtpPort) + `</Port><SSL>on</SSL><Encryption>SSL</Encryption></Protocol>
</Account></Response></Autodiscover>`
}

// good sets up a domain where everything is right: autoconfig over HTTPS,
// Autodiscover, the six SRV records (POP3 "not offered"), DNSSEC-signed
// answers, and IMAP 993/143, SMTP 465/587 with good certificates.
func (e *env) good() {
	e.dns.SetAD(true)
	e.dns.add("example.test. 300 IN MX 10 mx.example.test.",
		"_imaps._tcp.example.test. 300 IN SRV 0 1 993 mail.example.test.",
		"_imap._tcp.example.test. 300 IN SRV 0 1 143 mail.example.test.",
		"_pop3s._tcp.example.test. 300 IN SRV 0 0 0 .",
		"_pop3._tcp.example.test. 300 IN SRV 0 0 0 .",
		"_submissions._tcp.example.test. 300 IN SRV 0 1 465 mail.example.test.",
		"_submission._tcp.example.test. 300 IN SRV 0 1 587 mail.example.test.")
	e.serve("autoconfig.example.test:443", "/mail/config-v1.1.xml", autoconfigXML("mail.example.test", 993, "SSL", "mail.example.test", 465, "SSL"))
	e.serve("autodiscover.example.test:443", "/autodiscover/autodiscover.xml", poxXML("mail.example.test", 993, "mail.example.test", 465))
	cert := e.leaf("mail.example.test")
	e.mail("mail.example.test:993", mailOpts{proto: "imap", implicit: true, cert: cert})
	e.mail("mail.example.test:143", mailOpts{proto: "imap", cert: cert})
	e.mail("mail.example.test:465", mailOpts{proto: "smtp", implicit: true, cert: cert})
	e.mail("mail.example.test:587", mailOpts{proto: "smtp", cert: cert})
}
