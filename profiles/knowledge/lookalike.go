package knowledge

import (
	"strings"
	"unicode"

	"mailsetup/profiles"

	"golang.org/x/text/unicode/norm"
)

// Lookalike is a domain that looks like a known provider's but is not it:
// "gmaіl.com" with a Cyrillic "і" reads as gmail.com, and a phishing page
// or a spoofed autoconfig behind it would collect Gmail passwords.
type Lookalike struct {
	// Domain is the domain as typed, in Unicode.
	Domain string
	// Imitates is the provider domain it reads as ("gmail.com"), and
	// Provider that provider's name; both empty when the domain only mixes
	// alphabets.
	Imitates, Provider string
	// MixedScripts is true when one label mixes Latin letters with
	// Cyrillic or Greek ones, which no real provider's domain does.
	MixedScripts bool
}

// Warning is the sentence shown to the user.
func (l Lookalike) Warning() string {
	if l.Imitates != "" {
		return "the domain " + l.Domain + " only looks like " + l.Imitates + " (" + l.Provider + "): some of its letters are from another alphabet. Check the address: settings or a sign-in page for it do not come from " + l.Provider
	}
	return "the domain " + l.Domain + " mixes letters of different alphabets (Latin with Cyrillic or Greek), as fake copies of real domains do. Check the address"
}

// confusables maps letters that are drawn like a Latin letter to it: the
// Cyrillic, Greek and Latin-extended entries of Unicode's confusables list
// (UTS #39, confusables.txt) that occur in real lookalike domains.
var confusables = map[rune]rune{
	// Cyrillic
	'а': 'a', 'в': 'b', 'е': 'e', 'ё': 'e', 'к': 'k', 'м': 'm', 'н': 'h', 'о': 'o', 'р': 'p', 'с': 'c', 'т': 't',
	'у': 'y', 'х': 'x', 'і': 'i', 'ї': 'i', 'ј': 'j', 'ӏ': 'l', 'ԁ': 'd', 'ѕ': 's', 'һ': 'h', 'ԛ': 'q', 'ԝ': 'w',
	'ɡ': 'g', 'ս': 'u', 'օ': 'o', 'ց': 'g', 'զ': 'q',
	// Greek
	'α': 'a', 'β': 'b', 'ε': 'e', 'η': 'n', 'ι': 'i', 'κ': 'k', 'ν': 'v', 'ο': 'o', 'ρ': 'p', 'τ': 't', 'υ': 'u',
	'χ': 'x', 'ω': 'w', 'ϲ': 'c', 'ϳ': 'j',
	// Latin look-alikes
	'ı': 'i', 'ł': 'l', 'ℓ': 'l', 'ǀ': 'l', 'ɩ': 'i',
}

// skeleton is the Latin reading of s: every confusable letter replaced, and
// accents dropped ("gmàil" reads as "gmail"). ok is false when s has a
// letter with no Latin reading (a genuinely Cyrillic or Japanese domain).
func skeleton(s string) (string, bool) {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case r < unicode.MaxASCII:
			b.WriteRune(r)
		case unicode.Is(unicode.Mn, r): // a combining accent
		default:
			l, ok := confusables[r]
			if !ok {
				return "", false
			}
			b.WriteRune(l)
		}
	}
	return b.String(), true
}

// mixesScripts reports a label with Latin letters and Cyrillic or Greek ones.
func mixesScripts(label string) bool {
	var latin, other bool
	for _, r := range label {
		switch {
		case unicode.Is(unicode.Latin, r):
			latin = true
		case unicode.Is(unicode.Cyrillic, r), unicode.Is(unicode.Greek, r):
			other = true
		}
	}
	return latin && other
}

// Lookalike reports whether domain (Unicode or punycode) imitates a domain
// of the knowledge base or mixes alphabets. A domain the knowledge base
// claims itself is never a lookalike.
func (kb *KB) Lookalike(domain string) (Lookalike, bool) {
	if _, ok := kb.Lookup(domain); ok {
		return Lookalike{}, false
	}
	_, uni, err := profiles.NormalizeDomain(domain)
	if err != nil {
		return Lookalike{}, false
	}
	l := Lookalike{Domain: uni}
	for _, label := range strings.Split(uni, ".") {
		if mixesScripts(label) {
			l.MixedScripts = true
		}
	}
	if sk, ok := skeleton(uni); ok && sk != uni {
		if p, known := kb.Lookup(sk); known {
			l.Imitates, l.Provider = sk, p.Name
		}
	}
	if l.Imitates == "" && !l.MixedScripts {
		return Lookalike{}, false
	}
	return l, true
}
