package ui

import (
	"image/color"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// walk calls f for o and everything drawn inside it, widgets' parts included.
func walk(o fyne.CanvasObject, f func(fyne.CanvasObject)) {
	if o == nil {
		return
	}
	f(o)
	switch v := o.(type) {
	case *fyne.Container:
		for _, c := range v.Objects {
			walk(c, f)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(v).Objects() {
			walk(c, f)
		}
	}
}

// overlayButton finds the button labelled text in the top dialog.
func overlayButton(t *testing.T, h *harness, text string) *widget.Button {
	t.Helper()
	top := h.win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatalf("no dialog open, looking for %q", text)
	}
	var found *widget.Button
	walk(top, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == text && found == nil {
			found = b
		}
	})
	if found == nil {
		t.Fatalf("dialog has no button %q", text)
	}
	return found
}

// overlayText joins every text drawn in the top dialog.
func overlayText(h *harness) string {
	var b strings.Builder
	walk(h.win.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		if t, ok := o.(*canvas.Text); ok {
			b.WriteString(t.Text + " ")
		}
	})
	return b.String()
}

// queueAfter makes the harness's After keep its functions until run.
func queueAfter(h *harness) (run func()) {
	var queued []func()
	h.wiz.svc.After = func(_ time.Duration, f func()) func() { queued = append(queued, f); return func() {} }
	return func() {
		for len(queued) > 0 {
			f := queued[0]
			queued = queued[1:]
			f()
		}
	}
}

// press sends a key press as the window does: the key to the focused
// control, then the character it types to whatever has the focus then.
func press(h *harness, name fyne.KeyName, r rune) {
	c := h.win.Canvas()
	ev := &fyne.KeyEvent{Name: name}
	if f := c.Focused(); f != nil {
		f.TypedKey(ev)
	} else {
		h.wiz.TypedKey(ev)
	}
	if r != 0 {
		if f := c.Focused(); f != nil {
			f.TypedRune(r)
		}
	}
}

func TestSpaceOnNextIsNotTypedIntoThePassword(t *testing.T) {
	h := newHarness(t, "en", okVerify)
	h.typeAddress("ivan@yandex.ru")
	h.wiz.GoNext()
	h.mustStep(StepSettings)
	run := queueAfter(h)
	h.win.Canvas().Focus(h.wiz.Next)
	press(h, fyne.KeySpace, ' ')
	run()
	h.mustStep(StepSignIn)
	if got := h.wiz.SignIn.Password.Text; got != "" {
		t.Fatalf("the Space that pressed Next was typed into the password: %q", got)
	}
	if h.win.Canvas().Focused() != h.wiz.SignIn.Password {
		t.Fatal("the password field did not get the focus")
	}
}

func TestEnterPressesTheFocusedButton(t *testing.T) {
	h := newHarness(t, "en", okVerify)
	h.typeAddress("ivan@yandex.ru")
	h.wiz.GoNext()
	h.mustStep(StepSettings)
	h.win.Canvas().Focus(h.wiz.Back)
	press(h, fyne.KeyReturn, 0)
	h.mustStep(StepAddress) // Back, not the default Next
}

func TestEscapeFromAFocusedFieldGoesBack(t *testing.T) {
	h := newHarness(t, "en", okVerify)
	h.typeAddress("ivan@yandex.ru")
	press(h, fyne.KeyReturn, 0)
	h.mustStep(StepSettings)
	h.wiz.Settings.Advanced.Open()
	h.win.Canvas().Focus(h.wiz.Settings.In.Host)
	press(h, fyne.KeyEscape, 0)
	h.mustStep(StepAddress)
	if f := h.win.Canvas().Focused(); f != nil && f != fyne.Focusable(h.wiz.Address.Address) {
		t.Fatalf("focus stayed on a control of the page left: %T", f)
	}
}

func TestEnterMovesFocusOffTheOldPage(t *testing.T) {
	h := newHarness(t, "en", okVerify)
	h.typeAddress("ivan@yandex.ru")
	h.win.Canvas().Focus(h.wiz.Address.Name)
	h.wiz.Address.Name.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	h.mustStep(StepSettings)
	if h.win.Canvas().Focused() == h.wiz.Address.Name {
		t.Fatal("the hidden name field keeps the focus and would swallow Esc and Enter")
	}
	press(h, fyne.KeyEscape, 0)
	h.mustStep(StepAddress)
}

func TestDialogBlocksWizardShortcuts(t *testing.T) {
	h := newHarness(t, "en", okVerify)
	h.typeAddress("ivan@yandex.ru")
	h.wiz.GoNext()
	h.mustStep(StepSettings)
	said := false
	h.wiz.ask("export.replace-title", "export.replace", "export.replace-yes", map[string]string{"Files": "x"}, func() { said = true })
	h.wiz.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	h.mustStep(StepSettings) // Return moved nothing behind the dialog
	if said || h.win.Canvas().Overlays().Top() == nil {
		t.Fatal("Return answered the question")
	}
	h.wiz.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	h.mustStep(StepSettings)
	if said || h.win.Canvas().Overlays().Top() != nil {
		t.Fatal("Escape did not cancel the dialog")
	}
}

func TestFocusRingVisibleOnBlueButtons(t *testing.T) {
	h := newHarness(t, "en", okVerify)
	fyne.CurrentApp().Settings().SetTheme(NewTheme("en").ForceVariant(theme.VariantLight))
	h.typeAddress("ivan@yandex.ru")
	b := h.wiz.Next
	if b.Importance != widget.HighImportance {
		t.Fatal("Next is not the blue main button")
	}
	ring := func() color.Color {
		var c color.Color = color.Transparent
		walk(b, func(o fyne.CanvasObject) {
			if r, ok := o.(*canvas.Rectangle); ok && r.StrokeWidth == 2 && r.Position().X < 0 {
				c = r.StrokeColor
			}
		})
		return c
	}
	if _, _, _, a := ring().RGBA(); a != 0 {
		t.Fatal("ring drawn without focus")
	}
	h.win.Canvas().Focus(b)
	th := fyne.CurrentApp().Settings().Theme()
	bg := th.Color(theme.ColorNameBackground, theme.VariantLight)
	if got := contrast(ring(), bg); got < 3 {
		t.Fatalf("focus ring contrast %.2f:1 against the background", got)
	}
}

func TestEnterInAServerFieldIsNext(t *testing.T) {
	h := newHarness(t, "en", okVerify)
	h.typeAddress("ivan@yandex.ru")
	h.wiz.GoNext()
	h.wiz.Settings.Advanced.Open()
	h.win.Canvas().Focus(h.wiz.Settings.Out.Username)
	press(h, fyne.KeyReturn, 0)
	h.mustStep(StepSignIn)
}

// TestEscapeFromACheckboxGoesBack: the export step opens with its first
// checkbox focused; Escape there still means Back.
func TestEscapeFromACheckboxGoesBack(t *testing.T) {
	h := newHarness(t, "en", okVerify)
	h.typeAddress("ivan@yandex.ru")
	h.wiz.GoNext()
	h.wiz.GoNext()
	test.Type(h.wiz.SignIn.Password, "pw")
	h.wiz.GoNext()
	h.wiz.GoNext()
	h.mustStep(StepExport)
	if h.win.Canvas().Focused() == nil {
		t.Fatal("nothing focused on the export step")
	}
	press(h, fyne.KeyEscape, 0)
	h.mustStep(StepSignIn)
}
