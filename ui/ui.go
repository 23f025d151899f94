// Package ui presents mailsetup in a Fyne window. It only presents: every
// decision is made in profiles or export. It never imports
// fyne.io/fyne/v2/app, so it is tested headlessly with fyne.io/fyne/v2/test.
package ui

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"fyne.io/fyne/v2"

	"mailsetup/assets/i18n"
	"mailsetup/preset"
)

// AppID is the application ID, as in FyneApp.toml.
const AppID = "io.github.mailsetup"

// WindowOptions are the command-line options of the window.
type WindowOptions struct {
	// Lang is the forced language ("" = from preferences or the system).
	Lang string
	// PresetPath is --preset FILE ("" = MAILSETUP_PRESET, built in, or beside the program).
	PresetPath string
	// Preset is the organisation preset in use, or nil (see LoadPreset).
	Preset *preset.Preset
}

// LoadPreset finds the organisation preset for the window (--preset,
// MAILSETUP_PRESET, built in, or beside the executable) and stores it in
// o.Preset. An invalid preset is an error: the program must stop.
func LoadPreset(o *WindowOptions, getenv func(string) string) error {
	p, err := preset.Load(preset.Options{Path: o.PresetPath, Getenv: getenv})
	if err != nil {
		return err
	}
	o.Preset = p
	return nil
}

// ParseWindowArgs reads the window's arguments (--lang L, --preset FILE; one
// or two dashes, "=" or a space, as the flag package of every command
// reads them) and the MAILSETUP_LANG variable.
func ParseWindowArgs(args []string, getenv func(string) string) (WindowOptions, error) {
	var o WindowOptions
	if v := getenv("MAILSETUP_LANG"); v != "" {
		o.Lang = i18n.Match(v)
	}
	fs := flag.NewFlagSet("mailsetup", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	lang := fs.String("lang", "", "language")
	fs.StringVar(&o.PresetPath, "preset", "", "organisation preset file")
	if err := fs.Parse(args); err != nil {
		if name, ok := strings.CutPrefix(err.Error(), "flag provided but not defined: "); ok {
			return o, fmt.Errorf("unknown command or flag %q; run \"mailsetup help\"", name)
		}
		if strings.Contains(err.Error(), "-lang") {
			return o, fmt.Errorf("--lang needs a language: %s", strings.Join(i18n.Languages, ", "))
		}
		if strings.Contains(err.Error(), "-preset") {
			return o, fmt.Errorf("--preset needs a file")
		}
		return o, fmt.Errorf("%v; run \"mailsetup help\"", err)
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unknown command or flag %q; run \"mailsetup help\"", fs.Arg(0))
	}
	if *lang != "" {
		if !i18n.Supported(*lang) {
			return o, fmt.Errorf("unknown language %q: use one of %s", *lang, strings.Join(i18n.Languages, ", "))
		}
		o.Lang = *lang
	}
	return o, nil
}

// Run builds the wizard window on a and shows it until the user closes it.
// The language is opts.Lang (--lang, MAILSETUP_LANG), else the one saved in
// preferences, else the system's.
func Run(a fyne.App, opts WindowOptions) {
	w, _ := NewWindow(a, opts, DefaultServices())
	w.ShowAndRun()
}

// NewWindow builds the wizard window on a without showing it.
func NewWindow(a fyne.App, opts WindowOptions, svc Services) (fyne.Window, *Wizard) {
	lang := StartLanguage(a.Preferences(), opts)
	if svc.Preset == nil {
		svc.Preset = opts.Preset
	}
	SetFyneLanguage(lang)
	a.Settings().SetTheme(NewTheme(lang))
	win := a.NewWindow(i18n.T(lang, "app.title", nil))
	wiz := NewWizard(lang, svc, win)
	wiz.OnLanguage = func(l string) {
		a.Preferences().SetString(PrefLanguage, l)
		SetFyneLanguage(l)
		a.Settings().SetTheme(NewTheme(l))
	}
	wiz.OnFinish = win.Close
	win.SetOnClosed(wiz.Close)
	win.SetContent(wiz.Content)
	win.Resize(fyne.NewSize(800, 600))
	wiz.Focus()
	return win, wiz
}

// StartLanguage picks the window's language: forced, saved, or the system's.
func StartLanguage(p fyne.Preferences, opts WindowOptions) string {
	if opts.Lang != "" && i18n.Supported(opts.Lang) {
		return opts.Lang
	}
	pl := opts.Preset.Language()
	if i18n.Supported(pl) && opts.Preset.Locked(preset.FieldLanguage) {
		return pl
	}
	if l := p.String(PrefLanguage); i18n.Supported(l) {
		return l
	}
	if i18n.Supported(pl) {
		return pl
	}
	return i18n.FromEnv(os.Getenv)
}

// PrefLanguage is the preferences key holding the language the user picked.
const PrefLanguage = "language"
