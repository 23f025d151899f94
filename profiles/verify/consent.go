package verify

import (
	"fmt"
	"strings"

	"mailsetup/profiles"
)

// ConsentError means the verification would send the password where the
// user has not agreed to send it: to settings whose trust is "confirm"
// (plain-HTTP autoconfig, MX without DNSSEC, guesses, a redirect to another
// domain) without Options.AllowUnconfirmed, or over a connection without
// encryption (security none) without Options.AllowPlaintext. Verify
// returns it before connecting anywhere. The window asks the user (showing
// TrustDomain and that the connection is unencrypted) and the command line
// refuses with its message unless a flag says so.
type ConsentError struct {
	// Unconfirmed: the settings' trust is profiles.TrustConfirm.
	Unconfirmed bool
	// Plaintext: at least one server would get the password unencrypted.
	Plaintext bool
	// TrustDomain is the registrable domain the settings came from.
	TrustDomain string
	// Servers are the servers that would get the password and need the
	// consent: every server tried when Unconfirmed, else those without
	// encryption. Servers reached only as alternatives count too.
	Servers []profiles.Server
}

// Error says in plain words what needs the user's consent.
func (e *ConsentError) Error() string {
	var names []string
	for _, s := range e.Servers {
		names = append(names, s.Address())
	}
	var why []string
	if e.Unconfirmed {
		from := "a source that could not be confirmed"
		if e.TrustDomain != "" {
			from = e.TrustDomain + ", which could not be confirmed"
		}
		why = append(why, "the settings came from "+from)
	}
	if e.Plaintext {
		why = append(why, "the password would be sent without encryption")
	}
	return fmt.Sprintf("verify: the password was not sent to %s: %s; check the settings and agree explicitly first",
		strings.Join(names, ", "), strings.Join(why, " and "))
}

// NeedsConsent reports what in cfg needs the user's consent before Verify
// may send the password with opts, or nil when nothing does. It looks at
// exactly the servers Verify would try (the sides opts selects, and the
// alternatives unless opts.NoAlternatives).
func NeedsConsent(cfg profiles.Config, opts Options) *ConsentError {
	e := &ConsentError{TrustDomain: cfg.TrustDomain}
	unconfirmed := cfg.Trust == profiles.TrustConfirm && !opts.AllowUnconfirmed
	for _, list := range sidesOf(&cfg, &opts) {
		for _, s := range list {
			plain := s.Security == profiles.SecurityNone && !opts.AllowPlaintext
			if plain {
				e.Plaintext = true
			}
			if unconfirmed || plain {
				e.Servers = append(e.Servers, s)
			}
		}
	}
	if unconfirmed && len(e.Servers) > 0 {
		e.Unconfirmed = true
	}
	if !e.Unconfirmed && !e.Plaintext {
		return nil
	}
	return e
}

// sidesOf returns the server lists Verify tries: incoming, then outgoing.
func sidesOf(cfg *profiles.Config, opts *Options) [][]profiles.Server {
	both := !opts.Incoming && !opts.Outgoing
	var sides [][]profiles.Server
	for _, side := range []struct {
		on   bool
		list []profiles.Server
	}{{both || opts.Incoming, cfg.Incoming}, {both || opts.Outgoing, cfg.Outgoing}} {
		if !side.on || len(side.list) == 0 {
			continue
		}
		list := sameProtocol(side.list)
		if opts.NoAlternatives {
			list = list[:1]
		}
		sides = append(sides, list)
	}
	return sides
}
