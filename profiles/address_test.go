package profiles

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

var addressCases = []struct {
	name    string
	in      string
	want    Address // zero when an error is expected
	field   AddressField
	reason  AddressReason
	wantErr bool
}{
	{name: "plain", in: "ivan@mail.ru", want: Address{Local: "ivan", Domain: "mail.ru", DomainUnicode: "mail.ru"}},
	{name: "trimmed", in: "  ivan@inbox.ru\t", want: Address{Local: "ivan", Domain: "inbox.ru", DomainUnicode: "inbox.ru"}},
	{name: "domain lower-cased, local kept", in: "Ivan.Petrov@MAIL.RU", want: Address{Local: "Ivan.Petrov", Domain: "mail.ru", DomainUnicode: "mail.ru"}},
	{name: "trailing dot", in: "ivan@yandex.ru.", want: Address{Local: "ivan", Domain: "yandex.ru", DomainUnicode: "yandex.ru"}},
	{name: "plus tag", in: "ivan+shop@yandex.ru", want: Address{Local: "ivan+shop", Domain: "yandex.ru", DomainUnicode: "yandex.ru"}},
	{name: "IDN unicode", in: "иван@почта.рф", want: Address{Local: "иван", Domain: "xn--80a1acny.xn--p1ai", DomainUnicode: "почта.рф"}},
	{name: "IDN punycode", in: "ivan@xn--80a1acny.xn--p1ai", want: Address{Local: "ivan", Domain: "xn--80a1acny.xn--p1ai", DomainUnicode: "почта.рф"}},
	{name: "IDN upper unicode", in: "a@ÖRNEK.com.tr", want: Address{Local: "a", Domain: "xn--rnek-4qa.com.tr", DomainUnicode: "örnek.com.tr"}},
	{name: "display name", in: "Ivan <ivan@mail.ru>", want: Address{Name: "Ivan", Local: "ivan", Domain: "mail.ru", DomainUnicode: "mail.ru"}},
	{name: "quoted display name", in: `"Petrov, Ivan" <ivan@mail.ru>`, want: Address{Name: "Petrov, Ivan", Local: "ivan", Domain: "mail.ru", DomainUnicode: "mail.ru"}},
	{name: "cyrillic display name", in: "Иван Петров <ivan@mail.ru>", want: Address{Name: "Иван Петров", Local: "ivan", Domain: "mail.ru", DomainUnicode: "mail.ru"}},
	{name: "subdomain", in: "ivan@corp.mail.ru", want: Address{Local: "ivan", Domain: "corp.mail.ru", DomainUnicode: "corp.mail.ru"}},

	{name: "empty", in: "", wantErr: true, field: FieldAddress, reason: ReasonEmpty},
	{name: "blank", in: "   ", wantErr: true, field: FieldAddress, reason: ReasonEmpty},
	{name: "no at", in: "ivan.mail.ru", wantErr: true, field: FieldAddress, reason: ReasonNoAt},
	{name: "empty domain", in: "a@", wantErr: true, field: FieldDomain, reason: ReasonEmpty},
	{name: "empty local", in: "@b.ru", wantErr: true, field: FieldLocal, reason: ReasonEmpty},
	{name: "two at", in: "a@@b.ru", wantErr: true, field: FieldAddress, reason: ReasonManyAt},
	{name: "two at apart", in: "a@b@c.ru", wantErr: true, field: FieldAddress, reason: ReasonManyAt},
	{name: "space in local", in: "a b@c.ru", wantErr: true, field: FieldLocal, reason: ReasonSpace},
	{name: "space in domain", in: "ab@c .ru", wantErr: true, field: FieldDomain, reason: ReasonSpace},
	{name: "control char", in: "a\x00b@c.ru", wantErr: true, field: FieldAddress, reason: ReasonControl},
	{name: "newline", in: "a@c.ru\nBcc: x@y.ru", wantErr: true, field: FieldAddress, reason: ReasonControl},
	{name: "invalid utf-8", in: "0@0.\x80", wantErr: true, field: FieldAddress, reason: ReasonEncoding},
	{name: "bidi override", in: "a\u202e@c.ru", wantErr: true, field: FieldAddress, reason: ReasonControl},
	{name: "no dot", in: "ivan@localhost", wantErr: true, field: FieldDomain, reason: ReasonNoDot},
	{name: "label too long", in: "a@" + strings.Repeat("x", 64) + ".ru", wantErr: true, field: FieldDomain, reason: ReasonLabelTooLong},
	{name: "address too long", in: strings.Repeat("a", 60) + "@" + strings.Repeat(strings.Repeat("b", 60)+".", 4) + "ru", wantErr: true, field: FieldAddress, reason: ReasonTooLong},
	{name: "300 characters", in: strings.Repeat("a", 300) + "@mail.ru", wantErr: true, field: FieldLocal, reason: ReasonTooLong},
	{name: "ip literal", in: "a@[127.0.0.1]", wantErr: true, field: FieldDomain, reason: ReasonInvalidDomain},
	{name: "numeric tld", in: "a@127.0.0.1", wantErr: true, field: FieldDomain, reason: ReasonInvalidDomain},
	{name: "double dot domain", in: "a@mail..ru", wantErr: true, field: FieldDomain, reason: ReasonInvalidDomain},
	{name: "underscore domain", in: "a@ma_il.ru", wantErr: true, field: FieldDomain, reason: ReasonInvalidDomain},
	{name: "leading dot local", in: ".a@mail.ru", wantErr: true, field: FieldLocal, reason: ReasonInvalidLocal},
	{name: "comma in local", in: "a,b@mail.ru", wantErr: true, field: FieldLocal, reason: ReasonInvalidLocal},
	{name: "broken display name", in: "Ivan <ivan@mail.ru", wantErr: true, field: FieldAddress, reason: ReasonInvalidLocal},
}

