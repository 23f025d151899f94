package verify

import (
	"bytes"
	"context"
	"testing"
	"time"

	"mailsetup/profiles"
	"mailsetup/profiles/diagnose"
	"mailsetup/profiles/mailtest"
)

// FuzzServerReplies plays arbitrary bytes as a server's whole side of the
// conversation to the IMAP, POP3 and SMTP clients: they must never panic
// or hang, and every failure must carry a known diagnosis. With sel's bit 3
// set the bytes are repeated as a flood of up to 8 MiB: the client must
// stop reading at its limits (no more than mailwire's budget of 1 MiB
// plus socket buffers is ever taken from the server).
func FuzzServerReplies(f *testing.F) {
	for _, s := range []string{
		"* OK ready\r\n* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\ng1 OK\r\n",
		"+OK ready\r\n+OK\r\nUSER\r\nSASL PLAIN\r\n.\r\n-ERR [AUTH] nope\r\n",
		"220 hi\r\n250-x\r\n250 AUTH PLAIN\r\n220 x\r\n535 5.7.8 no\r\n",
		"220-a\r\n220-b\r\n", "* BYE\r\n", "", "\x16\x03\x01", "250", "+ \r\n",
	} {
		f.Add([]byte(s), uint8(0))
		f.Add([]byte(s), uint8(1))
		f.Add([]byte(s), uint8(2))
		f.Add([]byte(s), uint8(8))
		f.Add([]byte(s), uint8(10))
	}
	known := map[diagnose.Code]bool{}
	for _, c := range diagnose.Codes {
		known[c] = true
	}
	protos := []profiles.Protocol{profiles.IMAP, profiles.POP3, profiles.SMTP}
	secs := []profiles.Security{profiles.SecurityNone, profiles.SecuritySTARTTLS}
	f.Fuzz(func(t *testing.T, data []byte, sel uint8) {
		flood := sel&8 != 0 && len(data) > 0
		sc := mailtest.ServeScript(t, nil, func(c *mailtest.Conn) {
			_, _ = c.Write(data)
			if flood {
				chunk := bytes.Repeat(data, 64<<10/len(data)+1)
				for sent := 0; sent < 8<<20; sent += len(chunk) {
					if _, err := c.Write(chunk); err != nil {
						return
					}
				}
			}
			for {
				if _, ok := c.ReadLine(); !ok {
					return
				}
			}
		})
		s := srv(protos[int(sel&7)%3], "127.0.0.1", sc.Port, secs[int((sel&7)/3)%2])
		o := Options{Password: "pw", ConnectTimeout: time.Second, StepTimeout: 150 * time.Millisecond, AllowPlaintext: true}
		done := make(chan Check, 1)
		go func() { c, _ := VerifyServer(context.Background(), oneServer("ivan@example.org", s), s, o); done <- c }()
		var chk Check
		select {
		case chk = <-done:
		case <-time.After(4 * time.Second):
			t.Fatalf("%s %s hung on %q", s.Protocol, s.Security, data)
		}
		if !chk.OK && (chk.Diagnosis == nil || !known[chk.Diagnosis.Code]) {
			t.Fatalf("failure without a known diagnosis: %+v", chk.Diagnosis)
		}
	})
}
