package ui

import (
	"context"
	"net/url"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
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
	StepDone
)

// stepCount is the number of steps the window says it has.
const stepCount = int(StepDone) + 1

// Wizard is the window's content: five steps with Back/Next, a language
// menu, and the state the steps share. Every method runs on the UI
// goroutine; background work reports back through Services.Do.
type Wizard struct {
	// Content is what the window shows.
	Content fyne.CanvasObject
	// Back and Next move between steps.
	Back, Next *Button
	// Language picks the window's language.
	Language *widget.Select

	// Address … Guide are the steps' pages, rebuilt when the language changes.
	Address  *AddressPage
	Settings *SettingsPage
	SignIn   *SignInPage
	Export   *ExportPage
	Guide    *GuidePage
	Done     *DonePage

	lang string
	svc  Services
	win  fyne.Window
	step Step
	// OnFinish is called when the last step is done.
	OnFinish func()
	// OnLanguage is called after the user picks another language.
	OnLanguage func(lang string)

	title  *widget.Label
	steps  *widget.Label
	dialog dialog.Dialog // the question on screen, if any
	body   *fyne.Container
	footer *fyne.Container // Back and Next: laid out again when Next's text changes

	// shared state
	state wizardState
}

type wizardState struct {
	addressText string
	name        string
	addr        profiles.Address
	cfg         *profiles.Config // as the user will use it
	trace       []profiles.TraceEntry
	offline     bool // detection found nothing and nothing on the internet answered
	confirmed   bool
	manual      bool                 // the person sets the servers up by hand
	edits       map[Side]*serverEdit // typed into the editors, not yet applied
	protocol    profiles.Protocol
	leaveCopy   bool
	password    string
	// allowUnconfirmed and allowPlaintext are the person's explicit consent
	// to send the password to settings that need confirming (Trust
	// "confirm") and over an unencrypted connection; the check passes them
	// to the verifier.
	allowUnconfirmed, allowPlaintext bool
	caPEM                            map[string][]byte // domain → certificates the person chose to trust
	verified                         bool
	skipped                          bool
	result                           *VerifyResult
	exportDir                        string
	saved                            []savedFile       // every file written, in order
	programs                         []string          // guides of the exported formats
	guideFiles                       map[string]string // guide → file written for it
	cancel                           context.CancelFunc
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
		windows.Store(win, w)
	}
	return w
}

// Lang returns the wizard's language.
func (w *Wizard) Lang() string { return w.lang }

// Step returns the step shown.
func (w *Wizard) Step() Step { return w.step }

func (w *Wizard) t(key string, args any) string {
	s := i18n.T(w.lang, key, args)
	if w.lang == "ja" {
		s = breakable(s)
	}
	return s
}

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
	w.Back = newButton(w, "", nil, w.GoBack)
	w.Next = newMainButton(w, "", nil, w.GoNext)
	w.body = container.NewStack()
	heading := container.NewVBox(w.title, w.steps)
	if org := w.svc.Preset.Organisation(); org.Name != "" {
		heading.Add(&widget.Label{Text: org.Name, Importance: widget.HighImportance})
	}
	header := container.NewBorder(nil, nil, nil, container.NewVBox(w.Language), heading)
	footer := container.NewBorder(nil, nil, w.Back, w.Next)
	w.footer = footer
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
	w.Done = newDonePage(w)
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
	if w.state.cfg == nil && w.state.trace == nil {
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
	case StepDone:
		return w.Done
	}
	return w.Address
}

func (w *Wizard) show(s Step) {
	w.step = s
	p := w.page(s)
	switch s {
	case StepSignIn:
		w.SignIn.refresh()
	case StepExport:
		w.Export.refresh()
	case StepDone:
		w.Done.refresh()
	}
	title := w.t(p.titleKey(), nil)
	w.title.SetText(title)
	w.steps.SetText(w.t("nav.step", map[string]int{"N": int(s) + 1, "Total": stepCount}))
	w.body.Objects = []fyne.CanvasObject{p.content()}
	w.body.Refresh()
	w.refreshNav()
	if w.win != nil {
		// the page that had the focus is gone: its entry must not keep
		// taking Escape and Return
		w.win.Canvas().Unfocus()
		w.win.SetTitle(title + " – " + w.t("app.title", nil))
	}
	w.Focus()
}

