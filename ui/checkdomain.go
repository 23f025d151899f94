package ui

import (
	"context"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"mailsetup/assets/i18n"
	"mailsetup/audit"
	"mailsetup/internal/fsafe"
)

// CheckDomainView is the "Check a domain (for IT)" screen: a domain field,
// a Check button, then the same report as `mailsetup check-domain`
// (clients, problems, servers) with buttons that save the files to publish
// and the HTML report. The caller puts Content in a window or dialog.
type CheckDomainView struct {
	// Domain is where the domain is typed.
	Domain *widget.Entry
	// Check starts the check.
	Check *widget.Button
	// Status says what is happening, or the summary line.
	Status *widget.Label
	// Report holds the report's widgets once a check is done.
	Report *fyne.Container
	// SaveFiles saves every file into a folder; SaveHTML the HTML report.
	SaveFiles, SaveHTML *widget.Button
	// Content is the whole view.
	Content fyne.CanvasObject

	// Run checks a domain; nil means audit.Check with Options.
	Run func(ctx context.Context, domain string) (*audit.Report, error)
	// Options are used when Run is nil (Lang is set from the view).
	Options audit.Options
	// Go runs background work (default: a goroutine) and Do brings a
	// result back to the UI (default: fyne.Do). Tests run both inline.
	Go, Do func(func())
	// PickFolder asks for a folder (default: Fyne's folder dialog on win).
	PickFolder func(done func(dir string))

	win  fyne.Window
	lang string
	last *audit.Report
}

