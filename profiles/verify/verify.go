// Package verify proves that a Config's servers accept the user's login:
// IMAP (github.com/emersion/go-imap/v2), POP3 (a small client of our own,
// see pop3.go) and SMTP (github.com/emersion/go-smtp), the greeting,
// capabilities and STARTTLS of all three spoken by
// profiles/internal/mailwire, whose limits (line length, reply lines,
// 1 MiB per connection, certificate chain size) also bound what the two
// libraries read. Incoming and outgoing
// checks run at the same time; each step is reported as it happens through
// Options.OnStep; every failure carries a diagnosis (package diagnose).
//
// When the recommended server cannot be reached at all, the provider's
// other servers of the same protocol are tried in the Config's order
// (465 → 587 STARTTLS → 2525 for Mail.ru, 993 → 143 STARTTLS) and the one
// that worked is reported as the check's Alternative; WithWorking rewrites
// the Config so the export uses it. At most MaxServersPerSide servers are
// tried, all within Options.Timeout (and the context's deadline).
//
// Before connecting anywhere Verify refuses (*ConsentError, NeedsConsent)
// to send the password to settings whose trust is "confirm" or over a
// connection without encryption unless the user agreed (AllowUnconfirmed,
// AllowPlaintext), and (*CredentialError) a password or username holding a
// line break or control character.
//
// Sign-in is lockout-aware: one attempt per username form and mechanism,
// stopping at a definitive "invalid credentials"; the local part is tried as
// a username only for providers known to use it or when the server says the
// user is unknown; GSSAPI is never tried; a temporary refusal is not
// retried. The password never reaches a step, an error, a reply, the
// capabilities or the JSON: every server text is passed through a redactor
// that knows every form a server may echo (raw, IMAP-quoted, base64, any
// letter case).
package verify

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"mailsetup/profiles"
	"mailsetup/profiles/diagnose"
)

// StepName names a step of a check, as shown in the window and the JSON.
type StepName string

// The steps of a check, in order.
const (
	StepConnecting StepName = "connecting"
	StepTLS        StepName = "tls"
	StepGreeting   StepName = "greeting"
	StepStartTLS   StepName = "starttls"
	StepSigningIn  StepName = "signing-in"
	StepMailbox    StepName = "mailbox-opened"
	StepSending    StepName = "sending-test"
	StepReady      StepName = "ready"
)

// Status is where a step is.
type Status string

// The statuses of a step event.
const (
	StatusStarted Status = "started"
	StatusOK      Status = "ok"
	StatusFailed  Status = "failed"
)

// Event is one step starting, succeeding or failing, as it happens.
type Event struct {
	Protocol profiles.Protocol
	Server   profiles.Server
	Step     StepName
	Status   Status
	// Detail is a password-free note ("TLS 1.3", "PLAIN", the diagnosis code).
	Detail  string
	Elapsed time.Duration
}

// Step is a finished step in a Check.
type Step struct {
	Name      StepName `json:"step"`
	OK        bool     `json:"ok"`
	ElapsedMS int64    `json:"elapsed_ms"`
	Detail    string   `json:"detail,omitempty"`
	// Server is "host:port" when the step belongs to an alternative server.
	Server string `json:"server,omitempty"`
}

// Alternative is the server that worked instead of the recommended one.
type Alternative struct {
	Host     string            `json:"host"`
	Port     int               `json:"port"`
	Security profiles.Security `json:"security"`
}

// Attempt is one server tried by a check.
type Attempt struct {
	Host      string              `json:"host"`
	Port      int                 `json:"port"`
	Security  profiles.Security   `json:"security"`
	OK        bool                `json:"ok"`
	Diagnosis *diagnose.Diagnosis `json:"diagnosis,omitempty"`
}

