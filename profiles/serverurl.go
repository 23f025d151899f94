package profiles

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"unicode"
)

// ParseServerURL reads a server given on the command line as
// "imap://HOST:PORT?security=tls|starttls|none" (also pop3:// and smtp://).
// The port defaults to the protocol's standard one for the security mode,
// and the security to tls. Optional query keys: username, auth
// (comma-separated methods).
//
// The text is never repeated in an error: a user may have typed a password
// into it (imap://ivan:secret@host), and an error message ends up in
// terminals, logs and support tickets. A login or password before the host
// is refused before anything else is looked at, and every other message
// names only the part that is wrong (a scheme, a port, a host name), never
// the whole text.
func ParseServerURL(s string) (Server, error) {
	s = strings.TrimSpace(s)
	if strings.ContainsFunc(s, unicode.IsControl) {
		return Server{}, errors.New("profiles: the server URL contains a control character (a line break or tab?)")
	}
	if err := checkUserinfo(s); err != nil {
		return Server{}, err
	}
	u, err := url.Parse(s)
	if err != nil {
		// url.Error repeats the text; say what shape is expected instead.
		return Server{}, errors.New("profiles: the server URL is not of the form imap://HOST:PORT?security=tls (check the host name and the port number)")
	}
	if u.User != nil || u.Opaque != "" {
		return Server{}, errUserinfo(strings.Contains(u.Opaque, ":") || hasPassword(u.User))
	}
	p := Protocol(strings.ToLower(u.Scheme))
	switch p { // the "s" schemes mean TLS, the default anyway
	case "imaps":
		p = IMAP
	case "pop3s", "pops":
		p = POP3
	case "smtps", "submissions":
		p = SMTP
	case "pop":
		p = POP3
	case "submission":
		p = SMTP
	}
	if !p.Valid() {
		scheme := u.Scheme
		if len(scheme) > 20 {
			scheme = scheme[:20] + "…"
		}
		return Server{}, fmt.Errorf("profiles: the scheme %q is not a mail server's: use imap://, pop3:// or smtp://", scheme)
	}
	if (u.Path != "" && u.Path != "/") || u.Fragment != "" || u.RawFragment != "" {
		return Server{}, errors.New("profiles: the server URL has a path or # after the host; give only imap://HOST:PORT?security=…")
	}
	q, err := serverQuery(u.RawQuery)
	if err != nil {
		return Server{}, err
	}
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
			return Server{}, fmt.Errorf("profiles: server %s: the port %q is not a number from 1 to 65535", host, ps)
		}
	}
	user := q.Get("username")
	if strings.ContainsFunc(user, unicode.IsControl) {
		return Server{}, errors.New("profiles: username= contains a control character (a line break?); it would be sent to the server as a command")
	}
	srv := Server{Protocol: p, Host: strings.ToLower(host), Port: port, Security: sec, Username: user, Auth: []AuthMethod{AuthPassword}}
	if v := q.Get("auth"); v != "" {
		srv.Auth = nil
		for _, m := range strings.Split(v, ",") {
			am := AuthMethod(strings.TrimSpace(m))
			if !am.Valid() {
				return Server{}, fmt.Errorf("profiles: server %s: unknown auth %q", host, m)
			}
			srv.Auth = append(srv.Auth, am)
		}
	}
	return srv, nil
}

// serverQuery reads the keys after "?": security, username and auth.
func serverQuery(raw string) (url.Values, error) {
	q, err := url.ParseQuery(raw)
	if err != nil {
		return nil, errors.New("profiles: the part after ? is not key=value&key=value (security, username, auth)")
	}
	for k := range q {
		switch k {
		case "security", "username", "auth":
		case "password", "pass", "pw":
			return nil, errUserinfo(true)
		default:
			// The key is not repeated: it may be a piece of a password.
			return nil, errors.New("profiles: the server URL has an unknown key after ?; the keys are security, username and auth")
		}
	}
	return q, nil
}

// checkUserinfo refuses a login or password before the host. It looks at
// the text itself rather than at url.Parse's answer, because a password
// with a "/", "?" or "#" in it makes url.Parse see a host and port
// ("imap://ivan:pa/ss@host" has the host "ivan" and the port "pa") and its
// error would repeat them.
func checkUserinfo(s string) error {
	_, rest, ok := strings.Cut(s, "://")
	if !ok {
		return nil
	}
	// The query may hold username=ivan@example.com; an "@" before it is a
	// login, and so is one after a "/" or "#" (a password holding them).
	authority := rest
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		authority = rest[:i]
	}
	if at := strings.LastIndexByte(authority, '@'); at >= 0 {
		return errUserinfo(strings.Contains(authority[:at], ":"))
	}
	return nil
}

func hasPassword(u *url.Userinfo) bool {
	if u == nil {
		return false
	}
	_, ok := u.Password()
	return ok
}

// errUserinfo is the refusal of a login or password typed into a URL.
func errUserinfo(password bool) error {
	if password {
		return errors.New("profiles: the server URL holds a password: never a password in a URL (it stays in the shell history and the process list); give it on standard input with --password-stdin or in MAILSETUP_PASSWORD, and the login with --username")
	}
	return errors.New("profiles: the server URL has a login before the host: put the login in --username (or ?username=…), never a password in a URL")
}

// URL writes the server back in the form ParseServerURL reads.
func (s Server) URL() string {
	return fmt.Sprintf("%s://%s?security=%s", s.Protocol, s.Address(), s.Security)
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
