package i18n

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// translationsDir is assets/translations, read straight from the source tree.
var translationsDir = filepath.Join("..", "translations")

// catalogAreas returns the areas of assets/translations: every <area> of an
// <area>.<lang>.json file except glossary.<lang>.json, which is not a
// catalog. They are read from the directory, not listed by hand, so that a
// new area (audit, export, startup, …) is held to every check the day its
// files land. Every area must have a file for every language, so that
// none falls back to English unnoticed; providers.<lang>.json alone has no
// English file, because the English names are those of
// profiles/knowledge/providers/<id>.json. A file not named
// <area>.<lang>.json with one of Languages is an error.
func catalogAreas(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(translationsDir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no catalogs in %s: %v", translationsDir, err)
	}
	known := map[string]bool{}
	for _, l := range Languages {
		known[l] = true
	}
	has := map[string]map[string]bool{} // area → lang → file present
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		area, lang, ok := strings.Cut(name, ".")
		if !ok || area == "" || strings.Contains(lang, ".") || !known[lang] {
			t.Errorf("%s: not <area>.<lang>.json with a language of %v", f, Languages)
			continue
		}
		if area == "glossary" {
			continue
		}
		if has[area] == nil {
			has[area] = map[string]bool{}
		}
		has[area][lang] = true
	}
	var areas []string
	for area, langs := range has {
		for _, lang := range Languages {
			if !langs[lang] && !(area == "providers" && lang == Fallback) {
				t.Errorf("%s.%s.json is missing: every area needs a file in every language", area, lang)
			}
		}
		areas = append(areas, area)
	}
	sort.Strings(areas)
	if len(areas) < 10 {
		t.Fatalf("only %d areas in %s: %v", len(areas), translationsDir, areas)
	}
	return areas
}

// text is one translated value and where it lives.
type text struct {
	area, key, en, tr string
}

// pluralSuffix matches the category of a plural variant key
// ("export.saved.few"), whose English is the key itself ("other") when
// English has no such variant.
var pluralSuffix = regexp.MustCompile(`\.(zero|one|two|few|many)$`)

// englishProviderNames reads profiles/knowledge/providers/*.json: the
// English name of each provider, the English of providers.<lang>.json.
func englishProviderNames(t *testing.T) map[string]string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join("..", "..", "profiles", "knowledge", "providers", "*.json"))
	names := map[string]string{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var p struct{ ID, Name string }
		if err := json.Unmarshal(data, &p); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		names["provider."+p.ID] = p.Name
	}
	if len(names) == 0 {
		t.Fatal("no provider files in profiles/knowledge/providers")
	}
	return names
}

// readTexts reads every <area>.<lang>.json of catalogAreas straight from
// the source tree (not through Default, so the tests do not depend on how
// the catalog is embedded) and returns, per language, every value with its
// English text. The English of providers.<lang>.json is the provider's
// name in profiles/knowledge; the English of a plural variant that
// plural.en.json lacks (ru "export.saved.few") is the key's "other" form,
// wherever English keeps it.
func readTexts(t *testing.T) map[string][]text {
	t.Helper()
	load := func(area, lang string) (map[string]string, []string) {
		name := filepath.Join(translationsDir, area+"."+lang+".json")
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]string
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		return m, keys
	}
	areas := catalogAreas(t)
	english := map[string]map[string]string{} // area → key → English
	allEnglish := map[string]string{}
	for _, area := range areas {
		if area == "providers" {
			english[area] = englishProviderNames(t)
			continue
		}
		english[area], _ = load(area, Fallback)
		for k, v := range english[area] {
			allEnglish[k] = v
		}
	}
	out := map[string][]text{}
	for _, lang := range Languages {
		for _, area := range areas {
			if area == "providers" && lang == Fallback {
				continue
			}
			en := english[area]
			m, keys := load(area, lang)
			for _, k := range keys {
				e, ok := en[k]
				if !ok && area == "plural" {
					e = allEnglish[pluralSuffix.ReplaceAllString(k, "")]
				}
				out[lang] = append(out[lang], text{area: area, key: k, en: e, tr: m[k]})
			}
		}
	}
	return out
}

// term is one glossary entry: the English term (a pattern), the one word a
// language uses for it (forms: a pattern matching its inflected forms) and
// the variants it must not use.
type term struct {
	id               string
	en, enExcept     *regexp.Regexp
	word             string
	forms, forbidden *regexp.Regexp
	exempt           map[string]bool
}

// readGlossary reads glossary.<lang>.json: a flat JSON object like every
// catalog ("glossary.<id>": the word, "glossary.<id>.forms",
// "glossary.<id>.forbidden": Go regular expressions, matched without case,
// "glossary.<id>.exempt": keys that may phrase around the term).
func readGlossary(t *testing.T, lang string) map[string]string {
	t.Helper()
	name := filepath.Join(translationsDir, "glossary."+lang+".json")
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]string
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	for k := range m {
		if !strings.HasPrefix(k, "glossary.") {
			t.Errorf("%s: key %q does not start with glossary.", name, k)
		}
	}
	return m
}

func compile(t *testing.T, lang, key, src string) *regexp.Regexp {
	t.Helper()
	if src == "" {
		return nil
	}
	re, err := regexp.Compile("(?i)" + src)
	if err != nil {
		t.Fatalf("glossary.%s.json %s: %v", lang, key, err)
	}
	return re
}

