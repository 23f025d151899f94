package profiles

import (
	"strings"
	"time"
)

// Source names where a Config came from, as in detect's "source" field and
// the --sources flag.
type Source string

// The sources of settings, best first.
const (
	SourceBuiltin      Source = "builtin"
	SourceAutoconfig   Source = "autoconfig"
	SourceISPDB        Source = "ispdb"
	SourceMX           Source = "mx"
	SourceSRV          Source = "srv"
	SourceAutodiscover Source = "autodiscover"
	SourceGuess        Source = "guess"
	// SourceManual marks settings typed or overridden by the user.
	SourceManual Source = "manual"
	// SourcePreset marks settings from an organisation's preset file.
	SourcePreset Source = "preset"
)

// AllSources lists the discovery sources in rank order (best first).
var AllSources = []Source{SourceBuiltin, SourceAutoconfig, SourceISPDB, SourceMX, SourceSRV, SourceAutodiscover, SourceGuess}

// Rank returns the source's position in AllSources (0 = best), or
// len(AllSources) for sources outside discovery.
func (s Source) Rank() int {
	for i, t := range AllSources {
		if t == s {
			return i
		}
	}
	return len(AllSources)
}

// Trust says how far a Config can be trusted without asking the user.
type Trust string

// The trust levels of a Config.
const (
	// TrustVerified: built in, from a preset, or fetched over HTTPS from the
	// domain itself or the ISPDB, or DNS answers validated by DNSSEC.
	TrustVerified Trust = "verified"
	// TrustConfirm: plain HTTP, MX-derived without DNSSEC, SRV without DNSSEC,
	// guessed, or redirected to another domain. The window must ask the user.
	TrustConfirm Trust = "confirm"
)

// NoteKind is the closed set of note kinds the window and the translations
// key on.
type NoteKind string

// The kinds of notes shown to the user.
const (
	// NoteEnableIMAP: IMAP must first be switched on in the web settings.
	NoteEnableIMAP NoteKind = "enable-imap"
	// NoteEnablePOP3: POP3 must first be switched on in the web settings.
	NoteEnablePOP3 NoteKind = "enable-pop3"
	// NoteEnableClients: access for mail programs as a whole must be switched on.
	NoteEnableClients NoteKind = "enable-clients"
	// NoteAppPassword: mail programs need a separate app password.
	NoteAppPassword NoteKind = "app-password"
	// NoteOAuthOnly: the provider accepts only OAuth2 sign-in (a browser window), no passwords.
	NoteOAuthOnly NoteKind = "oauth-only"
	// NoteFromMustMatchLogin: the From address must equal the SMTP login.
	NoteFromMustMatchLogin NoteKind = "from-must-match-login"
	// NotePortAlternative: another port works where the first one is blocked.
	NotePortAlternative NoteKind = "port-alternative"
	// NoteLimit: a sending, size or connection limit worth knowing.
	NoteLimit NoteKind = "limit"
	// NoteLegacy: a step old guides show that is no longer needed.
	NoteLegacy NoteKind = "legacy"
	// NoteLoginFormat: the login is not the full address.
	NoteLoginFormat NoteKind = "login-format"
	// NoteDevices: a separate server for scanners and printers.
	NoteDevices NoteKind = "devices"
	// NoteBridge: a local bridge program must run (Proton Mail Bridge).
	NoteBridge NoteKind = "bridge"
	// NotePOP3 explains POP3-specific behaviour (leave a copy on the server, folders).
	NotePOP3 NoteKind = "pop3"
	// NoteInfo is anything else worth saying.
	NoteInfo NoteKind = "info"
)

// NoteKinds lists every NoteKind.
var NoteKinds = []NoteKind{
	NoteEnableIMAP, NoteEnablePOP3, NoteEnableClients, NoteAppPassword, NoteOAuthOnly,
	NoteFromMustMatchLogin, NotePortAlternative, NoteLimit, NoteLegacy, NoteLoginFormat,
	NoteDevices, NoteBridge, NotePOP3, NoteInfo,
}

// Valid reports whether k is one of NoteKinds.
func (k NoteKind) Valid() bool {
	for _, n := range NoteKinds {
		if n == k {
			return true
		}
	}
	return false
}

// Note is something the user must know or do, with a link where one helps.
// Text is the English sentence; Key (with Args) selects its translation.
type Note struct {
	Kind NoteKind `json:"kind"`
	Text string   `json:"text"`
	URL  string   `json:"url,omitempty"`
	// Key is the translation key of Text ("note.yandex.enable-imap").
	Key string `json:"key,omitempty"`
	// Args are values substituted into the translated text ({{.Path}}).
	Args map[string]string `json:"args,omitempty"`
}

