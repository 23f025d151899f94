// Package discover finds the mail settings of an address: from the built-in
// knowledge base first, then over the network (the domain's autoconfig, the
// ISPDB, MX, SRV per RFC 6186, Autodiscover, and probing guesses). Every
// source runs at once under one deadline; the best answer wins and every
// source's outcome is recorded in the trace.
package discover

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"sort"
	"strings"
	"time"

	"mailsetup/profiles"
	"mailsetup/profiles/knowledge"
)

// DefaultTimeout is the overall deadline of a discovery.
const DefaultTimeout = 15 * time.Second

// DefaultISPDB is the base URL of Thunderbird's ISP database.
const DefaultISPDB = "https://autoconfig.thunderbird.net/v1.1/"

// DefaultProbeTimeout bounds one guess probe's connect (and, twice over, its
// whole conversation).
const DefaultProbeTimeout = 3 * time.Second

// MaxResponse caps every HTTP answer a source reads (1 MiB).
const MaxResponse = 1 << 20

// MaxRedirects is how many HTTP redirects a fetch follows.
const MaxRedirects = 3

// DefaultSourceTimeouts are each source's own deadlines, all capped by the
// overall one. They are shorter than Thunderbird's (5-10 s per request, 10 s
// per guess probe) because everything runs at once.
var DefaultSourceTimeouts = map[profiles.Source]time.Duration{
	profiles.SourceBuiltin:      time.Second,
	profiles.SourceAutoconfig:   6 * time.Second,
	profiles.SourceISPDB:        8 * time.Second,
	profiles.SourceMX:           8 * time.Second,
	profiles.SourceSRV:          5 * time.Second,
	profiles.SourceAutodiscover: 6 * time.Second,
	profiles.SourceGuess:        10 * time.Second,
}

// Options control a discovery. The zero value asks every source with the
// default deadline.
type Options struct {
	// Sources to ask; nil or empty means all of profiles.AllSources.
	Sources []profiles.Source
	// ISPDB is the ISP database base URL; "" means DefaultISPDB.
	ISPDB string
	// DNS is a "host:port" DNS server to send every question to (MX, SRV and
	// the addresses of every host connected to); "" means the system's.
	DNS string
	// Timeout is the overall deadline; 0 means DefaultTimeout.
	Timeout time.Duration
	// KB is the knowledge base; nil means knowledge.Default().
	KB *knowledge.KB
	// Progress, when set, is called as each source starts (Outcome
	// OutcomeStarted) and finishes. Calls come from one goroutine at a time.
	Progress func(profiles.TraceEntry)

	// SourceTimeouts overrides DefaultSourceTimeouts per source.
	SourceTimeouts map[profiles.Source]time.Duration
	// ProbeTimeout is a guess probe's connect timeout; 0 means DefaultProbeTimeout.
	ProbeTimeout time.Duration
	// HTTPSOnly turns off the plain-HTTP autoconfig fallback.
	HTTPSOnly bool
	// Dial, when set, opens every TCP connection (HTTP fetches and guess
	// probes) instead of a net.Dialer. Tests use it to route names and ports
	// to local servers.
	Dial func(ctx context.Context, network, address string) (net.Conn, error)
	// RootCAs, when set, replaces the system roots for verifying HTTPS and
	// the certificates of probed mail servers.
	RootCAs *x509.CertPool
	// GuessPorts, when set, replaces the standard ports guess probes (for
	// tests and for networks that remap ports); keys are protocol+security.
	GuessPorts []GuessPort
}

// GuessPort is one protocol, port and security mode the guess source probes.
type GuessPort struct {
	Protocol profiles.Protocol
	Port     int
	Security profiles.Security
}

// Result is what a discovery found.
type Result struct {
	// Config is the best answer, or nil when nothing was found.
	Config *profiles.Config
	// Trace records every source's outcome, in rank order.
	Trace []profiles.TraceEntry
	// Candidates are the other sources' answers that were in when the
	// discovery answered, in rank order. They are what Config.Differences
	// compares against.
	Candidates []*profiles.Config
	// Warnings are about the address itself and hold even when nothing was
	// found: a domain that only looks like a known provider's ("gmaіl.com"
	// with a Cyrillic "і"). When Config is set they are in its Warnings too.
	Warnings []string
}

// ParseSources reads a comma-separated --sources list ("builtin,mx").
func ParseSources(list string) ([]profiles.Source, error) {
	if strings.TrimSpace(list) == "" || strings.TrimSpace(list) == "all" {
		return append([]profiles.Source(nil), profiles.AllSources...), nil
	}
	var out []profiles.Source
	seen := map[profiles.Source]bool{}
	for _, part := range strings.Split(list, ",") {
		s := profiles.Source(strings.ToLower(strings.TrimSpace(part)))
		if s == "" {
			continue
		}
		if s.Rank() == len(profiles.AllSources) {
			return nil, fmt.Errorf("discover: unknown source %q (known: builtin, autoconfig, ispdb, mx, srv, autodiscover, guess)", part)
		}
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("discover: no sources given")
	}
	return out, nil
}

