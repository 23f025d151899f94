package ui

import (
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"mailsetup/profiles"
)

var securityKeys = map[profiles.Security]string{
	profiles.SecurityTLS:      "security.tls",
	profiles.SecuritySTARTTLS: "security.starttls",
	profiles.SecurityNone:     "security.none-option",
}

// SettingsPage is step 2: IMAP or POP3, the servers in plain words, the
// provider's notes, and an Advanced part to edit every field (open from the
// start when the person sets up by hand).
type SettingsPage struct {
	w *Wizard
	// Protocol picks IMAP or POP3 (shown only when both exist).
	Protocol *widget.RadioGroup
	// Why explains the choice of protocol.
	Why *widget.Label
	// LeaveCopy is POP3's "leave a copy on the server".
	LeaveCopy *Tick
	// Servers describes the servers in plain words, re-rendered on every edit.
	Servers *widget.Label
	// Copy lists each server, port and login with a button that copies it.
	Copy *fyne.Container
	// Plaintext warns that a server's connection is not encrypted.
	Plaintext *widget.Label
	// Notes holds the provider's notes with their link buttons.
	Notes *fyne.Container
	// More holds the notes worth knowing that need no action now.
	More    *Disclosure
	moreBox *fyne.Container
	// Advanced holds the editors of every field.
	Advanced *Disclosure
	// Manual introduces the editors when the person sets up by hand.
	Manual *widget.Label

	In, Out *serverEditor
	box     *container.Scroll
	filling bool
}

