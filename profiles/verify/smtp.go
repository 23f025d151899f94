package verify

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"mailsetup/profiles/diagnose"
)

// smtp checks an SMTP server: the greeting, EHLO and STARTTLS are spoken
// by hand (each its own step, a missing STARTTLS seen before anything is
// sent), then github.com/emersion/go-smtp signs in and, only with
// Options.SendTest, sends one message from the address to itself.
func (a *attempt) smtp() error {
	g, err := a.preLogin()
	if err != nil {
		return err
	}
	greeting := g.Text
	// Hand the connection to go-smtp, replaying the greeting for it.
	rc := a.w.Stream("220 " + firstLine(greeting) + "\r\n")
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
			if hasWord(list, m) {
				mechs = append(mechs, m)
			}
		}
	} else if !a.w.Encrypted() {
		// Servers hide AUTH until the connection is encrypted.
		return a.step(StepSigningIn, func() (string, error) {
			return "", fail(diagnose.StageAuth, diagnose.ErrPlaintextRefused, a.k.String())
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

// hasWord reports whether the space-separated list holds w (any case).
func hasWord(list, w string) bool {
	for _, x := range strings.Fields(list) {
		if strings.EqualFold(x, w) {
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
