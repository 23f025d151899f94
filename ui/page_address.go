package ui

import (
	"context"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"mailsetup/assets/i18n"
	"mailsetup/profiles"
	"mailsetup/profiles/discover"
)

// DetectDelay is how long the address must stay unchanged before detection starts.
const DetectDelay = 600 * time.Millisecond

var sourceKeys = map[profiles.Source]string{
	profiles.SourceBuiltin:      "source.builtin",
	profiles.SourceAutoconfig:   "source.autoconfig",
	profiles.SourceISPDB:        "source.ispdb",
	profiles.SourceMX:           "source.mx",
	profiles.SourceSRV:          "source.srv",
	profiles.SourceAutodiscover: "source.autodiscover",
	profiles.SourceGuess:        "source.guess",
	profiles.SourceManual:       "source.manual",
	profiles.SourcePreset:       "source.preset",
}

// outcomeKeys names the text of every discovery outcome; a test checks that
// it covers profiles.Outcomes.
var outcomeKeys = map[profiles.Outcome]string{
	profiles.OutcomeStarted:   "outcome.running",
	profiles.OutcomeFound:     "outcome.found",
	profiles.OutcomeNothing:   "outcome.nothing",
	profiles.OutcomeError:     "outcome.error",
	profiles.OutcomeTimeout:   "outcome.timeout",
	profiles.OutcomeSkipped:   "outcome.skipped",
	profiles.OutcomeCancelled: "outcome.cancelled",
}

// AddressPage is step 1: the name, the address and the detection.
type AddressPage struct {
	w *Wizard
	// Name is the name shown on sent mail.
	Name *Field
	// Address is the e-mail address.
	Address *Field
	// Status says what detection is doing or found.
	Status *widget.Label
	// Progress lists each discovery source and its outcome.
	Progress *fyne.Container
	// Result shows the provider and where the settings came from.
	Result *fyne.Container
	// Details holds Progress once the search is over.
	Details *Disclosure
	// Confirm must be ticked when the settings need confirming.
	Confirm *Tick
	// Cancel stops a running detection.
	Cancel *Button
	// Manual sets up the servers by hand: always there, the main action
	// when nothing was found.
	Manual *Button
	// Problem says, under the field, what is wrong with the address typed.
	Problem *widget.Label
	// Suggest offers the provider's domain for a common typo ("gmial.com").
	Suggest *Button

	box        *container.Scroll
	suggestRow *fyne.Container
	stop       func()
	gen        int
	progress   map[profiles.Source]profiles.Outcome
}

func newAddressPage(w *Wizard) *AddressPage {
	p := &AddressPage{w: w, progress: map[profiles.Source]profiles.Outcome{}}
	p.Name = newField(w)
	p.Name.PlaceHolder, p.Name.Text = w.t("address.name-hint", nil), w.state.name
	p.Name.OnChanged = func(s string) { w.state.name = s }
	p.Name.OnSubmitted = func(string) { w.GoNext() }
	p.Address = newField(w)
	p.Address.PlaceHolder, p.Address.Text = w.t("address.placeholder", nil), w.state.addressText
	p.Address.OnChanged = p.changed
	p.Address.OnSubmitted = func(string) {
		if ok, _ := p.canNext(); ok {
			w.GoNext()
			return
		}
		p.detectNow()
	}
	p.Status = w.label("")
	p.Progress = container.NewVBox()
	p.Details = newDisclosure(w, w.t("address.details", nil), p.Progress)
	p.Details.Hide() // nothing to show before a search
	p.Result = container.NewVBox()
	p.Confirm = newTick(w, w.t("address.confirm", nil), func(b bool) {
		w.state.confirmed, w.state.allowUnconfirmed = b, b
		w.refreshNav()
	})
	p.Confirm.Checked = w.state.confirmed
	p.Cancel = newButton(w, w.t("action.cancel", nil), nil, func() {
		w.cancelWork()
		p.gen++
		p.Cancel.Hide()
		p.status(w.t("address.cancelled", nil))
	})
	p.Cancel.Hide()
	p.Manual = newButton(w, w.t("address.manual", nil), theme.SettingsIcon(), p.setUpByHand)
	p.Problem = w.label("")
	p.Problem.Importance = widget.DangerImportance
	p.Problem.Hide()
	p.Suggest = newButton(w, "", nil, nil)
	p.suggestRow = container.NewHBox(p.Suggest)
	p.suggestRow.Hide()
	form := widget.NewForm(
		widget.NewFormItem(w.t("address.address", nil), container.NewVBox(p.Address, p.Problem, p.suggestRow)),
		widget.NewFormItem(w.t("address.name", nil), p.Name),
	)
	intro := w.label(w.t("address.intro", nil))
	p.box = container.NewVScroll(container.NewVBox(intro, form,
		container.NewBorder(nil, nil, nil, p.Cancel, p.Status), p.Result,
		container.NewHBox(p.Manual), p.Details.Box))
	p.showConfig()
	if w.state.trace != nil && w.state.cfg == nil && w.state.addressText != "" {
		p.showNothing(w.state.offline)
	}
	return p
}

