// Package preset reads an organisation's preset: a JSON file IT places next
// to the executable (mailsetup.preset.json) or builds into it (go build
// -tags preset, with the file in preset/embedded/). A preset names
// the organisation and its logo, gives the company domains' servers (which
// win over detection), locks fields in the window, limits the exports and
// guides offered, carries a certificate to sign .mobileconfig files with, the
// support contact shown on every error and the default language.
//
// Every method works on a nil *Preset and then answers "no preset": nothing
// locked, every format offered, no company settings.
//
// A preset is application policy, not domain: it sits above export (whose
// format names it checks and whose one certificate/key loader signs,
// export.SignerOptions) and export/guide (whose Clients are the guides it
// may offer), below the window and the command line. preset.go is the
// model and its accessors, load.go where a preset is found and how its
// files are read (size-capped, internal/fsafe), parse.go the checks,
// signing.go the signer, errors.go the error types.
package preset

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"mailsetup/export"
	"mailsetup/profiles"
)

// FileName is the preset's name beside the executable and in the embedded
// directory.
const FileName = "mailsetup.preset.json"

// EnvVar names the environment variable that points at a preset file.
const EnvVar = "MAILSETUP_PRESET"

// Field is a part of the window a preset can lock.
type Field string

// The fields a preset can lock.
const (
	// FieldIncoming: the incoming server of a company address cannot be changed.
	FieldIncoming Field = "incoming"
	// FieldOutgoing: the outgoing server of a company address cannot be changed.
	FieldOutgoing Field = "outgoing"
	// FieldUsername: the login of a company address cannot be changed.
	FieldUsername Field = "username"
	// FieldDomain: only addresses at the company domains are accepted.
	FieldDomain Field = "domain"
	// FieldLanguage: the language is the preset's and the picker is hidden.
	FieldLanguage Field = "language"
	// FieldFormats: only the preset's exports and guides are offered (the
	// user cannot pick others; without this lock the preset's lists are the
	// pre-selected ones and the rest sit behind "More").
	FieldFormats Field = "formats"
)

// Fields lists every lockable Field.
var Fields = []Field{FieldIncoming, FieldOutgoing, FieldUsername, FieldDomain, FieldLanguage, FieldFormats}

// Valid reports whether f is one of Fields.
func (f Field) Valid() bool {
	for _, g := range Fields {
		if g == f {
			return true
		}
	}
	return false
}

// Organisation is who the preset is for.
type Organisation struct {
	// Name is shown in the window's title and in exported profiles.
	Name string
	// Logo is the logo's bytes (PNG or JPEG), nil when none.
	Logo []byte
	// LogoName is the logo's file name ("logo.png"), for fyne.NewStaticResource.
	LogoName string
}

// Support is whom users contact when something fails.
type Support struct {
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
	Phone string `json:"phone,omitempty"`
	URL   string `json:"url,omitempty"`
}

// IsZero reports whether no contact is given.
func (s Support) IsZero() bool { return s == Support{} }

// String returns the contact on one line: "IT helpdesk, it@example.com, +7 495 000-00-00, https://help.example.com".
func (s Support) String() string {
	var parts []string
	for _, v := range []string{s.Name, s.Email, s.Phone, s.URL} {
		if v != "" {
			parts = append(parts, v)
		}
	}
	return strings.Join(parts, ", ")
}

// Domain is one group of company domains sharing the same servers.
type Domain struct {
	// Names are the ASCII (punycode) domains, main one first.
	Names    []string
	Incoming []profiles.Server // usernames may hold %EMAILADDRESS% etc.
	Outgoing []profiles.Server
	Webmail  string
	Help     string
}

// Preset is a loaded, valid preset.
type Preset struct {
	// Origin says where the preset came from: a file path or "embedded".
	Origin   string
	org      Organisation
	domains  []Domain
	byDomain map[string]int
	locks    map[Field]bool
	formats  []string
	guides   []string
	signing  *export.Signer
	support  Support
	language string
}

// Organisation returns who the preset is for.
func (p *Preset) Organisation() Organisation {
	if p == nil {
		return Organisation{}
	}
	o := p.org
	o.Logo = bytes.Clone(p.org.Logo)
	return o
}

// Locked reports whether the preset locks field f.
func (p *Preset) Locked(f Field) bool { return p != nil && p.locks[f] }

// Domains returns the company domain groups.
func (p *Preset) Domains() []Domain {
	if p == nil {
		return nil
	}
	return append([]Domain(nil), p.domains...)
}

// DomainNames returns every company domain (ASCII), in the preset's order.
func (p *Preset) DomainNames() []string {
	var out []string
	if p == nil {
		return nil
	}
	for _, d := range p.domains {
		out = append(out, d.Names...)
	}
	return out
}

