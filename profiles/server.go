package profiles

import (
	"fmt"
	"net"
	"strconv"
	"strings"
)

// Protocol is a mail protocol, named as in the JSON output and in
// autoconfig files.
type Protocol string

// The protocols mailsetup configures.
const (
	IMAP Protocol = "imap"
	POP3 Protocol = "pop3"
	SMTP Protocol = "smtp"
)

// Incoming reports whether p is used to read mail (IMAP or POP3).
func (p Protocol) Incoming() bool { return p == IMAP || p == POP3 }

// Valid reports whether p is one of the known protocols.
func (p Protocol) Valid() bool { return p == IMAP || p == POP3 || p == SMTP }

// Security is how a connection is protected (RFC 8314 terms).
type Security string

// The security modes of a mail connection.
const (
	// SecurityTLS is implicit TLS: TLS from the first byte (ports 993, 995, 465).
	SecurityTLS Security = "tls"
	// SecuritySTARTTLS upgrades a plain connection with STARTTLS/STLS (143, 110, 587).
	SecuritySTARTTLS Security = "starttls"
	// SecurityNone is no encryption at all. Passwords travel readable.
	SecurityNone Security = "none"
)

// Valid reports whether s is one of the known security modes.
func (s Security) Valid() bool {
	return s == SecurityTLS || s == SecuritySTARTTLS || s == SecurityNone
}

// ParseSecurity reads a security mode from its JSON name or a common synonym
// ("ssl", "SSL/TLS", "plain"...). The match is case-insensitive.
func ParseSecurity(s string) (Security, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "tls", "ssl", "ssl/tls", "implicit", "implicit-tls":
		return SecurityTLS, nil
	case "starttls", "stls":
		return SecuritySTARTTLS, nil
	case "none", "plain", "plaintext", "":
		return SecurityNone, nil
	}
	return "", fmt.Errorf("profiles: unknown security %q (want tls, starttls or none)", s)
}

// AuthMethod is a way of signing in, named after autoconfig's
// <authentication> values.
type AuthMethod string

// The sign-in methods a server may offer.
const (
	// AuthPassword sends the password over the (encrypted) connection: PLAIN, LOGIN, USER/PASS.
	AuthPassword AuthMethod = "password"
	// AuthPasswordEncrypted is a challenge-response password method (CRAM-MD5, APOP).
	AuthPasswordEncrypted AuthMethod = "password-encrypted"
	// AuthOAuth2 is XOAUTH2/OAUTHBEARER: the user signs in in a browser.
	AuthOAuth2 AuthMethod = "oauth2"
	// AuthClientCert is a TLS client certificate.
	AuthClientCert AuthMethod = "client-cert"
	// AuthGSSAPI is Kerberos.
	AuthGSSAPI AuthMethod = "gssapi"
	// AuthNTLM is Microsoft NTLM.
	AuthNTLM AuthMethod = "ntlm"
	// AuthNone means the server takes mail without a login (SMTP relays only).
	AuthNone AuthMethod = "none"
)

// Valid reports whether m is one of the known methods.
func (m AuthMethod) Valid() bool {
	switch m {
	case AuthPassword, AuthPasswordEncrypted, AuthOAuth2, AuthClientCert, AuthGSSAPI, AuthNTLM, AuthNone:
		return true
	}
	return false
}

// Server is one way to reach a mail server: where it is, how the connection
// is protected and how the user signs in.
type Server struct {
	Protocol Protocol `json:"protocol"`
	Host     string   `json:"host"`
	Port     int      `json:"port"`
	Security Security `json:"security"`
	// Username is the login for this address, already expanded ("ivan@inbox.ru").
	Username string       `json:"username"`
	Auth     []AuthMethod `json:"auth"`
}

// Address returns "host:port", ready for net.Dial.
func (s Server) Address() string { return net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) }

// String describes the server in one line, e.g. "imap imap.mail.ru:993 tls".
func (s Server) String() string {
	return fmt.Sprintf("%s %s %s", s.Protocol, s.Address(), s.Security)
}

// UsesPassword reports whether a password is one of the server's sign-in methods.
func (s Server) UsesPassword() bool {
	for _, m := range s.Auth {
		if m == AuthPassword || m == AuthPasswordEncrypted {
			return true
		}
	}
	return len(s.Auth) == 0
}

// OAuthOnly reports whether OAuth2 is the only way to sign in.
func (s Server) OAuthOnly() bool {
	return len(s.Auth) == 1 && s.Auth[0] == AuthOAuth2
}

// Same reports whether two servers are the same endpoint (protocol, host,
// port and security), ignoring the username and methods.
func (s Server) Same(o Server) bool {
	return s.Protocol == o.Protocol && strings.EqualFold(s.Host, o.Host) && s.Port == o.Port && s.Security == o.Security
}

// DefaultPort returns the standard port for a protocol and security mode:
// 993/143, 995/110, 465/587.
func DefaultPort(p Protocol, s Security) int {
	switch p {
	case IMAP:
		if s == SecurityTLS {
			return 993
		}
		return 143
	case POP3:
		if s == SecurityTLS {
			return 995
		}
		return 110
	case SMTP:
		if s == SecurityTLS {
			return 465
		}
		return 587
	}
	return 0
}

// Validate checks that the server could be connected to: a known protocol and
// security mode, a valid host name and a port in range.
func (s Server) Validate() error {
	if !s.Protocol.Valid() {
		return fmt.Errorf("profiles: unknown protocol %q", s.Protocol)
	}
	if !s.Security.Valid() {
		return fmt.Errorf("profiles: %s server %s: unknown security %q", s.Protocol, s.Host, s.Security)
	}
	if err := ValidateHost(s.Host); err != nil {
		return err
	}
	if s.Port < 1 || s.Port > 65535 {
		return fmt.Errorf("profiles: %s server %s: port %d is out of range 1-65535", s.Protocol, s.Host, s.Port)
	}
	for _, m := range s.Auth {
		if !m.Valid() {
			return fmt.Errorf("profiles: %s server %s: unknown authentication %q", s.Protocol, s.Host, m)
		}
	}
	return nil
}

// HostError says why a server name is not usable.
type HostError struct {
	Host string
	// Problem is the plain-words sentence, without the "profiles: " prefix.
	Problem string
}

func (e *HostError) Error() string { return "profiles: " + e.Problem }

// Sentence is the problem for a person, without the package prefix.
func (e *HostError) Sentence() string { return e.Problem }

// ValidateHost checks a server host name: an IP address, or a DNS name made
// of letters, digits and hyphens (punycode for IDN), each label 1-63 long.
// A problem is a *HostError.
func ValidateHost(host string) error {
	if host == "" {
		return &HostError{Host: host, Problem: "the server name is empty"}
	}
	if net.ParseIP(host) != nil {
		return nil
	}
	if len(host) > 253 {
		return &HostError{Host: host, Problem: fmt.Sprintf("server name %.40q… is too long", host)}
	}
	for _, label := range strings.Split(strings.TrimSuffix(host, "."), ".") {
		if label == "" || len(label) > 63 {
			return &HostError{Host: host, Problem: fmt.Sprintf("server name %q has an empty or too long part", host)}
		}
		if label[0] == '-' || label[len(label)-1] == '-' {
			return &HostError{Host: host, Problem: fmt.Sprintf("server name %q has a part starting or ending with '-'", host)}
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return &HostError{Host: host, Problem: fmt.Sprintf("server name %q contains %q", host, c)}
			}
		}
	}
	return nil
}
