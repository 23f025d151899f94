package guide

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	"mailsetup/assets/i18n"
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

// FuzzBuildText feeds arbitrary names and hosts through Build and the text
// and HTML escaping; every value must come out, and nothing may panic.
func FuzzBuildText(f *testing.F) {
	f.Add("Ivan", "imap.mail.ru", 993, "ru")
	f.Add(`<script>"&'`, "imap.example.org", 1, "ja")
	f.Add("山田 {{.Address}}", "x", 65535, "tr")
	f.Fuzz(func(t *testing.T, name, host string, port int, lang string) {
		cfg := testConfig(t, name)
		cfg.Incoming[0].Host = host
		cfg.Incoming[0].Port = port
		g, err := Build(cfg, Options{Client: Outlook, Lang: lang, Name: name})
		if err != nil {
			return // unknown language
		}
		var b bytes.Buffer
		if err := WriteText(&b, g); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), host) || !strings.Contains(b.String(), strconv.Itoa(port)) {
			t.Fatalf("text lacks host %q or port %d", host, port)
		}
	})
}
