package mailwire

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// serve plays script as the server's whole side over loopback TCP (then
// closes its sending half, so the client sees the end of the stream while
// its own commands are still read) and returns the client end and a
// counter of the bytes the client read.
func serve(t testing.TB, script string) (net.Conn, *atomic.Int64) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var n atomic.Int64
	go func() {
		c, err := ln.Accept()
		ln.Close()
		if err != nil {
			return
		}
		srv := c.(*net.TCPConn)
		go func() { _, _ = io.Copy(io.Discard, srv); srv.Close() }()
		// Small writes, so the count shows when the client stopped reading.
		b := []byte(script)
		for len(b) > 0 {
			k := min(len(b), 4096)
			if _, err := srv.Write(b[:k]); err != nil {
				return
			}
			b = b[k:]
		}
		_ = srv.CloseWrite()
	}()
	cli, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cli.Close() })
	return &readCounter{Conn: cli, n: &n}, &n
}

type readCounter struct {
	net.Conn
	n *atomic.Int64
}

func (r *readCounter) Read(p []byte) (int, error) {
	k, err := r.Conn.Read(p)
	r.n.Add(int64(k))
	return k, err
}

func dialogue(c *Conn) error {
	if _, err := c.Greeting(); err != nil {
		return err
	}
	k, _, err := c.Capabilities("test.invalid")
	if err != nil {
		return err
	}
	if k.STARTTLS() {
		if _, err := c.StartTLS(nil); err != nil {
			return err
		}
	}
	return nil
}

func TestDialogue(t *testing.T) {
	cases := []struct {
		name  string
		proto Protocol
		srv   string
		check func(t *testing.T, c *Conn, k Caps, err error)
	}{
		{"imap", IMAP, "* OK hi\r\n* CAPABILITY IMAP4rev1 AUTH=PLAIN LOGINDISABLED\r\nm1 OK done\r\n", func(t *testing.T, c *Conn, k Caps, err error) {
			if err != nil || !k.Has("logindisabled") || !k.HasSASL("plain") || k.STARTTLS() {
				t.Fatalf("%v %+v", err, k)
			}
		}},
		{"pop3-no-capa", POP3, "+OK hi\r\n-ERR what\r\n", func(t *testing.T, c *Conn, k Caps, err error) {
			if err != nil || len(k.List) != 0 {
				t.Fatalf("%v %+v", err, k)
			}
		}},
		{"pop3", POP3, "+OK hi\r\n+OK\r\nUSER\r\nSASL PLAIN LOGIN\r\nSTLS\r\n.\r\n", func(t *testing.T, c *Conn, k Caps, err error) {
			if err != nil || !k.Has("USER") || !k.HasSASL("LOGIN") || !k.STARTTLS() {
				t.Fatalf("%v %+v", err, k)
			}
		}},
		{"smtp", SMTP, "220-hi\r\n220 there\r\n250-mx\r\n250-AUTH PLAIN LOGIN\r\n250 STARTTLS\r\n", func(t *testing.T, c *Conn, k Caps, err error) {
			if err != nil || !k.STARTTLS() || !k.HasSASL("PLAIN") {
				t.Fatalf("%v %+v", err, k)
			}
		}},
		{"imap-bye", IMAP, "* BYE go away\r\n", func(t *testing.T, c *Conn, k Caps, err error) {
			var re *ReplyError
			if !errors.As(err, &re) || !errors.Is(err, ErrClosedAtOnce) || re.Reply != "* BYE go away" {
				t.Fatalf("%v", err)
			}
		}},
		{"smtp-554", SMTP, "554 no service\r\n", func(t *testing.T, c *Conn, k Caps, err error) {
			if !errors.Is(err, ErrRefused) {
				t.Fatalf("%v", err)
			}
		}},
		{"not-mail", IMAP, "HTTP/1.1 400 Bad Request\r\n", func(t *testing.T, c *Conn, k Caps, err error) {
			if !errors.Is(err, ErrBadGreeting) {
				t.Fatalf("%v", err)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cli, _ := serve(t, c.srv)
			w := New(context.Background(), cli, c.proto, Limits{})
			defer w.Close()
			w.Deadline(2 * time.Second)
			var k Caps
			_, err := w.Greeting()
			if err == nil {
				k, _, err = w.Capabilities("test.invalid")
			}
			c.check(t, w, k, err)
		})
	}
}

// TestLimits: an endless line, endless multi-line replies and a flood are
// each a *LimitError wrapping ErrReplyTooLarge, and the client
// consumes no more than its budget.
func TestLimits(t *testing.T) {
	lim := Limits{MaxLine: 1024, MaxReplyLines: 50, MaxBytes: 64 << 10}
	cases := []struct {
		name  string
		proto Protocol
		srv   string
		what  string
	}{
		{"endless-line", IMAP, "* OK " + strings.Repeat("A", 1<<20), "line"},
		{"endless-ehlo", SMTP, "220 hi\r\n" + strings.Repeat("250-X\r\n", 1000), "reply"},
		{"endless-greeting", SMTP, strings.Repeat("220-X\r\n", 1000), "reply"},
		{"endless-capa", POP3, "+OK hi\r\n+OK\r\n" + strings.Repeat("X-CAP\r\n", 1000), "reply"},
		{"endless-untagged", IMAP, "* OK hi\r\n" + strings.Repeat("* CAPABILITY X\r\n", 1000), "reply"},
		{"endless-atoms", IMAP, "* OK hi\r\n* CAPABILITY" + strings.Repeat(" X", 400) + "\r\nm1 OK\r\n", "reply"},
		{"flood", SMTP, "220 hi\r\n" + strings.Repeat("250-"+strings.Repeat("x", 900)+"\r\n", 100), "reply"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cli, sent := serve(t, c.srv)
			w := New(context.Background(), cli, c.proto, lim)
			defer w.Close()
			w.Deadline(2 * time.Second)
			err := dialogue(w)
			var le *LimitError
			if !errors.As(err, &le) || le.What != c.what || !errors.Is(err, ErrReplyTooLarge) {
				t.Fatalf("got %v, want a %s limit", err, c.what)
			}
			if w.Err() == nil {
				t.Error("the limit is not kept for the caller")
			}
			w.Close()
			if n := sent.Load(); n > lim.MaxBytes {
				t.Errorf("the client consumed %d bytes, budget %d", n, lim.MaxBytes)
			}
		})
	}
	t.Run("byte-budget", func(t *testing.T) {
		cli, _ := serve(t, "* OK hi\r\n"+strings.Repeat("* 1 EXISTS\r\n", 20000))
		w := New(context.Background(), cli, IMAP, Limits{MaxBytes: 4096})
		defer w.Close()
		w.Deadline(2 * time.Second)
		_, _ = w.Greeting()
		_, err := io.Copy(io.Discard, w.Stream(""))
		if !errors.Is(err, ErrReplyTooLarge) {
			t.Fatalf("a library reading the stream got %v", err)
		}
	})
}

