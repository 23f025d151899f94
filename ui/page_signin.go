package ui

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

var stageKeys = map[Stage]string{
	StageConnect: "signin.stage.connect",
	StageSecure:  "signin.stage.secure",
	StageLogin:   "signin.stage.login",
	StageMailbox: "signin.stage.mailbox",
}

var outgoingStageKeys = map[Stage]string{
	StageConnect: "signin.stage.connect",
	StageSecure:  "signin.stage.secure",
	StageLogin:   "signin.stage.login",
	StageMailbox: "signin.stage.send",
}

// CheckLine is one line of the checklist: an icon and a text.
type CheckLine struct {
	Icon  *widget.Icon
	Label *widget.Label
	State CheckState
}

// SignInPage is step 3: the password, the live checklist, and the
// diagnosis card when something fails.
type SignInPage struct {
	w *Wizard
	// Password is the password entry (hidden, with show/hide).
	Password *widget.Entry
	// CheckButton starts the check; TryAgain repeats it after a failure.
	CheckButton, TryAgain, Cancel, Skip, CopySupport *widget.Button
	// Lines are the checklist lines per side and stage.
	Lines map[Side]map[Stage]*CheckLine
	// Status sums up the check.
	Status *widget.Label
	// Adopted says a working alternative port was adopted.
	Adopted *widget.Label
	// Diagnosis is the failure's card (hidden until a failure).
	Diagnosis *widget.Card
	// Reply shows the server's reply when asked.
	Reply      *widget.Label
	ShowReply  *widget.Button
	diagLinks  *fyne.Container
	diagAdvice *widget.Label
	box        fyne.CanvasObject
	running    bool
	gen        int
}

func newSignInPage(w *Wizard) *SignInPage {
	p := &SignInPage{w: w, Lines: map[Side]map[Stage]*CheckLine{}}
	p.Password = widget.NewPasswordEntry()
	p.Password.PlaceHolder = w.t("signin.password-hint", nil)
	p.Password.Text = w.state.password
	p.Password.OnChanged = func(s string) {
		if s != w.state.password {
			w.state.password = s
			w.state.verified, w.state.skipped = false, false
			w.refreshNav()
		}
	}
	p.Password.OnSubmitted = func(string) { w.GoNext() }
	p.CheckButton = &widget.Button{Text: w.t("signin.check", nil), Icon: theme.ConfirmIcon(), OnTapped: p.Check}
	p.TryAgain = &widget.Button{Text: w.t("signin.try-again", nil), Icon: theme.ViewRefreshIcon(), Importance: widget.HighImportance, OnTapped: p.Check}
	p.Cancel = widget.NewButton(w.t("action.cancel", nil), func() {
		w.cancelWork()
		p.gen++
		p.finish()
		p.Status.SetText(w.t("signin.cancelled", nil))
	})
	p.Skip = widget.NewButton(w.t("signin.skip", nil), p.SkipCheck)
	p.CopySupport = widget.NewButtonWithIcon(w.t("signin.copy-support", nil), theme.ContentCopyIcon(), p.copySupport)
	p.Status = w.label("")
	p.Adopted = w.label("")
	p.Adopted.Importance = widget.SuccessImportance
	p.Adopted.Hide()
	p.Reply = &widget.Label{Wrapping: fyne.TextWrapBreak, TextStyle: fyne.TextStyle{Monospace: true}}
	p.Reply.Hide()
	p.ShowReply = widget.NewButton(w.t("signin.show-reply", nil), func() {
		if p.Reply.Visible() {
			p.Reply.Hide()
		} else {
			p.Reply.Show()
		}
	})
	p.diagAdvice = w.label("")
	p.diagLinks = container.NewVBox()
	p.Diagnosis = widget.NewCard("", "", container.NewVBox(p.diagAdvice, p.diagLinks, container.NewHBox(p.TryAgain, p.ShowReply), p.Reply))
	p.Diagnosis.Hide()
	p.TryAgain.Hide()
	p.Cancel.Hide()

	grid := container.NewGridWithColumns(2)
	for _, side := range []Side{SideIncoming, SideOutgoing} {
		keys := stageKeys
		head := "signin.incoming"
		if side == SideOutgoing {
			keys, head = outgoingStageKeys, "signin.outgoing"
		}
		col := container.NewVBox(&widget.Label{Text: w.t(head, nil), TextStyle: fyne.TextStyle{Bold: true}})
		p.Lines[side] = map[Stage]*CheckLine{}
		for _, st := range Stages {
			l := &CheckLine{Icon: widget.NewIcon(theme.RadioButtonIcon()), Label: widget.NewLabel(w.t(keys[st], nil)), State: CheckPending}
			p.Lines[side][st] = l
			col.Add(container.NewBorder(nil, nil, l.Icon, nil, l.Label))
		}
		grid.Add(col)
	}
	form := widget.NewForm(widget.NewFormItem(w.t("signin.password", nil), p.Password))
	buttons := container.NewHBox(p.CheckButton, p.Cancel, p.Skip, p.CopySupport)
	p.box = container.NewVScroll(container.NewVBox(
		w.label(w.t("signin.intro", nil)), form, buttons, p.Status, p.Adopted, p.Diagnosis, grid))
	if w.state.result != nil {
		p.showResult(w.state.result)
	}
	if w.state.skipped {
		p.Status.SetText(w.t("signin.skipped", nil))
	}
	return p
}

