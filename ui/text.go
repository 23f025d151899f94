package ui

import (
	"image/color"
	"net/url"
	"strings"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"mailsetup/assets/i18n"
	"mailsetup/profiles"
	"mailsetup/profiles/knowledge"
)

// tr translates key with args when the catalog has it, else fills the
// English fallback (the key itself when there is none).
func tr(lang, key, fallback string, args map[string]string) string {
	if fallback == "" {
		fallback = key
	}
	return i18n.TOr(lang, key, fallback, args)
}

// NoteText returns the note's text in lang (knowledge.NoteText: the one
// place that says notes, the limits note's list included), ready for Fyne's
// font.
func NoteText(lang string, n profiles.Note) string {
	return displayText(knowledge.NoteText(lang, n))
}

// arrowReplacer swaps the arrow of menu paths ("Settings → Email clients"),
// which Fyne's bundled Noto Sans lacks, for one it has.
var arrowReplacer = strings.NewReplacer("→", "›")

// displayText prepares a text from another package for Fyne's font.
func displayText(s string) string { return arrowReplacer.Replace(s) }

// display prepares a text from another package (a note, a diagnosis, a
// guide) for the window: arrows its font has, Japanese break points.
func (w *Wizard) display(s string) string {
	s = displayText(s)
	if w.lang == "ja" {
		s = breakable(s)
	}
	return s
}

// label makes a label that wraps between words. Japanese texts get their
// break points from breakable, so a line may end between two kana or
// kanji but never inside a Latin word, a host name or an address.
func (w *Wizard) label(text string) *widget.Label {
	return &widget.Label{Text: text, Wrapping: fyne.TextWrapWord}
}

// hairSpace is where a Japanese line may break: Fyne wraps only at spaces,
// and a hair space (U+200A) is one that can hardly be seen.
const hairSpace = '\u200a'

// noBreakBefore and noBreakAfter are the Japanese line-breaking rules
// (kinsoku shori, JIS X 4051): no line starts with closing punctuation or
// a small kana, none ends with opening punctuation.
const (
	noBreakBefore = "、。，．・：；？！）」』】〕〉》ー々ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ"
	noBreakAfter  = "（「『【〔〈《"
)

// breakable puts a break point between two characters of Japanese text
// where the rules allow one.
func breakable(s string) string {
	rs := []rune(s)
	var b strings.Builder
	for i, r := range rs {
		if i > 0 {
			prev := rs[i-1]
			if (isCJK(prev) || isCJK(r)) && !unicode.IsSpace(prev) && !unicode.IsSpace(r) &&
				!strings.ContainsRune(noBreakBefore, r) && !strings.ContainsRune(noBreakAfter, prev) &&
				(isCJK(prev) && isCJK(r) || !latinWord(prev) || !latinWord(r)) {
				b.WriteRune(hairSpace)
			}
		}
		b.WriteRune(r)
	}
	return b.String()
}

// latinWord reports whether r belongs inside a Latin word or name
// ("imap.yandex.ru", "ivan@mail.ru"), where no break may go.
func latinWord(r rune) bool {
	return r < 0x3000 && (unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune(".@-_:/{}", r))
}

func isCJK(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) || (r >= 0x3000 && r <= 0x303F) || (r >= 0xFF00 && r <= 0xFFEF)
}

// callout is a tinted box with an icon: the things a person must do first
// (an app password, enabling IMAP) stand out without coloured body text.
func callout(icon fyne.Resource, tint color.Color, content fyne.CanvasObject) fyne.CanvasObject {
	bg := canvas.NewRectangle(tint)
	bg.CornerRadius = theme.Size(theme.SizeNameInputRadius)
	return container.NewStack(bg, container.NewPadded(container.NewBorder(nil, nil, container.NewVBox(widget.NewIcon(icon)), nil, content)))
}

// warningTint is the warning colour, faint enough to put text on.
func warningTint() color.Color {
	r, g, b, _ := theme.Color(theme.ColorNameWarning).RGBA()
	return color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: 0x22}
}

// noteCard shows a provider's note; one that asks the person to act first
// is a callout, with a button opening its page.
func (w *Wizard) noteCard(n profiles.Note) fyne.CanvasObject {
	l := w.label(w.display(NoteText(w.lang, n)))
	var body fyne.CanvasObject = l
	if u, err := url.Parse(n.URL); n.URL != "" && err == nil {
		b := newButton(w, w.t("settings.open-page", nil), theme.ComputerIcon(), func() { _ = w.openURL(u) })
		body = container.NewBorder(nil, nil, nil, container.NewVBox(b), l)
	}
	if importantNote(n.Kind) {
		return callout(theme.WarningIcon(), warningTint(), body)
	}
	return body
}

// copyButton shows a value (a server, a port, a login) with a copy icon;
// pressing it puts the value on the clipboard.
func (w *Wizard) copyButton(value string) *Button {
	b := newButton(w, value, theme.ContentCopyIcon(), nil)
	b.OnTapped = func() {
		w.svc.Clipboard(value)
		b.SetIcon(theme.ConfirmIcon()) // copied
	}
	b.Importance = widget.LowImportance
	b.IconPlacement = widget.ButtonIconTrailingText
	return b
}
