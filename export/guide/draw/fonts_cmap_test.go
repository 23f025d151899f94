package draw

import (
	"encoding/json"
	"io/fs"
	"strings"
	"testing"

	"mailsetup/assets"
)

// TestCJKFontCoversTranslations checks that every character of every
// Japanese (and other) translation is in the embedded font, so no window
// or guide picture shows a missing-glyph box. It reads the font with the
// same cmap reader fontFor uses (not a copy of it), so a reader that lost
// characters would fail here too. After adding strings, run
// /usr/bin/python3 assets/fonts/subset.py.
func TestCJKFontCoversTranslations(t *testing.T) {
	runes := cmapFormat4(assets.CJKFont)
	if len(runes) == 0 {
		t.Fatal("no Unicode BMP cmap read from the font")
	}
	for _, r := range "AzЖжЁё→›…≡“”「」、。ー設定漢字メール" {
		if !runes[r] {
			t.Errorf("font lacks %q", r)
		}
	}
	if runes['한'] {
		t.Error("Korean is not meant to be in the subset: is the cmap read right?")
	}
	entries, err := fs.ReadDir(assets.Translations, assets.TranslationsDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		// Other languages fall back to Fyne's bundled Inter (Latin, Turkish,
		// Romanian, Bosnian, Cyrillic), which Noto Sans CJK JP does not fully cover.
		if !strings.HasSuffix(e.Name(), ".ja.json") {
			continue
		}
		data, err := fs.ReadFile(assets.Translations, assets.TranslationsDir+"/"+e.Name())
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]string
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatalf("%s: %v", e.Name(), err)
		}
		for k, v := range m {
			for _, r := range v {
				if r >= 0x20 && !runes[r] && !strings.ContainsRune("\u00a0", r) {
					t.Errorf("%s %s: font lacks %q (run assets/fonts/subset.py)", e.Name(), k, r)
				}
			}
		}
	}
}
