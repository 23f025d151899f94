package ui

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"mailsetup/profiles"
	"mailsetup/profiles/knowledge"
)

var securityKeys = map[profiles.Security]string{
	profiles.SecurityTLS:      "security.tls",
	profiles.SecuritySTARTTLS: "security.starttls",
	profiles.SecurityNone:     "security.none",
}

// serverEditor edits one server's host, port, security and username.
type serverEditor struct {
	Host, Port, Username *widget.Entry
	Security             *widget.Select
	secs                 []profiles.Security
}

// SettingsPage is step 2: IMAP or POP3, the servers in plain words, the
// provider's notes, and an Advanced part to edit every field.
type SettingsPage struct {
	w *Wizard
	// Protocol picks IMAP or POP3 (shown only when both exist).
	Protocol *widget.RadioGroup
	// Why explains the choice of protocol.
	Why *widget.Label
	// LeaveCopy is POP3's "leave a copy on the server".
	LeaveCopy *widget.Check
	// Servers describes the servers in plain words.
	Servers *widget.Label
	// Notes holds the provider's notes with their link buttons.
	Notes *fyne.Container
	// More holds the notes worth knowing that need no action now.
	More    *widget.Accordion
	moreBox *fyne.Container
	// Advanced holds the editors of every field.
	Advanced *widget.Accordion
	// Error shows the first invalid field.
	Error *widget.Label

	In, Out serverEditor
	box     fyne.CanvasObject
}

func newSettingsPage(w *Wizard) *SettingsPage {
	p := &SettingsPage{w: w}
	p.Why = w.label("")
	p.Servers = w.label("")
	p.Notes = container.NewVBox()
	p.moreBox = container.NewVBox()
	p.More = widget.NewAccordion(widget.NewAccordionItem(w.t("settings.more", nil), p.moreBox))
	p.Error = w.label("")
	p.Error.Importance = widget.DangerImportance
	p.Error.Hide()
	p.LeaveCopy = widget.NewCheck(w.t("settings.leave-copy", nil), func(b bool) { w.state.leaveCopy = b })
	p.LeaveCopy.Checked = w.state.leaveCopy
	p.Protocol = widget.NewRadioGroup([]string{"IMAP", "POP3"}, func(s string) {
		pr := profiles.Protocol(strings.ToLower(s))
		if pr != w.state.protocol && pr != "" {
			w.state.protocol = pr
			p.fill()
		}
	})
	p.Protocol.Horizontal = true
	secs := []profiles.Security{profiles.SecurityTLS, profiles.SecuritySTARTTLS, profiles.SecurityNone}
	mk := func() serverEditor {
		e := serverEditor{Host: widget.NewEntry(), Port: widget.NewEntry(), Username: widget.NewEntry(), secs: secs}
		names := make([]string, len(secs))
		for i, s := range secs {
			names[i] = w.t(securityKeys[s], nil)
		}
		e.Security = widget.NewSelect(names, nil)
		e.Host.Validator = func(s string) error { return profiles.ValidateHost(strings.TrimSpace(s)) }
		e.Port.Validator = validPort
		e.Host.OnChanged = func(string) { p.edited() }
		e.Port.OnChanged = func(string) { p.edited() }
		e.Username.OnChanged = func(string) { p.edited() }
		e.Security.OnChanged = func(string) { p.edited() }
		return e
	}
	p.In, p.Out = mk(), mk()
	form := func(e serverEditor) *widget.Form {
		return widget.NewForm(
			widget.NewFormItem(w.t("settings.host", nil), e.Host),
			widget.NewFormItem(w.t("settings.port", nil), e.Port),
			widget.NewFormItem(w.t("settings.security", nil), e.Security),
			widget.NewFormItem(w.t("settings.username", nil), e.Username),
		)
	}
	adv := container.NewVBox(
		&widget.Label{Text: w.t("settings.incoming", nil), TextStyle: fyne.TextStyle{Bold: true}}, form(p.In),
		&widget.Label{Text: w.t("settings.outgoing", nil), TextStyle: fyne.TextStyle{Bold: true}}, form(p.Out),
	)
	p.Advanced = widget.NewAccordion(widget.NewAccordionItem(w.t("settings.advanced", nil), adv))
	p.box = container.NewVScroll(container.NewVBox(p.Notes, p.Protocol, p.Why, p.LeaveCopy, p.Servers, p.Error, p.More, p.Advanced))
	p.fill()
	return p
}