// Check is the result for one protocol (the incoming or the outgoing side).
type Check struct {
	Protocol profiles.Protocol `json:"protocol"`
	// Host, Port and Security are the recommended server's.
	Host     string            `json:"host"`
	Port     int               `json:"port"`
	Security profiles.Security `json:"security"`
	Username string            `json:"username"`
	OK       bool              `json:"ok"`
	Steps    []Step            `json:"steps"`
	// ElapsedMS is the time the whole check took.
	ElapsedMS    int64    `json:"elapsed_ms"`
	Capabilities []string `json:"capabilities"`
	// Alternative is set when another server of the provider worked
	// instead of the recommended one.
	Alternative *Alternative `json:"alternative"`
	// Attempts lists every server tried, in order (only when more than one).
	Attempts []Attempt `json:"attempts,omitempty"`
	// Diagnosis explains the failure; nil when the check passed.
	Diagnosis *diagnose.Diagnosis `json:"diagnosis"`
	// Sent is true when a test message was accepted by the server.
	Sent bool `json:"sent,omitempty"`
	// Working is the server that passed (the recommended one or the alternative).
	Working *profiles.Server `json:"-"`
}

// Result holds every check.
type Result struct {
	Checks []Check `json:"checks"`
}

// OK reports whether every check passed (and there was at least one).
func (r *Result) OK() bool {
	if r == nil || len(r.Checks) == 0 {
		return false
	}
	for _, c := range r.Checks {
		if !c.OK {
			return false
		}
	}
	return true
}

// Options tune a verification. The zero value (with a Password) verifies
// against the system's trusted CAs with default timeouts.
type Options struct {
	// Password signs in. It is never written anywhere: its String,
	// GoString and JSON forms are "********".
	Password Secret
	// Roots replaces the system's trusted CAs (tests). Nil: the system pool.
	Roots *x509.CertPool
	// ExtraCAs are PEM certificates trusted in addition (--ca: a company's CA).
	ExtraCAs []byte
	// ConnectTimeout bounds the TCP connection (default 10 s).
	ConnectTimeout time.Duration
	// StepTimeout bounds each later step (default 15 s).
	StepTimeout time.Duration
	// Timeout bounds the whole verification, every side and every
	// alternative server included (default DefaultTimeout). A deadline on
	// the context passed to Verify is honoured too: the earlier one rules.
	Timeout time.Duration
	// OnStep, when set, is called as each step starts and ends, from the
	// checks' goroutines (incoming and outgoing run at the same time).
	OnStep func(Event)
	// SendTest sends one short message from the address to itself.
	SendTest bool
	// Lang is the language of the diagnoses (default English).
	Lang string
	// NoAlternatives verifies only the recommended servers.
	NoAlternatives bool
	// Incoming and Outgoing select the sides; both false means both.
	Incoming, Outgoing bool
	// Now returns the local time (tests); nil means time.Now.
	Now func() time.Time
	// AllowUnconfirmed: the user explicitly accepted settings whose
	// Config.Trust is profiles.TrustConfirm. Without it Verify returns a
	// *ConsentError for such settings before connecting anywhere.
	AllowUnconfirmed bool
	// AllowPlaintext: the user explicitly accepted sending the password
	// over a connection with security none. Without it Verify returns a
	// *ConsentError when any server it would try has no encryption.
	AllowPlaintext bool
}

// Secret is a password. Printing it (fmt %v, %+v, %#v, %s) or encoding it
// as JSON shows "********", so a stray log line or crash dump of Options
// cannot leak it.
type Secret string

// String hides the secret.
func (Secret) String() string { return "********" }

// GoString hides the secret.
func (Secret) GoString() string { return `"********"` }

// MarshalJSON hides the secret.
func (Secret) MarshalJSON() ([]byte, error) { return []byte(`"********"`), nil }

// MarshalText hides the secret.
func (Secret) MarshalText() ([]byte, error) { return []byte("********"), nil }

func (o *Options) connectTimeout() time.Duration {
	if o.ConnectTimeout > 0 {
		return o.ConnectTimeout
	}
	return 10 * time.Second
}

func (o *Options) stepTimeout() time.Duration {
	if o.StepTimeout > 0 {
		return o.StepTimeout
	}
	return 15 * time.Second
}

// DefaultTimeout is the overall deadline of a verification.
const DefaultTimeout = 60 * time.Second

