package assets

import _ "embed"

// CJKFont is a subset of Noto Sans CJK JP Regular (SIL Open Font License
// 1.1) in OpenType/CFF form: Latin, Latin-ext, Greek, Cyrillic,
// punctuation, arrows, kana, full-width forms, the JIS X 0208 level-1 kanji
// (which hold nearly all jōyō kanji) and every character of the repository's
// translation files. Regenerate it with `/usr/bin/python3
// assets/fonts/subset.py` after adding Japanese strings.
//
// It is plain bytes: the Fyne resources made from it live where something
// is drawn (export/guide/draw.CJKFont, ui's theme), so that this package and
// the translation catalog stay free of Fyne.
//
//go:embed fonts/NotoSansCJKjp-Subset.otf
var CJKFont []byte
