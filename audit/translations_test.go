package audit

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"mailsetup/assets/i18n"
)

var placeholderRE = regexp.MustCompile(`\{\{\.\w+\}\}`)

func placeholders(s string) string {
	p := placeholderRE.FindAllString(s, -1)
	sort.Strings(p)
	out := p[:0]
	for i, v := range p {
		if i == 0 || v != p[i-1] {
			out = append(out, v)
		}
	}
	return strings.Join(out, " ")
}

// TestTranslations: every audit.<lang>.json has exactly the English keys
// with the same {{.Placeholders}}; every problem code has a detail and a
// fix, every client a reason; and no English key is unused.
func TestTranslations(t *testing.T) {
	read := func(lang string) map[string]string {
		data, err := os.ReadFile(filepath.Join("..", "assets", "translations", "audit."+lang+".json"))
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]string
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatalf("audit.%s.json: %v", lang, err)
		}
		return m
	}
	en := read("en")
	for _, lang := range i18n.Languages[1:] {
		m := read(lang)
		for k, v := range en {
			tv, ok := m[k]
			switch {
			case !ok:
				t.Errorf("%s: missing %s", lang, k)
			case placeholders(tv) != placeholders(v):
				t.Errorf("%s: %s has %q, English %q", lang, k, placeholders(tv), placeholders(v))
			case tv == v && len(v) > 12 && !strings.Contains(v, "mailsetup"):
				t.Errorf("%s: %s is not translated", lang, k)
			}
		}
		for k := range m {
			if _, ok := en[k]; !ok {
				t.Errorf("%s: extra key %s", lang, k)
			}
		}
	}
	used := map[string]bool{"audit.direction.incoming": true, "audit.direction.outgoing": true}
	for _, c := range Codes {
		used["audit."+c.Code+".detail"], used["audit."+c.Code+".fix"] = true, true
		used["audit.severity."+string(c.Severity)] = true
	}
	for _, o := range []string{"found", "nothing", "error", "timeout", "skipped", "cancelled"} {
		used["audit.outcome."+o] = true
	}
	for _, cl := range clientRules {
		used["audit.why.none."+cl.id] = true
	}
	for _, k := range []string{"section.clients", "section.problems", "section.servers", "section.sources", "section.files",
		"col.client", "col.finds", "col.via", "col.works", "col.server", "col.named-by", "col.certificate", "col.auth",
		"col.source", "col.outcome", "col.detail", "fix", "none-found"} {
		used["audit."+k] = true
	}
	lit := regexp.MustCompile(`"(audit\.[a-z0-9.-]*[a-z0-9])"`)
	files, _ := filepath.Glob("*.go")
	files = append(files, filepath.Join("..", "ui", "cli", "checkdomain.go"), filepath.Join("..", "ui", "checkdomain.go"))
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, m := range lit.FindAllStringSubmatch(string(data), -1) {
			used[m[1]] = true
		}
	}
	for k := range en {
		if !used[k] {
			t.Errorf("English key %s is used nowhere", k)
		}
	}
	for k := range used {
		if _, ok := en[k]; !ok {
			t.Errorf("key %s is used but not in audit.en.json", k)
		}
	}
}

// TestReportInEveryLanguage renders the problems of a broken domain in
// each language: no text falls back to a bare key.
func TestReportInEveryLanguage(t *testing.T) {
	e := newEnv(t)
	e.mixed()
	for _, lang := range i18n.Languages {
		o := e.opts()
		o.Lang, o.ProbeTimeout = lang, time.Second
		rep, err := Check(t.Context(), testDomain, o)
		if err != nil {
			t.Fatal(err)
		}
		page, err := HTML(rep)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(page), "audit.") {
			t.Errorf("%s: an untranslated key in the HTML", lang)
		}
		for _, c := range rep.Clients {
			if strings.HasPrefix(c.Why, "audit.") {
				t.Errorf("%s: %s", lang, c.Why)
			}
		}
	}
}
