package guide

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"golang.org/x/net/html"

	"mailsetup/assets/i18n"
	"mailsetup/profiles"
)

var dumpLangs = []string{"en", "ru", "ja"}

var dump = flag.String("dump", "", "write every picture and an HTML guide per client to this directory, to look at")

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

func allText(g *Guide) string {
	var b strings.Builder
	for _, s := range g.Steps {
		b.WriteString(s.Title + "\n" + s.Text + "\n")
		for _, f := range s.Picture.Fields {
			b.WriteString(f.Value + "\n")
		}
	}
	return b.String()
}

func TestEveryClientAndProtocol(t *testing.T) {
	cfg := testConfig(t, "Ivan")
	want := map[profiles.Protocol][]string{
		profiles.IMAP: {"imap.example.org", "993", "ivan.imap", "IMAP"},
		profiles.POP3: {"pop3.example.org", "1995", "ivan.pop", "POP3"},
	}
	for _, c := range Clients {
		for _, lang := range i18n.Languages {
			texts := map[profiles.Protocol]string{}
			for _, p := range []profiles.Protocol{profiles.IMAP, profiles.POP3} {
				g, err := Build(cfg, Options{Client: c, Lang: lang, Protocol: p})
				if err != nil {
					t.Fatalf("%s %s %s: %v", c, lang, p, err)
				}
				if g.Protocol != p || len(g.Steps) < 3 {
					t.Fatalf("%s %s %s: protocol %s, %d steps", c, lang, p, g.Protocol, len(g.Steps))
				}
				text := allText(g)
				texts[p] = text
				for _, w := range append(want[p], "smtp.example.org", "2587", "ivan.smtp", "STARTTLS", "ivan.petrov@example.org") {
					if !strings.Contains(text, w) {
						t.Errorf("%s %s %s: no step names %q", c, lang, p, w)
					}
				}
				other := profiles.POP3
				if p == profiles.POP3 {
					other = profiles.IMAP
				}
				if strings.Contains(text, want[other][0]) {
					t.Errorf("%s %s %s: names the %s server", c, lang, p, other)
				}
				for i, s := range g.Steps {
					if s.Title == "" || s.Text == "" || strings.Contains(s.Text, "guide.") || strings.Contains(s.Text, "<no value>") {
						t.Errorf("%s %s %s step %d: %q / %q", c, lang, p, i+1, s.Title, s.Text)
					}
				}
			}
			if texts[profiles.IMAP] == texts[profiles.POP3] {
				t.Errorf("%s %s: IMAP and POP3 guides are the same", c, lang)
			}
		}
	}
}

func TestProviderSteps(t *testing.T) {
	cfg := testConfig(t, "")
	g, err := Build(cfg, Options{Client: Thunderbird, Protocol: profiles.IMAP})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(g.Steps[0].Text, "IMAP") || !strings.Contains(g.Steps[1].Text, "app password") {
		t.Errorf("first steps: %q, %q", g.Steps[0].Text, g.Steps[1].Text)
	}
	if strings.Contains(allText(g), "POP3 in the web mail") {
		t.Error("an IMAP guide asks to switch on POP3")
	}
	cfg.Notes = nil
	g2, _ := Build(cfg, Options{Client: Thunderbird, Protocol: profiles.IMAP})
	if len(g2.Steps) != len(g.Steps)-2 {
		t.Errorf("without notes: %d steps, want %d", len(g2.Steps), len(g.Steps)-2)
	}
}

func TestExports(t *testing.T) {
	cfg := testConfig(t, "")
	for _, tc := range []struct {
		c    Client
		e    Export
		file string
		want string
	}{
		{Outlook, ExportFile, "ivan.prf", "/importprf"},
		{AppleMail, ExportFile, "ivan.mobileconfig", "ivan.mobileconfig"},
		{IOS, ExportFile, "ivan.mobileconfig", "ivan.mobileconfig"},
		{K9, ExportFile, "ivan.k9s", "ivan.k9s"},
		{Thunderbird, ExportFile, "ivan-thunderbird.zip", "ivan-thunderbird.zip"},
		{Thunderbird, ExportInstalled, "", "already in your Thunderbird"},
	} {
		g, err := Build(cfg, Options{Client: tc.c, Export: tc.e, File: tc.file})
		if err != nil {
			t.Fatal(err)
		}
		manual, _ := Build(cfg, Options{Client: tc.c})
		if !strings.Contains(allText(g), tc.want) || len(g.Steps) >= len(manual.Steps) {
			t.Errorf("%s %s: %d steps (manual %d), text lacks %q", tc.c, tc.e, len(g.Steps), len(manual.Steps), tc.want)
		}
	}
}

