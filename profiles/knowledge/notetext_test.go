package knowledge

import (
	"strings"
	"testing"

	"mailsetup/assets/i18n"
	"mailsetup/profiles"
)

// TestNoteTextLimitsInEveryLanguage: the limits note said in another
// language has no English left in it. Before NoteText the window filled the
// translated sentence with the English List ("Ограничения Mail.ru: a message
// at most 30 MB; …").
func TestNoteTextLimitsInEveryLanguage(t *testing.T) {
	n, ok := LimitsNote("Mail.ru", profiles.Limits{MessageSizeMB: 30, AttachmentSizeMB: 25, RecipientsPerMessage: 30, MessagesPerDay: 500, Connections: 10})
	if !ok {
		t.Fatal("no limits note")
	}
	english := strings.Split(strings.TrimSuffix(strings.SplitN(n.Text, ": ", 2)[1], "."), "; ")
	if len(english) != 5 {
		t.Fatalf("English note %q has %d parts, want 5", n.Text, len(english))
	}
	if got := NoteText("en", n); got != n.Text {
		t.Errorf("NoteText(en) = %q, want the note's own text %q", got, n.Text)
	}
	for _, lang := range i18n.Languages[1:] {
		got := NoteText(lang, n)
		for _, part := range english {
			if strings.Contains(got, part) {
				t.Errorf("NoteText(%s) still has English %q: %q", lang, part, got)
			}
		}
		for _, v := range []string{"Mail.ru", "30", "25", "500", "10"} {
			if !strings.Contains(got, v) {
				t.Errorf("NoteText(%s) lost %q: %q", lang, v, got)
			}
		}
	}
}

func TestNoteTextWithoutKey(t *testing.T) {
	n := profiles.Note{Kind: profiles.NoteInfo, Text: "From the provider's own page."}
	if got := NoteText("ru", n); got != n.Text {
		t.Errorf("a note without a key: %q", got)
	}
	n.Key = "note.no-such-key"
	if got := NoteText("ru", n); got != n.Text {
		t.Errorf("a note whose key no catalog has: %q", got)
	}
}

// issue 18: the provider is named as its users know it (providers.ru.json:
// "Яндекс Почта"), not by its English name inside a Russian sentence.
func TestNoteTextNamesProviderInUsersLanguage(t *testing.T) {
	addr, _ := profiles.ParseAddress("ivan@yandex.ru")
	cfg, ok := Default().Detect(addr)
	if !ok || len(cfg.Notes) == 0 {
		t.Fatal("yandex.ru: no notes")
	}
	want := i18n.T("ru", "provider.yandex", nil)
	if want == "" || want == "provider.yandex" {
		t.Fatal("providers.ru.json has no name for yandex")
	}
	found := false
	for _, n := range cfg.Notes {
		if strings.Contains(NoteText("ru", n), want) {
			found = true
		}
	}
	if !found {
		t.Errorf("no Russian note names %q", want)
	}
}
