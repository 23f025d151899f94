package i18n

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"text/template"
)

// providerNames reads the display name of every provider in
// profiles/knowledge/providers/*.json, the value templates get as
// {{.Provider}}, plus the names of providers.<lang>.json when present.
func providerNames(t *testing.T, lang string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "..", "profiles", "knowledge", "providers", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no provider files next to assets/i18n: %v", err)
	}
	var names []string
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var p struct {
			Name string `json:"name"`
		}
		if err := json.Unmarshal(data, &p); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		names = append(names, p.Name)
	}
	if data, err := os.ReadFile(filepath.Join("..", "translations", "providers."+lang+".json")); err == nil {
		var m map[string]string
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatal(err)
		}
		for _, v := range m {
			names = append(names, v)
		}
	}
	sort.Strings(names)
	return names
}

// samples returns, per inserted field, the values a template of lang can
// be given: every provider name, every program name (guide.client.*), every
// button, checkbox or field label (guide.ui.*) and every menu path
// (guide.ui.path.*) of that language.
func samples(t *testing.T, lang string, texts []text) map[string][]string {
	s := map[string][]string{
		"Provider": providerNames(t, lang),
		"Org":      {"Example Corp", "Acme GmbH"},
		"File":     {"ivan@example.com.mobileconfig", "mailsetup-ivan.zip"},
		"Address":  {"ivan@example.com"},
		"Host":     {"imap.example.com"},
	}
	for _, x := range texts {
		switch {
		case strings.HasPrefix(x.key, "guide.client."):
			s["Client"] = append(s["Client"], x.tr)
		case strings.HasPrefix(x.key, "guide.ui.path."):
			s["Path"] = append(s["Path"], x.tr)
		case strings.HasPrefix(x.key, "guide.ui."):
			s["Button"] = append(s["Button"], x.tr)
			s["Option"] = append(s["Option"], x.tr)
		}
	}
	return s
}

// rule is one way a fixed text can clash with an inserted value.
type rule struct {
	what          string
	fields        string         // the fields it applies to, space-separated
	before, after *regexp.Regexp // matched against the text just before / after the value
}

// closing is a closing quote that may follow an inserted value.
const closing = `[”“"»’]?`

// grammar lists, per language, the clashes a template cannot avoid by
// itself, because it cannot inflect a value it does not know: Turkish case
// endings glued to a name or dropped after a quoted button, Bosnian and
// Russian prepositions that need an inflected name, Romanian genitive
// articles before a bare name.
var grammar = map[string][]rule{
	"tr": {
		{what: "suffix glued to the value (“{{.Provider}}'ın” is wrong for most names): put a noun between (“{{.Provider}} hizmetinin”)",
			fields: "Provider Client Button Option Path File Org Address Host",
			after:  regexp.MustCompile(`^` + closing + `['’]?\p{L}`)},
		{what: "case ending dropped before the verb: put a noun between (“düğmesine dokunun”, “bölümünü açın”, “dosyasını seçin”)",
			fields: "Button Option Path File Address",
			after:  regexp.MustCompile(`^` + closing + `\s+(seçin|dokunun|tıklayın|açın|basın|işaretleyin|kaldırın|yazın|girin|seç|dokun|tıkla|aç|bas)(?:[^\p{L}]|$)`)},
	},
	"bs": {
		{what: "bare name after a preposition that needs genitive/locative: use a noun in apposition (“u servisu {{.Provider}}”)",
			fields: "Provider Client Org",
			before: regexp.MustCompile(`(?:^|[^\p{L}])(kod|u|na|iz|od|za|sa|s|prema|preko|pri|o|po)\s+[„“"]?$`)},
		{what: "bare name in genitive position: use a noun in apposition (“Ograničenja servisa {{.Provider}}”)",
			fields: "Provider Client Org",
			before: regexp.MustCompile(`(Ograničenja|stranici|postavkama|postavke|podešavanje|programu|pošti|pošte|sandučeta)\s+[„“"]?$`)},
	},
	"ru": {
		{what: "name after a preposition, which needs a case the template cannot give it: use a noun in apposition («в сервисе {{.Provider}}»)",
			fields: "Provider Client Org",
			before: regexp.MustCompile(`(?:^|[^\p{L}])(в|во|на|у|с|со|от|для|к|ко|из|о|об|по|при|через|до)\s+«?$`)},
		{what: "name in genitive position: use a noun in apposition («Ограничения сервиса {{.Provider}}»)",
			fields: "Provider Client Org",
			before: regexp.MustCompile(`(Ограничения|настройках|веб-почте|странице|стороне|ящике|ящика|веб-почты|самого)\s+«?$`)},
	},
	"ro": {
		{what: "genitive article before a bare name: “al serverului {{.Host}}”, “Limite la {{.Provider}}”",
			fields: "Provider Client Org Host",
			before: regexp.MustCompile(`(?:^|[^\p{L}])(al|ale|Limitele)\s+[„"]?$`)},
	},
}

