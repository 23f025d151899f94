package i18n

import (
	"reflect"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
)

// Plural categories of CLDR (https://cldr.unicode.org/index/cldr-spec/plural-rules).
// A text that prints a count may have one variant per category, stored as
// "<key>.<category>" ("export.saved.one", "export.saved.few") in
// assets/translations/plural.<lang>.json, so that the area files keep
// exactly the keys the code uses; the key itself holds the "other" form
// (there is no "<key>.other"), so callers and
// languages that need no plural forms keep working unchanged.
const (
	Zero  = "zero"
	One   = "one"
	Two   = "two"
	Few   = "few"
	Many  = "many"
	Other = "other"
)

// PluralCategory returns the CLDR cardinal plural category of the whole
// number n in lang: for ru 1, 21 → one; 2–4, 22 → few; 0, 5–20, 25 → many;
// for ro 1 → one; 0, 2–19, 101 → few; 20 and above → other ("20 de
// fișiere"); for bs 1, 21 → one; 2–4 → few; 5+ → other; for en and tr
// 1 → one, else other; for ja always other. The rules are CLDR's, as
// compiled into golang.org/x/text/feature/plural.
func PluralCategory(lang string, n int) string {
	tag, err := language.Parse(lang)
	if err != nil {
		return Other
	}
	if n < 0 {
		n = -n
	}
	switch plural.Cardinal.MatchPlural(tag, n, 0, 0, 0, 0) {
	case plural.Zero:
		return Zero
	case plural.One:
		return One
	case plural.Two:
		return Two
	case plural.Few:
		return Few
	case plural.Many:
		return Many
	}
	return Other
}

// PluralKey returns the key of the variant of key for count n in lang:
// "<key>.<category>" when lang (or English, its fallback) has it, else key.
// The "other" form is key itself, never "<key>.other".
func (c *Catalog) PluralKey(lang, key string, n int) string {
	if cat := PluralCategory(lang, n); cat != Other && c.Has(lang, key+"."+cat) {
		return key + "." + cat
	}
	// Fall back to English only where lang has no text of its own at all;
	// a language's own "other" form beats an English singular.
	if cat := PluralCategory(Fallback, n); cat != Other && !c.Has(lang, key) && c.Has(Fallback, key+"."+cat) {
		return key + "." + cat
	}
	return key
}

// N returns the text for key in lang with args filled in, in the plural
// form that fits the count n.
func (c *Catalog) N(lang, key string, n int, args any) string {
	return c.T(lang, c.PluralKey(lang, key, n), args)
}

// N is Default().N.
func N(lang, key string, n int, args any) string { return Default().N(lang, key, n, args) }

// countOf finds the count a template prints: the integer field or map
// entry named Count in args. It reports false when there is none.
func countOf(args any) (int, bool) {
	if args == nil {
		return 0, false
	}
	v := reflect.ValueOf(args)
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return 0, false
		}
		v = v.Elem()
	}
	var f reflect.Value
	switch v.Kind() {
	case reflect.Map:
		if v.Type().Key().Kind() != reflect.String {
			return 0, false
		}
		f = v.MapIndex(reflect.ValueOf("Count").Convert(v.Type().Key()))
	case reflect.Struct:
		f = v.FieldByName("Count")
	default:
		return 0, false
	}
	for f.IsValid() && f.Kind() == reflect.Interface && !f.IsNil() {
		f = f.Elem()
	}
	if !f.IsValid() {
		return 0, false
	}
	switch {
	case f.CanInt():
		return int(f.Int()), true
	case f.CanUint():
		return int(f.Uint()), true
	}
	return 0, false
}

// pluralKey is the hook T uses: when args carry an integer Count, the key
// of the plural variant for it, else key unchanged.
func (c *Catalog) pluralKey(lang, key string, args any) string {
	if n, ok := countOf(args); ok {
		return c.PluralKey(lang, key, n)
	}
	return key
}
