package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"mailsetup/assets/i18n"
	"mailsetup/preset"
	"mailsetup/profiles"
)

// Step numbers the wizard's pages.
type Step int

// The wizard's pages, in order.
const (
	StepAddress Step = iota
	StepSettings
	StepSignIn
	StepExport
	StepGuide
)

// Wizard is the window's content: five steps with Back/Next, a language
// menu, and the state the steps share. Every method runs on the UI
// goroutine; background work reports back through Services.Do.
type Wizard struct {
	// Content is what the window shows.
	Content fyne.CanvasObject
	// Back and Next move between steps.
	Back, Next *widget.Button
	// Language picks the window's language.
	Language *widget.Select

	// Address … Guide are the steps' pages, rebuilt when the language changes.
	Address  *AddressPage
	Settings *SettingsPage
	SignIn   *SignInPage
	Export   *ExportPage
	Guide    *GuidePage

	lang string
	svc  Services
	win  fyne.Window
	step Step
	// OnFinish is called when the last step is done.
	OnFinish func()
	// OnLanguage is called after the user picks another language.
	OnLanguage func(lang string)

	title *widget.Label
	steps *widget.Label
	body  *fyne.Container

	// shared state
	state wizardState
}

type wizardState struct {
	addressText string
	name        string
	addr        profiles.Address
	detected    *profiles.Config // as discovery found it
	cfg         *profiles.Config // as the user will use it
	trace       []profiles.TraceEntry
	confirmed   bool
	protocol    profiles.Protocol
	leaveCopy   bool
	password    string
	verified    bool
	skipped     bool
	result      *VerifyResult
	exported    []string
	exportDir   string
	programs    []string          // guides of the exported formats
	guideFiles  map[string]string // guide → file written for it
	cancel      context.CancelFunc
}

// NewWizard builds the wizard in lang. win may be nil (tests); it is used
// for dialogs and keyboard shortcuts.
func NewWizard(lang string, svc Services, win fyne.Window) *Wizard {
	svc.fill()
	if !i18n.Supported(lang) {
		lang = i18n.Fallback
	}
	w := &Wizard{lang: lang, svc: svc, win: win}
	w.state.leaveCopy = true
	w.build()
	if win != nil {
		win.Canvas().SetOnTypedKey(w.TypedKey)
	}
	return w
}

// Lang returns the wizard's language.
func (w *Wizard) Lang() string { return w.lang }

// Step returns the step shown.
func (w *Wizard) Step() Step { return w.step }

func (w *Wizard) t(key string, args any) string { return i18n.T(w.lang, key, args) }

func (w *Wizard) build() {
	w.title = &widget.Label{TextStyle: fyne.TextStyle{Bold: true}, Truncation: fyne.TextTruncateEllipsis}
	w.steps = &widget.Label{}
	names := make([]string, len(i18n.Languages))
	for i, l := range i18n.Languages {
		names[i] = i18n.Names[l]
	}
	w.Language = widget.NewSelect(names, nil)
	w.Language.SetSelected(i18n.Names[w.lang])
	w.Language.OnChanged = func(name string) {
		for _, l := range i18n.Languages {
			if i18n.Names[l] == name && l != w.lang {
				w.SetLanguage(l)
				if w.OnLanguage != nil {
					w.OnLanguage(l)
				}
			}
		}
	}
	if w.svc.Preset.Locked(preset.FieldLanguage) {
		w.Language.Hide()
	}
	w.Back = &widget.Button{Icon: nil, OnTapped: w.GoBack}
	w.Next = &widget.Button{Importance: widget.HighImportance, OnTapped: w.GoNext}
	w.body = container.NewStack()
	heading := container.NewVBox(w.title, w.steps)
	if org := w.svc.Preset.Organisation(); org.Name != "" {
		heading.Add(&widget.Label{Text: org.Name, Importance: widget.HighImportance})
	}
	header := container.NewBorder(nil, nil, nil, container.NewVBox(w.Language), heading)
	footer := container.NewBorder(nil, nil, w.Back, w.Next)
	w.Content = container.NewBorder(
		container.NewVBox(header, widget.NewSeparator()),
		container.NewVBox(widget.NewSeparator(), footer),
		nil, nil,
		container.NewPadded(w.body),
	)
	w.rebuildPages()
	w.show(w.step)
}

// rebuildPages makes every page afresh in the current language from state.
func (w *Wizard) rebuildPages() {
	w.Back.SetText(w.t("nav.back", nil))
	w.Address = newAddressPage(w)
	w.Settings = newSettingsPage(w)
	w.SignIn = newSignInPage(w)
	w.Export = newExportPage(w)
	w.Guide = newGuidePage(w)
}

