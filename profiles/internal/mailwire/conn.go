// Package mailwire is the pre-login dialogue of IMAP, POP3 and SMTP,
// written once for discover's probes and verify's three clients: the
// greeting, the capability list (IMAP CAPABILITY, POP3 CAPA, SMTP EHLO),
// STARTTLS/STLS with the check that the server sent nothing after its "go
// ahead" before the TLS handshake, and the limits that keep a hostile
// server from filling memory or holding the connection: a line-length
// limit, a cap on the lines and atoms of one reply, a byte budget for the
// whole connection, a cap on the certificate chain, and deadlines taken
// from a context.
//
// A Conn also hands its stream to a library (go-imap, go-smtp) through
// Stream, so the same limits hold after the dialogue.
package mailwire

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"time"
)

// Protocol is the mail protocol spoken on a Conn.
type Protocol int

// The protocols.
const (
	IMAP Protocol = iota + 1
	POP3
	SMTP
)

func (p Protocol) String() string {
	switch p {
	case IMAP:
		return "IMAP"
	case POP3:
		return "POP3"
	case SMTP:
		return "SMTP"
	}
	return "?"
}

// Limits bound what a server may send on one connection. Zero fields take
// the defaults below.
type Limits struct {
	// MaxLine is the longest line accepted, CR LF included (default 8 KiB).
	MaxLine int
	// MaxReplyLines caps the lines of one multi-line reply (250-, CAPA,
	// untagged IMAP lines) and the atoms of a CAPABILITY list (default 500).
	MaxReplyLines int
	// MaxBytes is the budget of bytes read on the whole connection, TLS
	// handshake included (default 1 MiB).
	MaxBytes int64
	// MaxCerts and MaxCertBytes cap the certificate chain the server
	// presents (default 10 certificates, 64 KiB of DER in all).
	MaxCerts, MaxCertBytes int
}

// The default limits.
const (
	DefaultMaxLine       = 8 << 10
	DefaultMaxReplyLines = 500
	DefaultMaxBytes      = 1 << 20
	DefaultMaxCerts      = 10
	DefaultMaxCertBytes  = 64 << 10
)

func (l Limits) withDefaults() Limits {
	if l.MaxLine <= 0 {
		l.MaxLine = DefaultMaxLine
	}
	if l.MaxReplyLines <= 0 {
		l.MaxReplyLines = DefaultMaxReplyLines
	}
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	if l.MaxCerts <= 0 {
		l.MaxCerts = DefaultMaxCerts
	}
	if l.MaxCertBytes <= 0 {
		l.MaxCertBytes = DefaultMaxCertBytes
	}
	return l
}

// LimitError says which limit a server went over. It wraps
// ErrReplyTooLarge (or ErrCertChainTooLarge).
type LimitError struct {
	// What is "line", "reply", "data" or "certificate chain".
	What  string
	Limit int64
}

func (e *LimitError) Error() string {
	switch e.What {
	case "line":
		return fmt.Sprintf("mailwire: the server sent a line longer than %d bytes", e.Limit)
	case "reply":
		return fmt.Sprintf("mailwire: the server sent a reply of more than %d lines", e.Limit)
	case "certificate chain":
		return fmt.Sprintf("mailwire: the server sent a certificate chain larger than %d", e.Limit)
	}
	return fmt.Sprintf("mailwire: the server sent more than %d bytes before the check ended", e.Limit)
}

// Unwrap lets errors.Is find ErrReplyTooLarge or ErrCertChainTooLarge.
func (e *LimitError) Unwrap() error {
	if e.What == "certificate chain" {
		return ErrCertChainTooLarge
	}
	return ErrReplyTooLarge
}

// ReplyError is a server reply that ends the dialogue: Reply is the
// server's text (one line, or lines joined by "\n"), Err the reason.
type ReplyError struct {
	Reply string
	Err   error
}

func (e *ReplyError) Error() string { return e.Err.Error() }

// Unwrap returns the reason.
func (e *ReplyError) Unwrap() error { return e.Err }

// Reasons a ReplyError carries besides those of errors.go.
var (
	// ErrClosedAtOnce: an IMAP server greeted with BYE.
	ErrClosedAtOnce = errors.New("mailwire: the server closed the connection at once")
	// ErrRefused: an SMTP server greeted with a code other than 220.
	ErrRefused = errors.New("mailwire: the server refused the connection")
	// ErrCapabilityFailed: IMAP CAPABILITY or SMTP EHLO was refused.
	ErrCapabilityFailed = errors.New("mailwire: the server refused to list its capabilities")
	// ErrClosed: the server said BYE in the middle of a reply.
	ErrClosed = errors.New("mailwire: the server closed the connection")
	// ErrControlChars: a command holds CR, LF or another control character.
	ErrControlChars = errors.New("mailwire: a command holds a line break or control character")
)

// Conn is one connection to a mail server before (and during) sign-in.
type Conn struct {
	proto Protocol
	lim   Limits
	ctx   context.Context
	raw   net.Conn   // TCP: deadlines, close
	cur   net.Conn   // counted raw, or TLS on top of it
	text  *textLimit // the plain-text stream of cur, line-limited
	br    *bufio.Reader
	stop  func() bool
	tls   *tls.Conn

	mu  sync.Mutex
	err error // the first limit broken (sticky)
	tag int
}

