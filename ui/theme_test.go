package ui

import (
	"image/color"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

// luminance is WCAG 2.1's relative luminance of c composited on bg
// (https://www.w3.org/TR/WCAG21/#dfn-relative-luminance).
func luminance(c color.Color, bg color.Color) float64 {
	r, g, b, a := c.RGBA()
	br, bgg, bb, _ := bg.RGBA()
	mix := func(f, back uint32) float64 {
		alpha := float64(a) / 0xffff
		v := (float64(f)/0xffff)*1 + (float64(back)/0xffff)*(1-alpha) // RGBA is premultiplied
		if v <= 0.04045 {
			return v / 12.92
		}
		return math.Pow((v+0.055)/1.055, 2.4)
	}
	return 0.2126*mix(r, br) + 0.7152*mix(g, bgg) + 0.0722*mix(b, bb)
}

// contrast is WCAG 2.1's contrast ratio of fg drawn on bg.
func contrast(fg, bg color.Color) float64 {
	l1, l2 := luminance(fg, bg), luminance(bg, bg)
	if l1 < l2 {
		l1, l2 = l2, l1
	}
	return (l1 + 0.05) / (l2 + 0.05)
}

func TestContrastRatio(t *testing.T) {
	// The WCAG examples: black on white is 21:1, #767676 on white 4.54:1.
	if got := contrast(color.Black, color.White); math.Abs(got-21) > 0.01 {
		t.Fatalf("black on white = %.2f", got)
	}
	if got := contrast(rgb(0x767676), color.White); math.Abs(got-4.54) > 0.01 {
		t.Fatalf("#767676 on white = %.2f", got)
	}
	// The review measured Fyne's light green and orange: 1.5:1 and 2.2:1.
	if got := contrast(rgb(0x43F436), color.White); got > 1.7 {
		t.Fatalf("#43F436 on white = %.2f", got)
	}
}

// TestThemeContrast computes, from the theme's own colours, that every text
// colour the window uses reads at 4.5:1 (WCAG 2.1 AA, 1.4.3) and that
// outlines of checkboxes, radios and fields reach 3:1 (1.4.11), in light
// and dark.
func TestThemeContrast(t *testing.T) {
	test.NewTempApp(t)
	type pair struct {
		fg, bg fyne.ThemeColorName
		min    float64
	}
	pairs := []pair{
		{theme.ColorNameForeground, theme.ColorNameBackground, 4.5},
		{theme.ColorNameSuccess, theme.ColorNameBackground, 4.5},
		{theme.ColorNameWarning, theme.ColorNameBackground, 4.5},
		{theme.ColorNameError, theme.ColorNameBackground, 4.5},
		{theme.ColorNameHyperlink, theme.ColorNameBackground, 4.5},
		{theme.ColorNameForeground, theme.ColorNameInputBackground, 4.5},
		{theme.ColorNamePlaceHolder, theme.ColorNameInputBackground, 4.5},
		{theme.ColorNameForeground, theme.ColorNameButton, 4.5},
		{theme.ColorNameForegroundOnPrimary, theme.ColorNamePrimary, 4.5},
		{theme.ColorNameForegroundOnError, theme.ColorNameError, 4.5},
		{theme.ColorNameForegroundOnSuccess, theme.ColorNameSuccess, 4.5},
		{theme.ColorNameForegroundOnWarning, theme.ColorNameWarning, 4.5},
		{theme.ColorNameInputBorder, theme.ColorNameBackground, 3},
		{theme.ColorNameInputBorder, theme.ColorNameInputBackground, 3},
		{theme.ColorNamePrimary, theme.ColorNameBackground, 3},
	}
	for _, v := range []struct {
		name    string
		variant fyne.ThemeVariant
	}{{"light", theme.VariantLight}, {"dark", theme.VariantDark}} {
		for _, lang := range []string{"en", "ja"} {
			th := NewTheme(lang)
			for _, p := range pairs {
				bg := th.Color(p.bg, v.variant)
				got := contrast(th.Color(p.fg, v.variant), bg)
				if got < p.min {
					t.Errorf("%s %s: %s on %s = %.2f:1, want ≥ %.1f:1", v.name, lang, p.fg, p.bg, got, p.min)
				}
			}
		}
	}
}

// TestThemeFontDrawsJapanese: the regular font in every language is the
// CJK-capable one, so "日本語" in the language menu is not tofu.
func TestThemeFontDrawsJapanese(t *testing.T) {
	if cjkFont == nil {
		t.Skip("this build embeds no CJK font")
	}
	for _, lang := range []string{"en", "ru", "tr", "ja", "ro", "bs"} {
		th := NewTheme(lang)
		if th.Font(fyne.TextStyle{}) != cjkFont {
			t.Errorf("%s: regular text font is %s, not the CJK-capable font", lang, th.Font(fyne.TextStyle{}).Name())
		}
	}
	if NewTheme("en").Font(fyne.TextStyle{Bold: true}) == cjkFont {
		t.Error("English bold text lost Noto Sans Bold")
	}
}
