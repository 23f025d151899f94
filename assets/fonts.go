package assets

import (
	_ "embed"

	"fyne.io/fyne/v2"
)

// CJKFont is a subset of Noto Sans CJK JP Regular (SIL Open Font License
// 1.1) in OpenType/CFF form: Latin, Latin-ext, Greek, Cyrillic,
// punctuation, arrows, kana, full-width forms, the JIS X 0208 level-1 kanji
// (which hold nearly all jōyō kanji) and every character of the repository's
// translation files. Regenerate it with `/usr/bin/python3
// assets/fonts/subset.py` after adding Japanese strings.
//
//go:embed fonts/NotoSansCJKjp-Subset.otf
var CJKFont []byte

// CJKFontResource is CJKFont as a Fyne resource, ready for a theme's Font.
var CJKFontResource fyne.Resource = fyne.NewStaticResource("NotoSansCJKjp-Subset.otf", CJKFont)