// answer is what one source returns.
type answer struct {
	cfg    *profiles.Config
	detail string
	url    string
	err    error
}

// outcome is a finished source.
type outcome struct {
	src   profiles.Source
	ans   answer
	entry profiles.TraceEntry
}

// Discover finds the settings for addr. It returns when the best source that
// can still answer has answered, when every source is done, or at the
// deadline. A Result with a nil Config means nothing was found; the error is
// only for a cancelled context. It runs in four phases: the built-in list
// first, then every other source at once, collecting answers until the
// best possible one is in, then the report.
func Discover(ctx context.Context, addr profiles.Address, opts Options) (*Result, error) {
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	overall, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	g := &gathering{r: newRun(addr, opts), opts: opts, sources: uniqueSources(opts.Sources),
		done: map[profiles.Source]outcome{}, timeout: timeout}
	start := time.Now()
	g.builtinFirst(overall)
	ch := g.launchAll(overall)
	g.collect(overall, ch)
	elapsed := time.Since(start).Milliseconds()
	cancel()
	res := g.report(ctx, elapsed)
	if err := ctx.Err(); err != nil {
		return res, err
	}
	return res, nil
}

// gathering is one discovery's sources and their outcomes.
type gathering struct {
	r       *run
	opts    Options
	sources []profiles.Source
	// launch are the sources still to ask; nil when the built-in list
	// knew the domain.
	launch   []profiles.Source
	done     map[profiles.Source]outcome
	timeout  time.Duration
	timedOut bool
}

func (g *gathering) progress(e profiles.TraceEntry) {
	if g.opts.Progress != nil {
		g.opts.Progress(e)
	}
}

// builtinFirst asks the built-in list, which answers in microseconds from
// memory, so a known provider's address is never sent to the network.
func (g *gathering) builtinFirst(overall context.Context) {
	g.launch = g.sources
	for _, src := range g.sources {
		if src != profiles.SourceBuiltin {
			continue
		}
		g.progress(profiles.TraceEntry{Source: src, Outcome: profiles.OutcomeStarted})
		t0 := time.Now()
		ans := g.r.run(overall, src)
		o := outcome{src: src, ans: ans, entry: traceEntry(src, ans, overall, time.Since(t0))}
		g.done[src] = o
		g.progress(o.entry)
		if ans.cfg != nil {
			g.launch = nil
		}
	}
}

// launchAll starts every other source, each under its own deadline.
func (g *gathering) launchAll(overall context.Context) chan outcome {
	ch := make(chan outcome, len(g.sources))
	for _, src := range g.launch {
		if src == profiles.SourceBuiltin {
			continue
		}
		g.progress(profiles.TraceEntry{Source: src, Outcome: profiles.OutcomeStarted})
		go func(src profiles.Source) {
			sctx, scancel := context.WithTimeout(overall, g.r.sourceTimeout(src))
			defer scancel()
			t0 := time.Now()
			ans := g.r.run(sctx, src)
			ch <- outcome{src: src, ans: ans, entry: traceEntry(src, ans, sctx, time.Since(t0))}
		}(src)
	}
	return ch
}

// decided reports whether no source still running could beat the best
// answer in.
func (g *gathering) decided() bool {
	best := len(profiles.AllSources)
	for s, o := range g.done {
		if o.ans.cfg != nil && s.Rank() < best {
			best = s.Rank()
		}
	}
	for _, s := range g.sources {
		if _, ok := g.done[s]; !ok && s.Rank() < best {
			return false
		}
	}
	return true
}

// collect takes answers until the result is decided or the deadline passes.
func (g *gathering) collect(overall context.Context, ch chan outcome) {
	for !g.decided() && len(g.done) < len(g.sources) {
		select {
		case o := <-ch:
			g.done[o.src] = o
			g.progress(o.entry)
		case <-overall.Done():
			g.timedOut = true
			return
		}
	}
}

