package ui

import (
	"strings"
	"testing"

	"mailsetup/profiles"
	"mailsetup/profiles/knowledge"
)

// TestTranslationNoteTextLimits: the window says the limits note wholly in
// the window's language. It showed "Ограничения Mail.ru: a message at most
// 30 MB; …" before, filling the Russian sentence with the English list.
func TestTranslationNoteTextLimits(t *testing.T) {
	n, ok := knowledge.LimitsNote("Mail.ru", profiles.Limits{MessageSizeMB: 30, RecipientsPerMessage: 30})
	if !ok {
		t.Fatal("no limits note")
	}
	got := NoteText("ru", n)
	for _, english := range []string{"a message at most", "recipients", "limits"} {
		if strings.Contains(got, english) {
			t.Errorf("NoteText(ru) has English %q: %q", english, got)
		}
	}
	if !strings.Contains(got, "Mail.ru") || !strings.Contains(got, "30") {
		t.Errorf("NoteText(ru) lost a value: %q", got)
	}
}