func validPort(s string) error {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 1 || n > 65535 {
		return fmt.Errorf("ui: port must be a number from 1 to 65535")
	}
	return nil
}

func (p *SettingsPage) content() fyne.CanvasObject { return p.box }
func (p *SettingsPage) titleKey() string           { return "settings.title" }
func (p *SettingsPage) focus() fyne.Focusable      { return nil }

func (p *SettingsPage) canNext() (bool, string) {
	if p.w.state.cfg == nil {
		return false, "nav.next"
	}
	_, _, err := p.read()
	return err == nil, "nav.next"
}

// reset forgets edits and shows the detected settings afresh.
func (p *SettingsPage) reset() {
	w := p.w
	if w.state.protocol == "" && w.state.cfg != nil {
		if in, ok := w.state.cfg.RecommendedIncoming(); ok {
			w.state.protocol = in.Protocol
		}
	}
	p.fill()
}

func (p *SettingsPage) incoming() (profiles.Server, bool) {
	cfg := p.w.state.cfg
	if cfg == nil {
		return profiles.Server{}, false
	}
	if p.w.state.protocol != "" {
		if s, ok := cfg.FirstIncoming(p.w.state.protocol); ok {
			return s, true
		}
	}
	return cfg.RecommendedIncoming()
}

// fill shows the current configuration.
func (p *SettingsPage) fill() {
	w := p.w
	cfg := w.state.cfg
	if cfg == nil {
		return
	}
	in, _ := p.incoming()
	out, _ := cfg.RecommendedOutgoing()
	_, hasIMAP := cfg.FirstIncoming(profiles.IMAP)
	_, hasPOP := cfg.FirstIncoming(profiles.POP3)
	if hasIMAP && hasPOP {
		p.Protocol.Show()
	} else {
		p.Protocol.Hide()
	}
	p.Protocol.Selected = strings.ToUpper(string(in.Protocol))
	p.Protocol.Refresh()
	if in.Protocol == profiles.POP3 {
		p.Why.SetText(w.t("settings.why-pop3", nil))
		p.LeaveCopy.Show()
	} else {
		p.Why.SetText(w.t("settings.why-imap", nil))
		p.LeaveCopy.Hide()
	}
	p.Servers.SetText(p.plain(in, "settings.plain-incoming") + "\n" + p.plain(out, "settings.plain-outgoing"))
	p.setEditor(&p.In, in)
	p.setEditor(&p.Out, out)
	p.Notes.RemoveAll()
	p.moreBox.RemoveAll()
	for _, n := range cfg.Notes {
		if !noteApplies(n, in.Protocol) {
			continue
		}
		if importantNote(n.Kind) {
			p.Notes.Add(p.noteCard(n))
		} else {
			p.moreBox.Add(p.noteCard(n))
		}
	}
	if len(p.moreBox.Objects) == 0 {
		p.More.Hide()
	} else {
		p.More.Show()
	}
}

func (p *SettingsPage) setEditor(e *serverEditor, s profiles.Server) {
	e.Host.SetText(s.Host)
	e.Port.SetText(strconv.Itoa(s.Port))
	e.Username.SetText(s.Username)
	for i, sec := range e.secs {
		if sec == s.Security {
			e.Security.SetSelectedIndex(i)
		}
	}
}

// plain says a server in words a person understands.
func (p *SettingsPage) plain(s profiles.Server, key string) string {
	sec := "settings.plain-tls"
	switch s.Security {
	case profiles.SecuritySTARTTLS:
		sec = "settings.plain-starttls"
	case profiles.SecurityNone:
		sec = "settings.plain-none"
	}
	return p.w.t(key, map[string]string{
		"Protocol": strings.ToUpper(string(s.Protocol)), "Host": s.Host, "Port": strconv.Itoa(s.Port),
		"Security": p.w.t(sec, nil), "Username": s.Username,
	})
}

// NoteText returns the note's text in lang: its translation when its key
// has one, else the English text.
func NoteText(lang string, n profiles.Note) string {
	return displayText(knowledge.NoteText(lang, n))
}

// arrowReplacer swaps the arrow of menu paths ("Settings → Email clients"),
// which Fyne's bundled Noto Sans lacks, for one it has.
var arrowReplacer = strings.NewReplacer("→", "›")

// displayText prepares a text from another package for Fyne's font.
func displayText(s string) string { return arrowReplacer.Replace(s) }

