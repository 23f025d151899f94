// Package audit checks a domain's mail setup the way an IT person needs it:
// it asks every discovery source a mail program would ask (autoconfig over
// HTTPS and plain HTTP, the ISPDB, MX and its provider, the RFC 6186/8314 SRV
// records, Outlook Autodiscover in its four forms, the DNSSEC AD bit of each
// DNS answer), all at once under one deadline, probes every server any
// source names (TLS, certificate, greeting, capabilities before and after
// STARTTLS, sign-in methods; never a password), and says per mail program
// what it will find, what is wrong (stable problem codes with a fix, in six
// languages) and which files to publish.
//
// It is application-level code: it uses profiles/discover's parsers and
// the export writers, so it lives outside profiles/.
package audit

import (
	"context"
	"crypto/x509"
	"net"
	"time"

	"mailsetup/profiles"
)

// DefaultTimeout is the overall deadline of a check.
const DefaultTimeout = 15 * time.Second

// DefaultProbeTimeout bounds connecting to one server (and, separately, its
// conversation); a firewalled host costs this much, once, in parallel.
const DefaultProbeTimeout = 5 * time.Second

// DefaultISPDB is the ISP database base URL K-9 and FairEmail use
// (discovery.md §1.1 c).
const DefaultISPDB = "https://autoconfig.thunderbird.net/v1.1/"

// Options control a check. The zero value asks the system's DNS with the
// default deadlines, in English.
type Options struct {
	// DNS is a "host:port" DNS server for every question; "" means the system's.
	DNS string
	// ISPDB is the ISP database base URL; "" means DefaultISPDB.
	ISPDB string
	// RootCAs verifies HTTPS and mail server certificates; nil means the
	// system roots. The command line adds --ca to the system pool.
	RootCAs *x509.CertPool
	// Timeout is the overall deadline; 0 means DefaultTimeout.
	Timeout time.Duration
	// ProbeTimeout bounds one connect; 0 means DefaultProbeTimeout.
	ProbeTimeout time.Duration
	// Lang is the language of problems and clients' reasons; "" means English.
	Lang string
	// Dial, when set, opens every TCP connection (tests route names to
	// local servers with it).
	Dial func(ctx context.Context, network, address string) (net.Conn, error)
	// Now is the clock for certificate days left; nil means time.Now.
	Now func() time.Time
}

// Report is the whole result, in the JSON shape of `check-domain --json`
// (issue 17). Fields may be added; none are renamed.
type Report struct {
	Domain string `json:"domain"`
	// DomainUnicode is the domain in Unicode when it differs.
	DomainUnicode string `json:"domain_unicode,omitempty"`
	// Lang is the language of the texts.
	Lang string `json:"lang"`
	// ElapsedMS is how long the whole check took.
	ElapsedMS int64          `json:"elapsed_ms"`
	Sources   []SourceResult `json:"sources"`
	Servers   []ServerReport `json:"servers"`
	Clients   []ClientReport `json:"clients"`
	Problems  []Problem      `json:"problems"`
	Files     []File         `json:"files"`
}

// SourceResult is what one question (one URL or one DNS name) answered.
type SourceResult struct {
	// Source is the discovery source: builtin (mailsetup's own list),
	// autoconfig, ispdb, mx, srv or autodiscover.
	Source profiles.Source `json:"source"`
	// Kind tells the questions of one source apart (see the Kind constants).
	Kind Kind `json:"kind"`
	// URL is the address or DNS name asked.
	URL     string           `json:"url"`
	Outcome profiles.Outcome `json:"outcome"`
	// ElapsedMS is how long the answer took.
	ElapsedMS int64 `json:"elapsed_ms"`
	// Detail says what came back, in plain English.
	Detail string `json:"detail"`
	// Provider is the built-in provider the MX hosts belong to (MX only).
	Provider string `json:"provider,omitempty"`
	// DNSSEC is the AD bit of a DNS answer (nil for HTTP questions).
	DNSSEC *bool `json:"dnssec,omitempty"`
	// Malformed is set when a document arrived but could not be read.
	Malformed bool `json:"malformed,omitempty"`
	// CertificateError is set when HTTPS was refused for the web server's
	// certificate (mail programs then ignore the file).
	CertificateError bool `json:"certificate_error,omitempty"`
	// NeedsAddress is set when an autoconfig server answers only when the
	// address is sent (?emailaddress=), as automx2 does.
	NeedsAddress bool `json:"needs_address,omitempty"`
	// Incoming and Outgoing are the servers the answer names, best first.
	Incoming []Endpoint `json:"incoming,omitempty"`
	Outgoing []Endpoint `json:"outgoing,omitempty"`

	cfg *profiles.Config
	// body is the document an autoconfig-style answer held.
	body []byte
	// seq orders the questions asked after the MX answer.
	seq int
	// present is set when something answers there, even without settings
	// (a sign-in request, a malformed file).
	present bool
}

// Kind is one specific question of a source.
type Kind string

