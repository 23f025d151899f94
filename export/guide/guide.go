// Package guide writes step-by-step instructions for setting up one mail
// account in one mail program, in the user's language, with the user's own
// values, and describes a stylised picture for every step (picture.go:
// title, menu path, fields, switches, buttons). It is plain Go with no Fyne:
// export/guide/draw paints the pictures (for the window, PNG and the HTML
// page), and WriteText (text.go) writes the guide for a terminal.
package guide

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"mailsetup/assets/i18n"
	"mailsetup/profiles"
)

// Client is a mail program a guide is written for.
type Client string

// The mail programs with a guide.
const (
	Outlook     Client = "outlook"
	AppleMail   Client = "applemail"
	IOS         Client = "ios"
	Android     Client = "android"
	K9          Client = "k9"
	Thunderbird Client = "thunderbird"
	TheBat      Client = "thebat"
)

// Clients lists every Client, in the order the window offers them.
var Clients = []Client{Outlook, AppleMail, IOS, Android, K9, Thunderbird, TheBat}

// ParseClient checks a --client value.
func ParseClient(s string) (Client, error) {
	for _, c := range Clients {
		if string(c) == s {
			return c, nil
		}
	}
	names := make([]string, len(Clients))
	for i, c := range Clients {
		names[i] = string(c)
	}
	return "", fmt.Errorf("guide: unknown mail program %q: use one of %s", s, strings.Join(names, ", "))
}

// Export says which file the user already has for the program, so the guide
// uses it instead of typing values by hand.
type Export string

// The kinds of export a guide can start from.
const (
	// ExportNone: everything is typed by hand.
	ExportNone Export = ""
	// ExportFile: a file to open (.prf for Outlook, .mobileconfig for Apple,
	// .k9s for K-9/Thunderbird for Android, a profile zip for Thunderbird).
	ExportFile Export = "file"
	// ExportInstalled: the account was written into the user's Thunderbird profile.
	ExportInstalled Export = "installed"
)

// Options are the choices that shape a guide.
type Options struct {
	Client Client
	// Lang is one of i18n.Languages; empty means English.
	Lang string
	// Export is what the user already has; File is its name, shown in the text.
	Export Export
	File   string
	// Name is the user's display name, drawn into the name fields.
	Name string
	// Protocol picks IMAP or POP3 when the Config has both; empty means the recommended one.
	Protocol profiles.Protocol
}

// Step is one instruction with its picture.
type Step struct {
	Title   string
	Text    string
	Picture Picture
}

// Guide is the whole instruction for one account and program.
type Guide struct {
	Client   Client
	Lang     string
	Protocol profiles.Protocol
	// Title is the guide's heading; Summary lists the settings in one paragraph.
	Title, Summary string
	// Address is the e-mail address, as the user reads it.
	Address string
	Steps   []Step
}

// ErrNoSettings means the Config has no incoming or outgoing server.
var ErrNoSettings = errors.New("guide: the settings have no incoming or outgoing server")

// Build writes the guide for cfg.
func Build(cfg *profiles.Config, o Options) (*Guide, error) {
	if cfg == nil || !cfg.Found() {
		return nil, ErrNoSettings
	}
	if _, err := ParseClient(string(o.Client)); err != nil {
		return nil, err
	}
	lang := o.Lang
	if lang == "" {
		lang = i18n.Fallback
	}
	if !i18n.Supported(lang) {
		return nil, fmt.Errorf("guide: unknown language %q", lang)
	}
	in, ok := cfg.RecommendedIncoming()
	if o.Protocol != "" {
		if in, ok = cfg.FirstIncoming(o.Protocol); !ok {
			return nil, fmt.Errorf("guide: the settings have no %s server", o.Protocol)
		}
	}
	out, ok2 := cfg.RecommendedOutgoing()
	if !ok || !ok2 {
		return nil, ErrNoSettings
	}
	b := &builder{cfg: cfg, o: o, lang: lang, in: in, out: out}
	b.address = cfg.Address
	if a, err := cfg.Addr(); err == nil {
		b.address = a.Unicode()
		b.name = a.Name
	}
	if o.Name != "" {
		b.name = o.Name
	}
	b.appPw = cfg.HasNote(profiles.NoteAppPassword)
	g := &Guide{Client: o.Client, Lang: lang, Protocol: in.Protocol, Address: b.address}
	g.Title = b.t("guide.title", nil)
	g.Summary = b.t("guide.summary", b.args(nil))
	b.providerSteps()
	b.clientSteps()
	g.Steps = b.steps
	return g, nil
}

type builder struct {
	cfg           *profiles.Config
	o             Options
	lang          string
	in, out       profiles.Server
	address, name string
	appPw         bool
	steps         []Step
}

func (b *builder) t(key string, args map[string]string) string {
	if args == nil {
		args = b.args(nil)
	}
	return i18n.T(b.lang, key, args)
}

// args are the template values every text may use.
func (b *builder) args(extra map[string]string) map[string]string {
	m := map[string]string{
		"Address":  b.address,
		"Client":   i18n.T(b.lang, "guide.client."+string(b.o.Client), nil),
		"Provider": b.cfg.Provider.Name,
		"Proto":    protoName(b.in.Protocol),
		"InHost":   b.in.Host, "InPort": strconv.Itoa(b.in.Port), "InSec": b.sec(b.in.Security), "InUser": b.in.Username,
		"OutHost": b.out.Host, "OutPort": strconv.Itoa(b.out.Port), "OutSec": b.sec(b.out.Security), "OutUser": b.out.Username,
		"File": b.o.File,
	}
	if m["Provider"] == "" {
		m["Provider"] = b.cfg.Domain
	}
	if b.appPw {
		m["AppPw"] = "yes"
	}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

func (b *builder) sec(s profiles.Security) string {
	return i18n.T(b.lang, "guide.sec."+string(s), nil)
}

func protoName(p profiles.Protocol) string {
	if p == profiles.POP3 {
		return "POP3"
	}
	return strings.ToUpper(string(p))
}

// ui returns a program's label (a button or menu name) in the guide's language.
func (b *builder) ui(key string) string { return i18n.T(b.lang, "guide.ui."+key, nil) }

func (b *builder) add(titleKey, textKey string, extra map[string]string, p Picture) {
	a := b.args(extra)
	b.steps = append(b.steps, Step{Title: i18n.T(b.lang, titleKey, a), Text: i18n.T(b.lang, textKey, a), Picture: p})
}

// pop3 reports whether the incoming server is POP3.
func (b *builder) pop3() bool { return b.in.Protocol == profiles.POP3 }

// splitPath splits a translated "A → B → C" path into its parts.
func splitPath(s string) []string {
	parts := strings.Split(s, "→")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}
