package profiles

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// ParseServerURL reads a server given on the command line as
// "imap://HOST:PORT?security=tls|starttls|none" (also pop3:// and smtp://).
// The port defaults to the protocol's standard one for the security mode,
// and the security to tls. Optional query keys: username, auth
// (comma-separated methods).
func ParseServerURL(s string) (Server, error) {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil {
		return Server{}, fmt.Errorf("profiles: server %q: %w", s, err)
	}
	p := Protocol(strings.ToLower(u.Scheme))
	switch u.Scheme {
	case "imaps":
		p = IMAP
		if u.Query().Get("security") == "" {
			u.RawQuery = "security=tls&" + u.RawQuery
		}
	case "pop3s", "pops":
		p = POP3
		if u.Query().Get("security") == "" {
			u.RawQuery = "security=tls&" + u.RawQuery
		}
	case "smtps", "submissions":
		p = SMTP
		if u.Query().Get("security") == "" {
			u.RawQuery = "security=tls&" + u.RawQuery
		}
	case "pop":
		p = POP3
	case "submission":
		p = SMTP
	}
	if !p.Valid() {
		return Server{}, fmt.Errorf("profiles: server %q: the scheme must be imap://, pop3:// or smtp://", s)
	}
	if u.User != nil {
		return Server{}, fmt.Errorf("profiles: server %q: put the username in --username, never a password in a URL", redactURL(u))
	}
	q := u.Query()
	sec := SecurityTLS
	if v := q.Get("security"); v != "" {
		if sec, err = ParseSecurity(v); err != nil {
			return Server{}, err
		}
	}
	host := u.Hostname()
	if err := ValidateHost(host); err != nil {
		return Server{}, err
	}
	port := DefaultPort(p, sec)
	if ps := u.Port(); ps != "" {
		port, err = strconv.Atoi(ps)
		if err != nil || port < 1 || port > 65535 {
			return Server{}, fmt.Errorf("profiles: server %q: port %q is not a number from 1 to 65535", s, ps)
		}
	}
	srv := Server{Protocol: p, Host: strings.ToLower(host), Port: port, Security: sec, Username: q.Get("username"), Auth: []AuthMethod{AuthPassword}}
	if v := q.Get("auth"); v != "" {
		srv.Auth = nil
		for _, m := range strings.Split(v, ",") {
			am := AuthMethod(strings.TrimSpace(m))
			if !am.Valid() {
				return Server{}, fmt.Errorf("profiles: server %q: unknown auth %q", s, m)
			}
			srv.Auth = append(srv.Auth, am)
		}
	}
	return srv, nil
}

// URL writes the server back in the form ParseServerURL reads.
func (s Server) URL() string {
	return fmt.Sprintf("%s://%s?security=%s", s.Protocol, s.Address(), s.Security)
}

func redactURL(u *url.URL) string {
	c := *u
	c.User = nil
	return c.String()
}

// Override replaces a Config's recommended servers by the ones the user gave.
// A nil server leaves that side alone. The overriding server goes first and
// any other server of the same protocol stays as an alternative. username,
// when not empty, replaces the login on every server. The source becomes
// "manual" when anything was overridden.
func (c *Config) Override(incoming, outgoing *Server, username string) {
	changed := false
	if incoming != nil {
		s := *incoming
		if s.Username == "" {
			s.Username = c.defaultUsername(c.Incoming)
		}
		c.Incoming = prepend(s, c.Incoming)
		changed = true
	}
	if outgoing != nil {
		s := *outgoing
		if s.Username == "" {
			s.Username = c.defaultUsername(c.Outgoing)
		}
		c.Outgoing = prepend(s, c.Outgoing)
		changed = true
	}
	if username != "" {
		for i := range c.Incoming {
			c.Incoming[i].Username = username
		}
		for i := range c.Outgoing {
			c.Outgoing[i].Username = username
		}
		changed = true
	}
	if changed {
		if c.Source == "" {
			c.Source = SourceManual
		} else if c.Source != SourceManual {
			c.Warnings = append(c.Warnings, fmt.Sprintf("settings from %s were changed by hand", c.Source))
			c.Source = SourceManual
		}
	}
	c.Normalize()
}

func (c *Config) defaultUsername(list []Server) string {
	if len(list) > 0 && list[0].Username != "" {
		return list[0].Username
	}
	return c.Address
}

// prepend puts s first, keeping only the other servers that are not the same
// endpoint, and keeps those of other protocols (an IMAP override keeps POP3).
func prepend(s Server, list []Server) []Server {
	out := []Server{s}
	for _, t := range list {
		if !t.Same(s) {
			out = append(out, t)
		}
	}
	// Servers of the same protocol as the override follow it; others after.
	sorted := []Server{out[0]}
	for _, t := range out[1:] {
		if t.Protocol == s.Protocol {
			sorted = append(sorted, t)
		}
	}
	for _, t := range out[1:] {
		if t.Protocol != s.Protocol {
			sorted = append(sorted, t)
		}
	}
	return sorted
}

// ManualConfig builds a Config from servers typed by hand, for an address no
// source knows.
func ManualConfig(addr Address, incoming, outgoing Server) *Config {
	if incoming.Username == "" {
		incoming.Username = addr.String()
	}
	if outgoing.Username == "" {
		outgoing.Username = addr.String()
	}
	c := &Config{
		Domain:   addr.Domain,
		Provider: Provider{ID: addr.Domain, Name: addr.DomainUnicode},
		Source:   SourceManual,
		Incoming: []Server{incoming}, Outgoing: []Server{outgoing},
		Trust: TrustVerified,
	}
	c.SetAddress(addr)
	if addr.DomainUnicode != addr.Domain {
		c.DomainUnicode = addr.DomainUnicode
	}
	c.Normalize()
	return c
}
