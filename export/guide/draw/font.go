package draw

import (
	"encoding/binary"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"mailsetup/assets"
)

// CJKFont is assets.CJKFont (Noto Sans CJK JP, subset) as a Fyne resource.
// Fyne caches a font's faces per resource, so the pictures use this one
// value everywhere.
var CJKFont fyne.Resource = fyne.NewStaticResource("NotoSansCJKjp-Subset.otf", assets.CJKFont)

// With a FontSource Fyne draws from that one font and nothing else, so a
// picture picks, per string, the embedded font that covers it: Noto Sans
// CJK JP (Japanese, Cyrillic, basic Latin) or Fyne's bundled Inter (Latin
// Extended for Turkish, Romanian and Bosnian, which the CJK font lacks).

var (
	cjkOnce  sync.Once
	cjkRunes map[rune]bool
)

// fontFor returns the embedded font that draws the most of s.
func fontFor(s string) fyne.Resource {
	cjkOnce.Do(func() { cjkRunes = cmapFormat4(assets.CJKFont) })
	missing, cjk := 0, 0
	for _, r := range s {
		if !cjkRunes[r] {
			missing++
		}
		if r >= 0x2E80 {
			cjk++
		}
	}
	if missing > 0 && missing >= cjk {
		return theme.DefaultTextFont()
	}
	return CJKFont
}

// cmapFormat4 lists the characters of an OpenType font's Windows Unicode
// BMP cmap (platform 3, encoding 1, format 4).
func cmapFormat4(font []byte) map[rune]bool {
	runes := map[rune]bool{}
	if len(font) < 12 {
		return runes
	}
	u16 := func(o int) int {
		if o < 0 || o+2 > len(font) {
			return 0
		}
		return int(binary.BigEndian.Uint16(font[o:]))
	}
	u32 := func(o int) int {
		if o < 0 || o+4 > len(font) {
			return 0
		}
		return int(binary.BigEndian.Uint32(font[o:]))
	}
	cmap := -1
	for i := 0; i < u16(4); i++ {
		if rec := 12 + 16*i; rec+4 <= len(font) && string(font[rec:rec+4]) == "cmap" {
			cmap = u32(rec + 8)
		}
	}
	if cmap < 0 {
		return runes
	}
	for i := 0; i < u16(cmap+2); i++ {
		rec := cmap + 4 + 8*i
		sub := cmap + u32(rec+4)
		if u16(rec) != 3 || u16(rec+2) != 1 || u16(sub) != 4 {
			continue
		}
		segs := u16(sub+6) / 2
		ends, starts := sub+14, sub+16+2*segs
		deltas, ranges := starts+2*segs, starts+4*segs
		for i := 0; i < segs; i++ {
			start, end := u16(starts+2*i), u16(ends+2*i)
			delta, ro := u16(deltas+2*i), u16(ranges+2*i)
			for c := start; c <= end && c != 0xFFFF; c++ {
				g := (c + delta) & 0xFFFF
				if ro != 0 {
					if g = u16(ranges + 2*i + ro + 2*(c-start)); g != 0 {
						g = (g + delta) & 0xFFFF
					}
				}
				if g != 0 {
					runes[rune(c)] = true
				}
			}
		}
		break
	}
	return runes
}
