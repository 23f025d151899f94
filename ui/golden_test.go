package ui

import (
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"mailsetup/assets/i18n"
)

// assertMarkup compares the window with testdata/<name>, rewriting it with -update.
func assertMarkup(t *testing.T, name string, c fyne.Canvas) {
	t.Helper()
	if *update {
		path := filepath.Join("testdata", name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(test.RenderToMarkup(c)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	test.AssertRendersToMarkup(t, name, c)
}

// TestGoldenSteps renders every step in English with Fyne's test theme.
func TestGoldenSteps(t *testing.T) {
	h := newHarness(t, "en", okVerify)
	w, c := h.wiz, h.win.Canvas()
	assertMarkup(t, "wizard/1-address-empty.xml", c)
	h.typeAddress("ivan@yandex.ru")
	assertMarkup(t, "wizard/1-address.xml", c)
	w.GoNext()
	assertMarkup(t, "wizard/2-settings.xml", c)
	w.GoNext()
	test.Type(w.SignIn.Password, "s3cret-pass")
	w.GoNext()
	assertMarkup(t, "wizard/3-signin-ok.xml", c)
	w.GoNext()
	assertMarkup(t, "wizard/4-export.xml", c)
	w.GoNext()
	assertMarkup(t, "wizard/5-guide.xml", c)
	for w.Step() == StepGuide { // Next walks the guide's steps, then the summary
		w.GoNext()
	}
	assertMarkup(t, "wizard/6-done.xml", c)

	m := newHarness(t, "en", okVerify)
	m.wiz.svc.Detect = nothingDetect
	m.typeAddress("anna@firma-example.de")
	assertMarkup(t, "wizard/1-address-nothing.xml", m.win.Canvas())
	test.Tap(&m.wiz.Address.Manual.Button)
	assertMarkup(t, "wizard/2-settings-manual.xml", m.win.Canvas())

	f := newHarness(t, "en", badPasswordVerify)
	f.typeAddress("ivan@yandex.ru")
	f.wiz.GoNext()
	f.wiz.GoNext()
	test.Type(f.wiz.SignIn.Password, "wrong")
	f.wiz.GoNext()
	assertMarkup(t, "wizard/3-signin-failed.xml", f.win.Canvas())
}

// TestGenerateScreenshots is a generator, not a check: it renders the
// first two steps in every language with the real theme and, with -update,
// writes docs/screenshots/<lang>-<step>.png.
func TestGenerateScreenshots(t *testing.T) {
	for _, lang := range i18n.Languages {
		t.Run(lang, func(t *testing.T) {
			h := newHarness(t, lang, okVerify)
			fyne.CurrentApp().Settings().SetTheme(NewTheme(lang))
			h.typeAddress("ivan@yandex.ru")
			shot(t, h, lang+"-1-address.png")
			h.wiz.GoNext()
			shot(t, h, lang+"-2-settings.png")
		})
	}
}

// TestGenerateScreenshotsLaterSteps is a generator: steps 3 to 6 in
// English (light theme), the failure card and a setup by hand.
func TestGenerateScreenshotsLaterSteps(t *testing.T) {
	h := newHarness(t, "en", badPasswordVerify)
	fyne.CurrentApp().Settings().SetTheme(NewTheme("en").ForceVariant(theme.VariantLight))
	h.typeAddress("ivan@yandex.ru")
	shot(t, h, "en-light-1-address.png")
	h.wiz.GoNext()
	h.wiz.GoNext()
	test.Type(h.wiz.SignIn.Password, "wrong")
	h.wiz.GoNext()
	h.wiz.SignIn.box.ScrollToTop() // Fyne's software painter draws entry text outside a scrolled clip
	shot(t, h, "en-light-3-signin-failed.png")
	h.wiz.svc.Verify = okVerify
	test.Tap(h.wiz.SignIn.TryAgain)
	shot(t, h, "en-light-3-signin-ok.png")
	h.wiz.GoNext()
	test.Tap(h.wiz.Export.IncludePassword)
	test.Tap(h.wiz.Export.Save)
	shot(t, h, "en-light-4-export.png")
	h.wiz.svc.Guide = GuideSteps
	h.wiz.GoNext()
	h.wiz.GoNext()
	shot(t, h, "en-light-5-guide.png")
	for h.wiz.Step() == StepGuide {
		h.wiz.GoNext()
	}
	shot(t, h, "en-light-6-done.png")

	m := newHarness(t, "en", okVerify)
	fyne.CurrentApp().Settings().SetTheme(NewTheme("en").ForceVariant(theme.VariantLight))
	m.wiz.svc.Detect = nothingDetect
	m.typeAddress("anna@firma-example.de")
	shot(t, m, "en-light-1-nothing-found.png")
	test.Tap(&m.wiz.Address.Manual.Button)
	shot(t, m, "en-light-2-settings-manual.png")
}

func shot(t *testing.T, h *harness, name string) {
	t.Helper()
	img := h.win.Canvas().Capture()
	if b := img.Bounds(); b.Dx() < 800 || b.Dy() < 600 {
		t.Fatalf("%s: captured %v", name, b)
	}
	if !*update {
		return
	}
	dir := filepath.Join("..", "docs", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}
