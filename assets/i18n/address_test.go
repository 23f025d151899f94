package i18n

import (
	"strings"
	"testing"

	"mailsetup/profiles"
)

// Every way ParseAddress can fail has its own text in every language.
func TestAddressProblemTranslated(t *testing.T) {
	inputs := []string{"", "a.b.ru", "a@@b.ru", "@b.ru", "a@", "a b@c.ru", "ab@c .ru", "a\x01@b.ru", "a@localhost",
		"a@" + strings.Repeat("x", 64) + ".ru", strings.Repeat("a", 65) + "@b.ru",
		strings.Repeat("a", 60) + "@" + strings.Repeat(strings.Repeat("b", 60)+".", 4) + "ru",
		"a@ma_il.ru", ".a@b.ru", "a@b.\x80"}
	seen := map[profiles.AddressReason]bool{}
	for _, in := range inputs {
		_, err := profiles.ParseAddress(in)
		if err == nil {
			t.Fatalf("ParseAddress(%q) accepted", in)
		}
		var ae *profiles.AddressError
		if !asAddressError(err, &ae) {
			t.Fatalf("%q: %v is not an AddressError", in, err)
		}
		seen[ae.Reason] = true
		english := AddressProblem("en", err)
		for _, lang := range Languages {
			got := AddressProblem(lang, err)
			if got == "" || strings.HasPrefix(got, "address") {
				t.Errorf("AddressProblem(%s, %q) = %q", lang, in, got)
			}
			if lang != "en" && got == english {
				t.Errorf("AddressProblem(%s, %q) is still English: %q", lang, in, got)
			}
		}
	}
	if len(seen) < 11 {
		t.Errorf("only %d reasons covered: %v", len(seen), seen)
	}
}

func asAddressError(err error, target **profiles.AddressError) bool {
	ae, ok := err.(*profiles.AddressError)
	*target = ae
	return ok
}