// fields lists the inserted fields ({{.Name}}) of a template.
var fields = regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`)

// TestInsertedValues renders every template with every provider name and
// every program, button and menu text of its language and checks that no
// fixed text around an inserted value needs the value to be inflected.
func TestInsertedValues(t *testing.T) {
	all := readTexts(t)
	for lang, rules := range grammar {
		vals := samples(t, lang, all[lang])
		for _, x := range all[lang] {
			if labelsOnly(x.key) || strings.HasPrefix(x.key, "guide.client.") {
				continue
			}
			tmpl, err := template.New(x.key).Option("missingkey=zero").Parse(x.tr)
			if err != nil {
				t.Errorf("%s %s: %v", lang, x.key, err)
				continue
			}
			used := map[string]bool{}
			for _, m := range fields.FindAllStringSubmatch(x.tr, -1) {
				used[m[1]] = true
			}
			reported := map[string]bool{}
			for field := range used {
				for _, r := range rules {
					if !strings.Contains(" "+r.fields+" ", " "+field+" ") {
						continue
					}
					for _, v := range vals[field] {
						out, ok := render(tmpl, used, field, v)
						if !ok {
							continue
						}
						if bad := clash(out, v, r); bad != "" && !reported[field+r.what] {
							reported[field+r.what] = true
							t.Errorf("%s %s: {{.%s}} = %q renders %q: %s", lang, x.key, field, v, bad, r.what)
						}
					}
				}
			}
		}
	}
}

// marker stands for the value under test, so that it is found even where a
// provider name also occurs in the fixed text.
const marker = "\x00"

// render fills field with a marker, every other field with a neutral value
// and every {{if}} with true, and puts v in place of the marker.
func render(tmpl *template.Template, used map[string]bool, field, v string) (string, bool) {
	args := map[string]any{}
	for f := range used {
		args[f] = "X1"
	}
	args[field] = marker
	args["AppPw"] = true
	var b bytes.Buffer
	if err := tmpl.Execute(&b, args); err != nil {
		return "", false
	}
	return strings.ReplaceAll(b.String(), marker, marker+v+marker), true
}

// clash returns the text around the first occurrence of v that breaks r.
func clash(out, v string, r rule) string {
	parts := strings.Split(out, marker)
	// parts alternate: fixed, value, fixed, value, …
	for i := 1; i+1 < len(parts); i += 2 {
		before, after := parts[i-1], parts[i+1]
		if r.before != nil && r.before.MatchString(before) {
			return tail(before) + v
		}
		if r.after != nil && r.after.MatchString(after) {
			return v + head(after)
		}
	}
	return ""
}

func tail(s string) string {
	r := []rune(s)
	return string(r[max(0, len(r)-20):])
}

func head(s string) string {
	r := []rune(s)
	return string(r[:min(len(r), 20)])
}
