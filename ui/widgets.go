package ui

import (
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// The window's own controls are Fyne's with three keyboard rules added:
// the focused control scrolls into view, Escape means Back wherever the
// focus is, and a button pressed by Return or Space acts once.

// Field is an entry that scrolls into view when focused and passes Escape
// to the wizard (Fyne gives every key to the focused entry).
type Field struct {
	widget.Entry
	w *Wizard
}

func newField(w *Wizard) *Field {
	f := &Field{w: w}
	f.Wrapping = fyne.TextWrap(fyne.TextTruncateClip)
	f.ExtendBaseWidget(f)
	return f
}

func newPasswordField(w *Wizard) *Field {
	f := newField(w)
	f.Password = true
	return f
}

// FocusGained scrolls the field into view.
func (f *Field) FocusGained() {
	f.Entry.FocusGained()
	f.w.reveal(f)
}

// TypedKey hands Escape to the wizard.
func (f *Field) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape {
		f.w.TypedKey(ev)
		return
	}
	f.Entry.TypedKey(ev)
}

// Choice is a select that scrolls into view when focused and passes Escape
// and Return to the wizard.
type Choice struct {
	widget.Select
	w *Wizard
}

func newChoice(w *Wizard, options []string, changed func(string)) *Choice {
	c := &Choice{w: w}
	c.Options, c.OnChanged = options, changed
	c.PlaceHolder = "" // Fyne's English "(Select one)" is never shown: a choice is always made
	c.ExtendBaseWidget(c)
	return c
}

// FocusGained scrolls the choice into view.
func (c *Choice) FocusGained() {
	c.Select.FocusGained()
	c.w.reveal(c)
}

// TypedKey hands Escape and Return to the wizard.
func (c *Choice) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyEscape, fyne.KeyReturn, fyne.KeyEnter:
		c.w.TypedKey(ev)
		return
	}
	c.Select.TypedKey(ev)
}

// Button is a button with a visible focus ring (also on blue buttons, where
// Fyne's focus tint cannot be seen) that Return and Enter press as Space
// does, and that scrolls into view when focused.
type Button struct {
	widget.Button
	w       *Wizard
	focused bool
}

func newButton(w *Wizard, text string, icon fyne.Resource, tapped func()) *Button {
	b := &Button{w: w}
	b.Text, b.Icon, b.OnTapped = text, icon, tapped
	b.ExtendBaseWidget(b)
	return b
}

func newMainButton(w *Wizard, text string, icon fyne.Resource, tapped func()) *Button {
	b := newButton(w, text, icon, tapped)
	b.Importance = widget.HighImportance
	return b
}

// TypedKey presses the button on Return, Enter and Space, and hands Escape
// to the wizard. The press runs after the key's character was delivered,
// so the Space that presses Next is not typed into the next page.
func (b *Button) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter, fyne.KeySpace:
		if !b.Disabled() {
			b.w.afterKey(func() { b.Tapped(nil) })
		}
	case fyne.KeyEscape:
		b.w.TypedKey(ev)
	}
}

// FocusGained draws the ring and scrolls the button into view.
func (b *Button) FocusGained() {
	b.focused = true
	b.Button.FocusGained()
	b.w.reveal(b)
}

// FocusLost hides the ring.
func (b *Button) FocusLost() {
	b.focused = false
	b.Button.FocusLost()
}

// CreateRenderer adds the focus ring to Fyne's button renderer.
func (b *Button) CreateRenderer() fyne.WidgetRenderer {
	r := b.Button.CreateRenderer()
	ring := canvas.NewRectangle(color.Transparent)
	ring.StrokeWidth = 2
	ring.CornerRadius = theme.Size(theme.SizeNameInputRadius) + 2
	return &ringRenderer{WidgetRenderer: r, ring: ring, b: b}
}

type ringRenderer struct {
	fyne.WidgetRenderer
	ring *canvas.Rectangle
	b    *Button
}

func (r *ringRenderer) Objects() []fyne.CanvasObject {
	return append(r.WidgetRenderer.Objects(), r.ring)
}

func (r *ringRenderer) Layout(s fyne.Size) {
	r.WidgetRenderer.Layout(s)
	r.ring.Move(fyne.NewPos(-3, -3))
	r.ring.Resize(s.AddWidthHeight(6, 6))
}

