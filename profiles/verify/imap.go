package verify

import (
	"errors"
	"fmt"
	"strings"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-sasl"

	"mailsetup/profiles/diagnose"
)

// imap checks an IMAP server: greeting, CAPABILITY and STARTTLS spoken by
// hand (so each is its own step and a missing STARTTLS is seen before
// anything is sent), then github.com/emersion/go-imap/v2 for the sign-in,
// EXAMINE INBOX and LOGOUT.
func (a *attempt) imap() error {
	g, err := a.preLogin()
	if err != nil {
		return err
	}
	greeting := g.Line
	// Hand the connection to go-imap, replaying a greeting for it.
	c := imapclient.New(a.w.Stream("* OK "+greetingText(greeting)+"\r\n"), nil)
	defer c.Close()
	a.deadline()
	if err := c.WaitGreeting(); err != nil {
		return fail(diagnose.StageGreeting, err, "")
	}
	var mechs []string
	if !a.k.Has("LOGINDISABLED") {
		if a.k.HasSASL("PLAIN") && a.provider != "icloud" {
			mechs = append(mechs, "PLAIN")
		}
		mechs = append(mechs, "LOGIN")
	} else if !a.w.Encrypted() {
		return a.step(StepSigningIn, func() (string, error) {
			return "", fail(diagnose.StageAuth, diagnose.ErrPlaintextRefused, a.k.String())
		})
	} else if a.k.HasSASL("PLAIN") {
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
