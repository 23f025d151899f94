package verify

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"mailsetup/profiles"
	"mailsetup/profiles/diagnose"
)

// smtp checks an SMTP server: the greeting, EHLO and STARTTLS are spoken
// by hand (each its own step, a missing STARTTLS seen before anything is
// sent), then github.com/emersion/go-smtp signs in and, only with
// Options.SendTest, sends one message from the address to itself.
func (a *attempt) smtp() error {
	if err := a.connect(); err != nil {
		return err
	}
	var greeting string
	var exts []string
	err := a.step(StepGreeting, func() (string, error) {
		code, text, err := a.smtpRead()
		if err != nil {
			return "", fail(diagnose.StageGreeting, err, text)
		}
		greeting = text
		if code != 220 {
			return "", fail(diagnose.StageGreeting, errors.New("verify: the server refused the connection"), fmt.Sprintf("%d %s", code, text))
		}
		exts, err = a.smtpEHLO()
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("%d %s", code, firstLine(text)), nil
	})
	if err != nil {
		return err
	}
	a.caps = exts
	if a.srv.Security == profiles.SecuritySTARTTLS {
		err := a.step(StepStartTLS, func() (string, error) {
			if !smtpHas(exts, "STARTTLS") {
				return "", fail(diagnose.StageStartTLS, diagnose.ErrStartTLSMissing, "EHLO: "+strings.Join(exts, ", "))
			}
			if err := a.writeLine("STARTTLS"); err != nil {
				return "", fail(diagnose.StageStartTLS, err, "")
			}
			code, text, err := a.smtpRead()
			if err != nil || code != 220 {
				return "", fail(diagnose.StageStartTLS, diagnose.ErrStartTLSMissing, fmt.Sprintf("%d %s", code, text))
			}
			if a.reader().Buffered() > 0 {
				return "", fail(diagnose.StageStartTLS, errors.New("verify: the server sent data before the TLS handshake"), "")
			}
			detail, err := a.handshake()
			if err != nil {
				return "", err
			}
			exts, err = a.smtpEHLO()
			if err != nil {
				return "", err
			}
			a.caps = exts
			return detail, nil
		})
		if err != nil {
			return err
		}
	}
	// Hand the connection to go-smtp, replaying the greeting for it.
	rc := &replayConn{Conn: a.conn, r: io.MultiReader(strings.NewReader("220 "+firstLine(greeting)+"\r\n"), a.reader())}
	c := smtp.NewClient(rc)
	c.CommandTimeout = a.opts.stepTimeout()
	c.SubmissionTimeout = a.opts.stepTimeout()
	defer c.Close()
	a.deadline()
	if err := c.Hello("localhost"); err != nil {
		return fail(diagnose.StageGreeting, err, smtpReply(err))
	}
	var mechs []string
	if ok, list := c.Extension("AUTH"); ok {
		for _, m := range []string{"PLAIN", "LOGIN"} {
			if hasCap(strings.Fields(list), m) {
				mechs = append(mechs, m)
			}
		}
	} else if a.conn == a.raw {
		// Servers hide AUTH until the connection is encrypted.
		return a.step(StepSigningIn, func() (string, error) {
			return "", fail(diagnose.StageAuth, diagnose.ErrPlaintextRefused, "EHLO: "+strings.Join(exts, ", "))
		})
	}
	err = a.signIn(mechs, func(user, mech string) (string, error) {
		var cl sasl.Client
		if mech == "PLAIN" {
			cl = sasl.NewPlainClient("", user, string(a.opts.Password))
		} else {
			cl = sasl.NewLoginClient(user, string(a.opts.Password))
		}
		err := c.Auth(cl)
		return smtpReply(err), err
	})
	if err != nil {
		return err
	}
	if a.opts.SendTest {
		err = a.step(StepSending, func() (string, error) {
			to := a.addr.String()
			if err := c.SendMail(to, []string{to}, strings.NewReader(testMessage(to, a.opts.now()))); err != nil {
				return "", fail(diagnose.StageSend, err, smtpReply(err))
			}
			a.sent = true
			return "to " + to, nil
		})
		if err != nil {
			return err
		}
	}
	a.deadline()
	_ = c.Quit()
	return nil
}

// smtpRead reads one (possibly multi-line) reply: its code and its text,
// lines joined by "\n".
func (a *attempt) smtpRead() (int, string, error) {
	var lines []string
	for {
		line, err := a.readLine()
		if err != nil {
			return 0, strings.Join(lines, "\n"), err
		}
		if len(line) < 3 {
			return 0, line, diagnose.ErrBadGreeting
		}
		code, err := strconv.Atoi(line[:3])
		if err != nil {
			return 0, line, diagnose.ErrBadGreeting
		}
		text := ""
		if len(line) > 4 {
			text = line[4:]
		}
		lines = append(lines, text)
		if len(line) == 3 || line[3] == ' ' {
			return code, strings.Join(lines, "\n"), nil
		}
	}
}

// smtpEHLO sends EHLO and returns the extension keywords.
func (a *attempt) smtpEHLO() ([]string, error) {
	if err := a.writeLine("EHLO localhost"); err != nil {
		return nil, fail(diagnose.StageGreeting, err, "")
	}
	code, text, err := a.smtpRead()
	if err != nil {
		return nil, fail(diagnose.StageGreeting, err, text)
	}
	if code != 250 {
		return nil, fail(diagnose.StageGreeting, errors.New("verify: EHLO was refused"), fmt.Sprintf("%d %s", code, text))
	}
	exts := []string{}
	for i, l := range strings.Split(text, "\n") {
		if i == 0 || l == "" {
			continue
		}
		exts = append(exts, l)
	}
	return exts, nil
}

func smtpHas(exts []string, name string) bool {
	for _, e := range exts {
		f := strings.Fields(e)
		if len(f) > 0 && strings.EqualFold(f[0], name) {
			return true
		}
	}
	return false
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

// testMessage is the short message --send-test sends to the user.
func testMessage(addr string, now time.Time) string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return "From: <" + addr + ">\r\nTo: <" + addr + ">\r\nSubject: mailsetup test message\r\n" +
		"Date: " + now.Format(time.RFC1123Z) + "\r\nMessage-ID: <" + hex.EncodeToString(b) + "@mailsetup.invalid>\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
		"This message was sent by mailsetup to check that sending works. You can delete it.\r\n"
}

// smtpReply rebuilds the server's reply from a go-smtp error.
func smtpReply(err error) string {
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		s := strconv.Itoa(se.Code)
		if se.EnhancedCode != (smtp.EnhancedCode{}) && se.EnhancedCode != smtp.NoEnhancedCode {
			s += fmt.Sprintf(" %d.%d.%d", se.EnhancedCode[0], se.EnhancedCode[1], se.EnhancedCode[2])
		}
		return s + " " + strings.ReplaceAll(se.Message, "\n", " ")
	}
	return ""
}
