package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"mailsetup/audit"
	"mailsetup/profiles"
)

// sampleAudit is a report with one working client, one error and one file.
func sampleAudit(domain string) *audit.Report {
	e := audit.Endpoint{Protocol: profiles.IMAP, Host: "mail." + domain, Port: 993, Security: profiles.SecurityTLS}
	return &audit.Report{Domain: domain, Lang: "ru",
		Clients:  []audit.ClientReport{{Client: "thunderbird", Name: "Thunderbird", Finds: true, Via: "autoconfig", Incoming: &e, Outgoing: &e, Works: true, Why: "ok"}},
		Problems: []audit.Problem{{Code: audit.CodeCertExpired, Severity: audit.SeverityError, Detail: "expired", Fix: "renew"}},
		Servers:  []audit.ServerReport{{Endpoint: e, NamedBy: []string{"autoconfig"}, Reachable: true}},
		Files:    []audit.File{{Name: "config-v1.1.xml", Format: "autoconfig", Content: []byte("<clientConfig/>"), Note: "publish"}},
	}
}

// labels returns the text of every label under o.
func labels(o fyne.CanvasObject) string {
	var b strings.Builder
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *widget.Label:
			b.WriteString(w.Text + "\n")
		case *widget.Button:
			b.WriteString("[" + w.Text + "]\n")
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c)
			}
		}
	}
	walk(o)
	return b.String()
}

// TestCheckDomainView types a domain, checks it, shows the report in
// Russian and saves the files and the HTML report into a folder.
func TestCheckDomainView(t *testing.T) {
	a := test.NewTempApp(t)
	win, v := NewCheckDomainWindow(a, "ru")
	if win.Title() != "Проверить домен (для ИТ)" {
		t.Errorf("window title %q", win.Title())
	}
	var asked string
	v.Run = func(_ context.Context, d string) (*audit.Report, error) { asked = d; return sampleAudit(d), nil }
	v.Go, v.Do = func(f func()) { f() }, func(f func()) { f() }
	dir := t.TempDir()
	v.PickFolder = func(done func(string)) { done(dir) }

	test.Tap(v.Check)
	if !strings.Contains(v.Status.Text, "example.com") || asked != "" {
		t.Fatalf("an empty domain was checked (%q) or not explained: %q", asked, v.Status.Text)
	}
	test.Type(v.Domain, "ivan@example.org")
	test.Tap(v.Check)
	if asked != "example.org" {
		t.Fatalf("checked %q, want the address's domain", asked)
	}
	if v.Status.Text != "Найдено ошибок: 1." {
		t.Errorf("status %q", v.Status.Text)
	}
	text := labels(v.Report)
	for _, want := range []string{"Что находит каждая почтовая программа", "Thunderbird", "Ошибка (cert-expired): expired", "[Сохранить config-v1.1.xml]"} {
		if !strings.Contains(text, want) {
			t.Errorf("the report lacks %q:\n%s", want, text)
		}
	}
	test.Tap(v.SaveFiles)
	if data, err := os.ReadFile(filepath.Join(dir, "config-v1.1.xml")); err != nil || string(data) != "<clientConfig/>" {
		t.Fatalf("saved file: %q, %v", data, err)
	}
	test.Tap(v.SaveHTML)
	page, err := os.ReadFile(filepath.Join(dir, "example.org-mail-report.html"))
	if err != nil || !strings.Contains(string(page), `lang="ru"`) {
		t.Fatalf("html: %v", err)
	}
}
