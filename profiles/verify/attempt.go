package verify

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"os"
	"time"

	"mailsetup/profiles"
	"mailsetup/profiles/diagnose"
	"mailsetup/profiles/internal/mailwire"
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

	w *mailwire.Conn // the connection, with its limits and deadlines

	k    mailwire.Caps // the capabilities before sign-in
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

// deadline gives the connection one step's time from now (capped by the
// overall deadline of the verification).
func (a *attempt) deadline() {
	if a.w != nil {
		a.w.Deadline(a.opts.stepTimeout())
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
	if a.w != nil {
		if le := a.w.Err(); le != nil && err != nil {
			// A library reading the stream may hide the limit in its own
			// error; the limit is what the user needs to hear.
			stage := diagnose.StageGreeting
			var f *failure
			if errors.As(err, &f) {
				stage = f.stage
			}
			err = fail(stage, le, "")
		}
		a.w.Close()
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
	switch {
	case errors.Is(a.ctx.Err(), context.DeadlineExceeded) || (a.ctx.Err() == nil && expired(a.ctx)):
		ferr = errOverall
	case a.ctx.Err() != nil:
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
		a.w = mailwire.New(a.ctx, c, wireProto(a.srv.Protocol), mailwire.Limits{})
		return c.RemoteAddr().String(), nil
	})
	if err != nil || a.srv.Security != profiles.SecurityTLS {
		return err
	}
	return a.step(StepTLS, a.handshake)
}

// handshake upgrades the connection to implicit TLS.
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
	st, err := a.w.Handshake(cfg)
	if err != nil {
		return "", fail(diagnose.StageTLS, err, "")
	}
	return tlsDetail(st), nil
}

// startTLS asks for the upgrade and does the handshake; a refusal, data
// sent ahead of the handshake and a failed handshake each fail their stage.
func (a *attempt) startTLS() (string, error) {
	cfg, err := a.opts.tlsConfig(a.srv.Host)
	if err != nil {
		return "", fail(diagnose.StageTLS, err, "")
	}
	st, err := a.w.StartTLS(cfg)
	if err != nil {
		return "", a.wireFail(diagnose.StageStartTLS, err)
	}
	return tlsDetail(st), nil
}

// wireFail turns a mailwire error into a failure of stage: a server reply
// keeps its text, a failed handshake is a TLS failure.
func (a *attempt) wireFail(stage diagnose.Stage, err error) *failure {
	var re *mailwire.ReplyError
	var he *mailwire.HandshakeError
	switch {
	case errors.As(err, &re):
		return fail(stage, re.Err, re.Reply)
	case errors.As(err, &he):
		return fail(diagnose.StageTLS, he.Err, "")
	}
	return fail(stage, err, "")
}

func wireProto(p profiles.Protocol) mailwire.Protocol {
	switch p {
	case profiles.POP3:
		return mailwire.POP3
	case profiles.SMTP:
		return mailwire.SMTP
	}
	return mailwire.IMAP
}

// errOverall is the failure of a step cut off by the overall deadline.
var errOverall = overallError{}

type overallError struct{}

func (overallError) Error() string   { return "verify: the overall time limit of the check ran out" }
func (overallError) Timeout() bool   { return true }
func (overallError) Temporary() bool { return true }
func (overallError) Unwrap() error   { return os.ErrDeadlineExceeded }

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

// writeLine sends one command line (a line break inside is refused).
// Callers never pass the password here except in sign-in commands, whose
// errors are reported without the line.
func (a *attempt) writeLine(s string) error { return a.w.WriteLine(s) }

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
				if code.Transport() || code.Temporary() || code == diagnose.Timeout || code == diagnose.ConnectionClosed {
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

// redactedErr is an error whose text passes through the redactor; it still
// unwraps to the original for errors.Is/As.
type redactedErr struct {
	err error
	red *redactor
}

func (e redactedErr) Error() string { return e.red.clean(e.err.Error()) }
func (e redactedErr) Unwrap() error { return e.err }

// capabilities asks for the capabilities (CAPABILITY, CAPA, EHLO).
func (a *attempt) capabilities() error {
	k, _, err := a.w.Capabilities("localhost")
	if err != nil {
		return a.wireFail(diagnose.StageGreeting, err)
	}
	a.k, a.caps = k, k.List
	return nil
}

// upgrade is the STARTTLS step: the capability must be offered, the
// handshake must pass, and the capabilities are asked again over TLS.
func (a *attempt) upgrade() (string, error) {
	if !a.k.STARTTLS() {
		return "", fail(diagnose.StageStartTLS, diagnose.ErrStartTLSMissing, a.k.String())
	}
	detail, err := a.startTLS()
	if err != nil {
		return "", err
	}
	if err := a.capabilities(); err != nil {
		var f *failure
		if errors.As(err, &f) {
			f.stage = diagnose.StageStartTLS
		}
		return "", err
	}
	return detail, nil
}

// preLogin is what the three clients share before they sign in: connect,
// read the greeting and the capabilities (one step, so a server that greets
// and then says nothing is seen as such), and upgrade with STARTTLS/STLS
// when the security asks for it (its own step, before anything is sent).
func (a *attempt) preLogin() (mailwire.Greeting, error) {
	if err := a.connect(); err != nil {
		return mailwire.Greeting{}, err
	}
	var greeting mailwire.Greeting
	err := a.step(StepGreeting, func() (string, error) {
		g, err := a.w.Greeting()
		if err != nil {
			return "", a.wireFail(diagnose.StageGreeting, err)
		}
		greeting = g
		if err := a.capabilities(); err != nil {
			return "", err
		}
		return g.Line, nil
	})
	if err != nil {
		return greeting, err
	}
	if a.srv.Security == profiles.SecuritySTARTTLS {
		if err := a.step(StepStartTLS, a.upgrade); err != nil {
			return greeting, err
		}
	}
	return greeting, nil
}
