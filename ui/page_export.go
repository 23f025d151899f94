package ui

import (
	"context"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"mailsetup/assets/i18n"
	"mailsetup/export"
	"mailsetup/internal/fsafe"
	"mailsetup/preset"
)

// ExportPage is step 4: which mail programs, whether to include the
// password, where to save, and "Open folder" afterwards.
type ExportPage struct {
	w *Wizard
	// Formats has one checkbox per format, by format ID.
	Formats map[string]*Tick
	// IncludePassword puts the password in the files (off by default).
	IncludePassword *Tick
	// PasswordWarning explains the risk, shown when IncludePassword is on.
	PasswordWarning *widget.Label
	// NotVerified warns that the login was not checked.
	NotVerified *widget.Label
	// Save asks for a folder and writes the files.
	Save *Button
	// OpenFolder opens the folder written to.
	OpenFolder *Button
	// Status lists the files written or the error.
	Status *widget.Label

	formats  []ExportFormat
	selected map[string]bool
	box      *container.Scroll
}

func newExportPage(w *Wizard) *ExportPage {
	p := &ExportPage{w: w, Formats: map[string]*Tick{}, selected: map[string]bool{}}
	p.formats = offeredFormats(w.svc.Formats(), w.svc.Preset)
	pre := w.svc.Preset.Formats()
	list := container.NewVBox()
	first := true
	for _, f := range p.formats {
		id := f.ID
		c := newTick(w, tr(w.lang, f.Name, f.Name, nil), func(b bool) {
			p.selected[id] = b
			p.refresh()
		})
		list.Add(c)
		p.Formats[id] = c
		if id == formatThunderbirdInstall {
			if _, err := w.svc.ThunderbirdProfile(); err != nil {
				// nothing to add the account to: say why instead of failing later
				c.Disable()
				why := w.label(w.t("export.no-thunderbird", nil))
				why.TextStyle.Italic = true // readable: the reason matters more than the greyed box
				list.Add(container.NewPadded(why))
				continue
			}
		}
		if (pre == nil && first) || (pre != nil && w.svc.Preset.OffersFormat(id)) {
			c.Checked = true
			p.selected[id] = true
		}
		first = false
	}
	if len(p.formats) == 0 {
		list.Add(w.label(w.t("export.unavailable", nil)))
	}
	p.PasswordWarning = w.label(w.t("export.password-warning", nil))
	p.PasswordWarning.Importance = widget.WarningImportance
	p.PasswordWarning.Hide()
	p.IncludePassword = newTick(w, w.t("export.include-password", nil), func(b bool) {
		if b {
			p.PasswordWarning.Show()
		} else {
			p.PasswordWarning.Hide()
		}
	})
	p.NotVerified = w.label(w.t("export.not-checked", nil))
	p.NotVerified.Importance = widget.WarningImportance
	p.Save = newMainButton(w, w.t("export.save", nil), theme.DocumentSaveIcon(), p.chooseFolder)
	p.OpenFolder = newButton(w, w.t("export.open-folder", nil), theme.FolderOpenIcon(), func() {
		if w.state.exportDir != "" {
			_ = w.openURL(folderURL(w.state.exportDir))
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
func (p *ExportPage) focus() fyne.Focusable {
	for _, f := range p.formats {
		if c := p.Formats[f.ID]; !c.Disabled() {
			return c
		}
	}
	return nil
}

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
		if p.selected[f.ID] && !p.Formats[f.ID].Disabled() {
			out = append(out, f)
		}
	}
	return out
}

// chooseFolder asks where to save, unless only the Thunderbird on this
// computer was chosen, which needs no folder.
func (p *ExportPage) chooseFolder() {
	needDir := false
	for _, f := range p.chosen() {
		if f.ID != formatThunderbirdInstall {
			needDir = true
		}
	}
	if !needDir {
		p.SaveTo("")
		return
	}
	p.w.svc.ChooseFolder(p.w.win, func(dir string) {
		if dir != "" {
			p.SaveTo(dir)
		}
	})
}

// chooseFolderDialog is the default folder chooser: Fyne's folder dialog
// titled and labelled for saving, in the window's language, starting in
// the person's Documents folder, as large as the window allows. (Fyne's
// "Home" and "Computer" places are not translatable from outside Fyne.)
func chooseFolderDialog(win fyne.Window, done func(string)) {
	if win == nil {
		done("")
		return
	}
	d := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
		if err != nil || u == nil {
			done("")
			return
		}
		done(u.Path())
	}, win)
	if w := wizardOf(win); w != nil {
		d.SetTitleText(w.t("export.dialog-title", nil))
		d.SetConfirmText(w.t("export.save-here", nil))
		d.SetDismissText(w.t("action.cancel", nil))
	}
	if home, err := os.UserHomeDir(); err == nil {
		start := home
		if st, err := os.Stat(filepath.Join(home, "Documents")); err == nil && st.IsDir() {
			start = filepath.Join(home, "Documents")
		}
		if l, err := storage.ListerForURI(storage.NewFileURI(start)); err == nil {
			d.SetLocation(l)
		}
	}
	d.Show() // a FileDialog can be resized only once shown
	sz := win.Canvas().Size()
	d.Resize(fyne.NewSize(sz.Width*0.95, sz.Height*0.95))
}

