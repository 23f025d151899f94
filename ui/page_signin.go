package ui

import (
	"net/url"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"mailsetup/profiles"
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
	Password *Field
	// Servers names the servers the check signs in to.
	Servers *widget.Label
	// TryAgain repeats the check after a failure; Next starts the first.
	TryAgain, Cancel, Skip, CopySupport *Button
	// Lines are the checklist lines per side and stage.
	Lines map[Side]map[Stage]*CheckLine
	// Status sums up the check.
	Status *widget.Label
	// Adopted says a working alternative port was adopted.
	Adopted *widget.Label
	// Copied confirms that the support details are on the clipboard.
	Copied *widget.Label
	// Diagnosis is the failure's card (hidden until a failure).
	Diagnosis *widget.Card
	// UseCA trusts the certificate file from the IT department (shown
	// for an untrusted certificate); Certificate says who issued it.
	UseCA       *Button
	Certificate *widget.Label
	CAProblem   *widget.Label
	caRow       *fyne.Container
	// Reply shows the server's reply when asked.
	Reply      *widget.Label
	ShowReply  *Button
	diagLinks  *fyne.Container
	diagAdvice *widget.Label
	box        *container.Scroll
	running    bool
	gen        int
}

func newSignInPage(w *Wizard) *SignInPage {
	p := &SignInPage{w: w, Lines: map[Side]map[Stage]*CheckLine{}}
	p.Password = newPasswordField(w)
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
	p.Servers = w.label("")
	p.TryAgain = newMainButton(w, w.t("signin.try-again", nil), theme.ViewRefreshIcon(), p.Check)
	p.Cancel = newButton(w, w.t("action.cancel", nil), nil, func() {
		w.cancelWork()
		p.gen++
		p.finish()
		p.Status.SetText(w.t("signin.cancelled", nil))
	})
	p.Skip = newButton(w, w.t("signin.skip", nil), nil, p.SkipCheck)
	p.CopySupport = newButton(w, w.t("signin.copy-support", nil), theme.ContentCopyIcon(), p.copySupport)
	p.CopySupport.Hide() // nothing to tell support before a check
	p.Status = w.label("")
	p.Adopted = w.label("")
	p.Adopted.Importance = widget.SuccessImportance
	p.Adopted.Hide()
	p.Copied = w.label("")
	p.Copied.Hide()
	p.Reply = &widget.Label{Wrapping: fyne.TextWrapBreak, TextStyle: fyne.TextStyle{Monospace: true}}
	p.Reply.Hide()
	p.ShowReply = newButton(w, w.t("signin.show-reply", nil), nil, func() {
		if p.Reply.Visible() {
			p.Reply.Hide()
			p.ShowReply.SetText(w.t("signin.show-reply", nil))
		} else {
			p.Reply.Show()
			p.ShowReply.SetText(w.t("signin.hide-reply", nil))
		}
	})
	p.diagAdvice = w.label("")
	p.diagLinks = container.NewVBox()
	p.UseCA = newMainButton(w, w.t("signin.ca-use-file", nil), theme.FileIcon(), p.useCAFile)
	p.caRow = container.NewHBox(p.UseCA)
	p.caRow.Hide()
	p.Certificate = w.label("")
	p.Certificate.Hide()
	p.CAProblem = w.label("")
	p.CAProblem.Importance = widget.DangerImportance
	p.CAProblem.Hide()
	p.Diagnosis = widget.NewCard("", "", container.NewVBox(p.diagAdvice, p.Certificate, p.diagLinks,
		p.caRow, p.CAProblem, container.NewHBox(p.TryAgain, p.ShowReply), p.Reply))
	p.Diagnosis.Hide()
	p.TryAgain.Hide()
	p.Cancel.Hide()

	grid := p.checklist()
	form := widget.NewForm(widget.NewFormItem(w.t("signin.password", nil), p.Password))
	buttons := container.NewHBox(p.Cancel, p.Skip, p.CopySupport)
	p.box = container.NewVScroll(container.NewVBox(
		w.label(w.t("signin.intro", nil)), p.Servers, form, buttons, p.Status, p.Copied, p.Adopted, grid, p.Diagnosis))
	p.refresh()
	if w.state.result != nil {
		p.showResult(w.state.result)
	}
	if w.state.skipped {
		p.Status.SetText(w.t("signin.skipped-honest", nil))
	}
	return p
}

// checklist builds the two columns of check lines, incoming and outgoing.
func (p *SignInPage) checklist() *fyne.Container {
	w := p.w
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
			l := &CheckLine{Icon: widget.NewIcon(theme.RadioButtonIcon()), Label: w.label(w.t(keys[st], nil)), State: CheckPending}
			p.Lines[side][st] = l
			col.Add(container.NewBorder(nil, nil, container.NewVBox(l.Icon), nil, l.Label))
		}
		grid.Add(col)
	}
	return grid
}

