#!/usr/bin/python3
"""Regenerate the embedded CJK subset font (run with Debian's /usr/bin/python3,
which has fontTools; package python3-fonttools, font from fonts-noto-cjk).

    /usr/bin/python3 assets/fonts/subset.py

Covers Latin, Latin-ext, Cyrillic, general punctuation, arrows, CJK
punctuation, kana, full-width forms, the 2,965 JIS X 0208 level-1 kanji (the
common set; it contains nearly all jōyō kanji) and every character of every
translation file assets/translations/*.ja.json in the repository.
"""
import glob, os, sys
from fontTools.ttLib import TTCollection
from fontTools import subset

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(os.path.dirname(here))
src = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"

chars = set()
# JIS X 0208 level 1 kanji: EUC-JP rows 16..47 (0xB0..0xCF), cells 1..94.
for row in range(0xB0, 0xD0):
    for cell in range(0xA1, 0xFF):
        try:
            chars.add(bytes([row, cell]).decode("euc_jp"))
        except UnicodeDecodeError:
            pass
for path in sorted(glob.glob(os.path.join(root, "assets", "translations", "*.json"))):
    with open(path, encoding="utf-8") as f:
        chars.update(f.read())
chars = {c for c in chars if ord(c) >= 0x20}

ttc = TTCollection(src)
font = next(f for f in ttc.fonts if "JP" in f["name"].getDebugName(1))
opts = subset.Options()
opts.layout_features = ["*"]
opts.name_IDs = ["*"]
opts.notdef_outline = True
opts.hinting = False
opts.desubroutinize = False
unicodes = []
for a, b in [(0x20, 0x24F), (0x300, 0x36F), (0x370, 0x3FF), (0x400, 0x52F), (0x1E00, 0x1EFF),
             (0x2000, 0x206F), (0x20A0, 0x20BF), (0x2100, 0x215F), (0x2190, 0x21FF),
             (0x2212, 0x2212), (0x2460, 0x24FF), (0x2500, 0x257F), (0x25A0, 0x25FF), (0x2600, 0x26FF),
             (0x2713, 0x2718), (0x3000, 0x30FF), (0x31F0, 0x31FF), (0xFF00, 0xFFEF)]:
    unicodes.extend(range(a, b + 1))
s = subset.Subsetter(opts)
s.populate(unicodes=unicodes, text="".join(sorted(chars)))
s.subset(font)
out = os.path.join(here, "NotoSansCJKjp-Subset.otf")
font.save(out)
print(out, os.path.getsize(out), "bytes,", len(font.getBestCmap()), "characters")