func (p *AddressPage) content() fyne.CanvasObject { return p.box }
func (p *AddressPage) titleKey() string           { return "address.title" }
func (p *AddressPage) focus() fyne.Focusable      { return p.Address }

func (p *AddressPage) canNext() (bool, string) {
	cfg := p.w.state.cfg
	if cfg == nil || !cfg.Found() {
		return false, "nav.next"
	}
	if cfg.Trust == profiles.TrustConfirm && !p.w.state.confirmed {
		return false, "nav.next"
	}
	return true, "nav.next"
}

func (p *AddressPage) changed(s string) {
	w := p.w
	w.state.addressText = s
	if p.stop != nil {
		p.stop()
		p.stop = nil
	}
	// whatever was found or traced belongs to the address before this one
	w.cancelWork()
	p.gen++
	p.Cancel.Hide()
	w.state.cfg, w.state.trace, w.state.manual, w.state.edits = nil, nil, false, nil
	w.state.verified, w.state.skipped, w.state.result = false, false, nil
	w.state.password, w.state.allowPlaintext, w.state.allowUnconfirmed = "", false, false // another account
	p.Result.RemoveAll()
	p.Progress.RemoveAll()
	p.progress = map[profiles.Source]profiles.Outcome{}
	p.Details.Hide()
	p.Problem.Hide()
	p.suggestRow.Hide()
	p.Manual.Importance = widget.MediumImportance
	p.Manual.Refresh()
	p.status("")
	w.refreshNav()
	addr, err := addressComplete(s)
	if err == nil && w.svc.Known(addr) {
		p.detectNow() // the built-in list answers at once, no need to wait
		return
	}
	gen := p.gen
	p.stop = w.svc.After(DetectDelay, func() {
		w.svc.Do(func() {
			if p.gen != gen || w.Address != p {
				return
			}
			if err != nil {
				p.showProblem(s)
				return
			}
			p.detectNow()
		})
	})
}

// showProblem says under the field what is wrong with s, and offers the
// provider's domain for a common typo.
func (p *AddressPage) showProblem(s string) {
	w := p.w
	if strings.TrimSpace(s) == "" {
		return
	}
	if sug, ok := suggestAddress(s); ok {
		p.offer(sug)
	}
	_, err := profiles.ParseAddress(cleanAddress(s))
	if err == nil {
		if _, err = addressComplete(s); err != nil {
			p.Problem.SetText(w.t("address.incomplete", nil))
			p.Problem.Show()
		}
		return
	}
	p.Problem.SetText(w.t("address.bad", map[string]string{"Reason": i18n.Err(w.lang, err)}))
	p.Problem.Show()
}

// offer shows "Did you mean …?" with a button that takes the suggestion.
func (p *AddressPage) offer(addr string) {
	p.Suggest.SetText(p.w.t("address.did-you-mean", map[string]string{"Address": addr}))
	p.Suggest.OnTapped = func() { p.Address.SetText(addr) }
	p.suggestRow.Show()
}

// addressComplete parses s, spaces dropped, and accepts it only when the
// domain has a dot.
func addressComplete(s string) (profiles.Address, error) {
	a, err := profiles.ParseAddress(cleanAddress(s))
	if err != nil {
		return a, err
	}
	if !strings.Contains(strings.Trim(a.Domain, "."), ".") {
		return a, errIncomplete
	}
	return a, nil
}