func (p *SignInPage) content() fyne.CanvasObject { return p.box }
func (p *SignInPage) titleKey() string           { return "signin.title" }
func (p *SignInPage) focus() fyne.Focusable      { return p.Password }

// refresh names the servers about to be checked and marks the lines of an
// unencrypted side before anything runs.
func (p *SignInPage) refresh() {
	w := p.w
	cfg := w.state.cfg
	if cfg == nil {
		return
	}
	if p.Password.Text != w.state.password {
		p.Password.SetText(w.state.password) // another address: its own password
	}
	if w.state.result == nil && !p.running {
		// the settings changed since the last check: its result is stale
		for side, m := range p.Lines {
			for st := range m {
				p.setLine(side, st, CheckPending)
			}
		}
		p.Diagnosis.Hide()
		p.TryAgain.Hide()
		p.Adopted.Hide()
		p.Copied.Hide()
		p.CopySupport.Hide()
		p.Status.SetText("")
		if w.state.skipped {
			p.Status.SetText(w.t("signin.skipped-honest", nil))
		}
	}
	in, _ := cfg.RecommendedIncoming()
	out, _ := cfg.RecommendedOutgoing()
	name := func(s profiles.Server) string {
		return s.Host + ":" + strconv.Itoa(s.Port) + ", " + w.t(shortSecurityKeys[s.Security], nil)
	}
	p.Servers.SetText(w.t("signin.servers", map[string]string{"Incoming": name(in), "Outgoing": name(out)}))
	for side, s := range map[Side]profiles.Server{SideIncoming: in, SideOutgoing: out} {
		if s.Security == profiles.SecurityNone {
			p.setLine(side, StageSecure, CheckWarning)
		}
	}
}

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
	keys := stageKeys
	if side == SideOutgoing {
		keys = outgoingStageKeys
	}
	l.State = state
	l.Label.Text = p.w.t(keys[st], nil)
	switch state {
	case CheckOK:
		l.Icon.SetResource(theme.NewSuccessThemedResource(theme.ConfirmIcon()))
		l.Label.Importance = widget.SuccessImportance
	case CheckFailed:
		l.Icon.SetResource(theme.NewErrorThemedResource(theme.CancelIcon()))
		l.Label.Importance = widget.DangerImportance
	case CheckWarning:
		// never a green tick for a connection that was not encrypted
		l.Icon.SetResource(theme.NewWarningThemedResource(theme.WarningIcon()))
		l.Label.Importance = widget.WarningImportance
		l.Label.Text = p.w.t("signin.stage.not-encrypted", nil)
	case CheckRunning:
		l.Icon.SetResource(theme.NewPrimaryThemedResource(theme.MoreHorizontalIcon()))
		l.Label.Importance = widget.MediumImportance
	default:
		l.Icon.SetResource(theme.RadioButtonIcon())
		l.Label.Importance = widget.MediumImportance
	}
	l.Label.Refresh()
}

// shortSecurityKeys name each security in a word.
var shortSecurityKeys = map[profiles.Security]string{
	profiles.SecurityTLS:      "security.tls",
	profiles.SecuritySTARTTLS: "security.starttls",
	profiles.SecurityNone:     "security.none",
}

// plaintextSides reports whether either server of cfg sends the password
// unencrypted.
func plaintextSides(cfg *profiles.Config) bool {
	in, _ := cfg.RecommendedIncoming()
	out, _ := cfg.RecommendedOutgoing()
	return in.Security == profiles.SecurityNone || out.Security == profiles.SecurityNone
}

// Check starts the login check in the background, after asking the person
// first when the password would go to settings nobody confirmed or travel
// unencrypted.
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
	cfg := w.state.cfg
	if cfg.Trust == profiles.TrustConfirm && !w.state.allowUnconfirmed {
		dom := cfg.TrustDomain
		if dom == "" {
			dom = cfg.Domain
		}
		w.ask("signin.ask-unconfirmed-title", "signin.ask-unconfirmed", "signin.ask-unconfirmed-yes",
			map[string]string{"Domain": dom, "Source": w.t(sourceKeys[cfg.Source], nil)},
			func() { w.state.allowUnconfirmed = true; p.Check() })
		return
	}
	if plaintextSides(cfg) && !w.state.allowPlaintext {
		w.ask("signin.ask-plaintext-title", "signin.ask-plaintext", "signin.ask-plaintext-yes",
			map[string]string{"Domain": cfg.Domain},
			func() { w.state.allowPlaintext = true; p.Check() })
		return
	}
	p.run()
}

