// Command guidepictures writes every guide picture and one HTML guide per
// mail program, language and protocol into a directory, to look at, and the
// README's sample picture (docs/guide-sample.png):
//
//	go run ./export/guide/draw/cmd/guidepictures -out /tmp/guides
//	cp /tmp/guides/guide-sample.png docs/
//
// It replaces a test that always skipped unless given -dump: writing
// pictures is a generator, not a check.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"mailsetup/export/guide"
	"mailsetup/export/guide/draw"
	"mailsetup/profiles"
)

func main() {
	out := flag.String("out", "", "directory to write the pictures and HTML guides into (made if missing)")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "usage: guidepictures -out DIR")
		os.Exit(2)
	}
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "guidepictures:", err)
		os.Exit(1)
	}
}

func run(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	// The README's picture: Thunderbird's outgoing server at Mail.ru.
	addr, err := profiles.ParseAddress("ivan@mail.ru")
	if err != nil {
		return err
	}
	mr := profiles.ManualConfig(addr,
		profiles.Server{Protocol: profiles.IMAP, Host: "imap.mail.ru", Port: 993, Security: profiles.SecurityTLS},
		profiles.Server{Protocol: profiles.SMTP, Host: "smtp.mail.ru", Port: 465, Security: profiles.SecurityTLS})
	sg, err := guide.Build(mr, guide.Options{Client: guide.Thunderbird, Lang: "en", Name: "Ivan Petrov"})
	if err != nil {
		return err
	}
	if err := writePNG(filepath.Join(dir, "guide-sample.png"), sg.Steps[3].Picture); err != nil {
		return err
	}
	cfg, err := sampleConfig()
	if err != nil {
		return err
	}
	for _, lang := range []string{"en", "ru", "ja", "tr"} {
		for _, c := range guide.Clients {
			for _, p := range []profiles.Protocol{profiles.IMAP, profiles.POP3} {
				g, err := guide.Build(cfg, guide.Options{Client: c, Lang: lang, Protocol: p})
				if err != nil {
					return err
				}
				for i, s := range g.Steps {
					if err := writePNG(filepath.Join(dir, fmt.Sprintf("%s-%s-%s-%d.png", lang, c, p, i+1)), s.Picture); err != nil {
						return err
					}
				}
				var h bytes.Buffer
				if err := draw.WriteHTML(&h, g); err != nil {
					return err
				}
				if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%s-%s.html", lang, c, p)), h.Bytes(), 0o644); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func writePNG(path string, p guide.Picture) error {
	b, err := draw.PNG(p)
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

// sampleConfig has distinct values for every field (as the guide tests'
// testConfig), IMAP and POP3, and provider notes, so every step appears.
func sampleConfig() (*profiles.Config, error) {
	addr, err := profiles.ParseAddress("ivan.petrov@example.org")
	if err != nil {
		return nil, err
	}
	addr.Name = "Ivan Petrov"
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
	return cfg, nil
}
