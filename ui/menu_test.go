package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"
)

// issue 17: the window offers "Check a domain (for IT)" from its menu, in
// the window's language, and the item opens the check in its own window.
func TestToolsMenuOpensDomainCheck(t *testing.T) {
	a := test.NewTempApp(t)
	win, _ := NewWindow(a, WindowOptions{Lang: "ru"}, Services{Detect: builtinDetect})
	m := win.MainMenu()
	if m == nil || len(m.Items) == 0 || len(m.Items[0].Items) == 0 {
		t.Fatal("no menu")
	}
	item := m.Items[0].Items[0]
	if m.Items[0].Label != "Инструменты" || item.Label != "Проверка домена (для ИТ-отдела)…" {
		t.Errorf("menu %q → %q", m.Items[0].Label, item.Label)
	}
	before := len(a.Driver().AllWindows())
	item.Action()
	if after := len(a.Driver().AllWindows()); after != before+1 {
		t.Errorf("windows: %d before, %d after the menu item", before, after)
	}
}
