package draw

import (
	"bytes"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"golang.org/x/net/html"

	"mailsetup/assets/i18n"
	"mailsetup/export/guide"
	"mailsetup/profiles"
)

// testConfig has distinct values for every field, so a test can tell
// which one a step names.
func testConfig(t testing.TB, name string) *profiles.Config {
	t.Helper()
	addr, err := profiles.ParseAddress("ivan.petrov@example.org")
	if err != nil {
		t.Fatal(err)
	}
	addr.Name = name
	imap := profiles.Server{Protocol: profiles.IMAP, Host: "imap.example.org", Port: 993, Security: profiles.SecurityTLS, Username: "ivan.imap"}
	pop := profiles.Server{Protocol: profiles.POP3, Host: "pop3.example.org", Port: 1995, Security: profiles.SecuritySTARTTLS, Username: "ivan.pop"}
	smtp := profiles.Server{Protocol: profiles.SMTP, Host: "smtp.example.org", Port: 2587, Security: profiles.SecuritySTARTTLS, Username: "ivan.smtp"}
	cfg := profiles.ManualConfig(addr, imap, smtp)
	cfg.Incoming = append(cfg.Incoming, pop)
	cfg.Provider = profiles.Provider{ID: "yandex", Name: "Yandex Mail"}
	cfg.Notes = []profiles.Note{
		{Kind: profiles.NoteEnableIMAP, URL: "https://mail.yandex.ru/#setup/client"},
		{Kind: profiles.NoteEnablePOP3, URL: "https://mail.yandex.ru/#setup/client"},
		{Kind: profiles.NoteAppPassword, URL: "https://id.yandex.ru/security/app-passwords"},
	}
	return cfg
}

func TestPicturesDeterministic(t *testing.T) {
	test.NewTempApp(t)
	cfg := testConfig(t, "Иван 山田")
	for _, lang := range []string{"en", "ja"} {
		g, err := guide.Build(cfg, guide.Options{Client: guide.IOS, Lang: lang})
		if err != nil {
			t.Fatal(err)
		}
		for i, s := range g.Steps[:3] {
			a, err := PNG(s.Picture)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := PNG(s.Picture)
			if !bytes.Equal(a, b) {
				t.Errorf("%s step %d: two renders differ", lang, i+1)
			}
			img := Image(s.Picture)
			sz := Size(s.Picture)
			if img.Bounds().Dx() != int(sz.Width*Scale) || img.Bounds().Dy() != int(sz.Height*Scale) {
				t.Errorf("%s step %d: image %v, size %v", lang, i+1, img.Bounds(), sz)
			}
		}
	}
}

// TestPictureShowsValues checks that a highlighted field changes the pixels
// and a different value draws a different picture.
func TestPictureShowsValues(t *testing.T) {
	test.NewTempApp(t)
	p := guide.Picture{Platform: guide.PlatformWindows, Title: "T", Fields: []guide.Field{{Label: "Server", Value: "imap.a.org"}}}
	q := p
	q.Fields = []guide.Field{{Label: "Server", Value: "imap.b.org"}}
	h := p
	h.Fields = []guide.Field{{Label: "Server", Value: "imap.a.org", Highlight: true}}
	pa, _ := PNG(p)
	qa, _ := PNG(q)
	ha, _ := PNG(h)
	if bytes.Equal(pa, qa) || bytes.Equal(pa, ha) {
		t.Error("value or highlight does not change the picture")
	}
}

func TestHTML(t *testing.T) {
	test.NewTempApp(t)
	hostile := `<script>"&'`
	cfg := testConfig(t, hostile)
	cfg.Provider.Name = hostile
	for _, lang := range i18n.Languages {
		g, err := guide.Build(cfg, guide.Options{Client: guide.Outlook, Lang: lang, Name: hostile})
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := WriteHTML(&b, g); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(b.String(), hostile) || strings.Contains(b.String(), "<script") {
			t.Fatalf("%s: hostile value not escaped", lang)
		}
		doc, err := html.Parse(bytes.NewReader(b.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		imgs, langAttr, found := 0, "", false
		var walk func(n *html.Node)
		walk = func(n *html.Node) {
			if n.Type == html.ElementNode {
				for _, a := range n.Attr {
					if n.Data == "html" && a.Key == "lang" {
						langAttr = a.Val
					}
					if n.Data == "img" && a.Key == "src" {
						imgs++
						if !strings.HasPrefix(a.Val, "data:image/png;base64,") {
							t.Errorf("%s: picture not embedded: %.40s", lang, a.Val)
						}
					}
				}
			}
			if n.Type == html.TextNode && strings.Contains(n.Data, hostile) {
				found = true
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
		walk(doc)
		if langAttr != lang || imgs != len(g.Steps) || !found {
			t.Errorf("%s: lang=%q, %d images for %d steps, hostile text round-trips: %v", lang, langAttr, imgs, len(g.Steps), found)
		}
	}
}

func BenchmarkPicture(b *testing.B) {
	test.NewTempApp(b)
	g, err := guide.Build(testConfig(b, "Ivan"), guide.Options{Client: guide.Outlook, Protocol: profiles.IMAP})
	if err != nil {
		b.Fatal(err)
	}
	p := g.Steps[5].Picture
	for b.Loop() {
		if _, err := PNG(p); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkHTML(b *testing.B) {
	test.NewTempApp(b)
	g, err := guide.Build(testConfig(b, "Ivan"), guide.Options{Client: guide.Outlook, Protocol: profiles.IMAP})
	if err != nil {
		b.Fatal(err)
	}
	var size int
	for b.Loop() {
		var buf bytes.Buffer
		if err := WriteHTML(&buf, g); err != nil {
			b.Fatal(err)
		}
		size = buf.Len()
	}
	b.ReportMetric(float64(size), "bytes/html")
	b.ReportMetric(float64(len(g.Steps)), "steps")
}

func TestFontFor(t *testing.T) {
	for s, cjk := range map[string]bool{"設定 → メール": true, "Настройки": true, "Hesap Ayarları": false, "Setări server": true, "Șterge de pe server": false, "Korisničko ime": false, "imap.mail.ru": true} {
		if got := fontFor(s) != theme.DefaultTextFont(); got != cjk {
			t.Errorf("fontFor(%q) is the CJK font: %v, want %v", s, got, cjk)
		}
	}
}
