package draw

import (
	"bytes"
	"image/color"
	"image/png"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"mailsetup/assets"
)

type fontTheme struct{ fyne.Theme }

func (fontTheme) Font(fyne.TextStyle) fyne.Resource { return CJKFont }

func renderRune(t *testing.T, s string) []byte {
	t.Helper()
	txt := canvas.NewText(s, color.Black)
	txt.TextSize = 24
	w := test.NewWindow(txt)
	defer w.Close()
	w.SetPadded(false)
	w.Resize(fyne.NewSize(40, 40))
	var b bytes.Buffer
	if err := png.Encode(&b, w.Canvas().Capture()); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestCJKFontRenders draws characters with the embedded font and no system
// fallback: if a character were missing, both would be the same .notdef box.
func TestCJKFontRenders(t *testing.T) {
	a := test.NewTempApp(t)
	a.Settings().SetTheme(fontTheme{theme.DefaultTheme()})
	for _, pair := range [][2]string{{"設", "定"}, {"メ", "ル"}, {"Ж", "ş"}, {"漢", "字"}} {
		if bytes.Equal(renderRune(t, pair[0]), renderRune(t, pair[1])) {
			t.Errorf("%q and %q render the same: a glyph is missing", pair[0], pair[1])
		}
	}
	if len(assets.CJKFont) < 100_000 {
		t.Fatalf("CJKFont is only %d bytes", len(assets.CJKFont))
	}
}