// New starts the dialogue on raw (already connected; for implicit TLS call
// Handshake next). When ctx ends, every read and write fails at once (a
// timeout); every deadline set later is capped by ctx's deadline.
func New(ctx context.Context, raw net.Conn, p Protocol, lim Limits) *Conn {
	c := &Conn{proto: p, lim: lim.withDefaults(), ctx: ctx, raw: raw}
	c.cur = &countConn{Conn: raw, c: c}
	c.setStream(c.cur)
	// Ending the context cuts every read and write short (as a timeout).
	c.stop = context.AfterFunc(ctx, func() { _ = raw.SetDeadline(time.Now()) })
	if d, ok := ctx.Deadline(); ok {
		_ = raw.SetDeadline(d)
	}
	return c
}

func (c *Conn) setStream(s net.Conn) {
	c.cur = s
	c.text = &textLimit{r: s, c: c}
	c.br = bufio.NewReaderSize(c.text, c.lim.MaxLine)
}

// Protocol returns the protocol spoken.
func (c *Conn) Protocol() Protocol { return c.proto }

// Raw returns the TCP connection.
func (c *Conn) Raw() net.Conn { return c.raw }

// Encrypted reports whether the stream is TLS.
func (c *Conn) Encrypted() bool { return c.tls != nil }

// Close ends the connection.
func (c *Conn) Close() error {
	c.stop()
	return c.raw.Close()
}

// Deadline gives the connection d from now, capped by the context's deadline.
func (c *Conn) Deadline(d time.Duration) {
	t := time.Now().Add(d)
	if cd, ok := c.ctx.Deadline(); ok && cd.Before(t) {
		t = cd
	}
	if c.ctx.Err() != nil {
		t = time.Now()
	}
	_ = c.raw.SetDeadline(t)
}

// Err returns the first limit the server went over (a *LimitError), or
// nil. Libraries reading through Stream may hide the error in their own;
// callers ask here.
func (c *Conn) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

func (c *Conn) broke(e *LimitError) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err == nil {
		c.err = e
	}
	return c.err
}

// ReadLine reads one line without its CR LF. A line longer than MaxLine,
// or one that would go over the byte budget, is a *LimitError.
func (c *Conn) ReadLine() (string, error) {
	line, err := c.br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		return "", c.broke(&LimitError{What: "line", Limit: int64(c.lim.MaxLine)})
	}
	if err != nil {
		if le := c.Err(); le != nil {
			return "", le
		}
		if len(line) > 0 && errors.Is(err, io.EOF) {
			return strings.TrimRight(string(line), "\r\n"), nil
		}
		return "", err
	}
	return strings.TrimRight(string(line), "\r\n"), nil
}

// WriteLine sends one command followed by CR LF. A command holding CR, LF
// or another control character is refused before anything is sent: no
// caller can inject a second command.
func (c *Conn) WriteLine(s string) error {
	if HasControl(s) {
		return ErrControlChars
	}
	_, err := io.WriteString(c.cur, s+"\r\n")
	return err
}

// HasControl reports whether s holds an ASCII control character (CR, LF,
// NUL, DEL…) or a Unicode line or paragraph separator.
func HasControl(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\u2028' || r == '\u2029' {
			return true
		}
	}
	return false
}

// Buffered reports how many bytes the server sent that were not read yet.
func (c *Conn) Buffered() int { return c.br.Buffered() }

// Stream returns the connection for a library to read and write, with
// prefix replayed first (a greeting the dialogue has already read). Reads
// go through the same buffer and limits; its deadline setters do nothing,
// since the caller's step deadlines on the TCP connection rule.
func (c *Conn) Stream(prefix string) net.Conn {
	return &stream{Conn: c.cur, r: io.MultiReader(strings.NewReader(prefix), c.br)}
}

type stream struct {
	net.Conn
	r io.Reader
}

func (s *stream) Read(p []byte) (int, error)       { return s.r.Read(p) }
func (s *stream) SetDeadline(time.Time) error      { return nil }
func (s *stream) SetReadDeadline(time.Time) error  { return nil }
func (s *stream) SetWriteDeadline(time.Time) error { return nil }

// countConn counts every byte read from the TCP connection against the
// connection's budget.
type countConn struct {
	net.Conn
	c *Conn
	n int64
}

func (cc *countConn) Read(p []byte) (int, error) {
	if err := cc.c.Err(); err != nil {
		return 0, err
	}
	left := cc.c.lim.MaxBytes - cc.n
	if left <= 0 {
		return 0, cc.c.broke(&LimitError{What: "data", Limit: cc.c.lim.MaxBytes})
	}
	if int64(len(p)) > left {
		p = p[:left]
	}
	n, err := cc.Conn.Read(p)
	cc.n += int64(n)
	return n, err
}

// textLimit refuses a plain-text line longer than MaxLine, also when a
// library (not ReadLine) reads the stream. IMAP literals announced by a
// server count as one long line, which is what they are before sign-in.
type textLimit struct {
	r   io.Reader
	c   *Conn
	run int // bytes since the last LF
}

func (t *textLimit) Read(p []byte) (int, error) {
	if err := t.c.Err(); err != nil {
		return 0, err
	}
	n, err := t.r.Read(p)
	b := p[:n]
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			t.run += len(b)
			break
		}
		t.run = 0
		b = b[i+1:]
	}
	if t.run > t.c.lim.MaxLine {
		return n, t.c.broke(&LimitError{What: "line", Limit: int64(t.c.lim.MaxLine)})
	}
	return n, err
}
