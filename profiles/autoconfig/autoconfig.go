// Package autoconfig reads Mozilla/Thunderbird autoconfig files
// (clientConfig v1.1, the format of config-v1.1.xml and of the ISPDB) into a
// profiles.Config. It is the one parser shared by discovery's autoconfig and
// ispdb sources, and the reference the autoconfig writer round-trips through.
//
// Hostile input is expected: the input is capped at MaxSize, malformed XML is
// rejected with a reason, and username templates that would log the user in
// as somebody of another domain are refused.
package autoconfig

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"golang.org/x/net/html/charset"

	"mailsetup/profiles"
)

// MaxSize is the largest autoconfig document Parse reads (1 MiB).
const MaxSize = 1 << 20

// ErrInvalid matches every *Error with errors.Is.
var ErrInvalid = errors.New("autoconfig: invalid document")

// Reason is a stable, machine-readable reason a document was rejected.
type Reason string

// The reasons Parse rejects a document for.
const (
	ReasonTooLarge    Reason = "too-large"
	ReasonEmpty       Reason = "empty"
	ReasonMalformed   Reason = "malformed-xml"
	ReasonNotConfig   Reason = "not-clientconfig"
	ReasonNoProvider  Reason = "no-email-provider"
	ReasonNoServers   Reason = "no-usable-servers"
	ReasonReadFailure Reason = "read-failure"
)

// Error says why a document was rejected.
type Error struct {
	Reason Reason
	// Detail is the plain-English explanation.
	Detail string
	// Err is the underlying error, if any.
	Err error
}

