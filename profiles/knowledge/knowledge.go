// Package knowledge is mailsetup's built-in provider knowledge base: one JSON
// file per provider in providers/, written by us from each provider's
// published help pages (the file's "source" field names the page), embedded
// in the executable.
//
// A provider file lists the domains it serves (the first is the main one,
// the rest are aliases), the registrable domains of its MX hosts (so company
// domains hosted there are recognised), its incoming and outgoing servers in
// order of preference with autoconfig-style username templates
// (%EMAILADDRESS%, %EMAILLOCALPART%), notes for the user and its limits.
package knowledge

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"

	"mailsetup/assets/i18n"
	"mailsetup/profiles"
)

//go:embed providers/*.json
var embedded embed.FS

// ServerTemplate is a Server whose Username may hold placeholders.
type ServerTemplate struct {
	Protocol profiles.Protocol     `json:"protocol"`
	Host     string                `json:"host"`
	Port     int                   `json:"port"`
	Security profiles.Security     `json:"security"`
	Username string                `json:"username"`
	Auth     []profiles.AuthMethod `json:"auth"`
}

// NoteTemplate is a note as written in a provider file: a kind, a translation
// key (default "note.<kind>"), arguments for the text and a link.
type NoteTemplate struct {
	Kind profiles.NoteKind `json:"kind"`
	Key  string            `json:"key,omitempty"`
	Args map[string]string `json:"args,omitempty"`
	URL  string            `json:"url,omitempty"`
	// Protocols limits the note to configs offering one of these protocols
	// (e.g. an enable-pop3 note only matters with POP3). Empty means always.
	Protocols []profiles.Protocol `json:"protocols,omitempty"`
}

// Provider is one entry of the knowledge base.
type Provider struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Source is the provider's help page the settings were taken from.
	Source string `json:"source"`
	// Sources lists further pages consulted.
	Sources []string `json:"sources,omitempty"`
	Webmail string   `json:"webmail,omitempty"`
	// Domains are the address domains the provider serves, main one first.
	Domains []string `json:"domains"`
	// MX are registrable domains of MX hosts that mean "hosted here", used
	// for company domains (e.g. "yandex.net" for Yandex 360).
	MX []string `json:"mx,omitempty"`
	// PlusAddressing: "login+tag@domain" delivers to login@domain, and the
	// login is the address without the tag.
	PlusAddressing bool             `json:"plus_addressing,omitempty"`
	Incoming       []ServerTemplate `json:"incoming"`
	Outgoing       []ServerTemplate `json:"outgoing"`
	Notes          []NoteTemplate   `json:"notes,omitempty"`
	Limits         profiles.Limits  `json:"limits,omitempty"`
	// Hosted is true for entries that only describe hosting for other
	// domains (Google Workspace, Microsoft 365...): matched by MX only.
	Hosted bool `json:"hosted,omitempty"`
	// Checked records the last comparison with public references (checked.go).
	Checked *Checked `json:"checked,omitempty"`
}

// KB is a loaded knowledge base. It is safe for concurrent use.
type KB struct {
	providers []*Provider
	byDomain  map[string]*Provider
	byMX      map[string]*Provider
}

var (
	defaultOnce sync.Once
	defaultKB   *KB
	defaultErr  error
)

// Default returns the embedded knowledge base, loaded once. It panics if the
// embedded files are invalid; the package tests make sure they are not.
func Default() *KB {
	defaultOnce.Do(func() { defaultKB, defaultErr = Load(embedded, "providers") })
	if defaultErr != nil {
		panic(defaultErr)
	}
	return defaultKB
}

// Load reads and validates every *.json file in dir of fsys.
func Load(fsys fs.FS, dir string) (*KB, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("knowledge: %w", err)
	}
	kb := &KB{byDomain: map[string]*Provider{}, byMX: map[string]*Provider{}}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		data, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("knowledge: %w", err)
		}
		var p Provider
		dec := json.NewDecoder(strings.NewReader(string(data)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&p); err != nil {
			return nil, fmt.Errorf("knowledge: %s: %w", e.Name(), err)
		}
		if err := p.Validate(); err != nil {
			return nil, fmt.Errorf("knowledge: %s: %w", e.Name(), err)
		}
		if err := kb.add(&p); err != nil {
			return nil, fmt.Errorf("knowledge: %s: %w", e.Name(), err)
		}
	}
	sort.Slice(kb.providers, func(i, j int) bool { return kb.providers[i].ID < kb.providers[j].ID })
	return kb, nil
}

