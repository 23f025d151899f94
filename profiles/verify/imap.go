package verify

import (
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-sasl"

	"mailsetup/profiles"
	"mailsetup/profiles/diagnose"
)

// imap checks an IMAP server: greeting, CAPABILITY and STARTTLS spoken by
// hand (so each is its own step and a missing STARTTLS is seen before
// anything is sent), then github.com/emersion/go-imap/v2 for the sign-in,
// EXAMINE INBOX and LOGOUT.
func (a *attempt) imap() error {
	if err := a.connect(); err != nil {
		return err
	}
	var greeting string
	err := a.step(StepGreeting, func() (string, error) {
		line, err := a.readLine()
		if err != nil {
			return "", fail(diagnose.StageGreeting, err, "")
		}
		greeting = line
		up := strings.ToUpper(line)
		switch {
		case strings.HasPrefix(up, "* OK"), strings.HasPrefix(up, "* PREAUTH"):
		case strings.HasPrefix(up, "* BYE"):
			return "", fail(diagnose.StageGreeting, errors.New("verify: the server closed the connection at once"), line)
		default:
			return "", fail(diagnose.StageGreeting, diagnose.ErrBadGreeting, line)
		}
		caps, reply, err := a.imapCaps("g1")
		if err != nil {
			return "", fail(diagnose.StageGreeting, err, reply)
		}
		a.caps = caps
		return line, nil
	})
	if err != nil {
		return err
	}
	if a.srv.Security == profiles.SecuritySTARTTLS {
		err := a.step(StepStartTLS, func() (string, error) {
			if !hasCap(a.caps, "STARTTLS") {
				return "", fail(diagnose.StageStartTLS, diagnose.ErrStartTLSMissing, "* CAPABILITY "+strings.Join(a.caps, " "))
			}
			if err := a.writeLine("s1 STARTTLS"); err != nil {
				return "", fail(diagnose.StageStartTLS, err, "")
			}
			tagged, err := a.imapTagged("s1")
			if err != nil {
				return "", fail(diagnose.StageStartTLS, err, tagged)
			}
			if !strings.HasPrefix(strings.ToUpper(tagged), "S1 OK") {
				return "", fail(diagnose.StageStartTLS, diagnose.ErrStartTLSMissing, tagged)
			}
			if a.reader().Buffered() > 0 {
				return "", fail(diagnose.StageStartTLS, errors.New("verify: the server sent data before the TLS handshake"), "")
			}
			detail, err := a.handshake()
			if err != nil {
				var f *failure
				if errors.As(err, &f) {
					f.stage = diagnose.StageTLS
				}
				return "", err
			}
			caps, reply, err := a.imapCaps("s2")
			if err != nil {
				return "", fail(diagnose.StageStartTLS, err, reply)
			}
			a.caps = caps
			return detail, nil
		})
		if err != nil {
			return err
		}
	}
	// Hand the connection to go-imap, replaying a greeting for it.
	c := imapclient.New(&replayConn{Conn: a.conn, r: io.MultiReader(strings.NewReader("* OK "+greetingText(greeting)+"\r\n"), a.reader())}, nil)
	defer c.Close()
	a.deadline()
	if err := c.WaitGreeting(); err != nil {
		return fail(diagnose.StageGreeting, err, "")
	}
	var mechs []string
	if !hasCap(a.caps, "LOGINDISABLED") {
		if hasCap(a.caps, "AUTH=PLAIN") && a.provider != "icloud" {
			mechs = append(mechs, "PLAIN")
		}
		mechs = append(mechs, "LOGIN")
	} else if a.conn == a.raw {
		return a.step(StepSigningIn, func() (string, error) {
			return "", fail(diagnose.StageAuth, diagnose.ErrPlaintextRefused, "* CAPABILITY "+strings.Join(a.caps, " "))
		})
	} else if hasCap(a.caps, "AUTH=PLAIN") {
		mechs = append(mechs, "PLAIN")
	}
	err = a.signIn(mechs, func(user, mech string) (string, error) {
		var err error
		if mech == "PLAIN" {
			err = c.Authenticate(sasl.NewPlainClient("", user, string(a.opts.Password)))
		} else {
			err = c.Login(user, string(a.opts.Password)).Wait()
		}
		return imapReply(err), err
	})
	if err != nil {
		return err
	}
	err = a.step(StepMailbox, func() (string, error) {
		data, err := c.Select("INBOX", &imap.SelectOptions{ReadOnly: true}).Wait()
		if err != nil {
			return "", fail(diagnose.StageMailbox, err, imapReply(err))
		}
		return fmt.Sprintf("INBOX: %d messages", data.NumMessages), nil
	})
	if err != nil {
		return err
	}
	if caps := c.Caps(); len(caps) > 0 {
		a.caps = a.caps[:0]
		for k := range caps {
			a.caps = append(a.caps, string(k))
		}
	}
	a.deadline()
	_ = c.Logout().Wait()
	return nil
}