func (e *Error) Error() string {
	msg := "autoconfig: " + e.Detail
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// Is lets errors.Is(err, ErrInvalid) match any *Error.
func (e *Error) Is(target error) bool { return target == ErrInvalid }

// Document is a clientConfig file as written, before placeholders are
// expanded. Unknown elements are ignored.
type Document struct {
	XMLName  xml.Name      `xml:"clientConfig"`
	Version  string        `xml:"version,attr"`
	Provider EmailProvider `xml:"emailProvider"`
	// Providers counts the emailProvider elements (only the first is used).
	Providers []EmailProvider `xml:"-"`
	OAuth2    *OAuth2         `xml:"oAuth2"`
	// Enable may also appear outside emailProvider in ISPDB files.
	Enable []Enable `xml:"enable"`
	// Documentation may also appear outside emailProvider.
	Documentation []Documentation `xml:"documentation"`
}

// EmailProvider is the <emailProvider> element.
type EmailProvider struct {
	ID               string          `xml:"id,attr"`
	Domains          []string        `xml:"domain"`
	DisplayName      string          `xml:"displayName"`
	DisplayShortName string          `xml:"displayShortName"`
	Incoming         []XMLServer     `xml:"incomingServer"`
	Outgoing         []XMLServer     `xml:"outgoingServer"`
	Documentation    []Documentation `xml:"documentation"`
	Enable           []Enable        `xml:"enable"`
	Instruction      []Text          `xml:"instruction"`
	WebMail          *WebMail        `xml:"webMail"`
}

// XMLServer is an <incomingServer> or <outgoingServer> element.
type XMLServer struct {
	Type           string   `xml:"type,attr"`
	Hostname       string   `xml:"hostname"`
	Port           string   `xml:"port"`
	SocketType     string   `xml:"socketType"`
	Username       string   `xml:"username"`
	Authentication []string `xml:"authentication"`
}

// Documentation is a <documentation url="…"> link with descriptions.
type Documentation struct {
	URL   string `xml:"url,attr"`
	Descr []Text `xml:"descr"`
}

// Enable is an <enable visiturl="…"> step the user must take first.
type Enable struct {
	VisitURL    string `xml:"visiturl,attr"`
	Instruction []Text `xml:"instruction"`
}

// Text is a translatable text with an optional lang attribute.
type Text struct {
	Lang string `xml:"lang,attr"`
	Text string `xml:",chardata"`
}

// WebMail is the <webMail> element; only the login page is read.
type WebMail struct {
	LoginPage struct {
		URL string `xml:"url,attr"`
	} `xml:"loginPage"`
}

// OAuth2 is the <oAuth2> element.
type OAuth2 struct {
	Issuer   string `xml:"issuer"`
	Scope    string `xml:"scope"`
	AuthURL  string `xml:"authURL"`
	TokenURL string `xml:"tokenURL"`
}

// Decode reads a clientConfig document without interpreting it. It enforces
// MaxSize and rejects malformed XML and documents of another kind.
func Decode(r io.Reader) (*Document, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, &Error{Reason: ReasonReadFailure, Detail: "could not read the document", Err: err}
	}
	if len(data) > MaxSize {
		return nil, &Error{Reason: ReasonTooLarge, Detail: fmt.Sprintf("the document is larger than %d bytes", MaxSize)}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &Error{Reason: ReasonEmpty, Detail: "the document is empty"}
	}
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	dec.CharsetReader = charset.NewReaderLabel
	var raw struct {
		XMLName       xml.Name
		Version       string          `xml:"version,attr"`
		Providers     []EmailProvider `xml:"emailProvider"`
		OAuth2        *OAuth2         `xml:"oAuth2"`
		Enable        []Enable        `xml:"enable"`
		Documentation []Documentation `xml:"documentation"`
	}
	if err := dec.Decode(&raw); err != nil {
		return nil, &Error{Reason: ReasonMalformed, Detail: "the document is not well-formed XML", Err: err}
	}
	// Anything after the root element except space, comments and processing
	// instructions means a broken document.
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, &Error{Reason: ReasonMalformed, Detail: "the document has broken content after its end", Err: err}
		}
		switch t := tok.(type) {
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return nil, &Error{Reason: ReasonMalformed, Detail: "the document has text after its end"}
			}
		case xml.StartElement:
			return nil, &Error{Reason: ReasonMalformed, Detail: fmt.Sprintf("the document has a second root element <%s>", t.Name.Local)}
		}
	}
	if raw.XMLName.Local != "clientConfig" {
		return nil, &Error{Reason: ReasonNotConfig, Detail: fmt.Sprintf("the root element is <%s>, not <clientConfig>", truncate(raw.XMLName.Local, 40))}
	}
	if len(raw.Providers) == 0 {
		return nil, &Error{Reason: ReasonNoProvider, Detail: "the document has no <emailProvider>"}
	}
	return &Document{
		XMLName: raw.XMLName, Version: raw.Version, Provider: raw.Providers[0], Providers: raw.Providers,
		OAuth2: raw.OAuth2, Enable: raw.Enable, Documentation: raw.Documentation,
	}, nil
}

// Parse reads a clientConfig document and returns the settings for addr,
// with placeholders expanded. Servers of types mailsetup does not configure
// (exchange, ews, graph…) are skipped; servers that cannot be used (bad host,
// port, socket type, or a username belonging to another domain) are left
// out with a warning in Config.Warnings. The Config's Source is
// profiles.SourceAutoconfig; callers set their own. An error is returned
// (an *Error) when the document is malformed or has no usable incoming or
// outgoing server.
func Parse(r io.Reader, addr profiles.Address) (*profiles.Config, error) {
	doc, err := Decode(r)
	if err != nil {
		return nil, err
	}
	return doc.Config(addr)
}

