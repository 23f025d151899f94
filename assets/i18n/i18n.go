// Package i18n looks up mailsetup's translated texts. The catalogs are the
// JSON files in assets/translations (<area>.<lang>.json, a flat map from key
// to a text/template string), the same files the window hands to Fyne's lang
// package. Texts fall back to English, then to the key itself.
//
// It is a leaf: it imports only the embedded files (mailsetup/assets, which
// links no Fyne) and golang.org/x/text, so the domain (profiles/...), the
// writers and both front ends may all use it. Errors that can say
// themselves in a language implement Translatable; Err renders them.
package i18n

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"
	"text/template"

	"mailsetup/assets"

	"golang.org/x/text/language"
)

// Languages are the languages mailsetup speaks, English first.
var Languages = []string{"en", "ru", "tr", "ja", "ro", "bs"}

// Names maps each language code to the language's own name, for menus.
var Names = map[string]string{
	"en": "English", "ru": "Русский", "tr": "Türkçe", "ja": "日本語", "ro": "Română", "bs": "Bosanski",
}

// Fallback is the language used when no other matches.
const Fallback = "en"

// Catalog holds the texts of every language.
type Catalog struct {
	texts map[string]map[string]string // lang → key → template
	mu    sync.Mutex
	tmpls map[string]*template.Template
}

var (
	defaultOnce    sync.Once
	defaultCatalog *Catalog
	defaultErr     error
)

// Default returns the catalog built from the embedded translations. It
// panics if they cannot be read, which a test catches at build time.
func Default() *Catalog {
	defaultOnce.Do(func() {
		defaultCatalog, defaultErr = Load(assets.Translations, assets.TranslationsDir)
	})
	if defaultErr != nil {
		panic(defaultErr)
	}
	return defaultCatalog
}

// Load reads every <area>.<lang>.json (or <lang>.json) file in dir of fsys.
// Two files defining the same key for one language are an error.
func Load(fsys fs.FS, dir string) (*Catalog, error) {
	c := &Catalog{texts: map[string]map[string]string{}, tmpls: map[string]*template.Template{}}
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("i18n: %w", err)
	}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".json") {
			continue
		}
		parts := strings.Split(strings.TrimSuffix(name, ".json"), ".")
		lang := parts[len(parts)-1]
		data, err := fs.ReadFile(fsys, path.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("i18n: %w", err)
		}
		var m map[string]string
		if err := json.Unmarshal(data, &m); err != nil {
			return nil, fmt.Errorf("i18n: %s: %w", name, err)
		}
		if c.texts[lang] == nil {
			c.texts[lang] = map[string]string{}
		}
		for k, v := range m {
			if _, dup := c.texts[lang][k]; dup {
				return nil, fmt.Errorf("i18n: %s: key %q is defined twice for %s", name, k, lang)
			}
			c.texts[lang][k] = v
		}
	}
	return c, nil
}

// Has reports whether lang has its own text for key.
func (c *Catalog) Has(lang, key string) bool {
	_, ok := c.texts[lang][key]
	return ok
}

