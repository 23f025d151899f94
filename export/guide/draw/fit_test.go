package draw

import (
	"strings"
	"testing"

	"mailsetup/assets/i18n"
	"mailsetup/export/guide"
	"mailsetup/profiles"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
)

// fitConfig is an account at provider id with the notes that put that
// provider's menu paths into the pictures (switch on IMAP, POP3 and mail
// programs, create an app password). It is built here, not shared with
// guide_test.go, so the test can move with the drawing code.
func fitConfig(t *testing.T, id string) *profiles.Config {
	t.Helper()
	addr, err := profiles.ParseAddress("ivan.petrov@example.org")
	if err != nil {
		t.Fatal(err)
	}
	addr.Name = "Иван Петров"
	imap := profiles.Server{Protocol: profiles.IMAP, Host: "imap.example.org", Port: 993, Security: profiles.SecurityTLS, Username: "ivan.petrov@example.org"}
	pop := profiles.Server{Protocol: profiles.POP3, Host: "pop.example.org", Port: 995, Security: profiles.SecurityTLS, Username: "ivan.petrov@example.org"}
	smtp := profiles.Server{Protocol: profiles.SMTP, Host: "smtp.example.org", Port: 465, Security: profiles.SecurityTLS, Username: "ivan.petrov@example.org"}
	cfg := profiles.ManualConfig(addr, imap, smtp)
	cfg.Incoming = append(cfg.Incoming, pop)
	cfg.Provider = profiles.Provider{ID: id, Name: id}
	for _, k := range []profiles.NoteKind{profiles.NoteEnableIMAP, profiles.NoteEnablePOP3, profiles.NoteEnableClients, profiles.NoteAppPassword} {
		cfg.Notes = append(cfg.Notes, profiles.Note{Kind: k, URL: "https://example.org/settings"})
	}
	return cfg
}

// drawnTexts lists the texts a picture's canvas draws.
func drawnTexts(o fyne.CanvasObject) []string {
	var out []string
	switch v := o.(type) {
	case *canvas.Text:
		out = append(out, v.Text)
	case *fyne.Container:
		for _, c := range v.Objects {
			out = append(out, drawnTexts(c)...)
		}
	}
	return out
}

// pictureTexts lists every text a picture asks to draw.
func pictureTexts(p guide.Picture) map[string]bool {
	want := map[string]bool{p.Title: true, "›": true, "✓": true, "••••••••••": true}
	for _, s := range p.Path {
		want[s] = true
	}
	for _, f := range p.Fields {
		want[f.Label], want[f.Value] = true, true
	}
	for _, c := range p.Checks {
		want[c.Label] = true
	}
	for _, b := range p.Buttons {
		want[b.Label] = true
	}
	return want
}

// TestPictureLabelsFit draws every picture of every guide (each program,
// language, protocol, with and without a settings file, for providers with
// their own menu paths) and fails on any title, menu step, label or button
// the drawing had to cut with "…": a cut label loses exactly the word that
// matters, as "Delete email from server: Never" lost "Never" in ru and ro.
func TestPictureLabelsFit(t *testing.T) {
	test.NewTempApp(t)
	providers := []string{"yandex", "mail.ru", "rambler", "gmail", "gmx", "icloud"}
	cut := map[string]bool{}
	for _, id := range providers {
		cfg := fitConfig(t, id)
		for _, lang := range i18n.Languages {
			for _, client := range guide.Clients {
				for _, proto := range []profiles.Protocol{profiles.IMAP, profiles.POP3} {
					for _, exp := range []guide.Export{guide.ExportNone, guide.ExportFile} {
						g, err := guide.Build(cfg, guide.Options{Client: client, Lang: lang, Protocol: proto, Export: exp, File: "ivan.petrov@example.org.mobileconfig"})
						if err != nil {
							continue // not every program takes every file
						}
						for _, s := range g.Steps {
							want := pictureTexts(s.Picture)
							for _, got := range drawnTexts(Canvas(s.Picture)) {
								if want[got] || !strings.HasSuffix(got, "…") {
									continue
								}
								key := lang + "\x00" + got
								if cut[key] {
									continue
								}
								cut[key] = true
								full := strings.TrimSuffix(got, "…")
								for w := range want {
									if strings.HasPrefix(w, full) {
										full = w
									}
								}
								t.Errorf("%s %s (%s, %s): %q is drawn cut as %q", lang, client, id, proto, full, got)
							}
						}
					}
				}
			}
		}
	}
}