// SetLanguage switches every text to lang, keeping what was typed.
func (w *Wizard) SetLanguage(lang string) {
	if !i18n.Supported(lang) || lang == w.lang {
		return
	}
	w.cancelWork()
	w.lang = lang
	if w.Language.Selected != i18n.Names[lang] {
		w.Language.SetSelected(i18n.Names[lang])
	}
	w.rebuildPages()
	w.show(w.step)
	if w.state.cfg == nil {
		if _, err := addressComplete(w.state.addressText); err == nil {
			w.Address.detectNow()
		}
	}
	if w.win != nil {
		w.win.SetTitle(w.t("app.title", nil))
	}
}

type page interface {
	content() fyne.CanvasObject
	titleKey() string
	// canNext reports whether Next is allowed and the Next button's text key.
	canNext() (bool, string)
	// focus returns the widget to focus when the page opens, or nil.
	focus() fyne.Focusable
}

func (w *Wizard) page(s Step) page {
	switch s {
	case StepSettings:
		return w.Settings
	case StepSignIn:
		return w.SignIn
	case StepExport:
		return w.Export
	case StepGuide:
		return w.Guide
	}
	return w.Address
}

func (w *Wizard) show(s Step) {
	w.step = s
	p := w.page(s)
	if s == StepExport {
		w.Export.refresh()
	}
	w.title.SetText(w.t(p.titleKey(), nil))
	w.steps.SetText(w.t("nav.step", map[string]int{"N": int(s) + 1, "Total": 5}))
	w.body.Objects = []fyne.CanvasObject{p.content()}
	w.body.Refresh()
	w.refreshNav()
	w.Focus()
}

// refreshNav updates Back/Next for the current step.
func (w *Wizard) refreshNav() {
	if w.step == StepAddress {
		w.Back.Disable()
	} else {
		w.Back.Enable()
	}
	ok, key := w.page(w.step).canNext()
	w.Next.SetText(w.t(key, nil))
	if ok {
		w.Next.Enable()
	} else {
		w.Next.Disable()
	}
	w.relayout()
}

// relayout lays the page out again after parts of it appeared or vanished.
func (w *Wizard) relayout() {
	if w.body != nil && len(w.body.Objects) > 0 {
		w.body.Refresh()
	}
}

// presetConfig reports whether the settings come from the organisation preset.
func (w *Wizard) presetConfig() bool {
	return w.state.cfg != nil && w.state.cfg.Source == profiles.SourcePreset
}

// Focus puts the keyboard focus in the current step's first field.
func (w *Wizard) Focus() {
	if f := w.page(w.step).focus(); f != nil && w.win != nil && w.win.Content() == w.Content {
		w.win.Canvas().Focus(f)
	}
}

// GoNext moves to the next step when the current one allows it.
func (w *Wizard) GoNext() {
	ok, _ := w.page(w.step).canNext()
	if !ok {
		return
	}
	switch w.step {
	case StepAddress:
		w.Settings.reset()
		if w.presetConfig() {
			w.show(StepSignIn) // the organisation's servers: nothing to choose
			return
		}
		w.show(StepSettings)
	case StepSettings:
		if !w.Settings.apply() {
			return
		}
		w.show(StepSignIn)
	case StepSignIn:
		if !w.state.verified && !w.state.skipped {
			w.SignIn.Check()
			return
		}
		w.show(StepExport)
	case StepExport:
		w.Guide.reset()
		w.show(StepGuide)
	case StepGuide:
		w.Guide.nextOrFinish()
	}
}

// GoBack returns to the previous step, cancelling work in progress.
func (w *Wizard) GoBack() {
	w.cancelWork()
	if w.step == StepSignIn && w.presetConfig() {
		w.show(StepAddress)
		return
	}
	if w.step > StepAddress {
		w.show(w.step - 1)
	}
}

// TypedKey handles keys the focused widget did not take: Enter = Next,
// Escape = Back.
func (w *Wizard) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		if !w.Next.Disabled() {
			w.GoNext()
		}
	case fyne.KeyEscape:
		if w.state.cancel != nil {
			w.cancelWork()
			return
		}
		w.GoBack()
	}
}

func (w *Wizard) cancelWork() {
	if w.state.cancel != nil {
		w.state.cancel()
		w.state.cancel = nil
	}
}

// startWork cancels any running work and returns a new context for it.
func (w *Wizard) startWork() context.Context {
	w.cancelWork()
	ctx, cancel := context.WithCancel(context.Background())
	w.state.cancel = cancel
	return ctx
}

// Close cancels running work; call it when the window closes.
func (w *Wizard) Close() { w.cancelWork() }

// label makes a wrapping label. Japanese has no spaces between words, so
// its lines break between characters.
func (w *Wizard) label(text string) *widget.Label {
	wrap := fyne.TextWrapWord
	if w.lang == "ja" {
		wrap = fyne.TextWrapBreak
	}
	return &widget.Label{Text: text, Wrapping: wrap}
}