// refreshNav updates Back/Next for the current step.
func (w *Wizard) refreshNav() {
	if w.step == StepAddress {
		w.Back.Disable()
	} else {
		w.Back.Enable()
	}
	if w.step == StepDone {
		w.Back.Hide()
	} else {
		w.Back.Show()
	}
	ok, key := w.page(w.step).canNext()
	if text := w.t(key, nil); w.Next.Text != text {
		w.Next.SetText(text)
		if w.footer != nil {
			w.footer.Refresh() // a longer text ("Next step") needs a wider button
		}
	}
	if ok {
		w.Next.Enable()
	} else {
		w.Next.Disable()
	}
	w.relayout()
}

// relayout lays the page out again after parts of it appeared or vanished.
func (w *Wizard) relayout() {
	if w.body == nil || len(w.body.Objects) == 0 {
		return
	}
	// Fyne does not grow a scroll's content when something inside it grew
	// (an opened part, an error line): refresh the page's scroll so it
	// always reaches its real end.
	if s, ok := w.body.Objects[0].(*container.Scroll); ok {
		s.Refresh()
	}
	w.body.Refresh()
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
		if w.Guide.forward() {
			return
		}
		w.show(StepDone)
	case StepDone:
		w.Finish()
	}
}

// Finish ends the wizard (the window closes).
func (w *Wizard) Finish() {
	if w.OnFinish != nil {
		w.OnFinish()
	}
}

// GoBack returns to the previous step, cancelling work in progress.
func (w *Wizard) GoBack() {
	w.cancelWork()
	if w.step == StepSignIn && w.presetConfig() {
		w.show(StepAddress)
		return
	}
	if w.step == StepGuide && w.Guide.back() {
		return
	}
	if w.step > StepAddress {
		w.show(w.step - 1)
	}
}

// TypedKey handles keys the focused widget did not take: Enter = Next,
// Escape = Back. While a dialog is open the keys are the dialog's.
func (w *Wizard) TypedKey(ev *fyne.KeyEvent) {
	if w.dialogOpen() {
		if ev.Name == fyne.KeyEscape && w.dialog != nil {
			w.dialog.Hide()
			w.dialog = nil
			w.Focus()
		}
		return
	}
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
func (w *Wizard) Close() {
	w.cancelWork()
	if w.win != nil {
		windows.Delete(w.win)
	}
}

// ask shows a dialog that needs an explicit choice: yes runs only when the
// person presses the button saying what will happen. Escape cancels;
// Return does nothing, so a risky choice is never made by a stray key.
func (w *Wizard) ask(titleKey, textKey, yesKey string, args map[string]string, yes func()) {
	if w.win == nil {
		return
	}
	text := &widget.Label{Text: w.t(textKey, args), Wrapping: fyne.TextWrapWord}
	d := dialog.NewCustomConfirm(w.t(titleKey, args), w.t(yesKey, nil), w.t("action.cancel", nil),
		container.New(fixedWidth(420), text), func(ok bool) {
			w.dialog = nil
			w.Focus() // back where the person was, not nowhere
			if ok {
				yes()
			}
		}, w.win)
	w.dialog = d
	d.Show()
}

// fixedWidth lays its object out at a width, as tall as its text needs
// there (a wrapping label alone in a dialog would shrink to one word).
type fixedWidth float32

func (f fixedWidth) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Resize(size)
	}
}

func (f fixedWidth) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var h float32
	for _, o := range objs {
		o.Resize(fyne.NewSize(float32(f), o.MinSize().Height))
		h = fyne.Max(h, o.MinSize().Height)
	}
	return fyne.NewSize(float32(f), h)
}

// dialogOpen reports whether a dialog (or another overlay) covers the wizard.
func (w *Wizard) dialogOpen() bool {
	return w.win != nil && w.win.Canvas().Overlays().Top() != nil
}

// openURL opens u in the system's program and says so when that fails
// (no browser, no file manager) instead of doing nothing.
func (w *Wizard) openURL(u *url.URL) error {
	err := w.svc.OpenURL(u)
	if err != nil && w.win != nil {
		dialog.ShowInformation(w.t("open.failed-title", nil), w.t("open.failed", map[string]string{"What": u.String()}), w.win)
	}
	return err
}
