package ui

import (
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"

	"mailsetup/assets"
	"mailsetup/export/guide/draw"
)

// cjkFont is the embedded Japanese-capable font: the same resource the
// guide pictures draw with, so Fyne parses and caches the font once.
var cjkFont fyne.Resource = draw.CJKFont

// Theme is Fyne's default theme (light or dark as the system says) with a
// font that has the glyphs of the window's language: the embedded CJK
// subset for Japanese, Fyne's own Noto Sans (Latin, Cyrillic) otherwise.
type Theme struct {
	fyne.Theme
	font fyne.Resource
}

// NewTheme returns the theme for lang.
func NewTheme(lang string) *Theme {
	t := &Theme{Theme: theme.DefaultTheme()}
	if lang == "ja" {
		t.font = cjkFont
	}
	return t
}

// Font returns the CJK font for regular, bold and italic text in Japanese.
func (t *Theme) Font(s fyne.TextStyle) fyne.Resource {
	if t.font != nil && !s.Monospace && !s.Symbol {
		return t.font
	}
	return t.Theme.Font(s)
}

// SetFyneLanguage makes Fyne's own widgets (dialog buttons, entry menus)
// speak lang and feeds Fyne's lang package our catalogs. Fyne has no call to
// force a language, so this sets the POSIX variables its locale lookup
// reads and reloads the translations; on Windows and macOS Fyne's own
// widgets follow the system language. Our texts never depend on this:
// they are looked up with mailsetup/assets/i18n in the wizard's language.
func SetFyneLanguage(l string) {
	_ = os.Setenv("LANGUAGE", l)
	_ = os.Setenv("LC_MESSAGES", l)
	_ = lang.AddTranslationsFS(assets.Translations, assets.TranslationsDir)
}