// Limits are the provider's published limits. Zero means unknown.
type Limits struct {
	MessageSizeMB        int `json:"message_size_mb,omitempty"`
	AttachmentSizeMB     int `json:"attachment_size_mb,omitempty"`
	RecipientsPerMessage int `json:"recipients_per_message,omitempty"`
	MessagesPerDay       int `json:"messages_per_day,omitempty"`
	MessagesPerHour      int `json:"messages_per_hour,omitempty"`
	DailyDownloadMB      int `json:"daily_download_mb,omitempty"`
	DailyUploadMB        int `json:"daily_upload_mb,omitempty"`
	Connections          int `json:"connections,omitempty"`
	// MinPollMinutes is the shortest polling interval the provider tolerates.
	MinPollMinutes int `json:"min_poll_minutes,omitempty"`
	// MailboxGB is the mailbox size at sign-up.
	MailboxGB float64 `json:"mailbox_gb,omitempty"`
	// BlockedAttachments lists file extensions the provider refuses, even in archives.
	BlockedAttachments []string `json:"blocked_attachments,omitempty"`
}

// IsZero reports whether no limit is known.
func (l Limits) IsZero() bool {
	return l.MessageSizeMB == 0 && l.AttachmentSizeMB == 0 && l.RecipientsPerMessage == 0 &&
		l.MessagesPerDay == 0 && l.MessagesPerHour == 0 && l.DailyDownloadMB == 0 &&
		l.DailyUploadMB == 0 && l.Connections == 0 && l.MinPollMinutes == 0 && l.MailboxGB == 0 &&
		len(l.BlockedAttachments) == 0
}

// Provider identifies who runs the mail service.
type Provider struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Webmail is the address of the provider's web mail, if known.
	Webmail string `json:"webmail,omitempty"`
	// Help is the provider's help page the settings were taken from.
	Help string `json:"help,omitempty"`
}

// TraceEntry records what one discovery source did.
type TraceEntry struct {
	Source Source `json:"source"`
	// Outcome is what the source did; see the Outcome constants.
	Outcome   Outcome `json:"outcome"`
	ElapsedMS int64   `json:"elapsed_ms"`
	// Detail says what was asked and what came back, in plain words.
	Detail string `json:"detail,omitempty"`
	// URL is the address or DNS name the source asked, when there is one.
	URL string `json:"url,omitempty"`
}

// Outcome is what one discovery source did. Its values are stable: they
// appear in `detect --json` and in the trace the window shows.
type Outcome string

// The outcomes a TraceEntry can record. OutcomeStarted is only ever passed
// to a progress callback, as a source starts; a finished trace never holds it.
const (
	OutcomeStarted   Outcome = "started"
	OutcomeFound     Outcome = "found"
	OutcomeNothing   Outcome = "nothing"
	OutcomeError     Outcome = "error"
	OutcomeTimeout   Outcome = "timeout"
	OutcomeSkipped   Outcome = "skipped"
	OutcomeCancelled Outcome = "cancelled"
)

// Outcomes lists every Outcome, in the order above, for tables that must
// cover them all (the window's progress lines, translations).
var Outcomes = []Outcome{OutcomeStarted, OutcomeFound, OutcomeNothing, OutcomeError, OutcomeTimeout, OutcomeSkipped, OutcomeCancelled}

// Config is everything a mail program needs for one address: the provider,
// the incoming and outgoing servers in order of preference (the first is
// recommended), where the settings came from, notes, limits and warnings.
type Config struct {
	Address string `json:"address"`
	Domain  string `json:"domain"`
	// DomainUnicode is the domain in Unicode when it differs from Domain.
	DomainUnicode string   `json:"domain_unicode,omitempty"`
	Provider      Provider `json:"provider"`
	Source        Source   `json:"source"`
	Incoming      []Server `json:"incoming"`
	Outgoing      []Server `json:"outgoing"`
	Notes         []Note   `json:"notes"`
	Limits        Limits   `json:"limits"`
	Warnings      []string `json:"warnings"`
	// Trust says whether the user must confirm these settings.
	Trust Trust `json:"trust,omitempty"`
	// TrustDomain is the registrable domain the settings were taken from,
	// shown when the user is asked to confirm (e.g. "yandex.net" for MX).
	TrustDomain string `json:"trust_domain,omitempty"`
	// Trace records each discovery source's outcome.
	Trace []TraceEntry `json:"trace,omitempty"`
	// Differences lists where sources disagreed, in plain words.
	Differences []string `json:"differences,omitempty"`
	// Verified is set when a login was proved to work, and when.
	Verified *time.Time `json:"verified,omitempty"`

	// addr is Address parsed, kept by SetAddress so that nothing
	// downstream parses the string again; not part of the JSON.
	addr Address
}