// Config interprets the document for addr; see Parse.
func (d *Document) Config(addr profiles.Address) (*profiles.Config, error) {
	p := d.Provider
	cfg := &profiles.Config{
		Address: addr.String(),
		Domain:  addr.Domain,
		Provider: profiles.Provider{
			ID:   clean(p.ID, 200),
			Name: clean(firstNonEmpty(p.DisplayName, p.DisplayShortName, p.ID), 200),
		},
		Source: profiles.SourceAutoconfig,
		Trust:  profiles.TrustVerified,
	}
	cfg.SetAddress(addr)
	if addr.DomainUnicode != "" && addr.DomainUnicode != addr.Domain {
		cfg.DomainUnicode = addr.DomainUnicode
	}
	if p.WebMail != nil && isWebURL(p.WebMail.LoginPage.URL) {
		cfg.Provider.Webmail = clean(p.WebMail.LoginPage.URL, 2000)
	}
	oauth := d.OAuth2 != nil
	for _, xs := range p.Incoming {
		s, warn, ok := convert(xs, true, addr)
		if warn != "" {
			cfg.Warnings = append(cfg.Warnings, warn)
		}
		if ok {
			cfg.Incoming = appendUnique(cfg.Incoming, s)
		}
	}
	for _, xs := range p.Outgoing {
		s, warn, ok := convert(xs, false, addr)
		if warn != "" {
			cfg.Warnings = append(cfg.Warnings, warn)
		}
		if ok {
			cfg.Outgoing = appendUnique(cfg.Outgoing, s)
		}
	}
	if len(cfg.Incoming) == 0 || len(cfg.Outgoing) == 0 {
		detail := "the document has no usable incoming server"
		if len(cfg.Incoming) > 0 {
			detail = "the document has no usable outgoing (SMTP) server"
		}
		if len(cfg.Warnings) > 0 {
			detail += " (" + strings.Join(cfg.Warnings, "; ") + ")"
		}
		return nil, &Error{Reason: ReasonNoServers, Detail: detail}
	}
	d.addNotes(cfg)
	if oauth && allOAuth(cfg) {
		cfg.Notes = append(cfg.Notes, profiles.Note{Kind: profiles.NoteOAuthOnly,
			Text: "This provider accepts only OAuth2 sign-in (in a browser window), not a password.", Key: "note.oauth-only"})
	}
	cfg.Normalize()
	return cfg, nil
}