// MaxServersPerSide caps how many servers one side tries (the recommended
// one and its alternatives): a hostile config listing thousands of silent
// servers must not make a check last for hours.
const MaxServersPerSide = 4

func (o *Options) timeout() time.Duration {
	if o.Timeout > 0 {
		return o.Timeout
	}
	return DefaultTimeout
}

func (o *Options) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

// tlsConfig builds the client TLS configuration for host.
func (o *Options) tlsConfig(host string) (*tls.Config, error) {
	roots := o.Roots
	if roots == nil {
		sys, err := x509.SystemCertPool()
		if err != nil || sys == nil {
			sys = x509.NewCertPool()
		}
		roots = sys
	} else {
		roots = roots.Clone()
	}
	if len(o.ExtraCAs) > 0 && !roots.AppendCertsFromPEM(o.ExtraCAs) {
		return nil, fmt.Errorf("verify: the CA file holds no PEM certificate")
	}
	return &tls.Config{RootCAs: roots, ServerName: host, MinVersion: tls.VersionTLS12}, nil
}

// Verify checks cfg's recommended incoming and outgoing servers (both at
// once) with the password in opts, within opts.Timeout. Before connecting
// anywhere it refuses: a *ConsentError when the settings or an unencrypted
// server need the user's consent (NeedsConsent), a *CredentialError when
// the password or a username holds a line break or control character.
func Verify(ctx context.Context, cfg *profiles.Config, opts Options) (*Result, error) {
	if err := preflight(cfg, nil, &opts); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, opts.timeout())
	defer cancel()
	addr, _ := cfg.Addr()
	sides := sidesOf(cfg, &opts)
	res := &Result{Checks: make([]Check, len(sides))}
	var wg sync.WaitGroup
	for i, list := range sides {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res.Checks[i] = checkSide(ctx, cfg, addr, list, &opts)
		}()
	}
	wg.Wait()
	return res, nil
}

// preflight runs the checks made before anything is sent: consent and
// credentials. With one non-nil, only that server is looked at.
func preflight(cfg *profiles.Config, one *profiles.Server, opts *Options) error {
	c := *cfg
	if one != nil {
		c.Incoming, c.Outgoing = []profiles.Server{*one}, nil
		o := *opts
		o.Incoming, o.Outgoing, o.NoAlternatives = true, false, true
		if ce := NeedsConsent(c, o); ce != nil {
			return ce
		}
	} else if ce := NeedsConsent(c, *opts); ce != nil {
		return ce
	}
	return checkCredentials(&c, opts)
}

// expired reports whether ctx is done or its deadline has passed (a
// socket deadline set to the same instant may fire before ctx's timer).
func expired(ctx context.Context) bool {
	if ctx.Err() != nil {
		return true
	}
	d, ok := ctx.Deadline()
	return ok && !time.Now().Before(d)
}

