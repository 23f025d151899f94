package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// GuidePage is step 5: the step-by-step guide for the chosen mail program.
type GuidePage struct {
	w *Wizard
	// Program picks the guide.
	Program *widget.Select
	// Heading and Text show the current guide step; Image its picture.
	Heading *widget.Label
	Text    *widget.Label
	Image   *canvas.Image
	// Prev and NextStep move inside the guide.
	Prev, NextStep *widget.Button
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
	p.Image = &canvas.Image{FillMode: canvas.ImageFillContain}
	p.Image.SetMinSize(fyne.NewSize(360, 220))
	p.Position = &widget.Label{Importance: widget.LowImportance}
	p.Prev = widget.NewButton(w.t("guide.prev", nil), func() { p.show(p.index - 1) })
	p.NextStep = widget.NewButton(w.t("guide.next", nil), func() { p.show(p.index + 1) })
	p.Program = widget.NewSelect(nil, func(name string) {
		for id, n := range p.names {
			if n == name {
				p.load(id)
			}
		}
	})
	p.box = container.NewBorder(
		container.NewVBox(container.NewBorder(nil, nil, widget.NewLabel(w.t("guide.program", nil)), nil, p.Program), p.Heading),
		container.NewBorder(nil, nil, p.Prev, p.NextStep, container.NewCenter(p.Position)),
		nil, nil,
		container.NewVScroll(container.NewVBox(p.Text, p.Image)),
	)
	p.reset()
	return p
}

func (p *GuidePage) content() fyne.CanvasObject { return p.box }
func (p *GuidePage) titleKey() string           { return "guide.title" }
func (p *GuidePage) focus() fyne.Focusable      { return nil }

func (p *GuidePage) canNext() (bool, string) {
	if len(p.steps) == 0 || p.index >= len(p.steps)-1 {
		return true, "nav.finish"
	}
	return true, "nav.next"
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
	p.steps = p.w.svc.Guide(p.w.lang, program, p.w.state.cfg)
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
		p.Text.SetText(w.t("guide.none", nil))
		p.Image.Resource = nil
		p.Image.Hide()
		p.Position.SetText("")
		p.Prev.Disable()
		p.NextStep.Disable()
		w.refreshNav()
		return
	}
	p.index = i
	s := p.steps[i]
	p.Heading.SetText(displayText(s.Title))
	p.Text.SetText(displayText(s.Text))
	if s.Image != nil {
		p.Image.Resource = s.Image
		p.Image.Show()
		p.Image.Refresh()
	} else {
		p.Image.Hide()
	}
	p.Position.SetText(w.t("guide.position", map[string]int{"N": i + 1, "Total": len(p.steps)}))
	if i == 0 {
		p.Prev.Disable()
	} else {
		p.Prev.Enable()
	}
	if i == len(p.steps)-1 {
		p.NextStep.Disable()
	} else {
		p.NextStep.Enable()
	}
	if w.step == StepGuide {
		w.refreshNav()
	}
}

// nextOrFinish goes to the next guide step, or closes the window on the last.
func (p *GuidePage) nextOrFinish() {
	if p.index < len(p.steps)-1 {
		p.show(p.index + 1)
		return
	}
	if p.w.OnFinish != nil {
		p.w.OnFinish()
	}
}
