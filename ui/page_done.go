package ui

import (
	"path/filepath"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// DonePage is the last step: what was checked, each file saved with "Open"
// and "Show in folder", what to do next in each mail program, and "Set up
// another program"; the wizard's Next says Finish.
type DonePage struct {
	w *Wizard
	// Checked says whether the sign-in was checked.
	Checked *widget.Label
	// Files lists the files saved, each with its buttons.
	Files *fyne.Container
	// NextSteps says what to do in each mail program.
	NextSteps *fyne.Container
	// Another goes back to the export step for another program.
	Another *Button
	// Problem says that opening a file or folder failed.
	Problem *widget.Label
	box     *container.Scroll
}

func newDonePage(w *Wizard) *DonePage {
	p := &DonePage{w: w, Files: container.NewVBox(), NextSteps: container.NewVBox()}
	p.Checked = &widget.Label{Wrapping: fyne.TextWrapWord, TextStyle: fyne.TextStyle{Bold: true}}
	p.Problem = w.label("")
	p.Problem.Importance = widget.DangerImportance
	p.Problem.Hide()
	p.Another = newButton(w, w.t("done.another", nil), theme.ContentAddIcon(), func() { w.show(StepExport) })
	p.box = container.NewVScroll(container.NewVBox(p.Checked, p.Files, p.Problem, p.NextSteps, container.NewHBox(p.Another)))
	return p
}

func (p *DonePage) content() fyne.CanvasObject { return p.box }
func (p *DonePage) titleKey() string           { return "done.title" }
func (p *DonePage) focus() fyne.Focusable      { return nil }
func (p *DonePage) canNext() (bool, string)    { return true, "nav.finish" }

// refresh shows the state as it is now.
func (p *DonePage) refresh() {
	w := p.w
	switch {
	case w.state.verified:
		p.Checked.SetText("✓ " + w.t("done.checked", nil))
		p.Checked.Importance = widget.SuccessImportance
	default:
		p.Checked.SetText(w.t("done.not-checked", nil))
		p.Checked.Importance = widget.WarningImportance
	}
	p.Checked.Refresh()
	p.Files.RemoveAll()
	if len(w.state.saved) == 0 {
		p.Files.Add(w.label(w.t("done.no-files", nil)))
	}
	for _, f := range w.state.saved {
		p.Files.Add(p.fileRow(f))
	}
	p.NextSteps.RemoveAll()
	seen := map[string]bool{}
	for _, f := range w.state.saved {
		key := doneNextKeys[f.Format]
		if key == "" || seen[key] {
			continue
		}
		seen[key] = true
		p.NextSteps.Add(w.label("• " + w.t(key, nil)))
	}
	if len(p.NextSteps.Objects) > 0 {
		p.NextSteps.Objects = append([]fyne.CanvasObject{&widget.Label{Text: w.t("done.next-title", nil), TextStyle: fyne.TextStyle{Bold: true}}}, p.NextSteps.Objects...)
	}
}

// fileRow is one saved file with Open and Show in folder, or the account
// added to Thunderbird.
func (p *DonePage) fileRow(f savedFile) fyne.CanvasObject {
	w := p.w
	if f.Installed {
		return w.label("✓ " + w.t("done.installed", map[string]string{"Profile": filepath.Dir(f.Path)}))
	}
	name := w.label(filepath.Base(f.Path) + "\n" + filepath.Dir(f.Path))
	open := newButton(w, w.t("done.open", nil), theme.FileIcon(), func() { p.report(w.openURL(folderURL(f.Path))) })
	show := newButton(w, w.t("done.show", nil), theme.FolderOpenIcon(), func() { p.report(w.svc.ShowInFolder(f.Path)) })
	buttons := container.NewHBox(open, show)
	if f.Format == "prf" && w.svc.ImportOutlook != nil {
		buttons.Add(newMainButton(w, w.t("done.import-outlook", nil), theme.MailComposeIcon(), func() { p.report(w.svc.ImportOutlook(f.Path)) }))
	}
	return container.NewVBox(name, buttons)
}

func (p *DonePage) report(err error) {
	if err == nil {
		p.Problem.Hide()
		return
	}
	p.Problem.SetText(p.w.t("done.open-failed", nil))
	p.Problem.Show()
}

// doneNextKeys say what to do next with each format's file.
var doneNextKeys = map[string]string{
	"mobileconfig":    "done.next.mobileconfig",
	"prf":             "done.next.prf",
	"thunderbird-zip": "done.next.thunderbird-zip",
	"k9":              "done.next.k9",
	"qr":              "done.next.qr",
	"autoconfig":      "done.next.autoconfig",
}

// windows maps each window to its wizard, for dialogs that Services
// builds from a window alone (the folder chooser's texts).
var windows sync.Map

func wizardOf(win fyne.Window) *Wizard {
	if v, ok := windows.Load(win); ok {
		return v.(*Wizard)
	}
	return nil
}
