package i18n

import (
	"regexp"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
)

// TestPluralCategory checks the rules against the examples CLDR lists for
// each language (unicode-org/cldr, common/supplemental/plurals.xml,
// <pluralRules locales="…"> @integer samples). Thunderbird's own catalogs
// use the same categories: ru one/few/many and tr one/other
// (thunderbird/thunderbird-l10n, ru/ and tr/mail/messenger/accountcreation/
// accountSetup.ftl, account-setup-found-calendars-description).
func TestPluralCategory(t *testing.T) {
	cases := map[string]map[string][]int{
		"en": {One: {1}, Other: {0, 2, 3, 16, 100, 1000}},
		"tr": {One: {1}, Other: {0, 2, 16, 100, 1000}},
		"ja": {Other: {0, 1, 2, 15, 100, 1000}},
		// ru: one = v=0 and i%10=1 and i%100!=11; few = i%10=2..4 and
		// i%100!=12..14; many = i%10=0 or i%10=5..9 or i%100=11..14.
		"ru": {One: {1, 21, 31, 101, 1001}, Few: {2, 3, 4, 22, 24, 102, 1002}, Many: {0, 5, 11, 12, 14, 19, 20, 100, 111, 112, 1000}},
		// bs: as ru for one and few, everything else is other.
		"bs": {One: {1, 21, 31, 101}, Few: {2, 4, 22, 24, 102}, Other: {0, 5, 11, 12, 14, 19, 100, 1000}},
		// ro: few = v!=0 or n=0 or n!=1 and n%100=1..19; 20 and above
		// (but 101–119) take "de": other.
		"ro": {One: {1}, Few: {0, 2, 16, 19, 101, 119, 1001}, Other: {20, 21, 35, 100, 120, 1000, 10000}},
	}
	for lang, byCat := range cases {
		for cat, ns := range byCat {
			for _, n := range ns {
				if got := PluralCategory(lang, n); got != cat {
					t.Errorf("PluralCategory(%s, %d) = %s, want %s", lang, n, got, cat)
				}
			}
		}
	}
}

func TestPluralVariantsThroughT(t *testing.T) {
	fsys := fstest.MapFS{
		"t/a.en.json": {Data: []byte(`{"saved": "Saved {{.Count}} files", "saved.one": "Saved {{.Count}} file"}`)},
		"t/a.ro.json": {Data: []byte(`{"saved": "{{.Count}} de fișiere", "saved.one": "{{.Count}} fișier", "saved.few": "{{.Count}} fișiere"}`)},
		"t/a.ru.json": {Data: []byte(`{"saved": "файлов: {{.Count}}", "saved.one": "{{.Count}} файл", "saved.few": "{{.Count}} файла", "saved.many": "{{.Count}} файлов"}`)},
		"t/a.ja.json": {Data: []byte(`{"saved": "{{.Count}} 個"}`)},
	}
	c, err := Load(fsys, "t")
	if err != nil {
		t.Fatal(err)
	}
	type args struct {
		Count int
		Dir   string
	}
	cases := []struct {
		lang string
		args any
		want string
	}{
		{"en", map[string]any{"Count": 1}, "Saved 1 file"},
		{"en", map[string]any{"Count": 2}, "Saved 2 files"},
		{"ro", map[string]int{"Count": 1}, "1 fișier"},
		{"ro", map[string]any{"Count": 19}, "19 fișiere"},
		{"ro", args{Count: 20}, "20 de fișiere"},
		{"ro", &args{Count: 101}, "101 fișiere"},
		{"ru", map[string]any{"Count": 21}, "21 файл"},
		{"ru", map[string]any{"Count": 3}, "3 файла"},
		{"ru", map[string]any{"Count": 11}, "11 файлов"},
		{"ja", map[string]any{"Count": 1}, "1 個"},
		// tr has no text of its own: the English variant for its count.
		{"tr", map[string]any{"Count": 1}, "Saved 1 file"},
		// No Count: the key itself.
		{"ro", map[string]any{"N": 1}, "<no value> de fișiere"},
	}
	for _, tc := range cases {
		got := c.T(tc.lang, "saved", tc.args)
		want := strings.ReplaceAll(tc.want, "<no value>", "")
		if got != want {
			t.Errorf("T(%s, saved, %v) = %q, want %q", tc.lang, tc.args, got, want)
		}
	}
	if got := c.N("ru", "saved", 5, map[string]int{"Count": 5}); got != "5 файлов" {
		t.Errorf("N(ru, 5) = %q", got)
	}
}

