package discover

import (
	"fmt"
	"net"
	"strings"

	"golang.org/x/net/publicsuffix"

	"mailsetup/profiles"
)

// localTarget says why host points into the user's own computer or
// network, or "" when it does not: "localhost" and its subdomains,
// loopback, private, link-local and unspecified IP literals, and all-number
// names such as "2130706433", "0177.0.0.1" or "0x7f.1" that some systems
// read as IPv4 addresses in decimal, octal or hex.
func localTarget(host string) string {
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return "localhost"
	}
	if ip := net.ParseIP(strings.Trim(h, "[]")); ip != nil {
		switch {
		case ip.IsLoopback():
			return "a loopback address"
		case ip.IsPrivate():
			return "a private network address"
		case ip.IsLinkLocalUnicast(), ip.IsLinkLocalMulticast(), ip.IsInterfaceLocalMulticast():
			return "a link-local address"
		case ip.IsUnspecified():
			return "an unspecified address"
		}
		return ""
	}
	if numericHost(h) {
		return "a number that some systems read as an IP address"
	}
	return ""
}

// numericHost reports whether every label of h is a number (decimal,
// octal with a leading 0, or hex with 0x): inet_aton reads such names as
// IPv4 addresses ("2130706433", "0177.0.0.1", "0x7f.1").
func numericHost(h string) bool {
	if h == "" {
		return false
	}
	for _, l := range strings.Split(h, ".") {
		digits := "0123456789"
		if strings.HasPrefix(l, "0x") {
			l, digits = l[2:], "0123456789abcdef"
		}
		if l == "" || strings.Trim(l, digits) != "" {
			return false
		}
	}
	return true
}

// publicDomain reports whether domain sits under a public suffix run by
// ICANN (example.com, mail.ru): such a domain's own settings have no
// business pointing into the user's network, unlike a company's internal
// "corp.lan".
func publicDomain(domain string) bool {
	_, icann := publicsuffix.PublicSuffix(strings.ToLower(domain))
	return icann
}

// flagLocal marks settings from a remote source (autoconfig, ISPDB, MX,
// SRV, Autodiscover) that name a local or private host for a public
// domain: a spoofed answer would otherwise send the password to a service
// on the user's own machine or network. The settings then need the user's
// confirmation and say why.
func (r *run) flagLocal(src profiles.Source, cfg *profiles.Config) {
	if cfg == nil || src == profiles.SourceBuiltin || src == profiles.SourceGuess || !publicDomain(r.addr.Domain) {
		return
	}
	for _, list := range [][]profiles.Server{cfg.Incoming, cfg.Outgoing} {
		for _, s := range list {
			if why := localTarget(s.Host); why != "" {
				cfg.Trust = profiles.TrustConfirm
				cfg.Warnings = append(cfg.Warnings, fmt.Sprintf(
					"the %s server %s named by %s is %s, not a server of %s: check these settings before use",
					strings.ToUpper(string(s.Protocol)), s.Host, src, why, r.addr.Domain))
			}
		}
	}
}