func TestBadInput(t *testing.T) {
	cfg := testConfig(t, "")
	if _, err := Build(cfg, Options{Client: "mutt"}); err == nil {
		t.Error("unknown client accepted")
	}
	if _, err := Build(cfg, Options{Client: Outlook, Lang: "de"}); err == nil {
		t.Error("unknown language accepted")
	}
	if _, err := Build(&profiles.Config{}, Options{Client: Outlook}); err == nil {
		t.Error("empty config accepted")
	}
	only := testConfig(t, "")
	only.Incoming = only.Incoming[:1]
	if _, err := Build(only, Options{Client: Outlook, Protocol: profiles.POP3}); err == nil {
		t.Error("POP3 guide without a POP3 server")
	}
}

func TestAllLanguagesHaveEveryKey(t *testing.T) {
	cat := i18n.Default()
	var keys []string
	for _, k := range cat.Keys(i18n.Fallback) {
		if strings.HasPrefix(k, "guide.") {
			keys = append(keys, k)
		}
	}
	if len(keys) < 100 {
		t.Fatalf("only %d guide keys in English", len(keys))
	}
	for _, lang := range i18n.Languages {
		for _, k := range keys {
			if !cat.Has(lang, k) {
				t.Errorf("%s: missing %s", lang, k)
			}
		}
	}
}

func TestPicturesDeterministic(t *testing.T) {
	test.NewTempApp(t)
	cfg := testConfig(t, "Иван 山田")
	for _, lang := range []string{"en", "ja"} {
		g, err := Build(cfg, Options{Client: IOS, Lang: lang})
		if err != nil {
			t.Fatal(err)
		}
		for i, s := range g.Steps[:3] {
			a, err := s.Picture.PNG()
			if err != nil {
				t.Fatal(err)
			}
			b, _ := s.Picture.PNG()
			if !bytes.Equal(a, b) {
				t.Errorf("%s step %d: two renders differ", lang, i+1)
			}
			img := s.Picture.Image()
			sz := s.Picture.Size()
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
	p := Picture{Platform: PlatformWindows, Title: "T", Fields: []Field{{Label: "Server", Value: "imap.a.org"}}}
	q := p
	q.Fields = []Field{{Label: "Server", Value: "imap.b.org"}}
	h := p
	h.Fields = []Field{{Label: "Server", Value: "imap.a.org", Highlight: true}}
	pa, _ := p.PNG()
	qa, _ := q.PNG()
	ha, _ := h.PNG()
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
		g, err := Build(cfg, Options{Client: Outlook, Lang: lang, Name: hostile})
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
		if *dump != "" && (lang == "en" || lang == "ja") {
			os.MkdirAll(*dump, 0o755)
			os.WriteFile(filepath.Join(*dump, "outlook-"+lang+".html"), b.Bytes(), 0o644)
		}
	}
}

func TestDump(t *testing.T) {
	if *dump == "" {
		t.Skip("run with -dump DIR to write pictures to look at")
	}
	test.NewTempApp(t)
	os.MkdirAll(*dump, 0o755)
	// The README's picture (docs/guide-sample.png): Thunderbird's outgoing server at Mail.ru.
	addr, _ := profiles.ParseAddress("ivan@mail.ru")
	mr := profiles.ManualConfig(addr,
		profiles.Server{Protocol: profiles.IMAP, Host: "imap.mail.ru", Port: 993, Security: profiles.SecurityTLS},
		profiles.Server{Protocol: profiles.SMTP, Host: "smtp.mail.ru", Port: 465, Security: profiles.SecurityTLS})
	sg, err := Build(mr, Options{Client: Thunderbird, Lang: "en", Name: "Ivan Petrov"})
	if err != nil {
		t.Fatal(err)
	}
	sb, _ := sg.Steps[3].Picture.PNG()
	os.WriteFile(filepath.Join(*dump, "guide-sample.png"), sb, 0o644)
	cfg := testConfig(t, "Ivan Petrov")
	for _, lang := range dumpLangs {
		for _, c := range Clients {
			for _, p := range []profiles.Protocol{profiles.IMAP, profiles.POP3} {
				g, err := Build(cfg, Options{Client: c, Lang: lang, Protocol: p})
				if err != nil {
					t.Fatal(err)
				}
				for i, s := range g.Steps {
					b, _ := s.Picture.PNG()
					os.WriteFile(filepath.Join(*dump, fmt.Sprintf("%s-%s-%s-%s.png", lang, c, p, strconv.Itoa(i+1))), b, 0o644)
				}
				var h bytes.Buffer
				WriteHTML(&h, g)
				os.WriteFile(filepath.Join(*dump, fmt.Sprintf("%s-%s-%s.html", lang, c, p)), h.Bytes(), 0o644)
			}
		}
	}
}

func BenchmarkPicture(b *testing.B) {
	test.NewTempApp(b)
	g, err := Build(testConfig(b, "Ivan"), Options{Client: Outlook, Protocol: profiles.IMAP})
	if err != nil {
		b.Fatal(err)
	}
	p := g.Steps[5].Picture
	for b.Loop() {
		if _, err := p.PNG(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkHTML(b *testing.B) {
	test.NewTempApp(b)
	g, err := Build(testConfig(b, "Ivan"), Options{Client: Outlook, Protocol: profiles.IMAP})
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
