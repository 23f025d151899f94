package profiles

import (
	"errors"
	"testing"
)

// reliability.md L10: malformed quoted local parts and an invisible
// zero-width joiner between ASCII letters were accepted.
func TestParseAddressRefusesMalformedQuotesAndInvisibleJoiners(t *testing.T) {
	tests := []struct {
		in     string
		wantOK bool
	}{
		{`""@mail.ru`, false},
		{`"a"b"@mail.ru`, false},
		{`"\"@mail.ru`, false},
		{`"a\"@mail.ru`, false},
		{`"a"x@mail.ru`, false},
		{`"abc@mail.ru`, false},
		{"iv\u200dan@mail.ru", false},
		{"\u200divan@mail.ru", false},
		{"ivan@ma\u200dil.ru", false},
		// Legal forms stay legal.
		{`"ivan.petrov"@mail.ru`, true},
		{`"a\"b"@mail.ru`, true},
		{`"a\\b"@mail.ru`, true},
		{"ivan@mail.ru", true},
		// A joiner between two non-ASCII letters is how some scripts are written.
		{"क्\u200dष@example.in", true},
	}
	for _, tt := range tests {
		_, err := ParseAddress(tt.in)
		if tt.wantOK && err != nil {
			t.Errorf("%q: %v, want accepted", tt.in, err)
		}
		if !tt.wantOK {
			if err == nil {
				t.Errorf("%q: accepted, want refused", tt.in)
			} else if !errors.Is(err, ErrInvalidAddress) {
				t.Errorf("%q: %v is not an ErrInvalidAddress", tt.in, err)
			}
		}
	}
}