func (p *SignInPage) content() fyne.CanvasObject { return p.box }
func (p *SignInPage) titleKey() string           { return "signin.title" }
func (p *SignInPage) focus() fyne.Focusable      { return p.Password }

func (p *SignInPage) canNext() (bool, string) {
	st := p.w.state
	if p.running {
		return false, "nav.next"
	}
	if st.verified || st.skipped {
		return true, "nav.next"
	}
	return st.password != "" && p.w.svc.Verify != nil, "signin.check"
}

func (p *SignInPage) setLine(side Side, st Stage, state CheckState) {
	l := p.Lines[side][st]
	if l == nil {
		return
	}
	l.State = state
	switch state {
	case CheckOK:
		l.Icon.SetResource(theme.NewSuccessThemedResource(theme.ConfirmIcon()))
		l.Label.Importance = widget.SuccessImportance
	case CheckFailed:
		l.Icon.SetResource(theme.NewErrorThemedResource(theme.CancelIcon()))
		l.Label.Importance = widget.DangerImportance
	case CheckRunning:
		l.Icon.SetResource(theme.NewPrimaryThemedResource(theme.MoreHorizontalIcon()))
		l.Label.Importance = widget.MediumImportance
	default:
		l.Icon.SetResource(theme.RadioButtonIcon())
		l.Label.Importance = widget.MediumImportance
	}
	l.Label.Refresh()
}

// Check starts the login check in the background.
func (p *SignInPage) Check() {
	w := p.w
	if w.svc.Verify == nil {
		p.Status.SetText(w.t("signin.unavailable", nil))
		return
	}
	if w.state.password == "" || w.state.cfg == nil {
		p.Status.SetText(w.t("signin.need-password", nil))
		return
	}
	for side, m := range p.Lines {
		for st := range m {
			p.setLine(side, st, CheckPending)
		}
	}
	p.gen++
	gen := p.gen
	ctx := w.startWork()
	p.running = true
	w.state.skipped, w.state.result = false, nil
	p.Diagnosis.Hide()
	p.TryAgain.Hide()
	p.Adopted.Hide()
	p.Reply.Hide()
	p.Cancel.Show()
	p.CheckButton.Disable()
	p.Status.SetText(w.t("signin.checking", nil))
	w.refreshNav()
	cfg := w.state.cfg.Clone()
	password := w.state.password
	progress := func(e CheckEvent) {
		w.svc.Do(func() {
			if p.gen == gen {
				p.setLine(e.Side, e.Stage, e.State)
			}
		})
	}
	w.svc.Go(func() {
		res, err := w.svc.Verify(ctx, cfg, password, progress)
		w.svc.Do(func() {
			if p.gen != gen || w.SignIn != p {
				return
			}
			if ctx.Err() != nil {
				return
			}
			w.cancelWork()
			p.finish()
			if err != nil && res == nil {
				res = &VerifyResult{Diagnosis: &Diagnosis{Key: "diag.generic", Title: "The check could not run", ServerReply: err.Error()}}
			}
			w.state.result = res
			p.showResult(res)
		})
	})
}

func (p *SignInPage) finish() {
	p.running = false
	p.Cancel.Hide()
	p.CheckButton.Enable()
	p.w.refreshNav()
}