func newSettingsPage(w *Wizard) *SettingsPage {
	p := &SettingsPage{w: w}
	p.Why = w.label("")
	p.Servers = w.label("")
	p.Copy = container.NewVBox()
	p.Plaintext = w.label(w.t("settings.plain-warning", nil))
	p.Plaintext.Importance = widget.WarningImportance
	p.Plaintext.Hide()
	p.Manual = w.label(w.t("settings.manual-intro", nil))
	p.Notes = container.NewVBox()
	p.moreBox = container.NewVBox()
	p.More = newDisclosure(w, w.t("settings.more", nil), p.moreBox)
	p.LeaveCopy = newTick(w, w.t("settings.leave-copy", nil), func(b bool) { w.state.leaveCopy = b })
	p.LeaveCopy.Checked = w.state.leaveCopy
	p.Protocol = widget.NewRadioGroup([]string{"IMAP", "POP3"}, func(s string) {
		pr := profiles.Protocol(strings.ToLower(s))
		if pr != w.state.protocol && pr != "" && !p.filling {
			w.state.protocol = pr
			w.state.edits = nil
			p.fill()
			p.w.refreshNav()
		}
	})
	p.Protocol.Horizontal = true
	p.In, p.Out = p.newEditor(SideIncoming), p.newEditor(SideOutgoing)
	adv := container.NewVBox(p.Manual,
		&widget.Label{Text: w.t("settings.incoming", nil), TextStyle: fyne.TextStyle{Bold: true}}, p.In.form(w),
		&widget.Label{Text: w.t("settings.outgoing", nil), TextStyle: fyne.TextStyle{Bold: true}}, p.Out.form(w),
	)
	p.Advanced = newDisclosure(w, w.t("settings.advanced", nil), adv)
	p.box = container.NewVScroll(container.NewVBox(p.Notes, p.Protocol, p.Why, p.LeaveCopy, p.Servers, p.Copy, p.Plaintext, p.More.Box, p.Advanced.Box))
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

func (p *SettingsPage) focus() fyne.Focusable {
	if p.w.state.manual {
		return p.In.Host
	}
	return nil
}

func (p *SettingsPage) canNext() (bool, string) {
	if p.w.state.cfg == nil {
		return false, "nav.next"
	}
	_, _, err := p.read()
	return err == nil, "nav.next"
}

// reset shows the settings afresh, keeping the edits not yet applied.
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

// fill shows the current configuration, and the edits typed since.
func (p *SettingsPage) fill() {
	w := p.w
	cfg := w.state.cfg
	if cfg == nil {
		return
	}
	p.filling = true
	defer func() { p.filling = false }()
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
	p.In.set(in, w.state.edits[SideIncoming])
	p.Out.set(out, w.state.edits[SideOutgoing])
	if w.state.manual || len(w.state.edits) > 0 {
		p.Advanced.Open()
	}
	if w.state.manual {
		p.Manual.Show()
	} else {
		p.Manual.Hide()
	}
	p.fillNotes(cfg, in.Protocol)
	p.summary()
}

func (p *SettingsPage) fillNotes(cfg *profiles.Config, in profiles.Protocol) {
	p.Notes.RemoveAll()
	p.moreBox.RemoveAll()
	if p.w.state.manual || cfg.Source == profiles.SourceManual {
		// the provider's advice is about the provider's servers, not these
		p.More.Hide()
		return
	}
	for _, n := range cfg.Notes {
		if !noteApplies(n, in) {
			continue
		}
		if importantNote(n.Kind) {
			p.Notes.Add(p.w.noteCard(n))
		} else {
			p.moreBox.Add(p.w.noteCard(n))
		}
	}
	if len(p.moreBox.Objects) == 0 {
		p.More.Hide()
	} else {
		p.More.Show()
	}
}

// summary re-renders the plain-words sentences and the unencrypted warning
// from what the editors show now.
func (p *SettingsPage) summary() {
	in, out := p.In.current(), p.Out.current()
	p.Servers.SetText(p.plain(in, "settings.plain-incoming") + "\n" + p.plain(out, "settings.plain-outgoing"))
	p.Copy.RemoveAll()
	for _, s := range []profiles.Server{in, out} {
		row := container.NewHBox()
		for _, v := range []string{s.Host, strconv.Itoa(s.Port), s.Username} {
			if v == "" || v == "0" {
				continue
			}
			row.Add(p.w.copyButton(v))
		}
		p.Copy.Add(row)
	}
	if in.Security == profiles.SecurityNone || out.Security == profiles.SecurityNone {
		p.Plaintext.Show()
	} else {
		p.Plaintext.Hide()
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
	port := strconv.Itoa(s.Port)
	if s.Port == 0 {
		port = "?"
	}
	return p.w.t(key, map[string]string{
		"Protocol": strings.ToUpper(string(s.Protocol)), "Host": s.Host, "Port": port,
		"Security": p.w.t(sec, nil), "Username": s.Username,
	})
}

// edited follows every keystroke in the editors: the inline errors, the
// summary, the remembered edits (kept across a language switch) and Next.
func (p *SettingsPage) edited() {
	if p.filling {
		return
	}
	w := p.w
	p.In.validate(w)
	p.Out.validate(w)
	if w.state.edits == nil {
		w.state.edits = map[Side]*serverEdit{}
	}
	w.state.edits[SideIncoming] = p.In.edit()
	w.state.edits[SideOutgoing] = p.Out.edit()
	p.summary()
	w.state.verified, w.state.result = false, nil
	w.refreshNav()
}

// read returns the servers as the editors show them, or the first error.
func (p *SettingsPage) read() (in, out profiles.Server, err error) {
	i0, ok := p.incoming()
	if !ok {
		return in, out, fmt.Errorf("%s", p.w.t("settings.no-incoming", nil))
	}
	o0, _ := p.w.state.cfg.RecommendedOutgoing()
	in, err = p.In.read(p.w, i0, "settings.incoming")
	if err != nil {
		return
	}
	out, err = p.Out.read(p.w, o0, "settings.outgoing")
	return
}

// apply stores the edited servers as the recommended ones.
func (p *SettingsPage) apply() bool {
	in, out, err := p.read()
	if err != nil {
		p.In.validate(p.w)
		p.Out.validate(p.w)
		return false
	}
	cfg := p.w.state.cfg
	i0, _ := p.incoming()
	o0, _ := cfg.RecommendedOutgoing()
	changed := !in.Same(i0) || !out.Same(o0) || in.Username != i0.Username || out.Username != o0.Username
	if changed || in.Protocol != cfg.Incoming[0].Protocol {
		cfg.Incoming = prependServer(in, cfg.Incoming)
		cfg.Outgoing = prependServer(out, cfg.Outgoing)
		if changed {
			cfg.Source = profiles.SourceManual
			// servers the person typed are their own choice
			cfg.Trust, cfg.TrustDomain = profiles.TrustVerified, ""
		}
		p.w.state.verified = false
	}
	p.w.state.edits = nil
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