// cleanAddress drops the spaces a person may type around the @ or copy
// along with an address; an address never holds any.
func cleanAddress(s string) string { return strings.Join(strings.Fields(s), "") }

type incompleteError struct{}

func (incompleteError) Error() string { return "ui: address incomplete" }

var errIncomplete error = incompleteError{}

// detectNow starts detection for the address typed.
func (p *AddressPage) detectNow() {
	w := p.w
	addr, err := profiles.ParseAddress(cleanAddress(p.Address.Text))
	if err != nil {
		p.showProblem(p.Address.Text)
		return
	}
	p.Problem.Hide()
	if sug, ok := suggestAddress(p.Address.Text); ok {
		p.offer(sug)
	}
	if p.stop != nil {
		p.stop()
		p.stop = nil
	}
	if err := w.svc.Preset.CheckAddress(addr); err != nil {
		p.status(w.svc.Preset.WithSupport(w.t("address.foreign", map[string]string{"Org": w.svc.Preset.Organisation().Name, "Domains": strings.Join(w.svc.Preset.DomainNames(), ", ")})))
		w.state.cfg = nil
		w.refreshNav()
		return
	}
	p.gen++
	gen := p.gen
	if cfg, ok := w.svc.Preset.ConfigFor(addr); ok {
		w.cancelWork()
		w.state.addr = addr
		w.state.verified, w.state.skipped, w.state.result = false, false, nil
		p.progress = map[profiles.Source]profiles.Outcome{}
		p.Progress.RemoveAll()
		p.onResult(context.Background(), &discover.Result{Config: cfg}, nil, false)
		return
	}
	ctx := w.startWork()
	w.state.addr = addr
	w.state.cfg, w.state.confirmed, w.state.allowUnconfirmed = nil, false, false
	w.state.manual, w.state.edits, w.state.offline = false, nil, false
	w.state.verified, w.state.skipped, w.state.result = false, false, nil
	p.progress = map[profiles.Source]profiles.Outcome{}
	p.Details.Show()
	p.Details.Open()
	p.Confirm.SetChecked(false)
	p.Result.RemoveAll()
	p.Progress.RemoveAll()
	p.status(w.t("address.searching", map[string]string{"Domain": addr.DomainUnicode}))
	p.Cancel.Show()
	w.refreshNav()
	progress := func(e profiles.TraceEntry) {
		w.svc.Do(func() {
			if p.gen == gen {
				p.onProgress(e)
			}
		})
	}
	w.svc.Go(func() {
		res, err := w.svc.Detect(ctx, addr, progress)
		offline := false
		if ctx.Err() == nil && (err != nil || res == nil || !res.Config.Found()) {
			offline = !w.svc.Online(ctx)
		}
		w.svc.Do(func() {
			if p.gen == gen && w.Address == p {
				p.onResult(ctx, res, err, offline)
			}
		})
	})
}

func (p *AddressPage) onProgress(e profiles.TraceEntry) {
	out := e.Outcome
	if out == "" {
		out = profiles.OutcomeStarted
	}
	p.progress[e.Source] = out
	p.renderProgress()
}

func (p *AddressPage) renderProgress() {
	p.Progress.RemoveAll()
	for _, s := range profiles.AllSources {
		out, ok := p.progress[s]
		if !ok {
			continue
		}
		key := outcomeKeys[out]
		if p.w.state.offline && s != profiles.SourceBuiltin && s != profiles.SourcePreset && (out == profiles.OutcomeNothing || out == profiles.OutcomeError || out == profiles.OutcomeTimeout) {
			key = "outcome.offline" // not "nothing there": nobody could be asked
		}
		line := p.w.t(sourceKeys[s], nil) + ": " + p.w.t(key, nil)
		p.Progress.Add(&widget.Label{Text: "• " + line})
	}
	p.w.relayout()
}

