package i18n

import (
	"regexp"
	"strings"
	"testing"
	"unicode"
)

// word builds a pattern that matches any of words as a whole word. Go's \b
// knows only ASCII letters, so the edges are spelled out with \p{L}.
func word(words ...string) *regexp.Regexp {
	return regexp.MustCompile(`(?:^|[^\p{L}])(` + strings.Join(words, "|") + `)(?:[^\p{L}]|$)`)
}

// registers lists, per language, the forms that break its register: the
// program always speaks to the user politely (ro dumneavoastră, ru «вы»,
// tr siz, ja です/ます), in every file, because a user sees the window,
// the diagnoses and the guides side by side.
var registers = map[string][]struct {
	what string
	re   *regexp.Regexp
}{
	"ro": {
		{"tu pronoun or possessive", word("tu", "te", "ta", "tău", "tale", "tăi", "ți", "îți", "ție")},
		{"tu clitic (-ți, -te)", regexp.MustCompile(`\p{L}-(ți|te)(?:[^\p{L}]|$)`)},
		{"tu present tense (-ești, -ezi)", regexp.MustCompile(`\p{L}{2,}(ești|ezi|ăști)(?:[^\p{L}]|$)`)},
		{"tu verb", word("ceri", "scrii", "ștergi", "muți", "citești", "poți", "vrei", "ai")},
		{"tu imperative", word("Scrie", "Verifică", "Anulează", "Încearcă", "Salvează", "Alege", "Apasă",
			"Folosește", "Schimbă", "Copiază", "Lipește", "Arată", "Deschide", "Pune", "Sari", "Adaugă", "Cere", "Caută", "Introdu")},
	},
	"ru": {
		{"«ты» pronoun", word("ты", "тебя", "тебе", "тобой", "твой", "твоя", "твоё", "твое", "твои", "твоего", "твоей", "твоих", "твоим")},
		{"«ты» verb (-ешь, -ишь)", regexp.MustCompile(`\p{L}{2,}(ешь|ишь)(?:[^\p{L}]|$)`)},
	},
	"tr": {
		{"sen pronoun", word("sen", "seni", "sana", "senin", "sende", "senden", "seninle")},
		{"sen verb (-sın, -sun)", regexp.MustCompile(`\p{L}{2,}(abilirsin|ebilirsin|ıyorsun|iyorsun|uyorsun|üyorsun)(?:[^\p{L}]|$)`)},
	},
	"bs": {
		{"ti imperative with an object", regexp.MustCompile(`(?:^|[^\p{L}])((koristi|upiši|odaberi|klikni|provjeri|otvori|dodirni|označi|napravi|kopiraj|pošalji|sačuvaj|unesi|izaberi) (ih|je|ga|to|adresu|lozinku))(?:[^\p{L}]|$)`)},
		{"ti pronoun", word("tebe", "tebi", "tvoj", "tvoja", "tvoje", "tvoji", "tvog", "tvoju", "tvojim")},
	},
}

// TestRegister checks every translation outside other programs' labels
// (guide.ui.*, quoted labels, menu paths) against its language's register.
func TestRegister(t *testing.T) {
	texts := readTexts(t)
	for lang, rules := range registers {
		for _, x := range texts[lang] {
			if labelsOnly(x.key) {
				continue
			}
			plain := unquote(x.tr)
			for _, r := range rules {
				if m := r.re.FindStringSubmatch(plain); m != nil {
					t.Errorf("%s %s.%s: %s %q in %q", lang, x.area, x.key, r.what, m[1], x.tr)
				}
			}
		}
	}
}

// japanese reports whether r is kana, kanji or Japanese punctuation.
func japanese(r rune) bool {
	return unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Han) ||
		r == 'ー' || (r >= 0x3000 && r <= 0x303F) || (r >= 0xFF01 && r <= 0xFF60)
}

// TestJapanesePunctuation checks that ja texts use full-width （）：！？
// next to Japanese text, as the four other ja files always did and
// ui.ja.json did not. Half-width stays right between Latin words, in
// host:port and in templates.
func TestJapanesePunctuation(t *testing.T) {
	for _, x := range readTexts(t)["ja"] {
		s := []rune(action.ReplaceAllString(x.tr, "X"))
		for i, r := range s {
			if !strings.ContainsRune("():!?", r) {
				continue
			}
			prev, next := rune(0), rune(0)
			if i > 0 {
				prev = s[i-1]
			}
			if i+1 < len(s) {
				next = s[i+1]
			}
			if r == '!' && strings.HasSuffix(string(s[:i]), "Yahoo") {
				continue // the brand is spelled Yahoo!メール
			}
			if japanese(prev) || (japanese(next) && r != ':') {
				t.Errorf("ja %s.%s: half-width %q next to Japanese text in %q", x.area, x.key, r, x.tr)
			}
		}
	}
}

// politeEnd matches the end of a Japanese sentence in です/ます form.
var politeEnd = regexp.MustCompile(`(です|ます|ました|ません|でした|ください|しょう|さい)[。）」]*$`)

// plainEnd matches a plain-form (だ/である) verb at the end of a status or
// sentence: 見つかった, 開いた, できる.
var plainEnd = regexp.MustCompile(`([^まで]した|った|いた|んだ|えた|けた|れた|せた|きた|ない|だ|である|する|できる)。?$`)

// parenthetical matches a remark in brackets, which may be a noun phrase.
var parenthetical = regexp.MustCompile(`（[^（）]*）|\([^()]*\)`)

// TestJapanesePolite checks that every ja sentence (a text ending in 。)
// ends in a です/ます form and that no text ends in a plain verb form. A
// sentence of the form "label：values。" is held to this only in its label,
// which must not be a plain verb; remarks in brackets are left out.
func TestJapanesePolite(t *testing.T) {
	for _, x := range readTexts(t)["ja"] {
		if labelsOnly(x.key) {
			continue
		}
		s := strings.TrimSpace(action.ReplaceAllString(x.tr, ""))
		for _, sentence := range strings.SplitAfter(s, "。") {
			sentence = strings.TrimSpace(sentence)
			if !strings.HasSuffix(sentence, "。") {
				continue
			}
			sentence = parenthetical.ReplaceAllString(sentence, "")
			if i := strings.Index(sentence, "："); i >= 0 {
				if plainEnd.MatchString(sentence[:i]) {
					t.Errorf("ja %s.%s: plain form before the colon: %q", x.area, x.key, sentence)
				}
				continue
			}
			if !politeEnd.MatchString(sentence) {
				t.Errorf("ja %s.%s: sentence not in です/ます form: %q", x.area, x.key, sentence)
			}
		}
		if plainEnd.MatchString(unquote(s)) {
			t.Errorf("ja %s.%s: ends in a plain form: %q", x.area, x.key, x.tr)
		}
	}
}

// wrongLetters are letters of a neighbouring script that look alike:
// Romanian writes ș ț with a comma below, never the Turkish cedilla ş ţ;
// Turkish never has the Romanian ș ț.
var wrongLetters = map[string]string{
	"ro": "\u015f\u015e\u0163\u0162", // ş Ş ţ Ţ
	"tr": "\u0219\u0218\u021b\u021a", // ș Ș ț Ț
}

// TestLetters checks that ro and tr texts use their own letters.
func TestLetters(t *testing.T) {
	texts := readTexts(t)
	for lang, bad := range wrongLetters {
		for _, x := range texts[lang] {
			if i := strings.IndexAny(x.tr, bad); i >= 0 {
				t.Errorf("%s %s.%s: %q has %q", lang, x.area, x.key, x.tr, []rune(x.tr[i:])[0])
			}
		}
	}
}
