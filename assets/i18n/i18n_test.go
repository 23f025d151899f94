package i18n

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestMatch(t *testing.T) {
	cases := map[string]string{
		"ru_RU.UTF-8": "ru", "ja-JP": "ja", "tr": "tr", "ro_RO": "ro", "bs_BA.UTF-8": "bs",
		"en_GB": "en", "C": "en", "POSIX": "en", "": "en", "de_DE": "en", "uk_UA": "en", "sr_RS@latin": "en",
		"RU": "ru", "ja_JP.eucJP": "ja", "hr_HR": "bs",
	}
	for in, want := range cases {
		if got := Match(in); got != want {
			t.Errorf("Match(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCatalog(t *testing.T) {
	fsys := fstest.MapFS{
		"t/a.en.json": {Data: []byte(`{"hello": "Hello {{.Name}}", "plain": "Plain"}`)},
		"t/a.ru.json": {Data: []byte(`{"hello": "Привет, {{.Name}}"}`)},
	}
	c, err := Load(fsys, "t")
	if err != nil {
		t.Fatal(err)
	}
	if got := c.T("ru", "hello", map[string]string{"Name": "Иван"}); got != "Привет, Иван" {
		t.Errorf("ru hello = %q", got)
	}
	if got := c.T("ru", "plain", nil); got != "Plain" {
		t.Errorf("fallback = %q", got)
	}
	if got := c.T("ja", "missing.key", nil); got != "missing.key" {
		t.Errorf("missing = %q", got)
	}
	if got := c.T("en", "hello", nil); strings.Contains(got, "no value") {
		t.Errorf("missing arg rendered as %q", got)
	}
	if !c.Has("ru", "hello") || c.Has("ru", "plain") {
		t.Error("Has is wrong")
	}
}

func TestLoadRejectsDuplicates(t *testing.T) {
	fsys := fstest.MapFS{
		"t/a.en.json": {Data: []byte(`{"k": "1"}`)},
		"t/b.en.json": {Data: []byte(`{"k": "2"}`)},
	}
	if _, err := Load(fsys, "t"); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Errorf("error = %v, want a duplicate-key error", err)
	}
	bad := fstest.MapFS{"t/a.en.json": {Data: []byte(`{"k": 1}`)}}
	if _, err := Load(bad, "t"); err == nil {
		t.Error("a non-string value was accepted")
	}
}

func TestEmbeddedCatalogParses(t *testing.T) {
	c := Default()
	if len(c.Keys("en")) == 0 {
		t.Fatal("no English texts embedded")
	}
	for _, lang := range Languages {
		for _, k := range c.Keys(lang) {
			src, _ := c.Raw(lang, k)
			if strings.Count(src, "{{") != strings.Count(src, "}}") {
				t.Errorf("%s %s: unbalanced template %q", lang, k, src)
			}
		}
	}
}
