package ui

import (
	"context"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
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
	Name *widget.Entry
	// Address is the e-mail address.
	Address *widget.Entry
	// Status says what detection is doing or found.
	Status *widget.Label
	// Progress lists each discovery source and its outcome.
	Progress *fyne.Container
	// Result shows the provider and where the settings came from.
	Result *fyne.Container
	// Details holds Progress once the search is over.
	Details *widget.Accordion
	// Confirm must be ticked when the settings need confirming.
	Confirm *widget.Check
	// Cancel stops a running detection.
	Cancel *widget.Button

	box      fyne.CanvasObject
	stop     func()
	gen      int
	progress map[profiles.Source]profiles.Outcome
}

func newAddressPage(w *Wizard) *AddressPage {
	p := &AddressPage{w: w, progress: map[profiles.Source]profiles.Outcome{}}
	p.Name = &widget.Entry{PlaceHolder: w.t("address.name-hint", nil), Text: w.state.name}
	p.Name.OnChanged = func(s string) { w.state.name = s }
	p.Name.OnSubmitted = func(string) { w.GoNext() }
	p.Address = &widget.Entry{PlaceHolder: "ivan@yandex.ru", Text: w.state.addressText}
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
	p.Details = widget.NewAccordion(widget.NewAccordionItem(w.t("address.details", nil), p.Progress))
	p.Details.Open(0)
	p.Result = container.NewVBox()
	p.Confirm = widget.NewCheck(w.t("address.confirm", nil), func(b bool) {
		w.state.confirmed = b
		w.refreshNav()
	})
	p.Confirm.Checked = w.state.confirmed
	p.Cancel = widget.NewButton(w.t("action.cancel", nil), func() {
		w.cancelWork()
		p.gen++
		p.Cancel.Hide()
		p.status(w.t("address.cancelled", nil))
	})
	p.Cancel.Hide()
	form := widget.NewForm(
		widget.NewFormItem(w.t("address.address", nil), p.Address),
		widget.NewFormItem(w.t("address.name", nil), p.Name),
	)
	intro := w.label(w.t("address.intro", nil))
	p.box = container.NewVScroll(container.NewVBox(intro, form,
		container.NewBorder(nil, nil, nil, p.Cancel, p.Status), p.Result, p.Details))
	p.showConfig()
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
	if _, err := addressComplete(s); err != nil {
		if w.state.cfg != nil {
			w.state.cfg, w.state.detected = nil, nil
			p.Result.RemoveAll()
			p.Progress.RemoveAll()
			w.refreshNav()
		}
		p.status("")
		return
	}
	gen := p.gen + 1
	p.stop = w.svc.After(DetectDelay, func() {
		w.svc.Do(func() {
			if p.gen < gen && w.Address == p {
				p.detectNow()
			}
		})
	})
}

// addressComplete parses s and accepts it only when the domain has a dot.
func addressComplete(s string) (profiles.Address, error) {
	a, err := profiles.ParseAddress(s)
	if err != nil {
		return a, err
	}
	if !strings.Contains(strings.Trim(a.Domain, "."), ".") {
		return a, errIncomplete
	}
	return a, nil
}

type incompleteError struct{}

func (incompleteError) Error() string { return "ui: address incomplete" }

var errIncomplete error = incompleteError{}

// detectNow starts detection for the address typed.
func (p *AddressPage) detectNow() {
	w := p.w
	addr, err := profiles.ParseAddress(p.Address.Text)
	if err != nil {
		p.status(w.t("address.bad", map[string]string{"Reason": i18n.Err(w.lang, err)}))
		return
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
		p.onResult(context.Background(), &discover.Result{Config: cfg}, nil)
		return
	}
	ctx := w.startWork()
	w.state.addr = addr
	w.state.cfg, w.state.detected, w.state.confirmed = nil, nil, false
	w.state.verified, w.state.skipped, w.state.result = false, false, nil
	p.progress = map[profiles.Source]profiles.Outcome{}
	p.Details.Open(0)
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
		w.svc.Do(func() {
			if p.gen == gen && w.Address == p {
				p.onResult(ctx, res, err)
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
		line := p.w.t(sourceKeys[s], nil) + ": " + p.w.t(outcomeKeys[out], nil)
		p.Progress.Add(&widget.Label{Text: "• " + line})
	}
	p.w.relayout()
}

func (p *AddressPage) onResult(ctx context.Context, res *discover.Result, err error) {
	w := p.w
	p.Cancel.Hide()
	if ctx.Err() != nil {
		return
	}
	w.cancelWork()
	if res != nil {
		w.state.trace = res.Trace
		for _, e := range res.Trace {
			p.progress[e.Source] = e.Outcome
		}
		p.renderProgress()
	}
	if err != nil || res == nil || !res.Config.Found() {
		w.state.cfg = nil
		p.status(w.t("address.none", map[string]string{"Domain": w.state.addr.DomainUnicode}))
		w.refreshNav()
		return
	}
	p.Details.Close(0)
	cfg := res.Config.Clone()
	cfg.Normalize()
	w.state.detected = res.Config
	w.state.cfg = cfg
	w.state.protocol = ""
	p.showConfig()
	w.refreshNav()
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
