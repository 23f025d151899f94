package knowledge

import "testing"

// reliability.md L9: "gmaіl.com" (Cyrillic і) and "аррӏе.com" produced no
// warning, and a spoofed ISPDB answer for them showed "Provider: Gmail".
func TestLookalike(t *testing.T) {
	kb := Default()
	tests := []struct {
		domain   string
		imitates string
		mixed    bool
		want     bool
	}{
		{"gmaіl.com", "gmail.com", true, true}, // Cyrillic і
		{"xn--gmal-n9d.com", "gmail.com", true, true},
		{"уаndex.ru", "yandex.ru", true, true}, // Cyrillic у, а
		{"mаil.ru", "mail.ru", true, true},
		{"gmàil.com", "gmail.com", false, true}, // an accent
		{"аррӏе.com", "", false, false},         // all Cyrillic, no provider at apple.com in the base
		{"gmail.com", "", false, false},
		{"mail.ru", "", false, false},
		{"почта.рф", "", false, false},  // a real Cyrillic domain
		{"exаmple.org", "", true, true}, // mixed, imitates nothing known
	}
	for _, tt := range tests {
		l, ok := kb.Lookalike(tt.domain)
		if ok != tt.want || l.Imitates != tt.imitates || l.MixedScripts != tt.mixed {
			t.Errorf("%s: %+v %v, want imitates %q mixed %v ok %v", tt.domain, l, ok, tt.imitates, tt.mixed, tt.want)
		}
		if ok && l.Imitates != "" && l.Provider == "" {
			t.Errorf("%s: no provider name in %+v", tt.domain, l)
		}
	}
}