func (p *SignInPage) showResult(res *VerifyResult) {
	w := p.w
	if res.OK {
		w.state.verified = true
		if res.Config != nil {
			w.state.cfg = res.Config
		}
		for side, m := range p.Lines {
			for st, l := range m {
				if l.State != CheckOK {
					p.setLine(side, st, CheckOK)
				}
			}
		}
		p.Status.SetText(w.t("signin.ok", nil))
		var lines []string
		for _, a := range res.Adopted {
			side := w.t("signin.incoming", nil)
			if a.Side == SideOutgoing {
				side = w.t("signin.outgoing", nil)
			}
			lines = append(lines, w.t("signin.adopted", map[string]any{"Side": side, "From": a.From, "To": a.To}))
		}
		if len(lines) > 0 {
			p.Adopted.SetText(strings.Join(lines, "\n"))
			p.Adopted.Show()
		}
		p.Diagnosis.Hide()
		w.refreshNav()
		return
	}
	w.state.verified = false
	p.Status.SetText(w.t("signin.failed", nil))
	d := res.Diagnosis
	if d == nil {
		d = &Diagnosis{Key: "diag.generic", Title: "The check could not run"}
	}
	title, advice := tr(w.lang, d.Key, d.Title, d.Args), tr(w.lang, d.AdviceKey, d.Advice, d.Args)
	if d.Translate != nil {
		title, advice = d.Translate(w.lang)
	}
	p.Diagnosis.SetTitle(displayText(title))
	p.diagAdvice.SetText(displayText(advice))
	p.diagLinks.RemoveAll()
	for _, l := range d.Links {
		u, err := url.Parse(l.URL)
		if err != nil {
			continue
		}
		text := l.Text
		if text == "" {
			text = l.URL
		}
		p.diagLinks.Add(widget.NewHyperlink(text, u))
	}
	p.Reply.SetText(d.ServerReply)
	if d.ServerReply == "" {
		p.ShowReply.Hide()
	} else {
		p.ShowReply.Show()
	}
	p.Diagnosis.Show()
	p.TryAgain.Show()
	w.refreshNav()
}

// SkipCheck goes on without a verified login; exports say so.
func (p *SignInPage) SkipCheck() {
	w := p.w
	w.cancelWork()
	p.gen++
	p.finish()
	w.state.skipped, w.state.verified = true, false
	p.Status.SetText(w.t("signin.skipped", nil))
	w.refreshNav()
	w.GoNext()
}

// SupportText is what "Copy details for support" puts on the clipboard:
// the settings, the detection trace and the diagnosis, never the password.
func (p *SignInPage) SupportText() string {
	w := p.w
	var b strings.Builder
	fmt.Fprintf(&b, "mailsetup support details\n")
	if cfg := w.state.cfg; cfg != nil {
		c := cfg.Clone()
		fmt.Fprintf(&b, "address: %s\nprovider: %s\nsource: %s\ntrust: %s\n", c.Address, c.Provider.Name, c.Source, c.Trust)
		for _, s := range c.Incoming {
			fmt.Fprintf(&b, "incoming: %s user=%s\n", s.URL(), s.Username)
		}
		for _, s := range c.Outgoing {
			fmt.Fprintf(&b, "outgoing: %s user=%s\n", s.URL(), s.Username)
		}
		trace := c.Trace
		if len(trace) == 0 {
			trace = w.state.trace
		}
		for _, e := range trace {
			fmt.Fprintf(&b, "trace: %s %s %dms %s %s\n", e.Source, e.Outcome, e.ElapsedMS, e.URL, e.Detail)
		}
	}
	switch {
	case w.state.verified:
		b.WriteString("check: signed in\n")
	case w.state.skipped:
		b.WriteString("check: skipped by the user\n")
	}
	if r := w.state.result; r != nil && r.Diagnosis != nil {
		d, _ := json.Marshal(struct {
			Key, Title, Advice, ServerReply string
		}{r.Diagnosis.Key, r.Diagnosis.Title, r.Diagnosis.Advice, r.Diagnosis.ServerReply})
		fmt.Fprintf(&b, "diagnosis: %s\n", d)
	}
	out := b.String()
	if pw := w.state.password; pw != "" {
		out = strings.ReplaceAll(out, pw, "********")
	}
	return out
}

func (p *SignInPage) copySupport() {
	p.w.svc.Clipboard(p.SupportText())
	p.Status.SetText(p.w.t("signin.copied", nil))
}