func (kb *KB) add(p *Provider) error {
	for _, q := range kb.providers {
		if q.ID == p.ID {
			return fmt.Errorf("provider id %q is used twice", p.ID)
		}
	}
	for _, d := range p.Domains {
		if q, dup := kb.byDomain[d]; dup {
			return fmt.Errorf("domain %q is claimed by %q and %q", d, q.ID, p.ID)
		}
		kb.byDomain[d] = p
	}
	for _, d := range p.MX {
		if q, dup := kb.byMX[d]; dup {
			return fmt.Errorf("MX domain %q is claimed by %q and %q", d, q.ID, p.ID)
		}
		kb.byMX[d] = p
	}
	kb.providers = append(kb.providers, p)
	return nil
}

// Providers returns every provider, sorted by ID. The slice must not be changed.
func (kb *KB) Providers() []*Provider { return kb.providers }

// Provider returns the provider with the given ID.
func (kb *KB) Provider(id string) (*Provider, bool) {
	for _, p := range kb.providers {
		if p.ID == id {
			return p, true
		}
	}
	return nil, false
}

// Lookup returns the provider serving an address domain. The domain may be
// in any case, in Unicode or punycode, with or without a trailing dot.
func (kb *KB) Lookup(domain string) (*Provider, bool) {
	if p, ok := kb.byDomain[domain]; ok { // fast path: already normalised
		return p, true
	}
	ascii, _, err := profiles.NormalizeDomain(domain)
	if err != nil {
		return nil, false
	}
	p, ok := kb.byDomain[ascii]
	return p, ok
}

// LookupMX returns the provider hosting mail whose MX host has the given
// registrable domain ("google.com", "yandex.net"), or whose MX host name
// ends in one of a provider's MX domains.
func (kb *KB) LookupMX(mxDomain string) (*Provider, bool) {
	d := strings.ToLower(strings.TrimSuffix(mxDomain, "."))
	for {
		if p, ok := kb.byMX[d]; ok {
			return p, true
		}
		i := strings.IndexByte(d, '.')
		if i < 0 {
			return nil, false
		}
		d = d[i+1:]
	}
}

// Detect returns the built-in settings for addr, or false when its domain is
// not in the knowledge base. Hosted-only entries are not matched by domain.
func (kb *KB) Detect(addr profiles.Address) (*profiles.Config, bool) {
	p, ok := kb.Lookup(addr.Domain)
	if !ok {
		return nil, false
	}
	return p.ConfigFor(addr, profiles.SourceBuiltin), true
}

// ConfigFor returns the provider's settings for addr, with usernames
// expanded and notes rendered in English.
func (p *Provider) ConfigFor(addr profiles.Address, source profiles.Source) *profiles.Config {
	login := addr
	if p.PlusAddressing {
		login.Local = addr.BaseLocal()
	}
	cfg := &profiles.Config{
		Address:  addr.String(),
		Domain:   addr.Domain,
		Provider: profiles.Provider{ID: p.ID, Name: p.Name, Webmail: p.Webmail, Help: p.Source},
		Source:   source,
		Limits:   p.Limits,
		Trust:    profiles.TrustVerified,
	}
	cfg.SetAddress(addr)
	if addr.DomainUnicode != addr.Domain {
		cfg.DomainUnicode = addr.DomainUnicode
	}
	cfg.Limits.BlockedAttachments = append([]string(nil), p.Limits.BlockedAttachments...)
	for _, s := range p.Incoming {
		cfg.Incoming = append(cfg.Incoming, s.expand(login))
	}
	for _, s := range p.Outgoing {
		cfg.Outgoing = append(cfg.Outgoing, s.expand(login))
	}
	for _, n := range p.Notes {
		if !n.appliesTo(cfg) {
			continue
		}
		cfg.Notes = append(cfg.Notes, n.render(p, login))
	}
	if note, ok := LimitsNote(p.Name, cfg.Limits); ok {
		note.Args["ProviderID"] = p.ID
		cfg.Notes = append(cfg.Notes, note)
	}
	cfg.Normalize()
	return cfg
}

func (s ServerTemplate) expand(addr profiles.Address) profiles.Server {
	user := s.Username
	if user == "" {
		user = profiles.PlaceholderAddress
	}
	auth := append([]profiles.AuthMethod(nil), s.Auth...)
	if len(auth) == 0 {
		auth = []profiles.AuthMethod{profiles.AuthPassword}
	}
	return profiles.Server{
		Protocol: s.Protocol, Host: s.Host, Port: s.Port, Security: s.Security,
		Username: profiles.ExpandUsername(user, addr), Auth: auth,
	}
}

func (n NoteTemplate) appliesTo(cfg *profiles.Config) bool {
	if len(n.Protocols) == 0 {
		return true
	}
	for _, want := range n.Protocols {
		for _, s := range cfg.Incoming {
			if s.Protocol == want {
				return true
			}
		}
		if want == profiles.SMTP && len(cfg.Outgoing) > 0 {
			return true
		}
	}
	return false
}

