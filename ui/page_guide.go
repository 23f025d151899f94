package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/software"
	"fyne.io/fyne/v2/widget"
)

// GuidePage is step 5: the step-by-step guide for the chosen mail program.
type GuidePage struct {
	w *Wizard
	// Program picks the guide.
	Program *widget.Select
	// Heading and Text show the current guide step; Picture its drawing.
	Heading *widget.Label
	Text    *widget.Label
	Picture *fyne.Container
	// Position says "Step 2 of 6".
	Position *widget.Label

	programs []string
	names    map[string]string
	steps    []GuideStep
	index    int
	box      fyne.CanvasObject
}

func newGuidePage(w *Wizard) *GuidePage {
	p := &GuidePage{w: w, names: map[string]string{}}
	p.Heading = &widget.Label{TextStyle: fyne.TextStyle{Bold: true}, Wrapping: fyne.TextWrapWord}
	p.Text = w.label("")
	p.Picture = container.NewStack()
	p.Position = &widget.Label{}
	p.Program = widget.NewSelect(nil, func(name string) {
		for id, n := range p.names {
			if n == name {
				p.load(id)
			}
		}
	})
	p.box = container.NewBorder(
		container.NewVBox(container.NewBorder(nil, nil, widget.NewLabel(w.t("instructions.program", nil)), nil, p.Program), p.Heading),
		container.NewCenter(p.Position), // the wizard's Back and Next move through the steps
		nil, nil,
		container.NewBorder(p.Text, nil, nil, nil, p.Picture),
	)
	p.reset()
	return p
}

func (p *GuidePage) content() fyne.CanvasObject { return p.box }
func (p *GuidePage) titleKey() string           { return "instructions.title" }
func (p *GuidePage) focus() fyne.Focusable      { return nil }

func (p *GuidePage) canNext() (bool, string) {
	if p.index < len(p.steps)-1 {
		return true, "instructions.next"
	}
	return true, "nav.next"
}

// forward shows the guide's next step and reports whether there was one:
// one navigation (the wizard's Next), not a second one nested inside the
// page (ux.md problem 12).
func (p *GuidePage) forward() bool {
	if p.index >= len(p.steps)-1 {
		return false
	}
	p.show(p.index + 1)
	return true
}

// back shows the guide's previous step and reports whether there was one.
func (p *GuidePage) back() bool {
	if p.index == 0 || len(p.steps) == 0 {
		return false
	}
	p.show(p.index - 1)
	return true
}

// reset offers the guides of the exported formats (or all of them).
func (p *GuidePage) reset() {
	w := p.w
	p.programs = nil
	p.names = map[string]string{}
	seen := map[string]bool{}
	add := func(id string) {
		if id != "" && !seen[id] {
			seen[id] = true
			p.programs = append(p.programs, id)
		}
	}
	for _, id := range w.state.programs {
		add(id)
	}
	// a guide is named after what was saved for it ("Thunderbird on
	// another computer (file)"), not after another format of its program
	saved := map[string]bool{}
	for _, f := range w.state.saved {
		saved[f.Format] = true
	}
	for _, f := range w.svc.Formats() {
		if saved[f.ID] && f.Guide != "" && p.names[f.Guide] == "" {
			p.names[f.Guide] = tr(w.lang, f.Name, f.Name, nil)
		}
	}
	for _, f := range w.svc.Formats() {
		add(f.Guide)
		if f.Guide != "" && p.names[f.Guide] == "" {
			p.names[f.Guide] = tr(w.lang, f.Name, f.Name, nil)
		}
	}
	opts := make([]string, 0, len(p.programs))
	for _, id := range p.programs {
		if p.names[id] == "" {
			p.names[id] = id
		}
		opts = append(opts, p.names[id])
	}
	p.Program.Options = opts
	if len(p.programs) > 0 {
		p.Program.SetSelected(p.names[p.programs[0]])
	} else {
		p.steps = nil
		p.show(0)
	}
}

func (p *GuidePage) load(program string) {
	w := p.w
	req := GuideRequest{Lang: w.lang, Program: program, Config: w.state.cfg, Name: w.state.name}
	if f := w.state.guideFiles[program]; f == installedMark {
		req.Installed = true
	} else {
		req.File = f
	}
	if req.Config == nil {
		p.steps = nil
	} else {
		p.steps = w.svc.Guide(req)
	}
	p.show(0)
}

func (p *GuidePage) show(i int) {
	w := p.w
	if i < 0 {
		i = 0
	}
	if i >= len(p.steps) {
		i = len(p.steps) - 1
	}
	if len(p.steps) == 0 {
		p.index = 0
		p.Heading.SetText("")
		p.Text.SetText(w.t("instructions.none", nil))
		p.Picture.RemoveAll()
		p.Position.SetText("")
		w.refreshNav()
		return
	}
	p.index = i
	s := p.steps[i]
	p.Heading.SetText(w.display(s.Title))
	p.Text.SetText(w.display(s.Text))
	p.Picture.RemoveAll()
	if s.Picture != nil {
		p.Picture.Add(fitPicture(s.Picture))
	}
	p.Position.SetText(w.t("instructions.position", map[string]int{"N": i + 1, "Total": len(p.steps)}))
	if w.step == StepGuide {
		w.refreshNav()
	}
}

// fitPicture draws a guide's picture once and shows it scaled to the room
// the page has, whole and centred: never cut at 640×480, never a stamp in
// the middle of 1280×900.
func fitPicture(o fyne.CanvasObject) fyne.CanvasObject {
	size := o.Size() // the drawing's own size; its MinSize is only its text's
	if size.IsZero() {
		size = o.MinSize()
	}
	c := software.NewCanvas()
	c.SetPadded(false)
	c.SetContent(o)
	c.Resize(size)
	img := canvas.NewImageFromImage(c.Capture())
	img.FillMode = canvas.ImageFillContain
	img.ScaleMode = canvas.ImageScaleSmooth
	img.SetMinSize(fyne.NewSize(160, 120))
	return img
}
