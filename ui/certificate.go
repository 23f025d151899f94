package ui

import (
	"crypto/x509"
	"encoding/pem"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"

	"mailsetup/internal/fsafe"
)

// maxCAFile bounds a certificate file read whole (a bundle is a few
// hundred kB at most).
const maxCAFile = 4 << 20

// useCAFile asks for the certificate file IT handed out, keeps it for
// these servers, and checks again with it trusted.
func (p *SignInPage) useCAFile() {
	w := p.w
	w.svc.ChooseFile(w.win, func(path string) {
		if path == "" {
			return
		}
		data, err := readCAFile(path)
		if err != nil {
			p.CAProblem.SetText(w.t("signin.ca-bad", map[string]string{"File": path}))
			p.CAProblem.Show()
			w.relayout()
			return
		}
		p.CAProblem.Hide()
		if w.state.caPEM == nil {
			w.state.caPEM = map[string][]byte{}
		}
		w.state.caPEM[w.state.cfg.Domain] = data
		p.Check()
	})
}

// readCAFile reads a PEM file and keeps it only when it holds at least one
// CA certificate.
func readCAFile(path string) ([]byte, error) {
	data, err := fsafe.ReadFile(path, maxCAFile)
	if err != nil {
		return nil, err
	}
	rest, found := data, false
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		if c, err := x509.ParseCertificate(b.Bytes); err == nil && c.IsCA {
			found = true
		}
	}
	if !found {
		return nil, errNoCA
	}
	return data, nil
}

type noCAError struct{}

func (noCAError) Error() string { return "ui: no CA certificate in the file" }

var errNoCA error = noCAError{}

// chooseFileDialog is the default file chooser: Fyne's open dialog,
// titled in the window's language.
func chooseFileDialog(win fyne.Window, done func(string)) {
	if win == nil {
		done("")
		return
	}
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			done("")
			return
		}
		path := r.URI().Path()
		_ = r.Close()
		done(path)
	}, win)
	if w := wizardOf(win); w != nil {
		d.SetTitleText(w.t("signin.ca-dialog-title", nil))
		d.SetConfirmText(w.t("signin.ca-use", nil))
		d.SetDismissText(w.t("action.cancel", nil))
	}
	d.Show() // a FileDialog can be resized only once shown
	sz := win.Canvas().Size()
	d.Resize(fyne.NewSize(sz.Width*0.95, sz.Height*0.95))
}