// ConfigFor returns the preset's settings for addr when its domain is a
// company domain. The Config's Source is profiles.SourcePreset and it is
// trusted without asking. The caller may change the copy it gets.
func (p *Preset) ConfigFor(addr profiles.Address) (*profiles.Config, bool) {
	if p == nil {
		return nil, false
	}
	i, ok := p.byDomain[addr.Domain]
	if !ok {
		return nil, false
	}
	d := p.domains[i]
	cfg := &profiles.Config{
		Address:     addr.String(),
		Domain:      addr.Domain,
		Provider:    profiles.Provider{ID: "preset:" + d.Names[0], Name: p.org.Name, Webmail: d.Webmail, Help: d.Help},
		Source:      profiles.SourcePreset,
		Trust:       profiles.TrustVerified,
		TrustDomain: d.Names[0],
	}
	cfg.SetAddress(addr)
	if addr.DomainUnicode != addr.Domain {
		cfg.DomainUnicode = addr.DomainUnicode
	}
	expand := func(list []profiles.Server) []profiles.Server {
		out := make([]profiles.Server, len(list))
		for i, s := range list {
			out[i] = s
			out[i].Auth = append([]profiles.AuthMethod(nil), s.Auth...)
			out[i].Username = profiles.ExpandUsername(s.Username, addr)
		}
		return out
	}
	cfg.Incoming = expand(d.Incoming)
	cfg.Outgoing = expand(d.Outgoing)
	cfg.Normalize()
	return cfg, true
}

// ErrForeignDomain is returned by CheckAddress for an address outside the
// company domains when the preset locks the domain.
var ErrForeignDomain = errors.New("preset: the address is not at a company domain")

// CheckAddress returns an error wrapping ErrForeignDomain when the preset
// locks the domain and addr is not at one of the company domains.
func (p *Preset) CheckAddress(addr profiles.Address) error {
	if !p.Locked(FieldDomain) {
		return nil
	}
	if _, ok := p.byDomain[addr.Domain]; ok {
		return nil
	}
	return &ForeignDomainError{Organisation: p.org.Name, Domains: p.DomainNames()}
}

// ForeignDomainError is CheckAddress's refusal; errors.Is matches
// ErrForeignDomain.
type ForeignDomainError struct {
	Organisation string
	Domains      []string
}

func (e *ForeignDomainError) Error() string { return "preset: " + e.Sentence() }

// Sentence is the refusal for a person, without the "preset: " prefix.
func (e *ForeignDomainError) Sentence() string {
	return "the address is not at a company domain: " + e.Organisation + " accepts only addresses at " + strings.Join(e.Domains, ", ")
}

// Is lets errors.Is(err, ErrForeignDomain) match.
func (e *ForeignDomainError) Is(target error) bool { return target == ErrForeignDomain }

// Formats returns the export format IDs the preset offers, in its order,
// or nil when it offers every format.
func (p *Preset) Formats() []string {
	if p == nil {
		return nil
	}
	return append([]string(nil), p.formats...)
}

// Guides returns the guide IDs the preset offers, or nil for every guide.
func (p *Preset) Guides() []string {
	if p == nil {
		return nil
	}
	return append([]string(nil), p.guides...)
}

// OffersFormat reports whether export format id may be offered.
func (p *Preset) OffersFormat(id string) bool { return offers(p.Formats(), id) }

// OffersGuide reports whether guide id may be offered.
func (p *Preset) OffersGuide(id string) bool { return offers(p.Guides(), id) }

func offers(list []string, id string) bool {
	if list == nil {
		return true
	}
	for _, f := range list {
		if f == id {
			return true
		}
	}
	return false
}

// Signing returns the certificate and key to sign .mobileconfig files with,
// or nil when the preset has none.
func (p *Preset) Signing() *export.Signer {
	if p == nil {
		return nil
	}
	return p.signing
}

// Support returns the support contact (zero when none).
func (p *Preset) Support() Support {
	if p == nil {
		return Support{}
	}
	return p.support
}

// Language returns the default language ("" when the preset sets none).
func (p *Preset) Language() string {
	if p == nil {
		return ""
	}
	return p.language
}

// WithSupport appends the support contact to an error message for people:
// "could not write the file — contact IT helpdesk, it@example.com". It
// returns msg unchanged when there is no preset or no contact.
func (p *Preset) WithSupport(msg string) string {
	s := p.Support()
	if s.IsZero() {
		return msg
	}
	return msg + " — contact " + s.String()
}

// Summary describes the preset in a few indented lines for people: the
// organisation, domains, locks, formats, signing, support and language.
func (p *Preset) Summary() string {
	if p == nil {
		return "  no preset\n"
	}
	var locks []string
	for _, f := range Fields {
		if p.Locked(f) {
			locks = append(locks, string(f))
		}
	}
	signed := ""
	if s := p.Signing(); s != nil {
		signed = s.Cert.Subject.CommonName + " (until " + s.Cert.NotAfter.Format("2006-01-02") + ")"
	}
	or := func(list []string, none string) string {
		if len(list) == 0 || (len(list) == 1 && list[0] == "") {
			return none
		}
		return strings.Join(list, ", ")
	}
	return fmt.Sprintf("  organisation: %s\n  domains: %s\n  locked: %s\n  exports: %s\n  guides: %s\n  signing: %s\n  support: %s\n  language: %s\n",
		p.org.Name, or(p.DomainNames(), "none"), or(locks, "nothing"), or(p.formats, "all"), or(p.guides, "all"),
		or([]string{signed}, "no"), or([]string{p.support.String()}, "none"), or([]string{p.language}, "from the system"))
}