// TestExportSavedPlurals renders the real "files saved" line, the one the
// window prints after Save, for counts CLDR puts in different categories.
func TestExportSavedPlurals(t *testing.T) {
	c := Default()
	cases := []struct {
		lang string
		n    int
		want string
	}{
		{"en", 1, "Saved 1 file in /x:"}, {"en", 3, "Saved 3 files in /x:"},
		{"ru", 1, "Сохранён 1 файл"}, {"ru", 3, "Сохранено 3 файла"}, {"ru", 5, "Сохранено 5 файлов"}, {"ru", 21, "Сохранён 21 файл"},
		{"ro", 1, "1 fișier "}, {"ro", 7, "7 fișiere"}, {"ro", 20, "20 de fișiere"}, {"ro", 101, "101 fișiere"},
		{"bs", 1, "Sačuvana je 1 datoteka"}, {"bs", 3, "Sačuvane su 3 datoteke"}, {"bs", 5, "Sačuvano je 5 datoteka"},
		{"tr", 1, "1 dosya"}, {"ja", 2, "2 個のファイル"},
	}
	for _, tc := range cases {
		got := c.T(tc.lang, "export.saved", map[string]any{"Count": tc.n, "Dir": "/x"})
		if !strings.Contains(got, tc.want) {
			t.Errorf("%s export.saved with %d = %q, want it to contain %q", tc.lang, tc.n, got, tc.want)
		}
	}
}

// pluralHack matches the shortcuts a template used before plural rules:
// "file(s)", "fișier(e)", "файл(ов)", "dosya(lar)".
var pluralHack = regexp.MustCompile(`\p{L}\((s|es|e|i|le|ов|а|ы|и|ей|lar|ler|a|e|ova|ova)\)`)

// TestNoPluralHacks checks that no text spells a plural as word(suffix):
// counts go through PluralCategory or are phrased "noun: N".
func TestNoPluralHacks(t *testing.T) {
	for lang, texts := range readTexts(t) {
		for _, x := range texts {
			if m := pluralHack.FindString(x.tr); m != "" {
				t.Errorf("%s %s.%s: plural shortcut %q in %q", lang, x.area, x.key, m, x.tr)
			}
		}
	}
}

// TestPluralVariantKeys checks every "<key>.<category>" text: its base key
// exists in English with the same placeholders, the category is one the
// language has, and a language that has variants for a key has them all.
func TestPluralVariantKeys(t *testing.T) {
	cats := map[string][]string{ // CLDR integer categories per language
		"en": {One}, "tr": {One}, "ja": {}, "ru": {One, Few, Many}, "bs": {One, Few}, "ro": {One, Few},
	}
	all := readTexts(t)
	en := map[string]string{}
	for _, x := range all["en"] {
		en[x.key] = x.en
	}
	for lang, texts := range all {
		has := map[string]map[string]bool{}
		for _, x := range texts {
			i := strings.LastIndex(x.key, ".")
			base, cat := x.key[:max(i, 0)], x.key[i+1:]
			switch cat {
			case Zero, One, Two, Few, Many:
			default: // "other" is the base key itself
				continue
			}
			if _, ok := en[base]; !ok {
				t.Errorf("%s %s: plural variant of %q, which English lacks", lang, x.key, base)
				continue
			}
			if placeholderSet(x.tr) != placeholderSet(en[base]) {
				t.Errorf("%s %s: placeholders %s, English %s has %s", lang, x.key, placeholderSet(x.tr), base, placeholderSet(en[base]))
			}
			ok := false
			for _, c := range cats[lang] {
				ok = ok || c == cat
			}
			if !ok {
				t.Errorf("%s %s: %s has no plural category %q", lang, x.key, lang, cat)
			}
			if has[base] == nil {
				has[base] = map[string]bool{}
			}
			has[base][cat] = true
		}
		for base, got := range has {
			for _, c := range cats[lang] {
				if !got[c] {
					t.Errorf("%s %s: has plural variants but not %q", lang, base, c)
				}
			}
		}
	}
}

// placeholderSet lists the template actions of s, sorted and joined.
func placeholderSet(s string) string {
	acts := action.FindAllString(s, -1)
	seen := map[string]bool{}
	var out []string
	for _, a := range acts {
		if !seen[a] {
			seen[a] = true
			out = append(out, a)
		}
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}
