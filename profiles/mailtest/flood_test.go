package mailtest

import (
	"bufio"
	"io"
	"net"
	"strconv"
	"testing"
	"time"
)

// TestServeFlood: each flood plays its prelude and then sends at most its
// limit; a client that reads everything gets the limit and no more.
func TestServeFlood(t *testing.T) {
	fl := ServeFlood(t, nil, POP3EndlessCAPA, 1<<20)
	c, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(fl.Port))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	br := bufio.NewReader(c)
	if l, _ := br.ReadString('\n'); l != "+OK flood ready\r\n" {
		t.Fatalf("greeting %q", l)
	}
	_, _ = io.WriteString(c, "CAPA\r\n")
	if l, _ := br.ReadString('\n'); l != "+OK capabilities follow\r\n" {
		t.Fatalf("CAPA answer %q", l)
	}
	buf := make([]byte, 64<<10)
	var got int64
	for got < 1<<20 {
		n, err := br.Read(buf)
		got += int64(n)
		if err != nil {
			t.Fatal(err)
		}
	}
	if fl.Written() < 1<<20 || fl.Written() > 1<<20+128<<10 {
		t.Errorf("written %d", fl.Written())
	}
}

func TestHugeChainTLS(t *testing.T) {
	ca := NewCA(t, "Test CA")
	cfg := ca.Leaf(t, LeafOptions{}).HugeChainTLS(5)
	if n := len(cfg.Certificates[0].Certificate); n != 6 {
		t.Fatalf("%d certificates, want 6", n)
	}
}