// SaveTo writes every chosen format into dir in the background. Files
// already there are replaced only after the person agreed.
func (p *ExportPage) SaveTo(dir string) { p.save(dir, p.chosen(), false) }

func (p *ExportPage) save(dir string, formats []ExportFormat, replace bool) {
	w := p.w
	if len(formats) == 0 {
		return
	}
	ctx := w.startWork()
	req := ExportRequest{Config: w.state.cfg.Clone(), Dir: dir, Name: w.state.name, LeaveCopy: w.state.leaveCopy, Replace: replace, Lang: w.lang}
	if p.IncludePassword.Checked {
		req.Password = w.state.password
	}
	p.Save.Disable()
	p.Status.SetText(w.t("export.saving", nil))
	lang := w.lang
	w.svc.Go(func() {
		out := exportAll(ctx, w.svc.Export, req, formats, lang)
		w.svc.Do(func() {
			if w.Export != p {
				return
			}
			w.cancelWork()
			p.Save.Enable()
			p.saved(dir, out)
		})
	})
}

// exportOutcome is what one Save did.
type exportOutcome struct {
	files      []savedFile
	exists     []ExportFormat
	existing   []string
	failed     []string
	programs   []string
	guideFiles map[string]string
}

// savedFile is one file written (or the account added), for the summary.
type savedFile struct {
	Path, Format, Guide string
	Installed           bool
}

func exportAll(ctx context.Context, export func(context.Context, ExportRequest) ([]string, error), req ExportRequest, formats []ExportFormat, lang string) exportOutcome {
	out := exportOutcome{guideFiles: map[string]string{}}
	for _, f := range formats {
		r := req
		r.Format = f.ID
		got, err := export(ctx, r)
		var ex *ExistsError
		switch {
		case errors.As(err, &ex):
			out.exists = append(out.exists, f)
			out.existing = append(out.existing, ex.Paths...)
			continue
		case err != nil:
			out.failed = append(out.failed, exportProblem(lang, f, err))
			continue
		}
		for _, g := range got {
			out.files = append(out.files, savedFile{Path: g, Format: f.ID, Guide: f.Guide, Installed: f.ID == formatThunderbirdInstall})
		}
		if f.Guide != "" {
			out.programs = append(out.programs, f.Guide)
			if len(got) > 0 && out.guideFiles[f.Guide] == "" {
				out.guideFiles[f.Guide] = got[0]
				if f.ID == formatThunderbirdInstall {
					out.guideFiles[f.Guide] = installedMark
				}
			}
		}
	}
	return out
}

// exportProblem says in lang why a format could not be saved, never with
// a developer's message: the reason is the file system's, in plain words.
func exportProblem(lang string, f ExportFormat, err error) string {
	name := tr(lang, f.Name, f.Name, nil)
	if errors.Is(err, export.ErrNoProfile) {
		return i18n.T(lang, "export.failed-thunderbird", nil)
	}
	return i18n.T(lang, "export.failed-format", map[string]string{"Format": name, "Reason": fsafe.Reason(err)})
}

// saved shows what Save did and asks before replacing files already there.
func (p *ExportPage) saved(dir string, out exportOutcome) {
	w := p.w
	if dir != "" {
		w.state.exportDir = dir
	}
	w.state.saved = append(w.state.saved, out.files...)
	w.state.programs = append(w.state.programs, out.programs...)
	if w.state.guideFiles == nil {
		w.state.guideFiles = map[string]string{}
	}
	for k, v := range out.guideFiles {
		w.state.guideFiles[k] = v
	}
	var b strings.Builder
	if len(out.files) > 0 {
		if dir != "" {
			// CLDR plural forms: "Saved 1 file", "Сохранено 3 файла"… (plural.<lang>.json)
			b.WriteString(w.t("export.saved", map[string]any{"Count": len(out.files), "Dir": dir}))
		} else {
			b.WriteString(w.t("export.saved-files", nil))
		}
		for _, f := range out.files {
			b.WriteString("\n• " + f.Path)
		}
		if dir != "" {
			p.OpenFolder.Show()
		}
	}
	for _, f := range out.failed {
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		b.WriteString(f)
	}
	p.Status.SetText(b.String())
	if len(out.failed) > 0 {
		p.Status.Importance = widget.DangerImportance
	} else {
		p.Status.Importance = widget.SuccessImportance
	}
	p.Status.Refresh()
	w.refreshNav()
	if len(out.exists) > 0 {
		names := make([]string, len(out.existing))
		for i, e := range out.existing {
			names[i] = filepath.Base(e)
		}
		w.ask("export.replace-title", "export.replace", "export.replace-yes",
			map[string]string{"Files": strings.Join(names, ", ")},
			func() { p.save(dir, out.exists, true) })
	}
	if w.win != nil && w.step == StepExport {
		w.afterLayout(func() { scrollTo(p.box, p.Status) }) // once the new lines are laid out
	}
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
