package ui

import (
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"mailsetup/profiles"
)

// serverEdit is what a person typed into one server's editors, kept in the
// wizard's state so a language switch or Back does not lose it.
type serverEdit struct {
	Host, Port, Username string
	Security             profiles.Security
}

// serverEditor edits one server's host, port, security and login, each
// field with its own error line right under it, checked as the person types.
type serverEditor struct {
	p                    *SettingsPage
	side                 Side
	Host, Port, Username *Field
	Security             *Choice
	// HostErr, PortErr and UserErr say what is wrong with the field above.
	HostErr, PortErr, UserErr *widget.Label
	// SecWarn warns that "none" sends the password readable.
	SecWarn *widget.Label
	secs    []profiles.Security
	base    profiles.Server
}

func (p *SettingsPage) newEditor(side Side) *serverEditor {
	w := p.w
	secs := []profiles.Security{profiles.SecurityTLS, profiles.SecuritySTARTTLS, profiles.SecurityNone}
	e := &serverEditor{p: p, side: side, Host: newField(w), Port: newField(w), Username: newField(w), secs: secs}
	names := make([]string, len(secs))
	for i, s := range secs {
		names[i] = w.t(securityKeys[s], nil)
	}
	e.Security = newChoice(w, names, nil)
	mkErr := func() *widget.Label {
		l := w.label("")
		l.Importance = widget.DangerImportance
		l.Hide()
		return l
	}
	e.HostErr, e.PortErr, e.UserErr = mkErr(), mkErr(), mkErr()
	e.SecWarn = w.label(w.t("settings.none-warning", nil))
	e.SecWarn.Importance = widget.WarningImportance
	e.SecWarn.Hide()
	ed := e
	for _, f := range []*Field{e.Host, e.Port, e.Username} {
		f.OnSubmitted = func(string) { w.GoNext() } // Enter = Next, as everywhere
	}
	e.Host.OnChanged = func(string) { p.edited() }
	e.Username.OnChanged = func(string) { p.edited() }
	e.Port.OnChanged = func(string) {
		ed.suggestSecurity()
		p.edited()
	}
	e.Security.OnChanged = func(string) {
		ed.suggestPort()
		p.edited()
	}
	return e
}

func (e *serverEditor) form(w *Wizard) *widget.Form {
	return widget.NewForm(
		widget.NewFormItem(w.t("settings.host", nil), container.NewVBox(e.Host, e.HostErr)),
		widget.NewFormItem(w.t("settings.port", nil), container.NewVBox(e.Port, e.PortErr)),
		widget.NewFormItem(w.t("settings.security", nil), container.NewVBox(e.Security, e.SecWarn)),
		widget.NewFormItem(w.t("settings.username", nil), container.NewVBox(e.Username, e.UserErr)),
	)
}

// set shows s, or the person's edit of it.
func (e *serverEditor) set(s profiles.Server, ed *serverEdit) {
	e.base = s
	v := serverEdit{Host: s.Host, Port: strconv.Itoa(s.Port), Username: s.Username, Security: s.Security}
	if ed != nil {
		v = *ed
	}
	e.Host.SetText(v.Host)
	e.Port.SetText(v.Port)
	e.Username.SetText(v.Username)
	for i, sec := range e.secs {
		if sec == v.Security {
			e.Security.SetSelectedIndex(i)
		}
	}
	e.validate(e.p.w)
}

func (e *serverEditor) security() profiles.Security {
	if i := e.Security.SelectedIndex(); i >= 0 {
		return e.secs[i]
	}
	return e.base.Security
}

func (e *serverEditor) edit() *serverEdit {
	return &serverEdit{Host: e.Host.Text, Port: e.Port.Text, Username: e.Username.Text, Security: e.security()}
}

// current is the server as the editors show it, valid or not.
func (e *serverEditor) current() profiles.Server {
	s := e.base
	s.Host = strings.TrimSpace(e.Host.Text)
	s.Port, _ = strconv.Atoi(strings.TrimSpace(e.Port.Text))
	s.Security = e.security()
	s.Username = strings.TrimSpace(e.Username.Text)
	return s
}

// validate shows each field's problem under it.
func (e *serverEditor) validate(w *Wizard) {
	show := func(l *widget.Label, key string, bad bool) {
		if bad {
			l.SetText(w.t(key, nil))
			l.Show()
		} else {
			l.Hide()
		}
	}
	show(e.HostErr, "settings.field-bad-host", profiles.ValidateHost(strings.TrimSpace(e.Host.Text)) != nil)
	show(e.PortErr, "settings.field-bad-port", validPort(e.Port.Text) != nil)
	show(e.UserErr, "settings.field-bad-username", strings.TrimSpace(e.Username.Text) == "")
	if e.security() == profiles.SecurityNone {
		e.SecWarn.Show()
	} else {
		e.SecWarn.Hide()
	}
}

func (e *serverEditor) read(w *Wizard, base profiles.Server, sideKey string) (profiles.Server, error) {
	e.base = base
	s := e.current()
	side := w.t(sideKey, nil)
	if err := profiles.ValidateHost(s.Host); err != nil {
		return s, fmt.Errorf("%s", w.t("settings.bad-host", map[string]string{"Side": side}))
	}
	if validPort(e.Port.Text) != nil {
		return s, fmt.Errorf("%s", w.t("settings.bad-port", map[string]string{"Side": side}))
	}
	if s.Username == "" {
		return s, fmt.Errorf("%s", w.t("settings.bad-username", map[string]string{"Side": side}))
	}
	return s, nil
}

// standardPorts are the usual ports of each protocol with implicit TLS and
// with STARTTLS (RFC 8314 §7.3, RFC 6409).
var standardPorts = map[profiles.Protocol][2]int{
	profiles.IMAP: {993, 143},
	profiles.POP3: {995, 110},
	profiles.SMTP: {465, 587},
}

// suggestSecurity follows a typed standard port: 993 means SSL/TLS, 143
// STARTTLS. "none" is never chosen for the person.
func (e *serverEditor) suggestSecurity() {
	if e.p.filling {
		return
	}
	std, ok := standardPorts[e.base.Protocol]
	n, _ := strconv.Atoi(strings.TrimSpace(e.Port.Text))
	if !ok || e.security() == profiles.SecurityNone {
		return
	}
	switch n {
	case std[0]:
		e.Security.SetSelectedIndex(0)
	case std[1]:
		e.Security.SetSelectedIndex(1)
	}
}

// suggestPort moves a standard port along with the security chosen.
func (e *serverEditor) suggestPort() {
	if e.p.filling {
		return
	}
	std, ok := standardPorts[e.base.Protocol]
	n, _ := strconv.Atoi(strings.TrimSpace(e.Port.Text))
	if !ok {
		return
	}
	switch {
	case e.security() == profiles.SecurityTLS && n == std[1]:
		e.Port.SetText(strconv.Itoa(std[0]))
	case e.security() == profiles.SecuritySTARTTLS && n == std[0]:
		e.Port.SetText(strconv.Itoa(std[1]))
	}
}
