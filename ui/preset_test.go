package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
)

const testPreset = `{
  "version": 1,
  "organisation": {"name": "Example Ltd"},
  "domains": [{
    "names": ["example.com"],
    "incoming": [{"protocol": "imap", "host": "mail.example.com", "port": 993, "security": "tls", "username": "%EMAILADDRESS%"}],
    "outgoing": [{"protocol": "smtp", "host": "mail.example.com", "port": 465, "security": "tls", "username": "%EMAILADDRESS%"}]
  }],
  "lock": ["domain", "language", "formats", "incoming", "outgoing", "username"],
  "language": "ru",
  "exports": ["mobileconfig"],
  "support": {"name": "IT helpdesk", "email": "it@example.com"}
}`

// TestPresetWindow: with a preset the window asks only for name, address
// and password, refuses other domains, hides the language menu and offers
// only the preset's formats.
func TestPresetWindow(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.json")
	if err := os.WriteFile(path, []byte(testPreset), 0o600); err != nil {
		t.Fatal(err)
	}
	opts, err := ParseWindowArgs([]string{"--preset", path}, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if err := LoadPreset(&opts, func(string) string { return "" }); err != nil {
		t.Fatal(err)
	}
	a := test.NewTempApp(t)
	a.Preferences().SetString(PrefLanguage, "en")
	if got := StartLanguage(a.Preferences(), opts); got != "ru" {
		t.Fatalf("locked preset language: got %s", got)
	}
	h := newHarness(t, "en", okVerify)
	w := h.wiz
	w.svc.Preset = opts.Preset
	w.svc.Formats = DefaultFormats
	w.build()
	h.win.SetContent(w.Content)
	if w.Language.Visible() {
		t.Fatal("language menu shown although the preset locks it")
	}
	w.Address.Address.SetText("ivan@yandex.ru")
	if !strings.Contains(w.Address.Status.Text, "example.com") || !strings.Contains(w.Address.Status.Text, "it@example.com") {
		t.Fatalf("foreign address status %q", w.Address.Status.Text)
	}
	if !w.Next.Disabled() {
		t.Fatal("Next enabled for a foreign address")
	}
	w.Address.Address.SetText("anna@example.com")
	if w.Next.Disabled() || w.Address.Status.Text != "Found: Example Ltd" {
		t.Fatalf("company address not accepted at once: %q", w.Address.Status.Text)
	}
	for _, o := range w.Address.Result.Objects {
		if o == w.Address.Confirm {
			t.Fatal("preset settings asked to be confirmed")
		}
	}
	w.GoNext()
	h.mustStep(StepSignIn) // Settings skipped
	w.GoBack()
	h.mustStep(StepAddress)
	w.GoNext()
	test.Type(w.SignIn.Password, "pw")
	w.GoNext()
	w.GoNext()
	h.mustStep(StepExport)
	if len(w.Export.Formats) != 1 || w.Export.Formats["mobileconfig"] == nil || !w.Export.Formats["mobileconfig"].Checked {
		t.Fatalf("formats offered: %v", w.Export.Formats)
	}
}
