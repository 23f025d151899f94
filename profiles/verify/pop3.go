package verify

import (
	"encoding/base64"
	"errors"
	"strings"

	"mailsetup/profiles/diagnose"
	"mailsetup/profiles/internal/mailwire"
)

// POP3 is spoken by a small client of our own rather than
// github.com/knadh/go-pop3: that library has no STLS (STARTTLS for POP3),
// no CAPA and no way to pass a tls.Config with our own RootCAs (a company's
// CA from --ca, the test CA), and its errors cannot be told apart by stage.
// We need only greeting, CAPA, STLS, USER/PASS or AUTH PLAIN, STAT and QUIT.

// pop3Cmd sends a command (unless empty) and reads a one-line reply. It
// returns the reply and diagnose.ErrPOP3 for "-ERR".
func (a *attempt) pop3Cmd(cmd string) (string, error) {
	if cmd != "" {
		if err := a.writeLine(cmd); err != nil {
			return "", err
		}
	}
	line, err := a.w.ReadPOP3()
	var re *mailwire.ReplyError
	if errors.As(err, &re) {
		return line, re.Err
	}
	return line, err
}

// pop3 checks a POP3 server: greeting, CAPA, STLS, sign-in, STAT, QUIT.
func (a *attempt) pop3() error {
	if _, err := a.preLogin(); err != nil {
		return err
	}
	var mechs []string
	if a.k.HasSASL("PLAIN") {
		mechs = append(mechs, "PLAIN")
	}
	if len(a.caps) == 0 || a.k.Has("USER") {
		mechs = append(mechs, "USER")
	}
	if len(mechs) == 0 && !a.w.Encrypted() {
		return a.step(StepSigningIn, func() (string, error) {
			return "", fail(diagnose.StageAuth, diagnose.ErrPlaintextRefused, a.k.String())
		})
	}
	err := a.signIn(mechs, func(user, mech string) (string, error) {
		if mech == "PLAIN" {
			blob := base64.StdEncoding.EncodeToString([]byte("\x00" + user + "\x00" + string(a.opts.Password)))
			line, err := a.pop3Cmd("AUTH PLAIN " + blob)
			if err == nil && (strings.HasPrefix(line, "+ ") || line == "+") {
				// The server did not take the initial response: send it now.
				line, err = a.pop3Cmd(blob)
			}
			return line, err
		}
		line, err := a.pop3Cmd("USER " + user)
		if err != nil {
			return line, err
		}
		return a.pop3Cmd("PASS " + string(a.opts.Password))
	})
	if err != nil {
		return err
	}
	err = a.step(StepMailbox, func() (string, error) {
		line, err := a.pop3Cmd("STAT")
		if err != nil {
			return "", fail(diagnose.StageMailbox, err, line)
		}
		return line, nil
	})
	if err != nil {
		return err
	}
	_, _ = a.pop3Cmd("QUIT")
	return nil
}
