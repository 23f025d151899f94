package audit

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"mailsetup/profiles"
)

// maxLine caps one line a server sends.
const maxLine = 4096

// maxLines caps the lines of one multi-line answer.
const maxLines = 200

// probe connects to one server and reads what it offers. It never signs
// in and never sends a password: IMAP gets CAPABILITY, STARTTLS and LOGOUT;
// POP3 CAPA, STLS and QUIT; SMTP EHLO, STARTTLS and QUIT.
func (c *checker) probe(ctx context.Context, e Endpoint) ServerReport {
	t0 := time.Now()
	rep := ServerReport{Endpoint: e, CapabilitiesBeforeTLS: []string{}, CapabilitiesAfterTLS: []string{}, Auth: []string{}}
	err := c.converse(ctx, e, &rep)
	if err != nil {
		rep.Error = probeErr(err)
	}
	rep.ElapsedMS = time.Since(t0).Milliseconds()
	return rep
}

// converse runs the whole conversation; rep is filled as far as it got.
func (c *checker) converse(ctx context.Context, e Endpoint, rep *ServerReport) error {
	raw, err := c.dial(ctx, "tcp", net.JoinHostPort(e.Host, strconv.Itoa(e.Port)))
	if err != nil {
		return err
	}
	defer raw.Close()
	rep.Reachable = true
	deadline := time.Now().Add(2 * c.opts.ProbeTimeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	_ = raw.SetDeadline(deadline)
	conn := raw
	if e.Security == profiles.SecurityTLS {
		tc, err := c.handshake(raw, e.Host, rep)
		if err != nil {
			return err
		}
		conn = tc
	}
	s := &session{conn: conn, br: bufio.NewReaderSize(conn, maxLine), proto: e.Protocol}
	defer s.quit()
	greeting, err := s.greeting()
	rep.Greeting = truncate(greeting, 200)
	if err != nil {
		return err
	}
	caps, err := s.capabilities()
	if err != nil {
		return err
	}
	if e.Security == profiles.SecurityTLS {
		rep.CapabilitiesAfterTLS = caps
		rep.Auth = mechanisms(e.Protocol, caps)
		return nil
	}
	rep.CapabilitiesBeforeTLS = caps
	rep.STARTTLSOffered = offersSTARTTLS(e.Protocol, caps)
	rep.PlaintextAuthBeforeTLS = plaintextAuth(e.Protocol, caps)
	if e.Security == profiles.SecurityNone {
		rep.Auth = mechanisms(e.Protocol, caps)
		return nil
	}
	if !rep.STARTTLSOffered {
		return errors.New("the server does not offer STARTTLS")
	}
	if err := s.startTLS(); err != nil {
		return err
	}
	tc, err := c.handshake(conn, e.Host, rep)
	if err != nil {
		return err
	}
	s.conn, s.br = tc, bufio.NewReaderSize(tc, maxLine)
	// RFC 3207 §4.2 / RFC 2595 §3.1: capabilities are asked again inside TLS.
	caps, err = s.capabilities()
	if err != nil {
		return err
	}
	rep.CapabilitiesAfterTLS = caps
	rep.Auth = mechanisms(e.Protocol, caps)
	return nil
}

// handshake runs TLS without trusting anything yet, then judges the
// certificate itself so a bad one is described rather than just refused.
func (c *checker) handshake(conn net.Conn, host string, rep *ServerReport) (*tls.Conn, error) {
	tc := tls.Client(conn, &tls.Config{ServerName: host, InsecureSkipVerify: true, MinVersion: tls.VersionTLS10})
	if err := tc.Handshake(); err != nil {
		return nil, fmt.Errorf("TLS handshake failed: %w", err)
	}
	st := tc.ConnectionState()
	rep.TLS = c.judge(st, host)
	return tc, nil
}

// judge describes the certificate the server presented.
func (c *checker) judge(st tls.ConnectionState, host string) *TLSInfo {
	info := &TLSInfo{Version: tls.VersionName(st.Version), Names: []string{}, Chain: []string{}}
	for _, pc := range st.PeerCertificates {
		name := pc.Subject.CommonName
		if name == "" {
			name = pc.Subject.String()
		}
		info.Chain = append(info.Chain, name)
	}
	if len(st.PeerCertificates) == 0 {
		info.Problem = "untrusted"
		return info
	}
	leaf := st.PeerCertificates[0]
	now := time.Now()
	if c.opts.Now != nil {
		now = c.opts.Now()
	}
	info.Issuer = leaf.Issuer.CommonName
	if info.Issuer == "" {
		info.Issuer = leaf.Issuer.String()
	}
	info.Names = append(info.Names, leaf.DNSNames...)
	for _, ip := range leaf.IPAddresses {
		info.Names = append(info.Names, ip.String())
	}
	if len(info.Names) == 0 && leaf.Subject.CommonName != "" {
		info.Names = append(info.Names, leaf.Subject.CommonName)
	}
	info.NotAfter = leaf.NotAfter.UTC()
	info.DaysLeft = int(leaf.NotAfter.Sub(now).Hours() / 24)
	if leaf.NotAfter.Before(now) {
		info.DaysLeft = -int(now.Sub(leaf.NotAfter).Hours()/24) - 1
	}
	inter := x509.NewCertPool()
	for _, ic := range st.PeerCertificates[1:] {
		inter.AddCert(ic)
	}
	// The issuer is judged at a moment the certificate is valid, so an
	// expired certificate from a trusted CA is "expired", not "untrusted".
	at := now
	if now.After(leaf.NotAfter) || now.Before(leaf.NotBefore) {
		at = leaf.NotBefore.Add(leaf.NotAfter.Sub(leaf.NotBefore) / 2)
	}
	_, chainErr := leaf.Verify(x509.VerifyOptions{Roots: c.opts.RootCAs, Intermediates: inter, CurrentTime: at})
	nameErr := leaf.VerifyHostname(host)
	switch {
	case now.After(leaf.NotAfter):
		info.Problem = "expired"
	case now.Before(leaf.NotBefore):
		info.Problem = "not-yet-valid"
	case nameErr != nil:
		info.Problem = "wrong-name"
	case chainErr != nil:
		info.Problem = "untrusted"
	}
	info.Trusted = chainErr == nil
	return info
}

// session is one plain-text conversation.
type session struct {
	conn  net.Conn
	br    *bufio.Reader
	proto profiles.Protocol
	tag   int
}

func (s *session) send(line string) error {
	_, err := s.conn.Write([]byte(line + "\r\n"))
	return err
}

func (s *session) line() (string, error) {
	var b []byte
	for {
		chunk, more, err := s.br.ReadLine()
		if err != nil {
			if errors.Is(err, bufio.ErrBufferFull) || len(b) > 0 {
				break
			}
			return "", err
		}
		b = append(b, chunk...)
		if len(b) > maxLine {
			return "", errors.New("the server sent a line longer than 4 KiB")
		}
		if !more {
			break
		}
	}
	return string(b), nil
}

// greeting reads the server's first answer (all lines of an SMTP 220).
func (s *session) greeting() (string, error) {
	first, err := s.line()
	if err != nil {
		return "", fmt.Errorf("no greeting: %w", err)
	}
	switch s.proto {
	case profiles.IMAP:
		if !strings.HasPrefix(first, "* OK") && !strings.HasPrefix(first, "* PREAUTH") {
			return first, fmt.Errorf("not an IMAP greeting")
		}
	case profiles.POP3:
		if !strings.HasPrefix(first, "+OK") {
			return first, fmt.Errorf("not a POP3 greeting")
		}
	case profiles.SMTP:
		l := first
		for n := 0; strings.HasPrefix(l, "220-") && n < maxLines; n++ {
			if l, err = s.line(); err != nil {
				return first, err
			}
		}
		if !strings.HasPrefix(first, "220") {
			return first, fmt.Errorf("not an SMTP greeting")
		}
	}
	return first, nil
}

// capabilities asks for what the server offers, one word a capability
// (IMAP) or one line a capability (POP3 CAPA, SMTP EHLO keywords).
func (s *session) capabilities() ([]string, error) {
	out := []string{}
	switch s.proto {
	case profiles.IMAP:
		s.tag++
		tag := fmt.Sprintf("a%d", s.tag)
		if err := s.send(tag + " CAPABILITY"); err != nil {
			return out, err
		}
		for n := 0; n < maxLines; n++ {
			l, err := s.line()
			if err != nil {
				return out, err
			}
			if strings.HasPrefix(l, "* CAPABILITY ") {
				out = append(out, strings.Fields(l[len("* CAPABILITY "):])...)
			}
			if strings.HasPrefix(l, tag+" ") {
				return out, nil
			}
		}
	case profiles.POP3:
		if err := s.send("CAPA"); err != nil {
			return out, err
		}
		l, err := s.line()
		if err != nil || !strings.HasPrefix(l, "+OK") {
			return out, err // no CAPA: RFC 1939 USER/PASS still works
		}
		for n := 0; n < maxLines; n++ {
			l, err := s.line()
			if err != nil {
				return out, err
			}
			if l == "." {
				return out, nil
			}
			out = append(out, l)
		}
	case profiles.SMTP:
		if err := s.send("EHLO mailsetup.invalid"); err != nil {
			return out, err
		}
		for n := 0; n < maxLines; n++ {
			l, err := s.line()
			if err != nil {
				return out, err
			}
			if !strings.HasPrefix(l, "250") {
				return out, fmt.Errorf("EHLO refused: %s", truncate(l, 120))
			}
			if n > 0 && len(l) > 4 {
				out = append(out, strings.TrimSpace(l[4:]))
			}
			if len(l) < 4 || l[3] == ' ' {
				return out, nil
			}
		}
	}
	return out, errors.New("the server's answer never ended")
}

// startTLS asks for the upgrade and reads the go-ahead.
func (s *session) startTLS() error {
	var cmd, ok string
	switch s.proto {
	case profiles.IMAP:
		s.tag++
		cmd, ok = fmt.Sprintf("a%d STARTTLS", s.tag), fmt.Sprintf("a%d OK", s.tag)
	case profiles.POP3:
		cmd, ok = "STLS", "+OK"
	case profiles.SMTP:
		cmd, ok = "STARTTLS", "220"
	}
	if err := s.send(cmd); err != nil {
		return err
	}
	for n := 0; n < maxLines; n++ {
		l, err := s.line()
		if err != nil {
			return err
		}
		if strings.HasPrefix(l, "* ") {
			continue
		}
		if !strings.HasPrefix(l, ok) {
			return fmt.Errorf("STARTTLS refused: %s", truncate(l, 120))
		}
		return nil
	}
	return errors.New("no answer to STARTTLS")
}

func (s *session) quit() {
	switch s.proto {
	case profiles.IMAP:
		_ = s.send("z LOGOUT")
	default:
		_ = s.send("QUIT")
	}
}

func offersSTARTTLS(p profiles.Protocol, caps []string) bool {
	want := "STARTTLS"
	if p == profiles.POP3 {
		want = "STLS"
	}
	for _, c := range caps {
		if strings.EqualFold(c, want) {
			return true
		}
	}
	return false
}

// mechanisms lists the sign-in methods advertised: IMAP AUTH=…, POP3 SASL
// and USER, SMTP AUTH.
func mechanisms(p profiles.Protocol, caps []string) []string {
	out := []string{}
	add := func(m string) {
		m = strings.ToUpper(m)
		for _, o := range out {
			if o == m {
				return
			}
		}
		out = append(out, m)
	}
	for _, c := range caps {
		u := strings.ToUpper(c)
		switch p {
		case profiles.IMAP:
			if strings.HasPrefix(u, "AUTH=") {
				add(u[5:])
			}
		case profiles.POP3:
			if f := strings.Fields(u); len(f) > 1 && f[0] == "SASL" {
				for _, m := range f[1:] {
					add(m)
				}
			}
			if u == "USER" {
				add("USER")
			}
		case profiles.SMTP:
			if f := strings.Fields(strings.ReplaceAll(u, "=", " ")); len(f) > 1 && f[0] == "AUTH" {
				for _, m := range f[1:] {
					add(m)
				}
			}
		}
	}
	return out
}

// plaintextAuth judges, from the capabilities of the unencrypted
// connection, whether the server would take a password there: IMAP unless
// LOGINDISABLED (RFC 3501 §6.2.3), POP3 with USER or a SASL password
// mechanism, SMTP with AUTH PLAIN/LOGIN (RFC 4954 §4 asks servers not to).
func plaintextAuth(p profiles.Protocol, caps []string) bool {
	if p == profiles.IMAP {
		for _, c := range caps {
			if strings.EqualFold(c, "LOGINDISABLED") {
				return false
			}
		}
		return true
	}
	if p == profiles.POP3 && len(caps) == 0 {
		return true // no CAPA: USER/PASS is RFC 1939's baseline
	}
	for _, m := range mechanisms(p, caps) {
		if m == "PLAIN" || m == "LOGIN" || m == "USER" {
			return true
		}
	}
	return false
}

// probeErr words a probe failure for people.
func probeErr(err error) string {
	var de *net.DNSError
	switch {
	case errors.As(err, &de) && de.IsNotFound:
		return "the host name does not exist in DNS"
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		return "no answer in time: a firewall may be dropping the connection"
	}
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Op == "dial" {
		return "the connection was refused: nothing listens on that port"
	}
	return err.Error()
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
