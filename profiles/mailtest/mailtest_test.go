package mailtest

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

func TestDovecotHarness(t *testing.T) {
	d := StartDovecot(t)
	cfg := d.CA.ClientTLS(d.ServerName)

	for name, dial := range map[string]func() (*imapclient.Client, error){
		"imaps": func() (*imapclient.Client, error) {
			return imapclient.DialTLS(d.Addr(d.IMAPSPort), &imapclient.Options{TLSConfig: cfg.Clone()})
		},
		"starttls": func() (*imapclient.Client, error) {
			return imapclient.DialStartTLS(d.Addr(d.IMAPPort), &imapclient.Options{TLSConfig: cfg.Clone()})
		},
	} {
		c, err := dial()
		if err != nil {
			t.Fatalf("%s: dial: %v", name, err)
		}
		if err := c.Login(d.User, d.Password).Wait(); err != nil {
			t.Fatalf("%s: login: %v", name, err)
		}
		if err := c.Login(d.User, "wrong").Wait(); err == nil {
			t.Fatalf("%s: second login in authenticated state should fail", name)
		}
		c.Close()
	}

	// POP3 over implicit TLS, spoken by hand.
	conn, err := tls.Dial("tcp", d.Addr(d.POP3SPort), cfg.Clone())
	if err != nil {
		t.Fatalf("pop3s: %v", err)
	}
	r := bufio.NewReader(conn)
	for _, step := range []struct{ send, want string }{{"", "+OK"}, {"USER " + d.User, "+OK"}, {"PASS " + d.Password, "+OK"}, {"QUIT", "+OK"}} {
		if step.send != "" {
			conn.Write([]byte(step.send + "\r\n"))
		}
		line, _ := r.ReadString('\n')
		if !strings.HasPrefix(line, step.want) {
			t.Fatalf("pop3s: after %q got %q", step.send, line)
		}
	}
	conn.Close()

	// Submission with STARTTLS relays to the sink.
	sc, err := smtp.DialStartTLS(d.Addr(d.SubmissionPort), cfg.Clone())
	if err != nil {
		t.Fatalf("submission: %v", err)
	}
	if err := sc.Auth(sasl.NewPlainClient("", d.User, "wrong")); err == nil {
		t.Fatal("submission accepted a wrong password")
	}
	sc.Close()
	sc, err = smtp.DialStartTLS(d.Addr(d.SubmissionPort), cfg.Clone())
	if err != nil {
		t.Fatalf("submission: %v", err)
	}
	if err := sc.Auth(sasl.NewPlainClient("", d.User, d.Password)); err != nil {
		t.Fatalf("submission auth: %v", err)
	}
	msg := "From: " + d.User + "\r\nTo: " + d.User + "\r\nSubject: hi\r\n\r\nhello\r\n"
	if err := sc.SendMail(d.User, []string{d.User}, strings.NewReader(msg)); err != nil {
		t.Fatalf("send: %v", err)
	}
	sc.Quit()
	if n := len(d.Relay.Messages()); n != 1 {
		t.Fatalf("relay got %d messages, want 1", n)
	}
	if !d.WaitLog("Login: user=<"+d.User+">", 2*time.Second) {
		t.Fatalf("no login in the log:\n%s", d.Log())
	}
	if !strings.Contains(d.Log(), "Password mismatch") {
		t.Fatalf("no password mismatch in the log:\n%s", d.Log())
	}
}

func TestBadCerts(t *testing.T) {
	ca := NewCA(t, "Test CA")
	cases := map[string]struct {
		leaf *Leaf
		want any
	}{
		"expired":   {ca.ExpiredLeaf(t), x509.CertificateInvalidError{}},
		"notyet":    {ca.NotYetValidLeaf(t), x509.CertificateInvalidError{}},
		"wrongname": {ca.WrongNameLeaf(t), x509.HostnameError{}},
		"untrusted": {UntrustedLeaf(t, "Kaspersky Anti-Virus Personal Root Certificate"), x509.UnknownAuthorityError{}},
	}
	for name, c := range cases {
		s := ServeScript(t, c.leaf.ServerTLS(), func(c *Conn) { c.Send("* OK hi") })
		_, err := tls.Dial("tcp", "127.0.0.1:"+itoa(s.Port), ca.ClientTLS("localhost"))
		if err == nil {
			t.Fatalf("%s: handshake succeeded", name)
		}
		var ok bool
		switch c.want.(type) {
		case x509.CertificateInvalidError:
			var e x509.CertificateInvalidError
			ok = errors.As(err, &e)
		case x509.HostnameError:
			var e x509.HostnameError
			ok = errors.As(err, &e)
		case x509.UnknownAuthorityError:
			var e x509.UnknownAuthorityError
			ok = errors.As(err, &e)
		}
		if !ok {
			t.Errorf("%s: error %v (%T) is not %T", name, err, err, c.want)
		}
	}
	good := ServeScript(t, ca.Leaf(t, LeafOptions{}).ServerTLS(), func(c *Conn) { c.Send("* OK hi") })
	conn, err := tls.Dial("tcp", "127.0.0.1:"+itoa(good.Port), ca.ClientTLS("localhost"))
	if err != nil {
		t.Fatalf("good leaf: %v", err)
	}
	conn.Close()
}

func itoa(n int) string { return strconv.Itoa(n) }