// sameProtocol returns the first server and the later ones of its
// protocol, at most MaxServersPerSide in all.
func sameProtocol(list []profiles.Server) []profiles.Server {
	out := []profiles.Server{list[0]}
	for _, s := range list[1:] {
		if len(out) == MaxServersPerSide {
			break
		}
		if s.Protocol == list[0].Protocol && !s.Same(list[0]) && !containsSame(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func containsSame(list []profiles.Server, s profiles.Server) bool {
	for _, x := range list {
		if x.Same(s) {
			return true
		}
	}
	return false
}

// VerifyServer checks one server (no alternatives). It refuses as Verify
// does, before connecting.
func VerifyServer(ctx context.Context, cfg *profiles.Config, s profiles.Server, opts Options) (Check, error) {
	if err := preflight(cfg, &s, &opts); err != nil {
		return Check{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, opts.timeout())
	defer cancel()
	addr, _ := cfg.Addr()
	opts.NoAlternatives = true
	return checkSide(ctx, cfg, addr, []profiles.Server{s}, &opts), nil
}

func checkSide(ctx context.Context, cfg *profiles.Config, addr profiles.Address, servers []profiles.Server, opts *Options) Check {
	start := time.Now()
	rec := servers[0]
	chk := Check{Protocol: rec.Protocol, Host: rec.Host, Port: rec.Port, Security: rec.Security,
		Username: username(rec, addr), Steps: []Step{}, Capabilities: []string{}}
	red := newRedactor(string(opts.Password), chk.Username, addr)
	// diag is what the check reports on failure: the recommended server's
	// diagnosis, unless an alternative got further (a reachable server's
	// "wrong password" matters more than a blocked port).
	var diag, prev *diagnose.Diagnosis
	for i, s := range servers {
		// Only a failure to reach a server moves on to the next one; after a
		// refusal of the login, another port would only risk a lockout.
		if i > 0 && (opts.NoAlternatives || prev == nil || !prev.Code.Transport() || expired(ctx)) {
			break
		}
		a := &attempt{ctx: ctx, srv: s, cfg: cfg, addr: addr, opts: opts, red: red, alt: i > 0,
			provider: cfg.Provider.ID, steps: &chk.Steps}
		a.alts = altText(servers, i)
		ok := a.run()
		at := Attempt{Host: s.Host, Port: s.Port, Security: s.Security, OK: ok, Diagnosis: a.diag}
		chk.Attempts = append(chk.Attempts, at)
		if ok {
			chk.OK = true
			chk.Capabilities = red.cleanAll(a.caps)
			chk.Sent = a.sent
			w := s
			w.Username = a.user
			chk.Working = &w
			if i > 0 {
				chk.Alternative = &Alternative{Host: s.Host, Port: s.Port, Security: s.Security}
			}
			if a.user != "" && a.user != chk.Username && i == 0 {
				chk.Username = a.user
			}
			break
		}
		prev = a.diag
		if diag == nil || (!a.diag.Code.Transport() && a.diag.Code != diagnose.Cancelled) {
			diag = a.diag
			chk.Capabilities = red.cleanAll(a.caps)
		}
	}
	if !chk.OK {
		chk.Diagnosis = diag
	}
	if len(chk.Attempts) < 2 {
		chk.Attempts = nil
	}
	if chk.Capabilities == nil {
		chk.Capabilities = []string{}
	}
	sort.Strings(chk.Capabilities)
	chk.ElapsedMS = time.Since(start).Milliseconds()
	return chk
}

// altText names the servers after index i, e.g. "587 (STARTTLS), 2525
// (STARTTLS)"; when there are none, the protocol's other standard port.
func altText(servers []profiles.Server, i int) string {
	if i == len(servers)-1 {
		s := servers[i]
		other := profiles.SecuritySTARTTLS
		if s.Security != profiles.SecurityTLS {
			other = profiles.SecurityTLS
		}
		if p := profiles.DefaultPort(s.Protocol, other); p != s.Port {
			return fmt.Sprintf("%d (%s)", p, strings.ToUpper(string(other)))
		}
		return ""
	}
	var parts []string
	for _, s := range servers[i+1:] {
		p := fmt.Sprintf("%d (%s)", s.Port, strings.ToUpper(string(s.Security)))
		if !strings.EqualFold(s.Host, servers[i].Host) {
			p = s.Host + ":" + p
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, ", ")
}

func username(s profiles.Server, addr profiles.Address) string {
	if s.Username != "" {
		return s.Username
	}
	return addr.String()
}

// WithWorking returns a copy of cfg whose recommended servers are the ones
// that passed in res (an alternative moves to the front of its list), with
// the username that worked and Verified set when every check passed.
func WithWorking(cfg *profiles.Config, res *Result) *profiles.Config {
	out := cfg.Clone()
	for _, c := range res.Checks {
		if c.Working == nil {
			continue
		}
		w := *c.Working
		list := &out.Outgoing
		if w.Protocol.Incoming() {
			list = &out.Incoming
		}
		for i, s := range *list {
			if s.Same(w) {
				s.Username = w.Username
				rest := append([]profiles.Server{s}, (*list)[:i]...)
				*list = append(rest, (*list)[i+1:]...)
				break
			}
		}
	}
	if res.OK() {
		t := time.Now().UTC()
		out.Verified = &t
	}
	return out
}