func (p *SettingsPage) noteCard(n profiles.Note) fyne.CanvasObject {
	w := p.w
	l := w.label(NoteText(w.lang, n))
	if !hasCJK(l.Text) {
		l.Wrapping = fyne.TextWrapWord // an untranslated note in a Japanese window
	}
	if importantNote(n.Kind) {
		l.Importance = widget.WarningImportance
	}
	if n.URL == "" {
		return l
	}
	u, err := url.Parse(n.URL)
	if err != nil {
		return l
	}
	b := widget.NewButton(w.t("settings.open-page", nil), func() { _ = w.svc.OpenURL(u) })
	return container.NewBorder(nil, nil, nil, container.NewVBox(b), l)
}

func (p *SettingsPage) edited() {
	_, _, err := p.read()
	if err != nil {
		p.Error.SetText(err.Error())
		p.Error.Show()
	} else {
		p.Error.Hide()
	}
	p.w.refreshNav()
}

// read returns the servers as the editors show them, or the first error.
func (p *SettingsPage) read() (in, out profiles.Server, err error) {
	i0, ok := p.incoming()
	if !ok {
		return in, out, fmt.Errorf("%s", p.w.t("settings.no-incoming", nil))
	}
	o0, _ := p.w.state.cfg.RecommendedOutgoing()
	in, err = p.readEditor(&p.In, i0, "settings.incoming")
	if err != nil {
		return
	}
	out, err = p.readEditor(&p.Out, o0, "settings.outgoing")
	return
}

func (p *SettingsPage) readEditor(e *serverEditor, base profiles.Server, sideKey string) (profiles.Server, error) {
	s := base
	s.Host = strings.TrimSpace(e.Host.Text)
	side := p.w.t(sideKey, nil)
	if err := profiles.ValidateHost(s.Host); err != nil {
		return s, fmt.Errorf("%s", p.w.t("settings.bad-host", map[string]string{"Side": side}))
	}
	if validPort(e.Port.Text) != nil {
		return s, fmt.Errorf("%s", p.w.t("settings.bad-port", map[string]string{"Side": side}))
	}
	s.Port, _ = strconv.Atoi(strings.TrimSpace(e.Port.Text))
	if i := e.Security.SelectedIndex(); i >= 0 {
		s.Security = e.secs[i]
	}
	s.Username = strings.TrimSpace(e.Username.Text)
	if s.Username == "" {
		return s, fmt.Errorf("%s", p.w.t("settings.bad-username", map[string]string{"Side": side}))
	}
	return s, nil
}

// apply stores the edited servers as the recommended ones.
func (p *SettingsPage) apply() bool {
	in, out, err := p.read()
	if err != nil {
		p.edited()
		return false
	}
	cfg := p.w.state.cfg
	i0, _ := p.incoming()
	o0, _ := cfg.RecommendedOutgoing()
	if !in.Same(i0) || in.Username != i0.Username || !out.Same(o0) || out.Username != o0.Username || in.Protocol != cfg.Incoming[0].Protocol {
		cfg.Incoming = prependServer(in, cfg.Incoming)
		cfg.Outgoing = prependServer(out, cfg.Outgoing)
		if !in.Same(i0) || !out.Same(o0) || in.Username != i0.Username || out.Username != o0.Username {
			cfg.Source = profiles.SourceManual
		}
		p.w.state.verified = false
	}
	return true
}

func prependServer(s profiles.Server, list []profiles.Server) []profiles.Server {
	out := []profiles.Server{s}
	for _, o := range list {
		if !(o.Same(s) && o.Protocol == s.Protocol) {
			out = append(out, o)
		}
	}
	return out
}

// importantNote reports whether a note asks the user to act before the
// account works; those are shown up front.
func importantNote(k profiles.NoteKind) bool {
	switch k {
	case profiles.NoteEnableIMAP, profiles.NoteEnablePOP3, profiles.NoteEnableClients,
		profiles.NoteAppPassword, profiles.NoteOAuthOnly, profiles.NoteBridge, profiles.NoteLoginFormat:
		return true
	}
	return false
}

// noteApplies hides notes about the protocol not chosen (POP3 notes with IMAP).
func noteApplies(n profiles.Note, in profiles.Protocol) bool {
	switch n.Kind {
	case profiles.NoteEnablePOP3, profiles.NotePOP3:
		return in == profiles.POP3
	case profiles.NoteEnableIMAP:
		return in == profiles.IMAP
	}
	return true
}

// hasCJK reports whether s holds Han, kana or full-width characters.
func hasCJK(s string) bool {
	for _, r := range s {
		if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) || (r >= 0xFF00 && r <= 0xFFEF) {
			return true
		}
	}
	return false
}
