package verify

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"mailsetup/profiles"
	"mailsetup/profiles/mailtest"
)

// TestControlCharactersRefused: CR, LF and other control characters in the
// password, the username or a server's username= are refused with a
// *CredentialError before any connection is made. Before, a password of
// "…\r\nDELE 1" sent a POP3 DELE (reliability.md M2).
func TestControlCharactersRefused(t *testing.T) {
	sc := mailtest.ServeScript(t, nil, func(c *mailtest.Conn) {
		c.Send("+OK scripted")
		for {
			l, ok := c.ReadLine()
			if !ok {
				return
			}
			switch strings.ToUpper(strings.Fields(l + " x")[0]) {
			case "CAPA":
				c.Send("+OK", "USER", ".")
			case "QUIT":
				c.Send("+OK bye")
				return
			default:
				c.Send("+OK")
			}
		}
	})
	s := srv(profiles.POP3, "127.0.0.1", sc.Port, profiles.SecurityNone)
	cases := []struct {
		name, password, user, field string
	}{
		{"password-crlf-dele", "Zq9-SECRET-pw\r\nDELE 1", "ivan@example.org", "password"},
		{"password-trailing-cr", "Zq9-SECRET-pw\r", "ivan@example.org", "password"},
		{"password-nul", "Zq9\x00pw", "ivan@example.org", "password"},
		{"password-line-separator", "Zq9\u2028pw", "ivan@example.org", "password"},
		{"username-crlf", "Zq9-SECRET-pw", "ivan\r\nDELE 2", "username"},
		{"username-tab", "Zq9-SECRET-pw", "ivan\tx", "username"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := &profiles.Config{Address: "ivan@example.org", Domain: "example.org", Incoming: []profiles.Server{s}}
			cfg.Incoming[0].Username = c.user
			o := quickOpts(nil, c.password)
			res, err := Verify(context.Background(), cfg, o)
			var ce *CredentialError
			if !errors.As(err, &ce) || ce.Field != c.field || res != nil {
				t.Fatalf("got %v, %v; want a CredentialError for the %s", res, err, c.field)
			}
			if strings.Contains(err.Error(), "Zq9") || strings.Contains(err.Error(), "DELE") {
				t.Fatalf("the error repeats the value: %v", err)
			}
			if _, err := VerifyServer(context.Background(), cfg, cfg.Incoming[0], o); !errors.As(err, &ce) {
				t.Fatalf("VerifyServer: got %v", err)
			}
		})
	}
	if got := sc.Received(); len(got) != 0 {
		t.Fatalf("something was sent: %q", got)
	}
}

// echoIMAP repeats every sign-in command in its refusal, as a hostile or
// careless server may, and puts the password (upper-cased) into the
// CAPABILITY list after a successful login when capsLeak is set.
func echoIMAP(caps, password string, capsLeak bool) func(c *mailtest.Conn) {
	return func(c *mailtest.Conn) {
		c.Send("* OK echo ready")
		for {
			line, ok := c.ReadLine()
			if !ok {
				return
			}
			f := strings.Fields(line + " x")
			tag, cmd := f[0], strings.ToUpper(f[1])
			switch cmd {
			case "CAPABILITY":
				c.Send("* CAPABILITY "+caps, tag+" OK done")
			case "AUTHENTICATE":
				blob := ""
				if len(f) >= 4 && f[3] != "x" {
					blob = f[3]
				} else {
					c.Send("+ ")
					blob, _ = c.ReadLine()
				}
				if capsLeak {
					c.Send(tag + " OK [CAPABILITY IMAP4rev1 X-" + strings.ToUpper(password) + "] in")
					continue
				}
				dec, _ := base64.StdEncoding.DecodeString(blob)
				c.Send(fmt.Sprintf("%s NO [AUTHENTICATIONFAILED] bad: %s %q %s", tag, blob, dec, strings.ReplaceAll(string(dec), "\x00", " ")))
			case "LOGIN":
				c.Send(tag + " NO [AUTHENTICATIONFAILED] bad credentials in: " + strings.Join(f[2:len(f)-1], " "))
			case "EXAMINE", "SELECT":
				c.Send("* 0 EXISTS", tag+" OK [READ-ONLY] done")
			case "LOGOUT":
				c.Send("* BYE", tag+" OK bye")
				return
			default:
				c.Send(tag + " BAD " + line)
			}
		}
	}
}

// TestEchoedPasswordRedacted: a server that echoes the password back in
// any form (raw, IMAP-quoted with \" and \\, base64 of the AUTH PLAIN
// blob, upper-cased inside CAPABILITY) never gets it into a step, an
// event, a diagnosis, an error or the JSON (reliability.md M1, L18).
func TestEchoedPasswordRedacted(t *testing.T) {
	for _, c := range []struct {
		name, password, caps string
		leak                 bool
	}{
		{"quoted-login", `Zq9"SECRET\pw`, "IMAP4rev1", false},
		{"plain-blob", "Zq9-SECRET-pw", "IMAP4rev1 AUTH=PLAIN", false},
		{"capability", "Zq9-secret-pw", "IMAP4rev1 AUTH=PLAIN", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			// Without AUTH=PLAIN the client uses LOGIN with quoted strings.
			sc := mailtest.ServeScript(t, nil, echoIMAP(c.caps, c.password, c.leak))
			s := srv(profiles.IMAP, "127.0.0.1", sc.Port, profiles.SecurityNone)
			var mu sync.Mutex
			var events []Event
			o := quickOpts(nil, c.password)
			o.OnStep = func(e Event) { mu.Lock(); events = append(events, e); mu.Unlock() }
			chk := checkT(t, context.Background(), oneServer("ivan@example.org", s), s, o)
			b, _ := json.Marshal(chk)
			all := string(b) + fmt.Sprintf("%+v %+v", chk, events)
			if chk.Diagnosis != nil {
				all += chk.Diagnosis.Error + chk.Diagnosis.Reply
			}
			blob := base64.StdEncoding.EncodeToString([]byte("\x00ivan@example.org\x00" + c.password))
			for _, form := range []string{c.password, strings.ToUpper(c.password), imapQuoted(c.password), blob,
				strings.TrimRight(blob, "=")} {
				if strings.Contains(all, form) {
					t.Fatalf("the password leaked as %q:\n%s", form, all)
				}
			}
			if !strings.Contains(all, "********") {
				t.Fatalf("the echo was not seen at all (the test proves nothing):\n%s", all)
			}
		})
	}
}