func TestParseAddress(t *testing.T) {
	for _, tc := range addressCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseAddress(tc.in)
			if tc.wantErr {
				var ae *AddressError
				if !errors.As(err, &ae) {
					t.Fatalf("ParseAddress(%q) = %+v, %v; want an *AddressError", tc.in, got, err)
				}
				if ae.Field != tc.field || ae.Reason != tc.reason {
					t.Errorf("ParseAddress(%q) error field/reason = %s/%s, want %s/%s (%v)", tc.in, ae.Field, ae.Reason, tc.field, tc.reason, err)
				}
				if !errors.Is(err, ErrInvalidAddress) {
					t.Errorf("errors.Is(%v, ErrInvalidAddress) = false", err)
				}
				if !strings.HasPrefix(err.Error(), "address: ") {
					t.Errorf("error %q lacks the package prefix", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseAddress(%q) error: %v", tc.in, err)
			}
			if got != tc.want {
				t.Errorf("ParseAddress(%q) = %+v, want %+v", tc.in, got, tc.want)
			}
		})
	}
}

func TestAddressRoundTripIDN(t *testing.T) {
	a, err := ParseAddress("иван@почта.рф")
	if err != nil {
		t.Fatal(err)
	}
	if a.String() != "иван@xn--80a1acny.xn--p1ai" || a.Unicode() != "иван@почта.рф" {
		t.Fatalf("String/Unicode = %q / %q", a.String(), a.Unicode())
	}
	b, err := ParseAddress(a.String())
	if err != nil {
		t.Fatal(err)
	}
	if b != a {
		t.Errorf("reparsed %q = %+v, want %+v", a.String(), b, a)
	}
}

func TestBaseLocal(t *testing.T) {
	for in, want := range map[string]string{"ivan+shop": "ivan", "ivan": "ivan", "+x": "+x", "a+b+c": "a"} {
		if got := (Address{Local: in}).BaseLocal(); got != want {
			t.Errorf("BaseLocal(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzParseAddress checks that any input either parses into an address that
// parses again to itself, or fails with a typed error, and never panics.
func FuzzParseAddress(f *testing.F) {
	for _, tc := range addressCases {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		a, err := ParseAddress(in)
		if err != nil {
			var ae *AddressError
			if !errors.As(err, &ae) {
				t.Fatalf("ParseAddress(%q) error %v is not an *AddressError", in, err)
			}
			return
		}
		s := a.String()
		if len(s) > maxAddressLength {
			t.Fatalf("ParseAddress(%q) accepted %d bytes", in, len(s))
		}
		if !utf8.ValidString(s) || strings.ContainsAny(s, " \t\r\n\x00") {
			t.Fatalf("ParseAddress(%q) = %q contains spaces or invalid UTF-8", in, s)
		}
		if a.Domain != strings.ToLower(a.Domain) {
			t.Fatalf("domain %q is not lower-case", a.Domain)
		}
		b, err := ParseAddress(s)
		if err != nil {
			t.Fatalf("ParseAddress(%q) = %q, which does not parse again: %v", in, s, err)
		}
		if b.Local != a.Local || b.Domain != a.Domain {
			t.Fatalf("round trip %q → %+v → %+v", in, a, b)
		}
	})
}

func BenchmarkParseAddress(b *testing.B) {
	for b.Loop() {
		if _, err := ParseAddress("Ivan.Petrov+news@Yandex.RU"); err != nil {
			b.Fatal(err)
		}
	}
}
