package mailwire

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"strings"
)

// StartTLS asks for the upgrade (IMAP STARTTLS, POP3 STLS, SMTP STARTTLS)
// and, when the server agrees, does the TLS handshake with cfg. A refusal
// is a *ReplyError wrapping ErrStartTLSMissing. A server that
// sent anything after its "go ahead" and before the handshake is refused
// with ErrDataBeforeTLS: those bytes would otherwise be read as
// if they had come over TLS (the STARTTLS command-injection attack, RFC
// 3207 §4.2 and CVE-2011-0411). The handshake itself is a
// *HandshakeError.
func (c *Conn) StartTLS(cfg *tls.Config) (tls.ConnectionState, error) {
	var reply string
	var ok bool
	switch c.proto {
	case IMAP:
		tag := c.Tag()
		if err := c.WriteLine(tag + " STARTTLS"); err != nil {
			return tls.ConnectionState{}, err
		}
		tagged, _, err := c.ReadTagged(tag)
		if err != nil {
			return tls.ConnectionState{}, err
		}
		reply, ok = tagged, strings.HasPrefix(strings.ToUpper(tagged), strings.ToUpper(tag)+" OK")
	case POP3:
		if err := c.WriteLine("STLS"); err != nil {
			return tls.ConnectionState{}, err
		}
		line, err := c.ReadLine()
		if err != nil {
			return tls.ConnectionState{}, err
		}
		reply, ok = line, strings.HasPrefix(line, "+OK")
	default:
		if err := c.WriteLine("STARTTLS"); err != nil {
			return tls.ConnectionState{}, err
		}
		code, text, err := c.ReadSMTP()
		if err != nil {
			if _, lim := err.(*LimitError); lim {
				return tls.ConnectionState{}, err
			}
			return tls.ConnectionState{}, &ReplyError{Reply: text, Err: ErrStartTLSMissing}
		}
		reply, ok = fmt.Sprintf("%d %s", code, text), code == 220
	}
	if !ok {
		return tls.ConnectionState{}, &ReplyError{Reply: reply, Err: ErrStartTLSMissing}
	}
	if c.br.Buffered() > 0 {
		return tls.ConnectionState{}, ErrDataBeforeTLS
	}
	return c.handshake(cfg, true)
}

// tlsFirstByte sees the first byte the server sends after STARTTLS. A TLS
// server's first record is a handshake (0x16) or an alert (0x15); anything
// else is plain text sent where the handshake should be: injected lines
// that came in a later TCP segment than the "go ahead" (so the buffer check
// above could not see them).
type tlsFirstByte struct {
	net.Conn
	seen, plain bool
}

func (f *tlsFirstByte) Read(p []byte) (int, error) {
	n, err := f.Conn.Read(p)
	if n > 0 && !f.seen {
		f.seen = true
		if p[0] != 0x16 && p[0] != 0x15 {
			f.plain = true
			return 0, ErrDataBeforeTLS
		}
	}
	return n, err
}

// HandshakeError is a failed TLS handshake (the certificate, the version,
// or no TLS server at all); it unwraps to crypto/tls's and x509's errors.
type HandshakeError struct{ Err error }

func (e *HandshakeError) Error() string { return e.Err.Error() }

// Unwrap returns the TLS error.
func (e *HandshakeError) Unwrap() error { return e.Err }

// Handshake upgrades the stream to TLS with cfg (implicit TLS, or after
// StartTLS). The certificate chain is checked as crypto/tls would (the
// same roots, name and time, the same error types), after first refusing a
// chain longer than MaxCerts or larger than MaxCertBytes: a hostile chain
// would otherwise cost the chain builder time and memory before failing.
func (c *Conn) Handshake(cfg *tls.Config) (tls.ConnectionState, error) {
	return c.handshake(cfg, false)
}

func (c *Conn) handshake(cfg *tls.Config, afterStartTLS bool) (tls.ConnectionState, error) {
	var under net.Conn = c.cur
	fb := &tlsFirstByte{Conn: c.cur}
	if afterStartTLS {
		under = fb
	}
	tc := tls.Client(under, c.guard(cfg))
	if err := tc.HandshakeContext(c.ctx); err != nil {
		if fb.plain {
			return tls.ConnectionState{}, ErrDataBeforeTLS
		}
		if le := c.Err(); le != nil {
			return tls.ConnectionState{}, le
		}
		var le *LimitError
		if asLimit(err, &le) {
			return tls.ConnectionState{}, le
		}
		return tls.ConnectionState{}, &HandshakeError{Err: err}
	}
	c.tls = tc
	c.setStream(tc)
	return tc.ConnectionState(), nil
}

func asLimit(err error, le **LimitError) bool {
	for err != nil {
		if l, ok := err.(*LimitError); ok {
			*le = l
			return true
		}
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return false
		}
		err = u.Unwrap()
	}
	return false
}

// guard returns a copy of cfg that checks the chain's size before
// verifying it itself.
func (c *Conn) guard(cfg *tls.Config) *tls.Config {
	if cfg == nil {
		cfg = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	g := cfg.Clone()
	if g.InsecureSkipVerify {
		return g
	}
	g.InsecureSkipVerify = true
	next := cfg.VerifyConnection
	g.VerifyConnection = func(cs tls.ConnectionState) error {
		certs := cs.PeerCertificates
		size := 0
		for _, crt := range certs {
			size += len(crt.Raw)
		}
		if len(certs) > c.lim.MaxCerts {
			return c.broke(&LimitError{What: "certificate chain", Limit: int64(c.lim.MaxCerts)})
		}
		if size > c.lim.MaxCertBytes {
			return c.broke(&LimitError{What: "certificate chain", Limit: int64(c.lim.MaxCertBytes)})
		}
		if len(certs) == 0 {
			return &tls.CertificateVerificationError{Err: fmt.Errorf("tls: the server sent no certificate")}
		}
		if cfg.ServerName == "" {
			// crypto/tls refuses this too: without a name, any valid
			// certificate would pass.
			return &tls.CertificateVerificationError{UnverifiedCertificates: certs, Err: fmt.Errorf("tls: no server name to check the certificate against")}
		}
		opts := x509.VerifyOptions{Roots: cfg.RootCAs, DNSName: cfg.ServerName, Intermediates: x509.NewCertPool()}
		if cfg.Time != nil {
			opts.CurrentTime = cfg.Time()
		}
		for _, crt := range certs[1:] {
			opts.Intermediates.AddCert(crt)
		}
		if _, err := certs[0].Verify(opts); err != nil {
			return &tls.CertificateVerificationError{UnverifiedCertificates: certs, Err: err}
		}
		if next != nil {
			return next(cs)
		}
		return nil
	}
	return g
}