// Keys returns the sorted keys defined for lang.
func (c *Catalog) Keys(lang string) []string {
	keys := make([]string, 0, len(c.texts[lang]))
	for k := range c.texts[lang] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Raw returns the untranslated template for key in lang, falling back to
// English, and whether one was found.
func (c *Catalog) Raw(lang, key string) (string, bool) {
	if s, ok := c.texts[lang][key]; ok {
		return s, true
	}
	s, ok := c.texts[Fallback][key]
	return s, ok
}

// T returns the text for key in lang with args filled in. It falls back to
// English, then to key. args may be nil, a map or a struct.
func (c *Catalog) T(lang, key string, args any) string {
	key = c.pluralKey(lang, key, args) // an integer Count picks "<key>.<category>" (plural.go)
	src, ok := c.Raw(lang, key)
	if !ok {
		return key
	}
	if !strings.Contains(src, "{{") {
		return src
	}
	id := lang + "\x00" + key
	c.mu.Lock()
	t, ok := c.tmpls[id]
	if !ok {
		var err error
		t, err = template.New(key).Option("missingkey=zero").Parse(src)
		if err != nil {
			c.mu.Unlock()
			return src
		}
		c.tmpls[id] = t
	}
	c.mu.Unlock()
	var b bytes.Buffer
	if err := t.Execute(&b, args); err != nil {
		return src
	}
	return strings.ReplaceAll(b.String(), "<no value>", "")
}

// T is Default().T.
func T(lang, key string, args any) string { return Default().T(lang, key, args) }

// Match returns the supported language closest to a locale or language tag
// ("ru_RU.UTF-8", "ja-JP", "pt"), or Fallback when none is close.
func Match(locale string) string {
	m, _ := match(locale)
	return m
}

// match is Match that also says whether the locale chose the language
// (C and POSIX choose English) rather than falling back to it.
func match(locale string) (string, bool) {
	l := strings.TrimSpace(locale)
	if i := strings.IndexAny(l, ".@"); i >= 0 {
		l = l[:i]
	}
	l = strings.ReplaceAll(l, "_", "-")
	if l == "C" || l == "POSIX" {
		return Fallback, true
	}
	if l == "" {
		return Fallback, false
	}
	for _, code := range Languages {
		if strings.EqualFold(l, code) {
			return code, true
		}
	}
	tag, err := language.Parse(l)
	if err != nil {
		return Fallback, false
	}
	_, idx, conf := matcher.Match(tag)
	if conf == language.No {
		return Fallback, false
	}
	return Languages[idx], true
}

var matcher = func() language.Matcher {
	tags := make([]language.Tag, len(Languages))
	for i, l := range Languages {
		tags[i] = language.MustParse(l)
	}
	return language.NewMatcher(tags)
}()

// Supported reports whether code is one of Languages.
func Supported(code string) bool {
	for _, l := range Languages {
		if l == code {
			return true
		}
	}
	return false
}

// FromEnv picks the language from the environment read by getenv
// (os.Getenv, or a test's map): MAILSETUP_LANG, then every entry of the
// LANGUAGE list in order ("xx:ru" gives ru: GNU gettext's priority list,
// whose unsupported entries are skipped), then the locale, which is the
// first set of LC_ALL, LC_MESSAGES and LANG (POSIX precedence). The first
// supported language wins; English when none is.
func FromEnv(getenv func(string) string) string {
	var candidates []string
	if v := getenv("MAILSETUP_LANG"); v != "" {
		candidates = append(candidates, v)
	}
	if v := getenv("LANGUAGE"); v != "" {
		candidates = append(candidates, strings.Split(v, ":")...)
	}
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := getenv(name); v != "" {
			candidates = append(candidates, v)
			break
		}
	}
	for _, c := range candidates {
		if m, ok := match(c); ok {
			return m
		}
	}
	return Fallback
}

// TOr is "translate, else the given English": the text for key in lang
// (or English) when the catalog has key, else fallback, else key itself.
// It is for texts whose English comes from elsewhere (a provider's note, a
// format's plain name) while the catalogs may lack a key.
func (c *Catalog) TOr(lang, key, fallback string, args any) string {
	if key != "" && (c.Has(lang, key) || c.Has(Fallback, key)) {
		return c.T(lang, key, args)
	}
	if fallback == "" {
		return key
	}
	return fallback
}

// TOr is Default().TOr.
func TOr(lang, key, fallback string, args any) string {
	return Default().TOr(lang, key, fallback, args)
}

// Translatable is an error that can be said in any language: the catalog
// keys to try, most specific first, and its plain English sentence (with
// no "package: " prefix) for when no key is translated.
// profiles.AddressError is one.
type Translatable interface {
	error
	MessageKeys() []string
	Sentence() string
}

// Err says err in lang for a person: the first of its MessageKeys the
// catalog has, else its English Sentence. An error that is not Translatable
// (anywhere in its chain) is its own text.
func (c *Catalog) Err(lang string, err error) string {
	var t Translatable
	if !errors.As(err, &t) {
		return err.Error()
	}
	for _, key := range t.MessageKeys() {
		if _, ok := c.Raw(lang, key); ok {
			return c.T(lang, key, nil)
		}
	}
	return t.Sentence()
}

// Err is Default().Err.
func Err(lang string, err error) string { return Default().Err(lang, err) }
