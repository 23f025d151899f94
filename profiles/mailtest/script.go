package mailtest

import (
	"bufio"
	"crypto/tls"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// Conn is one connection to a scripted server: read the client's lines,
// write replies, upgrade to TLS.
type Conn struct {
	net.Conn
	r *bufio.Reader
	// Lines records every line the client sent (for assertions, e.g. that a
	// password never went out in the clear).
	Lines *[]string
	// Delay is waited before each Send, to play a distant server.
	Delay time.Duration
	mu    *sync.Mutex
}

// ReadLine returns the next line without CR LF; "" and false at EOF.
func (c *Conn) ReadLine() (string, bool) {
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	s, err := c.r.ReadString('\n')
	if err != nil && s == "" {
		return "", false
	}
	s = strings.TrimRight(s, "\r\n")
	c.mu.Lock()
	*c.Lines = append(*c.Lines, s)
	c.mu.Unlock()
	return s, true
}

// Send writes each line followed by CR LF.
func (c *Conn) Send(lines ...string) {
	if c.Delay > 0 {
		time.Sleep(c.Delay)
	}
	// One write: lines a script sends together arrive together, as a real
	// server's do, whatever the machine's load.
	var b []byte
	for _, l := range lines {
		b = append(b, l+"\r\n"...)
	}
	_, _ = c.Write(b)
}

// StartTLS upgrades the connection as a server with cfg.
func (c *Conn) StartTLS(cfg *tls.Config) error {
	tc := tls.Server(c.Conn, cfg)
	if err := tc.Handshake(); err != nil {
		return err
	}
	c.Conn = tc
	c.r = bufio.NewReader(tc)
	return nil
}

// Script is a scripted server on loopback.
type Script struct {
	// Port is where it listens.
	Port int
	mu   sync.Mutex
	log  []string
}

// Received returns every line clients sent so far.
func (s *Script) Received() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.log...)
}

// ServeScript starts a server on a free loopback port that runs handle for
// every connection (in its own goroutine); with tlsCfg non-nil it speaks
// implicit TLS. It stops when the test ends.
func ServeScript(t testing.TB, tlsCfg *tls.Config, handle func(c *Conn)) *Script {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("mailtest: %v", err)
	}
	s := &Script{Port: ln.Addr().(*net.TCPAddr).Port}
	if tlsCfg != nil {
		ln = tls.NewListener(ln, tlsCfg)
	}
	var wg sync.WaitGroup
	go func() {
		for {
			nc, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer nc.Close()
				c := &Conn{Conn: nc, r: bufio.NewReader(nc), Lines: &s.log, mu: &s.mu}
				handle(c)
			}()
		}
	}()
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	return s
}

// Silent starts a server that accepts connections and never says a word
// (a firewall that lets SYN through but nothing else, or a wrong service).
// Connections are held until the client gives up or the test ends.
func Silent(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("mailtest: %v", err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
	})
	return ln.Addr().(*net.TCPAddr).Port
}

// ClosedPort returns a loopback port with nothing listening: connecting to
// it is refused.
func ClosedPort(t testing.TB) int { return FreePort(t) }
