package ui

import (
	"testing"
)

// BenchmarkWizardWalk builds the wizard and walks address → guide with the
// built-in knowledge base and instant checks (headless).
func BenchmarkWizardWalk(b *testing.B) {
	for i := 0; i < b.N; i++ {
		h := newHarness(b, "en", okVerify)
		h.typeAddress("ivan@yandex.ru")
		h.wiz.GoNext()
		h.wiz.GoNext()
		h.wiz.SignIn.Password.SetText("pw")
		h.wiz.GoNext()
		h.wiz.GoNext()
		h.wiz.GoNext()
	}
}

// BenchmarkLanguageSwitch measures rebuilding every page in another language.
func BenchmarkLanguageSwitch(b *testing.B) {
	h := newHarness(b, "en", okVerify)
	h.typeAddress("ivan@yandex.ru")
	h.wiz.GoNext()
	langs := []string{"ru", "ja", "en"}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		h.wiz.SetLanguage(langs[i%len(langs)])
	}
}
