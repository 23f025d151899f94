package mailtest

import (
	"crypto/tls"
	"strings"
	"sync/atomic"
	"testing"
)

// FloodKind is one way a hostile server floods a client.
type FloodKind string

// The floods. Each plays the protocol normally up to one point, then sends
// the same unit again and again.
const (
	// IMAPEndlessLine: a greeting line that never ends.
	IMAPEndlessLine FloodKind = "imap-endless-line"
	// IMAPEndlessCapability: one CAPABILITY line with endless atoms.
	IMAPEndlessCapability FloodKind = "imap-endless-capability"
	// IMAPEndlessUntagged: endless "* CAPABILITY X" lines, never tagged.
	IMAPEndlessUntagged FloodKind = "imap-endless-untagged"
	// IMAPHugeLiteral: after LOGIN, a literal announcing 5 GB, then data.
	IMAPHugeLiteral FloodKind = "imap-huge-literal"
	// POP3EndlessLine: a greeting line that never ends.
	POP3EndlessLine FloodKind = "pop3-endless-line"
	// POP3EndlessCAPA: a CAPA list that never reaches its ".".
	POP3EndlessCAPA FloodKind = "pop3-endless-capa"
	// SMTPEndlessLine: a greeting line that never ends.
	SMTPEndlessLine FloodKind = "smtp-endless-line"
	// SMTPEndlessEHLO: endless "250-" lines after EHLO.
	SMTPEndlessEHLO FloodKind = "smtp-endless-ehlo"
	// SMTPEndlessAuth: endless "535-" lines after AUTH (read by go-smtp).
	SMTPEndlessAuth FloodKind = "smtp-endless-auth"
)

// FloodKinds lists every flood.
var FloodKinds = []FloodKind{IMAPEndlessLine, IMAPEndlessCapability, IMAPEndlessUntagged, IMAPHugeLiteral,
	POP3EndlessLine, POP3EndlessCAPA, SMTPEndlessLine, SMTPEndlessEHLO, SMTPEndlessAuth}

// Protocol is the protocol the flood speaks ("imap", "pop3", "smtp").
func (k FloodKind) Protocol() string { p, _, _ := strings.Cut(string(k), "-"); return p }

// Flood is a flooding server on loopback.
type Flood struct {
	*Script
	written atomic.Int64
}

// Written returns how many bytes of flood the server managed to send (the
// kernel's socket buffers included): a client that stops reading keeps it
// small.
func (f *Flood) Written() int64 { return f.written.Load() }

// ServeFlood starts a server that floods each client the way kind says,
// sending at most limit bytes of flood per connection (so a client without
// limits fails the test instead of exhausting the machine). With tlsCfg it
// speaks implicit TLS.
func ServeFlood(t testing.TB, tlsCfg *tls.Config, kind FloodKind, limit int64) *Flood {
	t.Helper()
	f := &Flood{}
	f.Script = ServeScript(t, tlsCfg, func(c *Conn) {
		unit, ok := prelude(c, kind)
		if !ok {
			return
		}
		chunk := []byte(strings.Repeat(unit, 64<<10/len(unit)+1))
		for sent := int64(0); sent < limit; sent += int64(len(chunk)) {
			n, err := c.Write(chunk)
			f.written.Add(int64(n))
			if err != nil {
				return
			}
		}
		for {
			if _, ok := c.ReadLine(); !ok {
				return
			}
		}
	})
	return f
}

// prelude plays the protocol up to the flood and returns the unit to repeat.
func prelude(c *Conn, kind FloodKind) (string, bool) {
	switch kind {
	case IMAPEndlessLine:
		_, _ = c.Write([]byte("* OK "))
		return "A", true
	case POP3EndlessLine:
		_, _ = c.Write([]byte("+OK "))
		return "A", true
	case SMTPEndlessLine:
		_, _ = c.Write([]byte("220 "))
		return "A", true
	case IMAPEndlessCapability, IMAPEndlessUntagged, IMAPHugeLiteral:
		c.Send("* OK flood ready")
		for {
			line, ok := c.ReadLine()
			if !ok {
				return "", false
			}
			f := strings.Fields(line + " x")
			tag, cmd := f[0], strings.ToUpper(f[1])
			switch {
			case cmd == "CAPABILITY" && kind == IMAPEndlessCapability:
				_, _ = c.Write([]byte("* CAPABILITY IMAP4rev1"))
				return " X-FLOOD", true
			case cmd == "CAPABILITY" && kind == IMAPEndlessUntagged:
				return "* CAPABILITY IMAP4rev1 X-FLOOD\r\n", true
			case cmd == "CAPABILITY":
				c.Send("* CAPABILITY IMAP4rev1 AUTH=PLAIN", tag+" OK done")
			case cmd == "LOGIN" || cmd == "AUTHENTICATE":
				if cmd == "AUTHENTICATE" && len(f) == 4 {
					c.Send("+ ")
					c.ReadLine()
				}
				_, _ = c.Write([]byte("* 1 FETCH (BODY[] {5000000000}\r\n"))
				return strings.Repeat("X", 70) + "\r\n", true
			case cmd == "LOGOUT":
				c.Send("* BYE", tag+" OK bye")
				return "", false
			default:
				c.Send(tag + " BAD no")
			}
		}
	case POP3EndlessCAPA:
		c.Send("+OK flood ready")
		if _, ok := c.ReadLine(); !ok {
			return "", false
		}
		c.Send("+OK capabilities follow")
		return "X-FLOOD-CAPABILITY\r\n", true
	case SMTPEndlessEHLO, SMTPEndlessAuth:
		c.Send("220 flood ESMTP")
		for {
			line, ok := c.ReadLine()
			if !ok {
				return "", false
			}
			cmd := strings.ToUpper(strings.Fields(line + " x")[0])
			switch {
			case cmd == "EHLO" && kind == SMTPEndlessEHLO:
				return "250-X-FLOOD\r\n", true
			case cmd == "EHLO":
				c.Send("250-flood", "250 AUTH PLAIN LOGIN")
			case cmd == "AUTH":
				return "535-5.7.8 flood\r\n", true
			case cmd == "QUIT":
				c.Send("221 bye")
				return "", false
			default:
				c.Send("502 no")
			}
		}
	}
	return "", false
}

// HugeChainTLS returns a server tls.Config presenting l followed by n
// copies of its issuer: an oversized certificate chain (a hostile server,
// or a broken one that sends its whole bundle).
func (l *Leaf) HugeChainTLS(n int) *tls.Config {
	pair := l.TLS
	chain := [][]byte{pair.Certificate[0]}
	issuer := pair.Certificate[len(pair.Certificate)-1]
	for i := 0; i < n; i++ {
		chain = append(chain, issuer)
	}
	pair.Certificate = chain
	return &tls.Config{Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12}
}
