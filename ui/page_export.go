package ui

import (
	"net/url"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"mailsetup/assets/i18n"
	"mailsetup/preset"
)

// tr translates key with args when the catalog has it, else fills the
// English fallback.
func tr(lang, key, fallback string, args map[string]string) string {
	return i18n.TOr(lang, key, fallback, args)
}

// ExportPage is step 4: which mail programs, whether to include the
// password, where to save, and "Open folder" afterwards.
type ExportPage struct {
	w *Wizard
	// Formats has one checkbox per format, by format ID.
	Formats map[string]*widget.Check
	// IncludePassword puts the password in the files (off by default).
	IncludePassword *widget.Check
	// PasswordWarning explains the risk, shown when IncludePassword is on.
	PasswordWarning *widget.Label
	// NotVerified warns that the login was not checked.
	NotVerified *widget.Label
	// Save asks for a folder and writes the files.
	Save *widget.Button
	// OpenFolder opens the folder written to.
	OpenFolder *widget.Button
	// Status lists the files written or the error.
	Status *widget.Label

	formats  []ExportFormat
	selected map[string]bool
	box      fyne.CanvasObject
}

func newExportPage(w *Wizard) *ExportPage {
	p := &ExportPage{w: w, Formats: map[string]*widget.Check{}, selected: map[string]bool{}}
	p.formats = offeredFormats(w.svc.Formats(), w.svc.Preset)
	pre := w.svc.Preset.Formats()
	list := container.NewVBox()
	for i, f := range p.formats {
		id := f.ID
		c := widget.NewCheck(tr(w.lang, f.Name, f.Name, nil), func(b bool) {
			p.selected[id] = b
			p.refresh()
		})
		if (pre == nil && i == 0) || (pre != nil && w.svc.Preset.OffersFormat(id)) {
			c.Checked = true
			p.selected[id] = true
		}
		p.Formats[id] = c
		list.Add(c)
	}
	if len(p.formats) == 0 {
		list.Add(w.label(w.t("export.unavailable", nil)))
	}
	p.PasswordWarning = w.label(w.t("export.password-warning", nil))
	p.PasswordWarning.Importance = widget.WarningImportance
	p.PasswordWarning.Hide()
	p.IncludePassword = widget.NewCheck(w.t("export.include-password", nil), func(b bool) {
		if b {
			p.PasswordWarning.Show()
		} else {
			p.PasswordWarning.Hide()
		}
	})
	p.NotVerified = w.label(w.t("export.not-verified", nil))
	p.NotVerified.Importance = widget.WarningImportance
	p.Save = &widget.Button{Text: w.t("export.save", nil), Icon: theme.DocumentSaveIcon(), Importance: widget.HighImportance, OnTapped: p.chooseFolder}
	p.OpenFolder = widget.NewButtonWithIcon(w.t("export.open-folder", nil), theme.FolderOpenIcon(), func() {
		if w.state.exportDir != "" {
			_ = w.svc.OpenURL(folderURL(w.state.exportDir))
		}
	})
	p.OpenFolder.Hide()
	p.Status = w.label("")
	p.box = container.NewVScroll(container.NewVBox(
		w.label(w.t("export.intro", nil)), list, p.NotVerified,
		p.IncludePassword, p.PasswordWarning, container.NewHBox(p.Save, p.OpenFolder), p.Status))
	p.refresh()
	return p
}

// installedMark in wizardState.guideFiles means "added to the program".
const installedMark = "\x00installed"

// folderURL is the file:// address of a folder, for OpenURL.
func folderURL(dir string) *url.URL {
	return &url.URL{Scheme: "file", Path: filepath.ToSlash(dir)}
}

func (p *ExportPage) content() fyne.CanvasObject { return p.box }
func (p *ExportPage) titleKey() string           { return "export.title" }
func (p *ExportPage) focus() fyne.Focusable      { return nil }

func (p *ExportPage) canNext() (bool, string) { return true, "nav.next" }

func (p *ExportPage) refresh() {
	w := p.w
	if w.state.verified {
		p.NotVerified.Hide()
	} else {
		p.NotVerified.Show()
	}
	if len(p.chosen()) == 0 {
		p.Save.Disable()
	} else {
		p.Save.Enable()
	}
}

func (p *ExportPage) chosen() []ExportFormat {
	var out []ExportFormat
	for _, f := range p.formats {
		if p.selected[f.ID] {
			out = append(out, f)
		}
	}
	return out
}

func (p *ExportPage) chooseFolder() {
	p.w.svc.ChooseFolder(p.w.win, func(dir string) {
		if dir != "" {
			p.SaveTo(dir)
		}
	})
}

// chooseFolderDialog is the default folder chooser: Fyne's folder dialog,
// which is the platform's own where Fyne supports one (the XDG portal).
func chooseFolderDialog(win fyne.Window, done func(string)) {
	if win == nil {
		done("")
		return
	}
	dialog.ShowFolderOpen(func(u fyne.ListableURI, err error) {
		if err != nil || u == nil {
			done("")
			return
		}
		done(u.Path())
	}, win)
}

// SaveTo writes every chosen format into dir in the background.
func (p *ExportPage) SaveTo(dir string) {
	w := p.w
	formats := p.chosen()
	if len(formats) == 0 {
		return
	}
	ctx := w.startWork()
	req := ExportRequest{
		Config: w.state.cfg.Clone(), Dir: dir, Name: w.state.name,
		Verified: w.state.verified, LeaveCopy: w.state.leaveCopy,
	}
	if p.IncludePassword.Checked {
		req.Password = w.state.password
	}
	p.Save.Disable()
	p.Status.SetText(w.t("export.saving", nil))
	lang := w.lang
	w.svc.Go(func() {
		var files []string
		var failed []string
		var programs []string
		guideFiles := map[string]string{}
		for _, f := range formats {
			r := req
			r.Format = f.ID
			got, err := w.svc.Export(ctx, r)
			if err != nil {
				failed = append(failed, tr(lang, f.Name, f.Name, nil)+": "+err.Error())
				continue
			}
			files = append(files, got...)
			if f.Guide != "" {
				programs = append(programs, f.Guide)
				if len(got) > 0 && guideFiles[f.Guide] == "" {
					guideFiles[f.Guide] = got[0]
					if f.ID == formatThunderbirdInstall {
						guideFiles[f.Guide] = installedMark
					}
				}
			}
		}
		w.svc.Do(func() {
			if w.Export != p {
				return
			}
			w.cancelWork()
			p.Save.Enable()
			w.state.exported, w.state.exportDir, w.state.programs = files, dir, programs
			w.state.guideFiles = guideFiles
			var b strings.Builder
			if len(files) > 0 {
				b.WriteString(w.t("export.saved", map[string]any{"Count": len(files), "Dir": dir}))
				for _, f := range files {
					b.WriteString("\n• " + filepath.Base(f))
				}
				p.OpenFolder.Show()
			}
			for _, f := range failed {
				if b.Len() > 0 {
					b.WriteString("\n")
				}
				b.WriteString(w.t("export.failed", map[string]string{"Error": f}))
			}
			p.Status.SetText(b.String())
			w.refreshNav()
		})
	})
}

// offeredFormats keeps only the preset's formats when it locks them.
func offeredFormats(all []ExportFormat, pr *preset.Preset) []ExportFormat {
	if pr == nil || !pr.Locked(preset.FieldFormats) || pr.Formats() == nil {
		return all
	}
	var out []ExportFormat
	for _, f := range all {
		if pr.OffersFormat(f.ID) {
			out = append(out, f)
		}
	}
	return out
}