// glossary returns the terms of lang, joined with the English patterns.
func glossary(t *testing.T, lang string) []term {
	t.Helper()
	en, g := readGlossary(t, "en"), readGlossary(t, lang)
	var ids []string
	for k := range en {
		if id := strings.TrimPrefix(k, "glossary."); !strings.Contains(id, ".") && id != "about" {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	var terms []term
	for _, id := range ids {
		p := "glossary." + id
		if g[p] == "" || g[p+".forms"] == "" {
			t.Errorf("glossary.%s.json: no word or forms for %q", lang, id)
			continue
		}
		tm := term{
			id: id, en: compile(t, "en", p+".forms", en[p+".forms"]), enExcept: compile(t, "en", p+".except", en[p+".except"]),
			word: g[p], forms: compile(t, lang, p+".forms", g[p+".forms"]), forbidden: compile(t, lang, p+".forbidden", g[p+".forbidden"]),
			exempt: map[string]bool{},
		}
		for _, k := range strings.Split(g[p+".exempt"], ",") {
			if k = strings.TrimSpace(k); k != "" {
				tm.exempt[k] = true
			}
		}
		terms = append(terms, tm)
	}
	if len(terms) < 10 {
		t.Errorf("glossary.%s.json: only %d terms", lang, len(terms))
	}
	return terms
}

// quoted matches a quoted label of another program or web site («…», „…”,
// “…”, "…", 「…」, 『…』): those show what the user sees there, in that
// program's own words, and are not held to this program's glossary.
var quoted = regexp.MustCompile(`«[^»]*»|„[^”“]*[”“]|“[^”]*”|"[^"]*"|「[^」]*」|『[^』]*』`)

// action matches a template action ({{.Provider}}), whose value is not
// part of the text.
var action = regexp.MustCompile(`\{\{[^}]*\}\}`)

// menuPath matches a menu path (Settings → Accounts → …): its steps are the
// labels a web site or program shows, in its own words.
var menuPath = regexp.MustCompile(`(?:(?:[^.;:()→。：（）]|\([^()]*\)|（[^（）]*）)*→)+(?:[^.;:()→。：（）]|\([^()]*\)|（[^（）]*）)*`)

// unquote drops quoted labels, menu paths and template actions from s.
func unquote(s string) string {
	s = action.ReplaceAllString(s, "X")
	return menuPath.ReplaceAllString(quoted.ReplaceAllString(s, "…"), "…")
}

// labelsOnly reports whether key holds a label of another program
// (guide.ui.*: a button, field or menu path exactly as Outlook, iOS or a web
// mail shows it), which that program's wording decides, not the glossary.
func labelsOnly(key string) bool { return strings.HasPrefix(key, "guide.ui.") }

// TestGlossary checks every translation in every area against its
// language's glossary: where the English text uses a term, the translation
// uses the glossary's word, and no translation uses a forbidden variant
// (outside quoted labels of other programs).
func TestGlossary(t *testing.T) {
	texts := readTexts(t)
	for _, lang := range Languages[1:] {
		terms := glossary(t, lang)
		for _, x := range texts[lang] {
			if labelsOnly(x.key) {
				continue
			}
			plain := unquote(x.tr)
			for _, tm := range terms {
				if tm.forbidden != nil {
					if m := tm.forbidden.FindString(plain); m != "" {
						t.Errorf("%s %s.%s: %q uses %q; the glossary's word for %q is %q", lang, x.area, x.key, x.tr, m, tm.id, tm.word)
					}
				}
				e := x.en
				if tm.enExcept != nil {
					e = tm.enExcept.ReplaceAllString(e, "")
				}
				e = unquote(e)
				if tm.en == nil || !tm.en.MatchString(e) || tm.exempt[x.key] {
					continue
				}
				if !tm.forms.MatchString(x.tr) {
					t.Errorf("%s %s.%s: English says %q but %q lacks the glossary's word %q", lang, x.area, x.key, tm.en.FindString(e), x.tr, tm.word)
				}
			}
		}
	}
}

// TestGlossaryExemptionsAreUsed keeps the exemption lists honest: an exempt
// key must exist and its English text must use the term.
func TestGlossaryExemptionsAreUsed(t *testing.T) {
	texts := readTexts(t)
	for _, lang := range Languages[1:] {
		byKey := map[string]text{}
		for _, x := range texts[lang] {
			byKey[x.key] = x
		}
		for _, tm := range glossary(t, lang) {
			for k := range tm.exempt {
				x, ok := byKey[k]
				if !ok {
					t.Errorf("glossary.%s.json %s: exempt key %q does not exist", lang, tm.id, k)
					continue
				}
				e := x.en
				if tm.enExcept != nil {
					e = tm.enExcept.ReplaceAllString(e, "")
				}
				if tm.en == nil || !tm.en.MatchString(unquote(e)) {
					t.Errorf("glossary.%s.json %s: the English of exempt key %q does not use the term", lang, tm.id, k)
				}
				if tm.forms.MatchString(x.tr) {
					t.Errorf("glossary.%s.json %s: %q already uses %q; drop the exemption", lang, tm.id, k, tm.word)
				}
			}
		}
	}
}