// TestDataBeforeTLS: bytes after the STARTTLS "go ahead" are refused
// before any handshake (RFC 3207 §4.2's warning, CVE-2011-0411).
func TestDataBeforeTLS(t *testing.T) {
	for _, c := range []struct {
		proto Protocol
		srv   string
	}{
		{IMAP, "* OK hi\r\n* CAPABILITY IMAP4rev1 STARTTLS\r\nm1 OK\r\nm2 OK begin\r\n* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n"},
		{POP3, "+OK hi\r\n+OK\r\nSTLS\r\n.\r\n+OK begin\r\n+OK injected\r\n"},
		{SMTP, "220 hi\r\n250-x\r\n250 STARTTLS\r\n220 go\r\n250 AUTH PLAIN\r\n"},
	} {
		t.Run(c.proto.String(), func(t *testing.T) {
			cli, _ := serve(t, c.srv)
			w := New(context.Background(), cli, c.proto, Limits{})
			defer w.Close()
			w.Deadline(2 * time.Second)
			// Let the whole script arrive before the STARTTLS answer is read.
			time.Sleep(50 * time.Millisecond)
			if err := dialogue(w); !errors.Is(err, ErrDataBeforeTLS) {
				t.Fatalf("got %v", err)
			}
		})
	}
}

func TestWriteLineRefusesControlCharacters(t *testing.T) {
	cli, _ := serve(t, "")
	w := New(context.Background(), cli, POP3, Limits{})
	defer w.Close()
	for _, s := range []string{"PASS a\r\nDELE 1", "USER a\n", "PASS a\x00b", "PASS a\u2028b"} {
		if err := w.WriteLine(s); !errors.Is(err, ErrControlChars) {
			t.Errorf("WriteLine(%q) = %v", s, err)
		}
	}
}

// TestContextEnds: the context's end cuts a read short as a timeout.
func TestContextEnds(t *testing.T) {
	cli, srv := net.Pipe()
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	w := New(ctx, cli, IMAP, Limits{})
	defer w.Close()
	_, err := w.Greeting()
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("got %v, want a timeout", err)
	}
}

// FuzzDialogue plays arbitrary server bytes to the pre-login dialogue of
// each protocol: it must never panic or hang, and never consume more than
// its byte budget.
func FuzzDialogue(f *testing.F) {
	for _, s := range []string{
		"* OK hi\r\n* CAPABILITY IMAP4rev1 STARTTLS\r\nm1 OK\r\nm2 OK\r\n",
		"+OK\r\n+OK\r\nSTLS\r\n.\r\n+OK\r\n",
		"220 x\r\n250-a\r\n250 STARTTLS\r\n220 go\r\n\x16\x03\x01\x00\x05",
		"* BYE\r\n", "", "\r\n\r\n", "220-", "+OK\r\n+OK\r\n", "* OK\r\nm1 BAD\r\n", "* OK {5000000000}\r\n",
	} {
		for p := 0; p < 3; p++ {
			f.Add([]byte(s), uint8(p))
		}
	}
	lim := Limits{MaxLine: 512, MaxReplyLines: 20, MaxBytes: 16 << 10}
	f.Fuzz(func(t *testing.T, data []byte, sel uint8) {
		cli, sent := serve(t, string(data))
		w := New(context.Background(), cli, Protocol(sel%3)+1, lim)
		w.Deadline(time.Second)
		done := make(chan struct{})
		go func() {
			defer close(done)
			_ = dialogue(w)
		}()
		select {
		case <-done:
		case <-time.After(3 * time.Second):
			t.Fatalf("hung on %q", data)
		}
		w.Close()
		if n := sent.Load(); n > lim.MaxBytes {
			t.Fatalf("consumed %d bytes", n)
		}
	})
}

// TestHandshakeNeedsServerName: the chain check, which replaces
// crypto/tls's own, still refuses to run without a name to check (crypto/tls
// refuses such a config outright), so no certificate passes unchecked.
func TestHandshakeNeedsServerName(t *testing.T) {
	g := (&Conn{lim: Limits{}.withDefaults()}).guard(&tls.Config{})
	err := g.VerifyConnection(tls.ConnectionState{PeerCertificates: []*x509.Certificate{{Raw: []byte{1}}}})
	if err == nil || !strings.Contains(err.Error(), "no server name") {
		t.Fatalf("got %v", err)
	}
}