// Domains returns the <domain> entries of the document, lower-cased.
func (d *Document) Domains() []string {
	var out []string
	for _, s := range d.Provider.Domains {
		if s = strings.ToLower(strings.TrimSpace(s)); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// addNotes adds the provider's enable instructions, English instructions
// and documentation links as notes.
func (d *Document) addNotes(cfg *profiles.Config) {
	p := d.Provider
	for _, e := range append(append([]Enable(nil), p.Enable...), d.Enable...) {
		text := pickText(e.Instruction)
		if text == "" {
			text = "Access for mail programs must first be switched on in the provider's web settings."
		}
		n := profiles.Note{Kind: profiles.NoteEnableClients, Text: text}
		if isWebURL(e.VisitURL) {
			n.URL = clean(e.VisitURL, 2000)
		}
		cfg.Notes = append(cfg.Notes, n)
	}
	for _, t := range p.Instruction {
		if s := clean(t.Text, 2000); s != "" && (t.Lang == "" || t.Lang == "en") {
			cfg.Notes = append(cfg.Notes, profiles.Note{Kind: profiles.NoteInfo, Text: s})
		}
	}
	for _, doc := range append(append([]Documentation(nil), p.Documentation...), d.Documentation...) {
		if !isWebURL(doc.URL) {
			continue
		}
		text := pickText(doc.Descr)
		if text == "" {
			text = "The provider's instructions"
		}
		n := profiles.Note{Kind: profiles.NoteInfo, Text: text, URL: clean(doc.URL, 2000)}
		if cfg.Provider.Help == "" {
			cfg.Provider.Help = n.URL
		}
		cfg.Notes = append(cfg.Notes, n)
	}
}

func allOAuth(cfg *profiles.Config) bool {
	for _, s := range append(append([]profiles.Server(nil), cfg.Incoming...), cfg.Outgoing...) {
		if !s.OAuthOnly() {
			return false
		}
	}
	return true
}

// convert turns one server element into a Server. ok is false when the
// server is skipped; warn says why when the user should know.
func convert(xs XMLServer, incoming bool, addr profiles.Address) (s profiles.Server, warn string, ok bool) {
	typ := strings.ToLower(strings.TrimSpace(xs.Type))
	switch {
	case incoming && (typ == "imap" || typ == "pop3"):
		s.Protocol = profiles.Protocol(typ)
	case !incoming && typ == "smtp":
		s.Protocol = profiles.SMTP
	default:
		return s, "", false // exchange, ews, graph, owa, jmap…: not configured here
	}
	host, hostOK := expandHost(strings.TrimSuffix(strings.TrimSpace(xs.Hostname), "."), addr)
	s.Host = strings.ToLower(host)
	name := fmt.Sprintf("%s server %q", s.Protocol, truncate(s.Host, 60))
	if err := profiles.ValidateHost(s.Host); err != nil || !hostOK {
		return s, fmt.Sprintf("%s skipped: bad host name", name), false
	}
	port, err := strconv.Atoi(strings.TrimSpace(xs.Port))
	if err != nil || port < 1 || port > 65535 {
		return s, fmt.Sprintf("%s skipped: bad port %q", name, truncate(strings.TrimSpace(xs.Port), 20)), false
	}
	s.Port = port
	switch strings.ToLower(strings.TrimSpace(xs.SocketType)) {
	case "ssl", "tls":
		s.Security = profiles.SecurityTLS
	case "starttls":
		s.Security = profiles.SecuritySTARTTLS
	case "plain", "":
		s.Security = profiles.SecurityNone
	default:
		return s, fmt.Sprintf("%s skipped: unknown socketType %q", name, truncate(xs.SocketType, 20)), false
	}
	user, err := expandUsername(xs.Username, addr)
	if err != nil {
		return s, fmt.Sprintf("%s skipped: %v", name, err), false
	}
	s.Username = user
	for _, a := range xs.Authentication {
		if m, ok := authMethod(a); ok && !containsAuth(s.Auth, m) {
			s.Auth = append(s.Auth, m)
		}
	}
	if len(s.Auth) == 0 {
		s.Auth = []profiles.AuthMethod{profiles.AuthPassword}
	}
	return s, "", true
}

// authMethod maps an <authentication> value to an AuthMethod.
func authMethod(v string) (profiles.AuthMethod, bool) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "password-cleartext", "plain", "password":
		return profiles.AuthPassword, true
	case "password-encrypted", "secure":
		return profiles.AuthPasswordEncrypted, true
	case "oauth2":
		return profiles.AuthOAuth2, true
	case "tls-client-cert":
		return profiles.AuthClientCert, true
	case "gssapi":
		return profiles.AuthGSSAPI, true
	case "ntlm":
		return profiles.AuthNTLM, true
	case "none", "client-ip-address", "smtp-after-pop":
		return profiles.AuthNone, true
	}
	return "", false
}

func containsAuth(list []profiles.AuthMethod, m profiles.AuthMethod) bool {
	for _, x := range list {
		if x == m {
			return true
		}
	}
	return false
}

func appendUnique(list []profiles.Server, s profiles.Server) []profiles.Server {
	for _, o := range list {
		if o.Same(s) && o.Username == s.Username {
			return list
		}
	}
	return append(list, s)
}

// pickText returns the English (or language-less) text, else the first.
func pickText(list []Text) string {
	for _, t := range list {
		if t.Lang == "" || strings.EqualFold(t.Lang, "en") {
			if s := clean(t.Text, 2000); s != "" {
				return s
			}
		}
	}
	for _, t := range list {
		if s := clean(t.Text, 2000); s != "" {
			return s
		}
	}
	return ""
}

func isWebURL(u string) bool {
	u = strings.TrimSpace(u)
	return (strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://")) && !strings.ContainsAny(u, " \t\r\n")
}

// clean collapses white space and caps the length of a text from the document.
func clean(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	return truncate(s, max)
}

func truncate(s string, max int) string {
	r := []rune(s)
	if len(r) > max {
		return string(r[:max]) + "…"
	}
	return s
}

func firstNonEmpty(list ...string) string {
	for _, s := range list {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}
