package cli

import (
	"fmt"
	"io"
	"strings"

	"mailsetup/profiles"
)

// consentOptions are the user's explicit choices to send a password where
// mailsetup would not on its own.
type consentOptions struct {
	// AcceptUnconfirmed is --accept-unconfirmed: send the password to
	// settings whose Trust is profiles.TrustConfirm.
	AcceptUnconfirmed bool
	// AllowPlaintext is --allow-plaintext: send it over security=none to
	// servers that were found rather than typed.
	AllowPlaintext bool
	// Typed are the servers typed with --incoming/--outgoing: the user's own
	// choice, never refused (an unencrypted one still gets a warning).
	Typed []profiles.Server
	// Everywhere checks every server of cfg rather than those verify
	// signs in to: an exported profile holding the password gives it to
	// any of them.
	Everywhere bool
}

// typedServers lists the servers the user typed.
func typedServers(o findOptions) []profiles.Server {
	var out []profiles.Server
	for _, s := range []*profiles.Server{o.Incoming, o.Outgoing} {
		if s != nil {
			out = append(out, *s)
		}
	}
	return out
}

func isTyped(s profiles.Server, typed []profiles.Server) bool {
	for _, t := range typed {
		if t.Same(s) {
			return true
		}
	}
	return false
}

// passwordTargets are the servers verify may send the password to: the
// recommended incoming and outgoing server and the later ones of the same
// protocol (its alternatives), as verify.Verify picks them.
func passwordTargets(cfg *profiles.Config) []profiles.Server {
	var out []profiles.Server
	for _, list := range [][]profiles.Server{cfg.Incoming, cfg.Outgoing} {
		for i, s := range list {
			if i == 0 || s.Protocol == list[0].Protocol {
				out = append(out, s)
			}
		}
	}
	return out
}

// trustDomain is the domain the settings came from, for the messages.
func trustDomain(cfg *profiles.Config) string {
	if cfg.TrustDomain != "" {
		return cfg.TrustDomain
	}
	return cfg.Domain
}

// consentProblem says why the password may not be sent to cfg's servers
// without a flag, or returns nil (reliability.md H2: a spoofed plain-HTTP
// autoconfig got the password in clear, with no warning). Settings no
// secure source confirmed need --accept-unconfirmed; a found server without
// encryption needs --allow-plaintext; servers the user typed need neither.
// The refusal is bad input (exit 2): nothing was sent, and the same command
// with the flag would run.
func consentProblem(cfg *profiles.Config, o consentOptions) error {
	var unconfirmed, plain []string
	targets := passwordTargets(cfg)
	if o.Everywhere {
		targets = append(append([]profiles.Server(nil), cfg.Incoming...), cfg.Outgoing...)
	}
	for _, s := range targets {
		if isTyped(s, o.Typed) {
			continue
		}
		if cfg.Trust == profiles.TrustConfirm && !o.AcceptUnconfirmed {
			unconfirmed = append(unconfirmed, s.String())
		}
		if s.Security == profiles.SecurityNone && !o.AllowPlaintext {
			plain = append(plain, s.String())
		}
	}
	if len(unconfirmed) == 0 && len(plain) == 0 {
		return nil
	}
	var b strings.Builder
	if o.Everywhere {
		b.WriteString("the password was not written into the file: ")
	} else {
		b.WriteString("the password was not sent: ")
	}
	if len(unconfirmed) > 0 {
		fmt.Fprintf(&b, "the settings for %s were not confirmed by a secure source (found by %s, from %s; plain HTTP, DNS without DNSSEC, a guess or a redirect can be forged by anyone on the network) and would send it to %s. Check them with \"mailsetup detect %s\" and run again with --accept-unconfirmed if they are right, or give the servers with --incoming and --outgoing",
			cfg.Domain, sourceName(cfg), trustDomain(cfg), strings.Join(unconfirmed, ", "), cfg.Address)
	}
	if len(plain) > 0 {
		if len(unconfirmed) > 0 {
			b.WriteString("; also, ")
		}
		fmt.Fprintf(&b, "%s %s unencrypted (security=none): the password would cross the network readable by anyone on the way. Run again with --allow-plaintext to send it anyway, or give an encrypted server with --incoming/--outgoing",
			strings.Join(plain, ", "), isAre(len(plain)))
	}
	return usagef("%s", b.String())
}

func sourceName(cfg *profiles.Config) string {
	if cfg.Source == "" {
		return "discovery"
	}
	return string(cfg.Source)
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

// printNotices writes, one "!" line each, what the user must know about the
// settings a command is about to use or write: that no secure source
// confirmed them, that a server is unencrypted (also one the user typed),
// and the settings' own warnings. export, instructions and
// thunderbird-install print them too, so such settings are never written
// silently.
func printNotices(w io.Writer, cfg *profiles.Config, typed []profiles.Server) {
	if cfg.Trust == profiles.TrustConfirm {
		fmt.Fprintf(w, "mailsetup: ! these settings were not confirmed by a secure source (found by %s, from %s): check them before you use them\n", sourceName(cfg), trustDomain(cfg))
	}
	seen := map[string]bool{}
	for _, s := range append(append([]profiles.Server(nil), cfg.Incoming...), cfg.Outgoing...) {
		if s.Security != profiles.SecurityNone || seen[s.String()] {
			continue
		}
		seen[s.String()] = true
		who := "found"
		if isTyped(s, typed) {
			who = "given"
		}
		fmt.Fprintf(w, "mailsetup: ! %s (%s) is unencrypted (security=none): the password travels readable by anyone on the network\n", s, who)
	}
	for _, warn := range cfg.Warnings {
		fmt.Fprintf(w, "mailsetup: ! %s\n", warn)
	}
}