// report builds the trace (saying why each unfinished source gave no
// answer) and the winning Config with the others as candidates.
func (g *gathering) report(ctx context.Context, elapsed int64) *Result {
	res := &Result{}
	var found []outcome
	for _, src := range sortedByRank(g.sources) {
		o, ok := g.done[src]
		if !ok {
			e := profiles.TraceEntry{Source: src, ElapsedMS: elapsed}
			switch {
			case ctx.Err() != nil:
				e.Outcome, e.Detail = profiles.OutcomeCancelled, "the discovery was cancelled"
			case g.timedOut:
				e.Outcome, e.Detail = profiles.OutcomeTimeout, fmt.Sprintf("no answer within the overall deadline of %s", g.timeout)
			case g.launch == nil:
				e.Outcome, e.Detail = profiles.OutcomeSkipped, "not asked: the built-in list knows this domain"
			default:
				e.Outcome, e.Detail = profiles.OutcomeCancelled, "not needed: a better source had already answered"
			}
			g.progress(e)
			res.Trace = append(res.Trace, e)
			continue
		}
		res.Trace = append(res.Trace, o.entry)
		if o.ans.cfg != nil {
			found = append(found, o)
		}
	}
	if len(found) > 0 {
		win := found[0].ans.cfg.Clone()
		for _, o := range found[1:] {
			res.Candidates = append(res.Candidates, o.ans.cfg)
			win.Differences = append(win.Differences, differences(win, o.ans.cfg)...)
		}
		if gs, ok := g.done[profiles.SourceGuess]; ok && gs.src != found[0].src {
			win.Warnings = append(win.Warnings, g.r.networkWarnings(win)...)
		}
		win.Trace = res.Trace
		win.Normalize()
		res.Config = win
	}
	if l, ok := g.r.kb.Lookalike(g.r.addr.Domain); ok {
		res.Warnings = append(res.Warnings, l.Warning())
		if res.Config != nil {
			res.Config.Warnings = append([]string{l.Warning()}, res.Config.Warnings...)
		}
	}
	return res
}

func traceEntry(src profiles.Source, ans answer, sctx context.Context, d time.Duration) profiles.TraceEntry {
	e := profiles.TraceEntry{Source: src, ElapsedMS: d.Milliseconds(), Detail: ans.detail, URL: ans.url}
	switch {
	case ans.cfg != nil:
		e.Outcome = profiles.OutcomeFound
	case ans.err != nil && (errors.Is(ans.err, context.DeadlineExceeded) || errors.Is(sctx.Err(), context.DeadlineExceeded) || isTimeout(ans.err)):
		e.Outcome = profiles.OutcomeTimeout
		e.Detail = joinDetail(ans.detail, ans.err.Error())
	case ans.err != nil && errors.Is(ans.err, context.Canceled):
		e.Outcome = profiles.OutcomeCancelled
		e.Detail = joinDetail(ans.detail, ans.err.Error())
	case ans.err != nil:
		e.Outcome = profiles.OutcomeError
		e.Detail = joinDetail(ans.detail, ans.err.Error())
	default:
		e.Outcome = profiles.OutcomeNothing
	}
	return e
}

func joinDetail(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "" || strings.Contains(a, b):
		return a
	}
	return a + "; " + b
}

func uniqueSources(in []profiles.Source) []profiles.Source {
	if len(in) == 0 {
		return append([]profiles.Source(nil), profiles.AllSources...)
	}
	seen := map[profiles.Source]bool{}
	var out []profiles.Source
	for _, s := range in {
		if !seen[s] && s.Rank() < len(profiles.AllSources) {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func sortedByRank(in []profiles.Source) []profiles.Source {
	out := append([]profiles.Source(nil), in...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Rank() < out[j].Rank() })
	return out
}

// differences says, in plain words, where another source's answer differs
// from the chosen one.
func differences(win, other *profiles.Config) []string {
	var out []string
	cmp := func(what string, a, b []profiles.Server) {
		if len(a) == 0 || len(b) == 0 {
			return
		}
		if a[0].Same(b[0]) && a[0].Username == b[0].Username {
			return
		}
		msg := fmt.Sprintf("%s: %s says %s", what, win.Source, describe(a[0]))
		msg += fmt.Sprintf("; %s says %s", other.Source, describe(b[0]))
		var extra []string
		for _, s := range b {
			if !containsServer(a, s) {
				extra = append(extra, describe(s))
			}
		}
		if len(extra) > 1 || (len(extra) == 1 && extra[0] != describe(b[0])) {
			msg += " (" + string(other.Source) + " also offers " + strings.Join(extra, ", ") + ")"
		}
		out = append(out, msg)
	}
	cmp("incoming", win.Incoming, other.Incoming)
	cmp("outgoing", win.Outgoing, other.Outgoing)
	return out
}

func describe(s profiles.Server) string {
	sec := map[profiles.Security]string{profiles.SecurityTLS: "TLS", profiles.SecuritySTARTTLS: "STARTTLS", profiles.SecurityNone: "no encryption"}[s.Security]
	d := fmt.Sprintf("%s %s:%d %s", strings.ToUpper(string(s.Protocol)), s.Host, s.Port, sec)
	if s.Username != "" {
		d += " as " + s.Username
	}
	return d
}

func containsServer(list []profiles.Server, s profiles.Server) bool {
	for _, o := range list {
		if o.Same(s) {
			return true
		}
	}
	return false
}
