package i18n_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"mailsetup/assets/i18n"
	"mailsetup/profiles"
)

// Every way ParseAddress can fail has its own text in every language, and
// the domain error, not the catalog, names the keys.
func TestAddressErrorTranslated(t *testing.T) {
	inputs := []string{"", "a.b.ru", "a@@b.ru", "@b.ru", "a@", "a b@c.ru", "ab@c .ru", "a\x01@b.ru", "a@localhost",
		"a@" + strings.Repeat("x", 64) + ".ru", strings.Repeat("a", 65) + "@b.ru",
		strings.Repeat("a", 60) + "@" + strings.Repeat(strings.Repeat("b", 60)+".", 4) + "ru",
		"a@ma_il.ru", ".a@b.ru", "a@b.\x80"}
	seen := map[profiles.AddressReason]bool{}
	for _, in := range inputs {
		_, err := profiles.ParseAddress(in)
		var ae *profiles.AddressError
		if !errors.As(err, &ae) {
			t.Fatalf("ParseAddress(%q): %v is not an AddressError", in, err)
		}
		seen[ae.Reason] = true
		english := i18n.Err("en", err)
		if english == err.Error() || strings.HasPrefix(english, "address") {
			t.Errorf("%q: English text %q is the raw error", in, english)
		}
		for _, lang := range i18n.Languages {
			// Wrapped, as callers pass it on.
			got := i18n.Err(lang, fmt.Errorf("typing: %w", err))
			if got == "" || strings.HasPrefix(got, "address") {
				t.Errorf("Err(%s, %q) = %q", lang, in, got)
			}
			if lang != "en" && got == english {
				t.Errorf("Err(%s, %q) is still English: %q", lang, in, got)
			}
		}
	}
	if len(seen) < 11 {
		t.Errorf("only %d reasons covered: %v", len(seen), seen)
	}
}

func TestErrFallsBackToSentence(t *testing.T) {
	ae := &profiles.AddressError{Field: profiles.FieldDomain, Reason: "not-a-reason"}
	if got, want := i18n.Err("ru", ae), ae.Sentence(); got != want {
		t.Errorf("untranslated reason: %q, want the English sentence %q", got, want)
	}
	plain := errors.New("x: something")
	if got := i18n.Err("ru", plain); got != plain.Error() {
		t.Errorf("plain error: %q", got)
	}
}