// The questions a check asks.
const (
	KindBuiltin                  Kind = "builtin"
	KindAutoconfigHTTPS          Kind = "autoconfig-https"
	KindAutoconfigHTTPSWellKnown Kind = "autoconfig-https-well-known"
	KindAutoconfigHTTP           Kind = "autoconfig-http"
	KindAutoconfigHTTPWellKnown  Kind = "autoconfig-http-well-known"
	KindISPDB                    Kind = "ispdb"
	KindMX                       Kind = "mx"
	KindMXAutoconfig             Kind = "mx-autoconfig"
	KindMXISPDB                  Kind = "mx-ispdb"
	KindSRV                      Kind = "srv"
	KindAutodiscoverSubdomain    Kind = "autodiscover-subdomain"
	KindAutodiscoverRoot         Kind = "autodiscover-root"
	KindAutodiscoverSRV          Kind = "autodiscover-srv"
	KindAutodiscoverRedirect     Kind = "autodiscover-redirect"
)

// Endpoint is one way to reach a server.
type Endpoint struct {
	Protocol profiles.Protocol `json:"protocol"`
	Host     string            `json:"host"`
	Port     int               `json:"port"`
	Security profiles.Security `json:"security"`
}

func endpointOf(s profiles.Server) Endpoint {
	return Endpoint{Protocol: s.Protocol, Host: s.Host, Port: s.Port, Security: s.Security}
}

// String is "imap mail.example.com:993 tls".
func (e Endpoint) String() string {
	return profiles.Server{Protocol: e.Protocol, Host: e.Host, Port: e.Port, Security: e.Security}.String()
}

// ServerReport is what probing one server found.
type ServerReport struct {
	Endpoint
	// NamedBy lists the sources that name this server.
	NamedBy   []string `json:"named_by"`
	Reachable bool     `json:"reachable"`
	// Greeting is the server's first line.
	Greeting string   `json:"greeting"`
	TLS      *TLSInfo `json:"tls"`
	// STARTTLSOffered is whether the plain connection offered STARTTLS/STLS.
	STARTTLSOffered bool `json:"starttls_offered"`
	// CapabilitiesBeforeTLS and CapabilitiesAfterTLS are what the server
	// advertised on the plain connection and inside TLS.
	CapabilitiesBeforeTLS []string `json:"capabilities_before_tls"`
	CapabilitiesAfterTLS  []string `json:"capabilities_after_tls"`
	// Auth lists the sign-in mechanisms offered once protected (or on the
	// plain connection of a server without TLS).
	Auth []string `json:"auth"`
	// PlaintextAuthBeforeTLS is set when the server would take a password
	// on the unencrypted connection (judged from what it advertises; no
	// password is ever sent).
	PlaintextAuthBeforeTLS bool `json:"plaintext_auth_before_tls"`
	// Error says why the probe stopped, in plain English.
	Error     string `json:"error,omitempty"`
	ElapsedMS int64  `json:"elapsed_ms"`
}

// TLSInfo describes the TLS connection and the server's certificate.
type TLSInfo struct {
	Version string   `json:"version"`
	Issuer  string   `json:"issuer"`
	Names   []string `json:"names"`
	// Chain lists the subjects of the certificates the server sent, leaf first.
	Chain    []string  `json:"chain"`
	NotAfter time.Time `json:"not_after"`
	DaysLeft int       `json:"days_left"`
	Trusted  bool      `json:"trusted"`
	// Problem is "", "expired", "not-yet-valid", "wrong-name" or "untrusted".
	Problem string `json:"problem"`
}

// ClientReport says what one mail program will find on its own.
type ClientReport struct {
	// Client is the stable id (thunderbird, k9, applemail, outlook-classic,
	// outlook-new, mailsetup).
	Client string `json:"client"`
	// Name is the program's name for people.
	Name  string `json:"name"`
	Finds bool   `json:"finds"`
	// Via is the source that answers first in the client's own order ("" when none).
	Via string `json:"via"`
	// URL is the question that answered.
	URL      string    `json:"url,omitempty"`
	Incoming *Endpoint `json:"incoming"`
	Outgoing *Endpoint `json:"outgoing"`
	Works    bool      `json:"works"`
	Why      string    `json:"why"`
	// Reference names the section of docs/discovery.md the rules come from.
	Reference string `json:"reference"`
}

// Severity is how bad a problem is. Only SeverityError makes the command exit 1.
type Severity string

// The severities.
const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
	SeverityInfo    Severity = "info"
)

// Problem is one thing wrong with the setup.
type Problem struct {
	// Code is stable and kebab-case (see Codes).
	Code     string   `json:"code"`
	Severity Severity `json:"severity"`
	Detail   string   `json:"detail"`
	Fix      string   `json:"fix"`
	// Subject is the server or URL it is about, when there is one.
	Subject string `json:"subject,omitempty"`
}

// File is a file to publish for the settings that work.
type File struct {
	Name string `json:"name"`
	// PublishAt is where it goes (a URL, or the DNS zone of the domain).
	PublishAt string `json:"publish_at"`
	// Format is the export format that wrote it (autoconfig, autodiscover,
	// mobileconfig) or "srv-zone".
	Format string `json:"format"`
	// Note says how to use it, in the report's language.
	Note string `json:"note,omitempty"`
	// Content is the file itself (not in the JSON).
	Content []byte `json:"-"`
}

// HasErrors reports whether any problem has error severity.
func (r *Report) HasErrors() bool {
	for _, p := range r.Problems {
		if p.Severity == SeverityError {
			return true
		}
	}
	return false
}

// Server returns the report of the server at e, if it was probed.
func (r *Report) Server(e Endpoint) (*ServerReport, bool) {
	for i := range r.Servers {
		if r.Servers[i].Endpoint == e {
			return &r.Servers[i], true
		}
	}
	return nil, false
}
