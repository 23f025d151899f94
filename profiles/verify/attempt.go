package verify

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"mailsetup/profiles"
	"mailsetup/profiles/diagnose"
)

// attempt is one try of one server.
type attempt struct {
	ctx      context.Context
	srv      profiles.Server
	cfg      *profiles.Config
	addr     profiles.Address
	opts     *Options
	red      *redactor
	provider string
	alt      bool
	alts     string
	steps    *[]Step

	raw  net.Conn // the TCP connection (deadlines, cancellation)
	conn net.Conn // raw or the TLS connection on top
	br   *bufio.Reader

	caps []string
	user string
	sent bool
	diag *diagnose.Diagnosis
}

// failure is a step's failure: the error and the server's reply.
type failure struct {
	stage diagnose.Stage
	err   error
	reply string
}

func (f *failure) Error() string { return f.err.Error() }

func fail(stage diagnose.Stage, err error, reply string) *failure {
	return &failure{stage: stage, err: err, reply: reply}
}

// step runs fn as the named step: reports its start and end, sets the
// deadline and records it.
func (a *attempt) step(name StepName, fn func() (string, error)) error {
	start := time.Now()
	a.event(name, StatusStarted, "", 0)
	a.deadline()
	detail, err := fn()
	el := time.Since(start)
	if err != nil {
		var f *failure
		if errors.As(err, &f) && f.reply != "" {
			detail = firstLine(f.reply)
		} else {
			detail = err.Error()
		}
	}
	st := Step{Name: name, OK: err == nil, ElapsedMS: el.Milliseconds(), Detail: a.red.clean(detail)}
	if a.alt {
		st.Server = a.srv.Address()
	}
	*a.steps = append(*a.steps, st)
	status := StatusOK
	if err != nil {
		status = StatusFailed
	}
	a.event(name, status, st.Detail, el)
	return err
}

// deadline gives the TCP connection one step's time from now.
func (a *attempt) deadline() {
	if a.raw != nil {
		_ = a.raw.SetDeadline(time.Now().Add(a.opts.stepTimeout()))
	}
}

func (a *attempt) event(name StepName, st Status, detail string, el time.Duration) {
	if a.opts.OnStep != nil {
		a.opts.OnStep(Event{Protocol: a.srv.Protocol, Server: a.srv, Step: name, Status: st, Detail: detail, Elapsed: el})
	}
}

// run performs the whole check of a.srv and reports whether it passed.
func (a *attempt) run() bool {
	err := a.protocol()
	if a.raw != nil {
		a.raw.Close()
	}
	if err == nil {
		a.event(StepReady, StatusOK, "", 0)
		*a.steps = append(*a.steps, Step{Name: StepReady, OK: true, Server: a.serverField()})
		return true
	}
	var f *failure
	if !errors.As(err, &f) {
		f = fail(diagnose.StageConnect, err, "")
	}
	ferr := f.err
	if a.ctx.Err() != nil {
		ferr = context.Canceled
	}
	a.diag = diagnose.Explain(diagnose.Failure{
		Protocol: a.srv.Protocol, Stage: f.stage, Err: redactedErr{ferr, a.red}, Reply: a.red.clean(f.reply),
		Provider: a.provider, Host: a.srv.Host, Port: a.srv.Port, Security: a.srv.Security,
		Alternative: a.alts, Now: a.opts.now(),
	}, a.opts.Lang)
	return false
}

func (a *attempt) serverField() string {
	if a.alt {
		return a.srv.Address()
	}
	return ""
}

func (a *attempt) protocol() error {
	switch a.srv.Protocol {
	case profiles.IMAP:
		return a.imap()
	case profiles.POP3:
		return a.pop3()
	case profiles.SMTP:
		return a.smtp()
	}
	return fail(diagnose.StageConnect, fmt.Errorf("verify: unknown protocol %q", a.srv.Protocol), "")
}

// connect dials the server and, for implicit TLS, completes the handshake.
func (a *attempt) connect() error {
	err := a.step(StepConnecting, func() (string, error) {
		d := net.Dialer{Timeout: a.opts.connectTimeout()}
		c, err := d.DialContext(a.ctx, "tcp", a.srv.Address())
		if err != nil {
			return "", fail(diagnose.StageConnect, err, "")
		}
		a.raw, a.conn = c, c
		context.AfterFunc(a.ctx, func() { c.Close() })
		return c.RemoteAddr().String(), nil
	})
	if err != nil || a.srv.Security != profiles.SecurityTLS {
		return err
	}
	return a.step(StepTLS, a.handshake)
}

// handshake upgrades a.conn to TLS (implicit TLS or after STARTTLS).
func (a *attempt) handshake() (string, error) {
	cfg, err := a.opts.tlsConfig(a.srv.Host)
	if err != nil {
		return "", fail(diagnose.StageTLS, err, "")
	}
	switch a.srv.Protocol {
	case profiles.IMAP:
		cfg.NextProtos = []string{"imap"}
	case profiles.POP3:
		cfg.NextProtos = []string{"pop3"}
	}
	tc := tls.Client(a.conn, cfg)
	if err := tc.HandshakeContext(a.ctx); err != nil {
		return "", fail(diagnose.StageTLS, err, "")
	}
	a.conn = tc
	a.br = bufio.NewReader(tc)
	return tlsDetail(tc.ConnectionState()), nil
}

