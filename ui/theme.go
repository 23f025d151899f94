package ui

import (
	"image/color"
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

// Theme is Fyne's default theme (light or dark as the system says) with
// colours that are readable in both variants (text at least 4.5:1, input
// outlines at least 3:1 against the background, WCAG 2.1 AA; a test
// computes the ratios) and a font that draws every script the window may
// show. The embedded CJK subset (Latin, Cyrillic, kana, kanji) is the
// regular text font in every language, so "日本語" in the language menu and a
// Japanese name typed into a Russian window are drawn, not tofu; Fyne falls
// back to its own Noto Sans for anything the subset lacks. Bold text keeps
// Noto Sans Bold outside Japanese, where a bold weight exists.
type Theme struct {
	fyne.Theme
	font fyne.Resource
	ja   bool
	// variant forces light or dark (0 = as the system says); see ForceVariant.
	variant *fyne.ThemeVariant
}

// NewTheme returns the theme for lang.
func NewTheme(lang string) *Theme {
	return &Theme{Theme: theme.DefaultTheme(), font: cjkFont, ja: lang == "ja"}
}

// ForceVariant makes t light or dark whatever the system says (tests and
// screenshots use it).
func (t *Theme) ForceVariant(v fyne.ThemeVariant) *Theme {
	c := *t
	c.variant = &v
	return &c
}

// Font returns the CJK-capable font for text, Noto Sans Bold for bold text
// outside Japanese, and Fyne's own monospace and symbol fonts.
func (t *Theme) Font(s fyne.TextStyle) fyne.Resource {
	if t.font == nil || s.Monospace || s.Symbol || (s.Bold && !t.ja) {
		return t.Theme.Font(s)
	}
	return t.font
}

// Size makes headings (the failure card's title) only a little larger
// than the text around them, not the page's loudest thing.
func (t *Theme) Size(n fyne.ThemeSizeName) float32 {
	switch n {
	case theme.SizeNameHeadingText:
		return 19
	case theme.SizeNameSubHeadingText:
		return 16
	}
	return t.Theme.Size(n)
}

// Color returns the readable palette's colour for n, Fyne's otherwise.
func (t *Theme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if t.variant != nil {
		v = *t.variant
	}
	p := darkPalette
	if v == theme.VariantLight {
		p = lightPalette
	}
	if c, ok := p[n]; ok {
		return c
	}
	return t.Theme.Color(n, v)
}

func rgb(hex uint32) color.NRGBA {
	return color.NRGBA{R: uint8(hex >> 16), G: uint8(hex >> 8), B: uint8(hex), A: 0xff}
}

// lightPalette replaces the light colours that fail WCAG AA on white: Fyne's
// green (#43F436, 1.5:1), orange (#FF9800, 2.2:1), red, blue and the
// near-white outlines of unchecked boxes and radios.
var lightPalette = map[fyne.ThemeColorName]color.Color{
	theme.ColorNameSuccess:             rgb(0x1B7F2A),
	theme.ColorNameWarning:             rgb(0x9A5200),
	theme.ColorNameError:               rgb(0xC62828),
	theme.ColorNamePrimary:             rgb(0x1565C0),
	theme.ColorNameHyperlink:           rgb(0x1565C0),
	theme.ColorNameForegroundOnPrimary: rgb(0xFFFFFF),
	theme.ColorNameForegroundOnError:   rgb(0xFFFFFF),
	theme.ColorNameForegroundOnSuccess: rgb(0xFFFFFF),
	theme.ColorNameForegroundOnWarning: rgb(0xFFFFFF),
	theme.ColorNamePlaceHolder:         rgb(0x636363),
	theme.ColorNameInputBorder:         rgb(0x767676),
	theme.ColorNameFocus:               color.NRGBA{R: 0x15, G: 0x65, B: 0xC0, A: 0x60},
}

// darkPalette keeps Fyne's dark colours where they pass and makes the blue
// light enough to read as a link, with dark text on blue buttons.
var darkPalette = map[fyne.ThemeColorName]color.Color{
	theme.ColorNameSuccess:             rgb(0x5BD85B),
	theme.ColorNameWarning:             rgb(0xFFA726),
	theme.ColorNameError:               rgb(0xFF6E6E),
	theme.ColorNamePrimary:             rgb(0x64B5F6),
	theme.ColorNameHyperlink:           rgb(0x64B5F6),
	theme.ColorNameForegroundOnPrimary: rgb(0x0B1A2A),
	theme.ColorNameForegroundOnError:   rgb(0x0B1A2A),
	theme.ColorNameForegroundOnSuccess: rgb(0x0B1A2A),
	theme.ColorNameForegroundOnWarning: rgb(0x0B1A2A),
	theme.ColorNamePlaceHolder:         rgb(0xA0A0A0),
	theme.ColorNameInputBorder:         rgb(0x8A8A8A),
	theme.ColorNameFocus:               color.NRGBA{R: 0x64, G: 0xB5, B: 0xF6, A: 0x60},
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