func (r *ringRenderer) Refresh() {
	r.WidgetRenderer.Refresh()
	r.ring.StrokeColor = color.Transparent
	if r.b.focused {
		r.ring.StrokeColor = r.b.Theme().Color(theme.ColorNameForeground, fyne.CurrentApp().Settings().ThemeVariant())
	}
	r.ring.Refresh()
}

// reveal scrolls the current page so that o is fully visible.
func (w *Wizard) reveal(o fyne.CanvasObject) {
	s, ok := w.page(w.step).content().(*container.Scroll)
	if !ok || w.win == nil || fyne.CurrentApp() == nil {
		return
	}
	scrollTo(s, o)
}

// scrollTo moves s so that o (inside its content) is fully visible.
func scrollTo(s *container.Scroll, o fyne.CanvasObject) {
	d := fyne.CurrentApp().Driver()
	top := d.AbsolutePositionForObject(o).Y - d.AbsolutePositionForObject(s).Y
	h, view := o.Size().Height, s.Size().Height
	pad := theme.Padding() * 2
	off := s.Offset
	switch {
	case top < 0:
		off.Y += top - pad
	case top+h > view:
		off.Y += top + h - view + pad
	default:
		return
	}
	if off.Y < 0 {
		off.Y = 0
	}
	s.ScrollToOffset(off)
}

// afterLayout runs f once the window has drawn the next frame, when the
// parts just shown have their positions (the driver lays them out then).
func (w *Wizard) afterLayout(f func()) {
	w.svc.After(100*time.Millisecond, func() { w.svc.Do(f) })
}

// afterKey runs f once the key event being handled is over, so that the
// character the key also produces reaches the control that had the focus
// when it was pressed, not the one f focuses.
func (w *Wizard) afterKey(f func()) {
	w.svc.After(0, func() { w.svc.Do(f) })
}

// Disclosure is a header button that shows or hides a part of the page.
// Unlike Fyne's Accordion it tells the wizard when it opens, so the page's
// scroll grows to the part's real end (an opened Accordion inside a scroll
// left the fields below its old end unreachable).
type Disclosure struct {
	// Header opens and closes the part.
	Header *Button
	// Box holds the header and, when open, the part.
	Box  *fyne.Container
	part *fyne.Container
	w    *Wizard
	open bool
}

func newDisclosure(w *Wizard, title string, body fyne.CanvasObject) *Disclosure {
	d := &Disclosure{w: w}
	d.Header = newButton(w, title, theme.MenuDropDownIcon(), func() { d.toggle() })
	d.Header.Alignment = widget.ButtonAlignLeading
	d.Header.Importance = widget.LowImportance
	d.part = container.NewPadded(body)
	d.part.Hide()
	d.Box = container.NewVBox(d.Header, d.part)
	return d
}

func (d *Disclosure) toggle() {
	if d.open {
		d.Close()
	} else {
		d.Open()
	}
}

// Open shows the part.
func (d *Disclosure) Open() {
	d.open = true
	d.part.Show()
	d.Header.SetIcon(theme.MenuDropUpIcon())
	d.w.relayout()
}

// Close hides the part.
func (d *Disclosure) Close() {
	d.open = false
	d.part.Hide()
	d.Header.SetIcon(theme.MenuDropDownIcon())
	d.w.relayout()
}

// IsOpen reports whether the part is shown.
func (d *Disclosure) IsOpen() bool { return d.open }

// Show and Hide show or hide the whole disclosure; Visible reports it.
func (d *Disclosure) Show()         { d.Box.Show(); d.w.relayout() }
func (d *Disclosure) Hide()         { d.Box.Hide(); d.w.relayout() }
func (d *Disclosure) Visible() bool { return d.Box.Visible() }

// Tick is a checkbox that passes Escape and Return to the wizard (Fyne's
// checkbox swallows every key), and scrolls into view when focused.
type Tick struct {
	widget.Check
	w *Wizard
}

func newTick(w *Wizard, text string, changed func(bool)) *Tick {
	c := &Tick{w: w}
	c.Text, c.OnChanged = text, changed
	c.ExtendBaseWidget(c)
	return c
}

// TypedKey hands Escape and Return to the wizard.
func (c *Tick) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyEscape, fyne.KeyReturn, fyne.KeyEnter:
		c.w.TypedKey(ev)
		return
	}
	c.Check.TypedKey(ev)
}

// FocusGained scrolls the checkbox into view.
func (c *Tick) FocusGained() {
	c.Check.FocusGained()
	c.w.reveal(c)
}