// NoteKey returns the translation key of a note template.
func (n NoteTemplate) NoteKey() string {
	if n.Key != "" {
		return n.Key
	}
	return "note." + string(n.Kind)
}

func (n NoteTemplate) render(p *Provider, login profiles.Address) profiles.Note {
	args := map[string]string{"Provider": p.Name, "ProviderID": p.ID, "Login": login.String(), "Local": login.Local}
	for k, v := range n.Args {
		args[k] = v
	}
	key := n.NoteKey()
	return profiles.Note{
		Kind: n.Kind, Key: key, Args: args, URL: n.URL,
		Text: i18n.T(i18n.Fallback, key, args),
	}
}

// LimitsNote sums up the limits a person sending mail should know in one
// note of kind "limit", or returns false when none is known.
func LimitsNote(provider string, l profiles.Limits) (profiles.Note, bool) {
	var parts []string
	args := map[string]string{"Provider": provider}
	add := func(key string, v int) {
		if v > 0 {
			args[key] = fmt.Sprint(v)
			parts = append(parts, key)
		}
	}
	add("MessageSizeMB", l.MessageSizeMB)
	add("AttachmentSizeMB", l.AttachmentSizeMB)
	add("RecipientsPerMessage", l.RecipientsPerMessage)
	add("MessagesPerDay", l.MessagesPerDay)
	add("Connections", l.Connections)
	if len(parts) == 0 {
		return profiles.Note{}, false
	}
	// Each part has its own key; NoteText says them again in any language.
	args["Parts"] = strings.Join(parts, ",")
	args["List"] = limitList(i18n.Fallback, args)
	return profiles.Note{
		Kind: profiles.NoteLimit, Key: limitsKey, Args: args,
		Text: i18n.T(i18n.Fallback, limitsKey, args),
	}, true
}

// Validate checks a provider entry: an ID and name, a source page, at least
// one incoming and one outgoing server, valid hosts, ports and security,
// known note kinds and well-formed domains.
func (p *Provider) Validate() error {
	if p.ID == "" || p.Name == "" {
		return fmt.Errorf("provider needs an id and a name")
	}
	if !strings.HasPrefix(p.Source, "https://") {
		return fmt.Errorf("provider %q: source %q is not an https:// web page", p.ID, p.Source)
	}
	if len(p.Domains) == 0 && len(p.MX) == 0 {
		return fmt.Errorf("provider %q has neither domains nor MX domains", p.ID)
	}
	if p.Hosted && len(p.MX) == 0 {
		return fmt.Errorf("provider %q is hosted-only but has no MX domains", p.ID)
	}
	if p.Hosted && len(p.Domains) > 0 {
		return fmt.Errorf("provider %q is hosted-only but lists address domains", p.ID)
	}
	for _, list := range [][]string{p.Domains, p.MX} {
		for _, d := range list {
			ascii, _, err := profiles.NormalizeDomain(d)
			if err != nil {
				return fmt.Errorf("provider %q: domain %q: %w", p.ID, d, err)
			}
			if ascii != d {
				return fmt.Errorf("provider %q: domain %q must be written in lower-case ASCII as %q", p.ID, d, ascii)
			}
		}
	}
	if len(p.Incoming) == 0 || len(p.Outgoing) == 0 {
		return fmt.Errorf("provider %q needs at least one incoming and one outgoing server", p.ID)
	}
	for _, s := range append(append([]ServerTemplate(nil), p.Incoming...), p.Outgoing...) {
		srv := profiles.Server{Protocol: s.Protocol, Host: s.Host, Port: s.Port, Security: s.Security, Auth: s.Auth}
		if err := srv.Validate(); err != nil {
			return fmt.Errorf("provider %q: %w", p.ID, err)
		}
		if s.Username != "" && !strings.Contains(s.Username, "%") {
			return fmt.Errorf("provider %q: server %s: username %q has no placeholder", p.ID, s.Host, s.Username)
		}
	}
	for _, s := range p.Incoming {
		if !s.Protocol.Incoming() {
			return fmt.Errorf("provider %q: incoming server %s is %s", p.ID, s.Host, s.Protocol)
		}
	}
	for _, s := range p.Outgoing {
		if s.Protocol != profiles.SMTP {
			return fmt.Errorf("provider %q: outgoing server %s is %s", p.ID, s.Host, s.Protocol)
		}
	}
	if err := p.Checked.validate(p.ID); err != nil {
		return err
	}
	for _, n := range p.Notes {
		if !n.Kind.Valid() {
			return fmt.Errorf("provider %q: unknown note kind %q", p.ID, n.Kind)
		}
		if n.URL != "" && !strings.HasPrefix(n.URL, "https://") {
			return fmt.Errorf("provider %q: note link %q is not an https:// web address", p.ID, n.URL)
		}
	}
	return nil
}