func (p *AddressPage) onResult(ctx context.Context, res *discover.Result, err error, offline bool) {
	w := p.w
	p.Cancel.Hide()
	if ctx.Err() != nil {
		return
	}
	w.cancelWork()
	w.state.offline = offline
	if res != nil {
		w.state.trace = res.Trace
		for _, e := range res.Trace {
			p.progress[e.Source] = e.Outcome
		}
		p.renderProgress()
	}
	if err != nil || res == nil || !res.Config.Found() {
		w.state.cfg = nil
		if w.state.trace == nil {
			w.state.trace = []profiles.TraceEntry{}
		}
		p.showNothing(offline)
		w.refreshNav()
		return
	}
	p.Details.Close()
	cfg := res.Config.Clone()
	cfg.Normalize()
	w.state.cfg = cfg
	w.state.protocol = ""
	p.showConfig()
	w.refreshNav()
}

// showNothing says that nothing was found, telling a computer without a
// connection apart from a domain without published settings, and makes
// setting up by hand the main action.
func (p *AddressPage) showNothing(offline bool) {
	w := p.w
	key := "address.none-manual"
	if offline {
		key = "address.offline"
	}
	p.status(w.t(key, map[string]string{"Domain": w.state.addr.DomainUnicode}))
	p.Manual.Importance = widget.HighImportance
	p.Manual.Refresh()
	p.renderProgress()
}

// setUpByHand opens the server editors, filled with the best guess: the
// servers found (when something was), else imap.<domain> on 993 and
// smtp.<domain> on 465, the login being the address.
func (p *AddressPage) setUpByHand() {
	w := p.w
	addr, err := addressComplete(p.Address.Text)
	if err != nil {
		p.showProblem(p.Address.Text)
		if strings.TrimSpace(p.Address.Text) == "" {
			p.Problem.SetText(w.t("address.need-address", nil))
			p.Problem.Show()
		}
		w.win.Canvas().Focus(p.Address)
		return
	}
	w.cancelWork()
	p.gen++
	p.Cancel.Hide()
	cfg := w.state.cfg
	if cfg == nil || !cfg.Found() {
		cfg = guessConfig(addr)
	} else {
		cfg = cfg.Clone()
	}
	w.state.addr, w.state.cfg, w.state.manual, w.state.edits = addr, cfg, true, nil
	w.state.protocol = ""
	w.state.verified, w.state.skipped, w.state.result = false, false, nil
	w.Settings.reset()
	w.show(StepSettings)
}

// guessConfig is the starting point of a setup by hand: the names most
// mail servers have.
func guessConfig(addr profiles.Address) *profiles.Config {
	in := profiles.Server{Protocol: profiles.IMAP, Host: "imap." + addr.Domain, Port: 993, Security: profiles.SecurityTLS}
	pop := profiles.Server{Protocol: profiles.POP3, Host: "pop." + addr.Domain, Port: 995, Security: profiles.SecurityTLS, Username: addr.String()}
	out := profiles.Server{Protocol: profiles.SMTP, Host: "smtp." + addr.Domain, Port: 465, Security: profiles.SecurityTLS}
	cfg := profiles.ManualConfig(addr, in, out)
	cfg.Incoming = append(cfg.Incoming, pop)
	return cfg
}

// showConfig shows the provider and source of the detected settings.
func (p *AddressPage) showConfig() {
	w := p.w
	cfg := w.state.cfg
	p.Result.RemoveAll()
	if cfg == nil {
		return
	}
	p.Status.Importance = widget.SuccessImportance
	p.Status.TextStyle.Bold = true
	p.Status.SetText(w.t("address.found", map[string]string{"Provider": providerName(cfg)}))
	src := w.t(sourceKeys[cfg.Source], nil)
	p.Result.Add(w.label(w.t("address.source", map[string]string{"Source": src})))
	if cfg.Trust == profiles.TrustConfirm {
		dom := cfg.TrustDomain
		if dom == "" {
			dom = cfg.Domain
		}
		warn := w.label(w.t("address.confirm-why", map[string]string{"Domain": dom, "Source": src}))
		warn.Importance = widget.WarningImportance
		p.Result.Add(warn)
		p.Result.Add(p.Confirm)
	}
}

func providerName(cfg *profiles.Config) string {
	if cfg.Provider.Name != "" {
		return cfg.Provider.Name
	}
	if cfg.DomainUnicode != "" {
		return cfg.DomainUnicode
	}
	return cfg.Domain
}

// status shows an ordinary status line.
func (p *AddressPage) status(text string) {
	p.Status.Importance = widget.MediumImportance
	p.Status.TextStyle.Bold = false
	p.Status.SetText(text)
}