// SetAddress makes the Config one for a: Address is its string, and Addr
// returns a without parsing. Constructors (ManualConfig, knowledge.Lookup,
// autoconfig, the preset) call it. The display name is not kept: it belongs
// to the person (export.Account.DisplayName), not to the settings.
func (c *Config) SetAddress(a Address) {
	a.Name = ""
	c.Address = a.String()
	c.addr = a
}

// Addr returns the Config's address, parsed: the one SetAddress kept, or,
// for a Config built otherwise (decoded from JSON, Address changed by
// hand), Address parsed now. It has no display name.
func (c *Config) Addr() (Address, error) {
	if c.addr.Local != "" && c.addr.String() == c.Address {
		return c.addr, nil
	}
	a, err := ParseAddress(c.Address)
	a.Name = ""
	return a, err
}

// Normalize replaces nil slices by empty ones so the JSON shows [] rather
// than null, and fills in Trust.
func (c *Config) Normalize() {
	if c.Incoming == nil {
		c.Incoming = []Server{}
	}
	if c.Outgoing == nil {
		c.Outgoing = []Server{}
	}
	if c.Notes == nil {
		c.Notes = []Note{}
	}
	if c.Warnings == nil {
		c.Warnings = []string{}
	}
	for i := range c.Incoming {
		if c.Incoming[i].Auth == nil {
			c.Incoming[i].Auth = []AuthMethod{}
		}
	}
	for i := range c.Outgoing {
		if c.Outgoing[i].Auth == nil {
			c.Outgoing[i].Auth = []AuthMethod{}
		}
	}
	if c.Trust == "" {
		c.Trust = TrustVerified
	}
}

// Found reports whether the Config has at least one incoming and one outgoing server.
func (c *Config) Found() bool { return c != nil && len(c.Incoming) > 0 && len(c.Outgoing) > 0 }

// FirstIncoming returns the recommended server of protocol p (IMAP or POP3)
// and whether there is one.
func (c *Config) FirstIncoming(p Protocol) (Server, bool) {
	for _, s := range c.Incoming {
		if s.Protocol == p {
			return s, true
		}
	}
	return Server{}, false
}

// RecommendedIncoming returns the first incoming server, preferring IMAP.
func (c *Config) RecommendedIncoming() (Server, bool) {
	if s, ok := c.FirstIncoming(IMAP); ok {
		return s, true
	}
	if len(c.Incoming) > 0 {
		return c.Incoming[0], true
	}
	return Server{}, false
}

// RecommendedOutgoing returns the first outgoing server.
func (c *Config) RecommendedOutgoing() (Server, bool) {
	if len(c.Outgoing) > 0 {
		return c.Outgoing[0], true
	}
	return Server{}, false
}

// HasNote reports whether the Config carries a note of kind k.
func (c *Config) HasNote(k NoteKind) bool {
	for _, n := range c.Notes {
		if n.Kind == k {
			return true
		}
	}
	return false
}

// Clone returns a deep copy of c that can be changed without touching c.
func (c *Config) Clone() *Config {
	if c == nil {
		return nil
	}
	d := *c
	d.Incoming = cloneServers(c.Incoming)
	d.Outgoing = cloneServers(c.Outgoing)
	d.Notes = make([]Note, len(c.Notes))
	for i, n := range c.Notes {
		d.Notes[i] = n
		if n.Args != nil {
			d.Notes[i].Args = make(map[string]string, len(n.Args))
			for k, v := range n.Args {
				d.Notes[i].Args[k] = v
			}
		}
	}
	d.Warnings = append([]string(nil), c.Warnings...)
	d.Trace = append([]TraceEntry(nil), c.Trace...)
	d.Differences = append([]string(nil), c.Differences...)
	d.Limits.BlockedAttachments = append([]string(nil), c.Limits.BlockedAttachments...)
	if c.Verified != nil {
		t := *c.Verified
		d.Verified = &t
	}
	return &d
}

func cloneServers(in []Server) []Server {
	if in == nil {
		return nil
	}
	out := make([]Server, len(in))
	for i, s := range in {
		out[i] = s
		out[i].Auth = append([]AuthMethod(nil), s.Auth...)
	}
	return out
}

// Placeholders understood in server usernames, as in autoconfig v1.1.
const (
	PlaceholderAddress   = "%EMAILADDRESS%"
	PlaceholderLocalPart = "%EMAILLOCALPART%"
	PlaceholderDomain    = "%EMAILDOMAIN%"
)

// ExpandUsername fills the autoconfig placeholders of a username template
// for addr. The domain is substituted in ASCII form.
func ExpandUsername(template string, addr Address) string {
	r := strings.NewReplacer(
		PlaceholderAddress, addr.String(),
		PlaceholderLocalPart, addr.Local,
		PlaceholderDomain, addr.Domain,
	)
	return r.Replace(template)
}
