// Package ui presents mailsetup in a Fyne window. It only presents: every
// decision is made in profiles or export. It never imports
// fyne.io/fyne/v2/app, so it is tested headlessly with fyne.io/fyne/v2/test.
package ui

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"

	"mailsetup/assets/i18n"
	"mailsetup/profiles"
	"mailsetup/profiles/discover"
)

// AppID is the application ID, as in FyneApp.toml.
const AppID = "io.github.mailsetup"

// WindowOptions are the command-line options of the window.
type WindowOptions struct {
	// Lang is the forced language ("" = from preferences or the system).
	Lang string
}

// ParseWindowArgs reads the window's arguments (--lang L) and the
// MAILSETUP_LANG variable.
func ParseWindowArgs(args []string, getenv func(string) string) (WindowOptions, error) {
	var o WindowOptions
	if v := getenv("MAILSETUP_LANG"); v != "" {
		o.Lang = i18n.Match(v)
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--lang" || a == "-lang":
			if i+1 >= len(args) {
				return o, fmt.Errorf("--lang needs a language: %s", strings.Join(i18n.Languages, ", "))
			}
			i++
			a = "--lang=" + args[i]
			fallthrough
		case strings.HasPrefix(a, "--lang=") || strings.HasPrefix(a, "-lang="):
			v := a[strings.IndexByte(a, '=')+1:]
			if !i18n.Supported(v) {
				return o, fmt.Errorf("unknown language %q: use one of %s", v, strings.Join(i18n.Languages, ", "))
			}
			o.Lang = v
		default:
			return o, fmt.Errorf("unknown command or flag %q; run \"mailsetup help\"", a)
		}
	}
	return o, nil
}

// Services are the slow things the window calls, injected so tests can
// replace them and run deterministically.
type Services struct {
	// Detect finds the settings for an address.
	Detect func(ctx context.Context, addr profiles.Address, progress func(profiles.TraceEntry)) (*discover.Result, error)
	// Go runs background work; the default is "go f()". Tests run f inline.
	Go func(f func())
	// Do runs f on the UI goroutine; the default is fyne.Do. Tests run f inline.
	Do func(f func())
}

// DefaultServices returns the real services.
func DefaultServices() Services {
	return Services{
		Detect: func(ctx context.Context, addr profiles.Address, progress func(profiles.TraceEntry)) (*discover.Result, error) {
			return discover.Discover(ctx, addr, discover.Options{Progress: progress})
		},
		Go: func(f func()) { go f() },
		Do: fyne.Do,
	}
}

func (s *Services) fill() {
	d := DefaultServices()
	if s.Detect == nil {
		s.Detect = d.Detect
	}
	if s.Go == nil {
		s.Go = d.Go
	}
	if s.Do == nil {
		s.Do = d.Do
	}
}

// Run builds the main window on a and shows it until the user closes it.
func Run(a fyne.App, opts WindowOptions) {
	lang := opts.Lang
	if lang == "" {
		lang = a.Preferences().StringWithFallback(prefLanguage, i18n.FromEnv())
	}
	w := a.NewWindow("mailsetup")
	s := NewSetup(lang, DefaultServices())
	w.SetTitle(s.t("app.title", nil))
	w.SetContent(s.Content)
	w.Resize(fyne.NewSize(720, 560))
	w.ShowAndRun()
}

const prefLanguage = "language"