func tlsDetail(st tls.ConnectionState) string {
	v := map[uint16]string{tls.VersionTLS12: "TLS 1.2", tls.VersionTLS13: "TLS 1.3"}[st.Version]
	if v == "" {
		v = fmt.Sprintf("TLS %#x", st.Version)
	}
	if len(st.PeerCertificates) > 0 {
		c := st.PeerCertificates[0]
		return fmt.Sprintf("%s, %s, issued by %s, valid until %s", v, c.Subject.CommonName, c.Issuer.CommonName, c.NotAfter.Format("2006-01-02"))
	}
	return v
}

// reader returns the buffered reader of the current connection.
func (a *attempt) reader() *bufio.Reader {
	if a.br == nil {
		a.br = bufio.NewReader(a.conn)
	}
	return a.br
}

// readLine reads one line (without CR LF) from the server.
func (a *attempt) readLine() (string, error) {
	s, err := a.reader().ReadString('\n')
	if err != nil {
		if s != "" && errors.Is(err, io.EOF) {
			return strings.TrimRight(s, "\r\n"), nil
		}
		return "", err
	}
	return strings.TrimRight(s, "\r\n"), nil
}

// writeLine sends one command line. Callers never pass the password here
// except in sign-in commands, whose errors are reported without the line.
func (a *attempt) writeLine(s string) error {
	_, err := io.WriteString(a.conn, s+"\r\n")
	return err
}

// usernames returns the username forms to try, in order: the configured
// one, then (only for providers known to use it) the other form.
func (a *attempt) usernames() []string {
	u := username(a.srv, a.addr)
	forms := []string{u}
	switch a.provider {
	case "icloud", "web.de":
		if u == a.addr.String() {
			forms = append(forms, a.addr.Local)
		} else if u == a.addr.Local {
			forms = append(forms, a.addr.String())
		}
	}
	return forms
}

// signIn tries each username form with each mechanism, lockout-aware: it
// stops at the first success or definitive refusal, moves to the local
// part when the server says the user is unknown, and to the next mechanism
// only when the server did not understand the previous one.
func (a *attempt) signIn(mechs []string, try func(user, mech string) (reply string, err error)) error {
	return a.step(StepSigningIn, func() (string, error) {
		// OAuth2-only servers (Outlook.com) would only count a password
		// attempt towards a lockout; GSSAPI and the like are never tried.
		if len(mechs) == 0 || a.srv.OAuthOnly() {
			return "", fail(diagnose.StageAuth, diagnose.ErrNoPasswordMethod, "")
		}
		users := a.usernames()
		triedLocal := false
		var last *failure
		for ui := 0; ui < len(users); ui++ {
			user := users[ui]
			for _, mech := range mechs {
				reply, err := try(user, mech)
				if err == nil {
					a.user = user
					return mech, nil
				}
				if a.ctx.Err() != nil {
					return "", fail(diagnose.StageAuth, context.Canceled, "")
				}
				last = fail(diagnose.StageAuth, err, reply)
				code, _ := diagnose.Classify(diagnose.Failure{Protocol: a.srv.Protocol, Stage: diagnose.StageAuth,
					Err: err, Reply: reply, Provider: a.provider, Host: a.srv.Host, Port: a.srv.Port})
				if code == diagnose.UserUnknown && !triedLocal && user != a.addr.Local && a.addr.Local != "" {
					triedLocal = true
					if ui == len(users)-1 {
						users = append(users, a.addr.Local)
					}
					break
				}
				if code.Transport() || code == diagnose.Timeout || code == diagnose.ConnectionClosed {
					return "", last
				}
				if code.Definitive() {
					// A plain "wrong password" for a provider whose login
					// form is uncertain moves on to the next form only.
					if code == diagnose.AuthFailed && ui+1 < len(users) {
						break
					}
					return "", last
				}
				// Not understood (BAD, unsupported mechanism): next mechanism.
			}
		}
		return "", last
	})
}

// redactor removes the password (and its encodings) from server texts.
type redactor struct{ secrets []string }

func newRedactor(password, user string, addr profiles.Address) *redactor {
	r := &redactor{}
	if password == "" {
		return r
	}
	r.secrets = append(r.secrets, password, base64.StdEncoding.EncodeToString([]byte(password)))
	for _, u := range []string{user, addr.String(), addr.Local} {
		r.secrets = append(r.secrets, base64.StdEncoding.EncodeToString([]byte("\x00"+u+"\x00"+password)))
	}
	return r
}

func (r *redactor) clean(s string) string {
	for _, p := range r.secrets {
		if p != "" && strings.Contains(s, p) {
			s = strings.ReplaceAll(s, p, "********")
		}
	}
	return s
}

// redactedErr is an error whose text passes through the redactor; it still
// unwraps to the original for errors.Is/As.
type redactedErr struct {
	err error
	red *redactor
}

func (e redactedErr) Error() string { return e.red.clean(e.err.Error()) }
func (e redactedErr) Unwrap() error { return e.err }