// imapCaps sends CAPABILITY with tag and returns the capabilities.
func (a *attempt) imapCaps(tag string) ([]string, string, error) {
	if err := a.writeLine(tag + " CAPABILITY"); err != nil {
		return nil, "", err
	}
	var caps []string
	for {
		line, err := a.readLine()
		if err != nil {
			return nil, "", err
		}
		up := strings.ToUpper(line)
		if strings.HasPrefix(up, "* CAPABILITY ") {
			caps = strings.Fields(line)[2:]
			continue
		}
		if strings.HasPrefix(up, "* BYE") {
			return nil, line, errors.New("verify: the server closed the connection")
		}
		if strings.HasPrefix(up, strings.ToUpper(tag)+" ") {
			if !strings.HasPrefix(up, strings.ToUpper(tag)+" OK") {
				return nil, line, errors.New("verify: CAPABILITY failed")
			}
			return caps, line, nil
		}
	}
}

// imapTagged reads until the tagged reply for tag and returns it.
func (a *attempt) imapTagged(tag string) (string, error) {
	for {
		line, err := a.readLine()
		if err != nil {
			return "", err
		}
		if strings.HasPrefix(strings.ToUpper(line), strings.ToUpper(tag)+" ") {
			return line, nil
		}
	}
}

// greetingText strips "* OK " and a capability code from a greeting.
func greetingText(g string) string {
	g = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(g, "* OK"), "* PREAUTH"))
	if strings.HasPrefix(g, "[") {
		if i := strings.Index(g, "]"); i >= 0 {
			g = strings.TrimSpace(g[i+1:])
		}
	}
	if g == "" {
		g = "ready"
	}
	return g
}

func hasCap(caps []string, c string) bool {
	for _, x := range caps {
		if strings.EqualFold(x, c) {
			return true
		}
	}
	return false
}

// imapReply rebuilds the server's status line from a go-imap error.
func imapReply(err error) string {
	var ie *imap.Error
	if errors.As(err, &ie) {
		s := string(ie.Type)
		if ie.Code != "" {
			s += " [" + string(ie.Code) + "]"
		}
		return s + " " + ie.Text
	}
	return ""
}

// replayConn reads from r (a replayed greeting, then the real stream).
// Its deadline setters do nothing: go-imap and go-smtp set their own long
// timeouts (30 s, 5 min), which would override our per-step deadlines on the
// TCP connection.
type replayConn struct {
	net.Conn
	r io.Reader
}

func (c *replayConn) Read(p []byte) (int, error) { return c.r.Read(p) }

// SetDeadline is ignored: the step deadlines on the TCP connection rule.
func (c *replayConn) SetDeadline(time.Time) error { return nil }

// SetReadDeadline is ignored: the step deadlines on the TCP connection rule.
func (c *replayConn) SetReadDeadline(time.Time) error { return nil }

// SetWriteDeadline is ignored: the step deadlines on the TCP connection rule.
func (c *replayConn) SetWriteDeadline(time.Time) error { return nil }
