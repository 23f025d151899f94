package verify

import (
	"encoding/base64"
	"errors"
	"strings"

	"mailsetup/profiles"
	"mailsetup/profiles/diagnose"
)

// POP3 is spoken by a small client of our own rather than
// github.com/knadh/go-pop3: that library has no STLS (STARTTLS for POP3),
// no CAPA and no way to pass a tls.Config with our own RootCAs (a company's
// CA from --ca, the test CA), and its errors cannot be told apart by stage.
// We need only greeting, CAPA, STLS, USER/PASS or AUTH PLAIN, STAT and QUIT.

// errPOP3 is a "-ERR" reply.
var errPOP3 = errors.New("verify: the POP3 server answered -ERR")

// pop3Cmd sends a command (unless empty) and reads a one-line reply. It
// returns the reply and errPOP3 for "-ERR".
func (a *attempt) pop3Cmd(cmd string) (string, error) {
	if cmd != "" {
		if err := a.writeLine(cmd); err != nil {
			return "", err
		}
	}
	line, err := a.readLine()
	if err != nil {
		return "", err
	}
	switch {
	case strings.HasPrefix(line, "+OK"):
		return line, nil
	case strings.HasPrefix(line, "+ ") || line == "+":
		return line, nil
	case strings.HasPrefix(line, "-ERR"):
		return line, errPOP3
	}
	return line, diagnose.ErrBadGreeting
}

// pop3Capa sends CAPA and returns the capability lines ("STLS", "USER",
// "SASL PLAIN LOGIN"); a server without CAPA gives an empty list.
func (a *attempt) pop3Capa() ([]string, error) {
	line, err := a.pop3Cmd("CAPA")
	if errors.Is(err, errPOP3) {
		return []string{}, nil
	}
	if err != nil {
		return nil, fail(diagnose.StageGreeting, err, line)
	}
	caps := []string{}
	for {
		l, err := a.readLine()
		if err != nil {
			return nil, fail(diagnose.StageGreeting, err, "")
		}
		if l == "." {
			return caps, nil
		}
		caps = append(caps, l)
	}
}

func pop3Has(caps []string, name string) bool {
	for _, c := range caps {
		f := strings.Fields(strings.ToUpper(c))
		if len(f) > 0 && f[0] == name {
			return true
		}
	}
	return false
}

func pop3SASL(caps []string, mech string) bool {
	for _, c := range caps {
		f := strings.Fields(strings.ToUpper(c))
		if len(f) > 1 && f[0] == "SASL" {
			for _, m := range f[1:] {
				if m == mech {
					return true
				}
			}
		}
	}
	return false
}

// pop3 checks a POP3 server: greeting, CAPA, STLS, sign-in, STAT, QUIT.
func (a *attempt) pop3() error {
	if err := a.connect(); err != nil {
		return err
	}
	err := a.step(StepGreeting, func() (string, error) {
		line, err := a.pop3Cmd("")
		if err != nil {
			return "", fail(diagnose.StageGreeting, err, line)
		}
		caps, err := a.pop3Capa()
		if err != nil {
			return "", err
		}
		a.caps = caps
		return line, nil
	})
	if err != nil {
		return err
	}
	if a.srv.Security == profiles.SecuritySTARTTLS {
		err := a.step(StepStartTLS, func() (string, error) {
			if !pop3Has(a.caps, "STLS") {
				return "", fail(diagnose.StageStartTLS, diagnose.ErrStartTLSMissing, "CAPA: "+strings.Join(a.caps, ", "))
			}
			line, err := a.pop3Cmd("STLS")
			if err != nil {
				return "", fail(diagnose.StageStartTLS, diagnose.ErrStartTLSMissing, line)
			}
			if a.reader().Buffered() > 0 {
				return "", fail(diagnose.StageStartTLS, errors.New("verify: the server sent data before the TLS handshake"), "")
			}
			detail, err := a.handshake()
			if err != nil {
				return "", err
			}
			caps, err := a.pop3Capa()
			if err != nil {
				return "", err
			}
			a.caps = caps
			return detail, nil
		})
		if err != nil {
			return err
		}
	}
	var mechs []string
	if pop3SASL(a.caps, "PLAIN") {
		mechs = append(mechs, "PLAIN")
	}
	if len(a.caps) == 0 || pop3Has(a.caps, "USER") {
		mechs = append(mechs, "USER")
	}
	if len(mechs) == 0 && a.conn == a.raw {
		return a.step(StepSigningIn, func() (string, error) {
			return "", fail(diagnose.StageAuth, diagnose.ErrPlaintextRefused, "CAPA: "+strings.Join(a.caps, ", "))
		})
	}
	err = a.signIn(mechs, func(user, mech string) (string, error) {
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
