package assets

import (
	"encoding/binary"
	"encoding/json"
	"io/fs"
	"strings"
	"testing"
)

// cmapRunes reads the Unicode cmap subtable (format 4 or 12) of an OpenType font.
func cmapRunes(t *testing.T, font []byte) map[rune]bool {
	t.Helper()
	u16 := func(o int) int { return int(binary.BigEndian.Uint16(font[o:])) }
	u32 := func(o int) int { return int(binary.BigEndian.Uint32(font[o:])) }
	cmap := -1
	for i := 0; i < u16(4); i++ {
		rec := 12 + 16*i
		if string(font[rec:rec+4]) == "cmap" {
			cmap = u32(rec + 8)
		}
	}
	if cmap < 0 {
		t.Fatal("font has no cmap table")
	}
	for i := 0; i < u16(cmap+2); i++ {
		rec := cmap + 4 + 8*i
		sub := cmap + u32(rec+4)
		if u16(sub) == 4 && (u16(rec) == 3 && u16(rec+2) == 1 || u16(rec) == 0) {
			return format4(font, sub)
		}
		if u16(sub) != 12 {
			continue
		}
		runes := map[rune]bool{}
		for g := 0; g < u32(sub+12); g++ {
			grp := sub + 16 + 12*g
			for r := u32(grp); r <= u32(grp+4); r++ {
				runes[rune(r)] = true
			}
		}
		return runes
	}
	t.Fatal("font has no Unicode cmap")
	return nil
}

// TestCJKFontCoversTranslations checks that every character of every
// Japanese (and other) translation is in the embedded font, so no window
// or guide picture shows a missing-glyph box. After adding strings, run
// /usr/bin/python3 assets/fonts/subset.py.
func TestCJKFontCoversTranslations(t *testing.T) {
	runes := cmapRunes(t, CJKFont)
	for _, r := range "AzЖжЁё→›…≡“”「」、。ー設定漢字メール" {
		if !runes[r] {
			t.Errorf("font lacks %q", r)
		}
	}
	if runes['한'] {
		t.Error("Korean is not meant to be in the subset: is the cmap read right?")
	}
	entries, err := fs.ReadDir(Translations, TranslationsDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		// Other languages fall back to Fyne's bundled Inter (Latin, Turkish,
		// Romanian, Bosnian, Cyrillic), which Noto Sans CJK JP does not fully cover.
		if !strings.HasSuffix(e.Name(), ".ja.json") {
			continue
		}
		data, err := fs.ReadFile(Translations, TranslationsDir+"/"+e.Name())
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

// format4 lists the characters a format-4 cmap subtable maps to a glyph.
func format4(font []byte, sub int) map[rune]bool {
	u16 := func(o int) int { return int(binary.BigEndian.Uint16(font[o:])) }
	segs := u16(sub+6) / 2
	ends, starts := sub+14, sub+16+2*segs
	deltas, ranges := starts+2*segs, starts+4*segs
	runes := map[rune]bool{}
	for i := 0; i < segs; i++ {
		start, end := u16(starts+2*i), u16(ends+2*i)
		delta, ro := u16(deltas+2*i), u16(ranges+2*i)
		for c := start; c <= end && c != 0xFFFF; c++ {
			g := (c + delta) & 0xFFFF
			if ro != 0 {
				g = u16(ranges + 2*i + ro + 2*(c-start))
				if g != 0 {
					g = (g + delta) & 0xFFFF
				}
			}
			if g != 0 {
				runes[rune(c)] = true
			}
		}
	}
	return runes
}