func (p *SignInPage) run() {
	w := p.w
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
	p.CopySupport.Hide()
	p.Status.SetText(w.t("signin.checking", nil))
	w.refreshNav()
	req := VerifyRequest{Config: w.state.cfg.Clone(), Password: w.state.password,
		AllowUnconfirmed: w.state.allowUnconfirmed, AllowPlaintext: w.state.allowPlaintext,
		CAPEM: w.state.caPEM[w.state.cfg.Domain]}
	progress := func(e CheckEvent) {
		w.svc.Do(func() {
			if p.gen == gen {
				p.setLine(e.Side, e.Stage, e.State)
			}
		})
	}
	w.svc.Go(func() {
		res, err := w.svc.Verify(ctx, req, progress)
		if err != nil && res == nil {
			res = &VerifyResult{Diagnosis: &Diagnosis{Key: "diag.generic", Title: "The check could not run", ServerReply: err.Error()}}
		}
		if ctx.Err() == nil && !res.OK && res.Diagnosis != nil && networkCode[res.Diagnosis.Code] {
			switch {
			case !w.svc.Online(ctx):
				res.Diagnosis = offlineDiagnosis(res.Diagnosis)
			case res.Diagnosis.Code == "host-not-found" && req.Config.Source != profiles.SourceManual:
				// the person typed no server name: there is no typo to look for
				res.Diagnosis = notTypedDiagnosis(res.Diagnosis)
			}
		}
		w.svc.Do(func() {
			if p.gen != gen || w.SignIn != p || ctx.Err() != nil {
				return
			}
			w.cancelWork()
			p.finish()
			w.state.result = res
			p.showResult(res)
		})
	})
}

// networkCode lists the diagnoses that a computer without a connection
// gets for a server that is fine.
var networkCode = map[string]bool{"host-not-found": true, "network-unreachable": true, "timeout": true, "connection-refused": true}

// offlineDiagnosis replaces a "server not found" that is really "this
// computer is offline": the person typed no server name to check.
func offlineDiagnosis(d *Diagnosis) *Diagnosis {
	return &Diagnosis{Code: "offline", Key: "signin.offline-title", Title: "This computer seems to have no internet connection",
		AdviceKey: "signin.offline-advice", Advice: "Check the Wi-Fi or the network cable, then press Try again.",
		ServerReply: d.ServerReply}
}

// notTypedDiagnosis explains a server name that does not resolve although
// it came from the provider's own settings, not from the person's typing.
func notTypedDiagnosis(d *Diagnosis) *Diagnosis {
	return &Diagnosis{Code: d.Code, Key: "signin.unresolved-title", Title: "This network cannot find the mail server",
		AdviceKey: "signin.unresolved-advice", Advice: "The server name comes from your provider's settings; this network's name service does not know it. Try another network, or ask whoever runs this network.",
		ServerReply: d.ServerReply}
}

// retryHelps reports whether trying again can change the outcome; for a
// certificate problem it cannot, so "Try again" is not the main action.
func retryHelps(code string) bool { return !strings.HasPrefix(code, "tls-") }

func (p *SignInPage) finish() {
	p.running = false
	p.Cancel.Hide()
	p.w.refreshNav()
}

func (p *SignInPage) showResult(res *VerifyResult) {
	w := p.w
	p.CopySupport.Show()
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
		if plaintextSides(w.state.cfg) {
			p.refresh()
			p.Status.SetText(w.t("signin.ok-plaintext", nil))
		}
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
	p.showFailure(res.Diagnosis)
}

// showFailure fills the diagnosis card.
func (p *SignInPage) showFailure(d *Diagnosis) {
	w := p.w
	w.state.verified = false
	p.Status.SetText(w.svc.Preset.WithSupport(w.t("signin.failed", nil)))
	if d == nil {
		d = &Diagnosis{Key: "diag.generic", Title: "The check could not run"}
	}
	title, advice := tr(w.lang, d.Key, d.Title, d.Args), tr(w.lang, d.AdviceKey, d.Advice, d.Args)
	if d.Translate != nil {
		title, advice = d.Translate(w.lang)
	}
	p.Diagnosis.SetTitle(w.display(title))
	p.diagAdvice.SetText(w.display(advice))
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
	p.TryAgain.Importance = widget.HighImportance
	if !retryHelps(d.Code) {
		p.TryAgain.Importance = widget.MediumImportance
	}
	p.caRow.Hide()
	p.Certificate.Hide()
	if d.Code == "tls-untrusted" {
		p.caRow.Show()
		if issuer := d.Args["Issuer"]; issuer != "" {
			text := w.t("signin.cert-issuer", map[string]string{"Issuer": issuer})
			if d.Args["Fingerprint"] != "" {
				text += "\n" + w.t("signin.cert-details", d.Args)
			}
			p.Certificate.SetText(text)
			p.Certificate.Show()
		}
	}
	p.Diagnosis.Show()
	p.TryAgain.Show()
	p.TryAgain.Refresh()
	w.refreshNav()
	if w.win != nil && w.step == StepSignIn {
		w.afterLayout(func() { scrollTo(p.box, p.Diagnosis) }) // once the card is laid out
	}
}

// SkipCheck goes on without a verified login; the export step says so.
func (p *SignInPage) SkipCheck() {
	w := p.w
	w.cancelWork()
	p.gen++
	p.finish()
	w.state.skipped, w.state.verified = true, false
	p.Status.SetText(w.t("signin.skipped-honest", nil))
	w.refreshNav()
	w.GoNext()
}