// NewCheckDomainView builds the view for win in lang.
func NewCheckDomainView(win fyne.Window, lang string) *CheckDomainView {
	v := &CheckDomainView{win: win, lang: lang}
	v.Go = func(f func()) { go f() }
	v.Do = fyne.Do
	v.PickFolder = func(done func(string)) {
		dialog.ShowFolderOpen(func(u fyne.ListableURI, err error) {
			if err == nil && u != nil {
				done(u.Path())
			}
		}, v.win)
	}
	v.Domain = widget.NewEntry()
	v.Domain.SetPlaceHolder(v.t("audit.window.domain", nil))
	v.Domain.OnSubmitted = func(string) { v.Start() }
	v.Check = widget.NewButton(v.t("audit.window.check", nil), v.Start)
	v.Check.Importance = widget.HighImportance
	v.Status = widget.NewLabel("")
	v.Status.Wrapping = fyne.TextWrapWord
	v.Report = container.NewVBox()
	v.SaveFiles = widget.NewButton(v.t("audit.window.save-all", nil), v.saveFiles)
	v.SaveHTML = widget.NewButton(v.t("audit.window.save-html", nil), v.saveHTML)
	v.SaveFiles.Disable()
	v.SaveHTML.Disable()
	title := widget.NewLabelWithStyle(v.t("audit.window.title", nil), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	top := container.NewVBox(title, container.NewBorder(nil, nil, nil, v.Check, v.Domain), v.Status,
		container.NewHBox(v.SaveFiles, v.SaveHTML))
	v.Content = container.NewBorder(top, nil, nil, nil, container.NewVScroll(v.Report))
	return v
}

// NewCheckDomainWindow opens the view in a window of its own, the way the
// menu item "Check a domain (for IT)" shows it.
func NewCheckDomainWindow(a fyne.App, lang string) (fyne.Window, *CheckDomainView) {
	win := a.NewWindow(i18n.T(lang, "audit.window.title", nil))
	v := NewCheckDomainView(win, lang)
	win.SetContent(v.Content)
	win.Resize(fyne.NewSize(820, 760))
	return win, v
}

func (v *CheckDomainView) t(key string, args any) string { return i18n.T(v.lang, key, args) }

// Start checks the typed domain in the background.
func (v *CheckDomainView) Start() {
	d := strings.TrimSpace(v.Domain.Text)
	if i := strings.LastIndexByte(d, '@'); i >= 0 {
		d = d[i+1:]
	}
	if d == "" || !strings.Contains(d, ".") {
		v.Status.SetText(v.t("audit.window.bad-domain", nil))
		return
	}
	run := v.Run
	if run == nil {
		opts := v.Options
		opts.Lang = v.lang
		run = func(ctx context.Context, domain string) (*audit.Report, error) { return audit.Check(ctx, domain, opts) }
	}
	v.Check.Disable()
	v.Status.SetText(v.t("audit.window.checking", map[string]string{"Domain": d}))
	v.Go(func() {
		rep, err := run(context.Background(), d)
		v.Do(func() {
			v.Check.Enable()
			if err != nil {
				v.Status.SetText(v.t("audit.window.bad-domain", nil))
				return
			}
			v.Show(rep)
		})
	})
}

// Show fills the view with a report.
func (v *CheckDomainView) Show(rep *audit.Report) {
	v.last = rep
	v.Status.SetText(audit.SummaryLine(rep))
	v.Report.RemoveAll()
	wrap := func(s string) *widget.Label {
		l := widget.NewLabel(s)
		l.Wrapping = fyne.TextWrapWord
		return l
	}
	head := func(key string) {
		v.Report.Add(widget.NewLabelWithStyle(v.t(key, nil), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	}
	yn := func(b bool) string {
		if b {
			return v.t("audit.yes", nil)
		}
		return v.t("audit.no", nil)
	}
	head("audit.section.clients")
	for _, c := range rep.Clients {
		l := wrap(c.Name + " — " + v.t("audit.col.finds", nil) + ": " + yn(c.Finds) + ", " + v.t("audit.col.works", nil) + ": " + yn(c.Works) + "\n" + c.Why)
		if !c.Works {
			l.Importance = widget.WarningImportance
		}
		v.Report.Add(l)
	}
	head("audit.section.problems")
	if len(rep.Problems) == 0 {
		v.Report.Add(wrap(v.t("audit.none-found", nil)))
	}
	for _, p := range rep.Problems {
		l := wrap(v.t("audit.severity."+string(p.Severity), nil) + " (" + p.Code + "): " + p.Detail + "\n" + v.t("audit.fix", nil) + " " + p.Fix)
		switch p.Severity {
		case audit.SeverityError:
			l.Importance = widget.DangerImportance
		case audit.SeverityWarning:
			l.Importance = widget.WarningImportance
		}
		v.Report.Add(l)
	}
	head("audit.section.servers")
	for _, s := range rep.Servers {
		v.Report.Add(wrap(s.Endpoint.String() + " (" + strings.Join(s.NamedBy, ", ") + "): " + audit.CertText(rep, s)))
	}
	if len(rep.Files) > 0 {
		head("audit.section.files")
		for _, f := range rep.Files {
			f := f
			b := widget.NewButton(v.t("audit.window.save", map[string]string{"Name": f.Name}), func() { v.saveOne(f) })
			v.Report.Add(container.NewBorder(nil, nil, nil, b, wrap(f.Note)))
		}
		v.SaveFiles.Enable()
	} else {
		v.SaveFiles.Disable()
	}
	v.SaveHTML.Enable()
}

func (v *CheckDomainView) saved(paths []string, err error) {
	if err != nil {
		v.Status.SetText(err.Error())
		return
	}
	v.Status.SetText(v.t("audit.window.saved", map[string]string{"Path": strings.Join(paths, ", ")}))
}

func (v *CheckDomainView) saveFiles() {
	if v.last == nil {
		return
	}
	rep := v.last
	v.PickFolder(func(dir string) { v.saved(audit.WriteFiles(rep, dir, false)) })
}

func (v *CheckDomainView) saveOne(f audit.File) {
	v.PickFolder(func(dir string) {
		p := filepath.Join(dir, filepath.Base(f.Name))
		v.saved([]string{p}, fsafe.WriteFile(p, f.Content, fsafe.WriteOptions{}))
	})
}

func (v *CheckDomainView) saveHTML() {
	if v.last == nil {
		return
	}
	rep := v.last
	v.PickFolder(func(dir string) {
		page, err := audit.HTML(rep)
		p := filepath.Join(dir, rep.Domain+"-mail-report.html")
		if err == nil {
			err = fsafe.WriteFile(p, page, fsafe.WriteOptions{Replace: true})
		}
		v.saved([]string{p}, err)
	})
}
