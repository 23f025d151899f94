package ui

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"mailsetup/profiles"
	"mailsetup/profiles/discover"
)

var update = flag.Bool("update", false, "rewrite golden markup and screenshots")

// harness is a wizard on a headless window with deterministic services:
// background work runs inline, debouncing fires at once.
type harness struct {
	t        testing.TB
	win      fyne.Window
	wiz      *Wizard
	opened   []string
	clip     string
	exported []ExportRequest
	dir      string
}

// builtinDetect is real discovery restricted to the offline built-in knowledge base.
func builtinDetect(ctx context.Context, addr profiles.Address, progress func(profiles.TraceEntry)) (*discover.Result, error) {
	return discover.Discover(ctx, addr, discover.Options{Sources: []profiles.Source{profiles.SourceBuiltin}, Progress: progress})
}

func newHarness(t testing.TB, lang string, verify func(context.Context, VerifyRequest, func(CheckEvent)) (*VerifyResult, error)) *harness {
	t.Helper()
	a := test.NewTempApp(t)
	h := &harness{t: t, dir: t.TempDir()}
	svc := Services{
		Detect: builtinDetect,
		Verify: verify,
		Formats: func() []ExportFormat {
			return []ExportFormat{{ID: "mobileconfig", Name: "Apple Mail, iPhone, iPad", Guide: "ios"}, {ID: "thunderbird", Name: "Thunderbird", Guide: "thunderbird"}}
		},
		Export: func(ctx context.Context, req ExportRequest) ([]string, error) {
			h.exported = append(h.exported, req)
			return fakeExport(req)
		},
		Guide: func(req GuideRequest) []GuideStep {
			return []GuideStep{{Title: req.Program + " 1", Text: "Open " + req.Program}, {Title: req.Program + " 2", Text: "Done"}}
		},
		Go:                 func(f func()) { f() },
		Do:                 func(f func()) { f() },
		After:              func(_ time.Duration, f func()) func() { f(); return func() {} },
		OpenURL:            func(u *url.URL) error { h.opened = append(h.opened, u.String()); return nil },
		ChooseFolder:       func(_ fyne.Window, done func(string)) { done(h.dir) },
		Clipboard:          func(s string) { h.clip = s },
		Known:              func(profiles.Address) bool { return false },
		Online:             func(context.Context) bool { return true },
		ShowInFolder:       func(path string) error { h.opened = append(h.opened, "show:"+path); return nil },
		ThunderbirdProfile: func() (string, error) { return "", errors.New("no profile") },
	}
	_ = a
	h.win = test.NewWindow(nil)
	h.wiz = NewWizard(lang, svc, h.win)
	h.win.SetContent(h.wiz.Content)
	h.win.Resize(fyne.NewSize(800, 600))
	t.Cleanup(h.win.Close)
	return h
}

// fakeExport writes the configuration as JSON, the password only when asked.
func fakeExport(req ExportRequest) ([]string, error) {
	if req.Format == "broken" {
		return nil, errors.New("export: broken")
	}
	data, err := json.Marshal(struct {
		Config   *profiles.Config
		Password string `json:",omitempty"`
	}{req.Config, req.Password})
	if err != nil {
		return nil, err
	}
	name := filepath.Join(req.Dir, req.Format+".json")
	return []string{name}, os.WriteFile(name, data, 0o600)
}

// okVerify reports every checklist line green.
func okVerify(_ context.Context, req VerifyRequest, progress func(CheckEvent)) (*VerifyResult, error) {
	cfg := req.Config
	for _, side := range []Side{SideIncoming, SideOutgoing} {
		for _, st := range Stages {
			progress(CheckEvent{side, st, CheckRunning})
			progress(CheckEvent{side, st, CheckOK})
		}
	}
	c := cfg.Clone()
	now := time.Now()
	c.Verified = &now
	return &VerifyResult{OK: true, Config: c}, nil
}

// badPasswordVerify fails at the login stage of incoming mail.
func badPasswordVerify(_ context.Context, _ VerifyRequest, progress func(CheckEvent)) (*VerifyResult, error) {
	progress(CheckEvent{SideIncoming, StageConnect, CheckOK})
	progress(CheckEvent{SideIncoming, StageSecure, CheckOK})
	progress(CheckEvent{SideIncoming, StageLogin, CheckFailed})
	return &VerifyResult{Diagnosis: &Diagnosis{
		Key: "diag.test.bad-password", Title: "The password was not accepted",
		Advice:      "Create an app password and type it here.",
		Links:       []Link{{Text: "App passwords", URL: "https://id.yandex.ru/security/app-passwords"}},
		ServerReply: "a1 NO [AUTHENTICATIONFAILED] Invalid credentials",
	}}, nil
}

func (h *harness) typeAddress(addr string) {
	h.t.Helper()
	h.wiz.Address.Name.SetText("Ivan Petrov")
	h.wiz.Address.Address.SetText(addr)
}

func (h *harness) mustStep(want Step) {
	h.t.Helper()
	if got := h.wiz.Step(); got != want {
		h.t.Fatalf("step = %d, want %d", got, want)
	}
}

func TestWizardWalk(t *testing.T) {
	h := newHarness(t, "en", okVerify)
	w := h.wiz
	if !w.Next.Disabled() {
		t.Fatal("Next is enabled before an address was typed")
	}
	h.typeAddress("ivan@yandex.ru")
	if got := w.Address.Status.Text; got != "Found: Yandex Mail" {
		t.Fatalf("status = %q", got)
	}
	if got := labelTexts(w.Address.Progress); !strings.Contains(got, "mailsetup's own list of providers: found") {
		t.Fatalf("progress does not show the builtin source: %q", got)
	}
	if w.Next.Disabled() {
		t.Fatal("Next disabled after the provider was found")
	}
	// Enter = Next
	w.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	h.mustStep(StepSettings)
	if !strings.Contains(w.Settings.Servers.Text, "imap.yandex.ru") || !strings.Contains(w.Settings.Why.Text, "IMAP") {
		t.Fatalf("settings: %q / %q", w.Settings.Servers.Text, w.Settings.Why.Text)
	}
	if w.Settings.LeaveCopy.Visible() {
		t.Fatal("leave-a-copy shown for IMAP")
	}
	w.Settings.Protocol.SetSelected("POP3")
	if !w.Settings.LeaveCopy.Visible() || !strings.Contains(w.Settings.Servers.Text, "pop.yandex.ru") {
		t.Fatalf("POP3 not shown: %q", w.Settings.Servers.Text)
	}
	w.Settings.Protocol.SetSelected("IMAP")
	// Advanced: a bad port blocks Next and says why; a good one is adopted.
	w.Settings.In.Port.SetText("99999")
	if !w.Next.Disabled() || !w.Settings.In.PortErr.Visible() {
		t.Fatal("invalid port accepted")
	}
	w.Settings.In.Port.SetText("993")
	if w.Next.Disabled() || w.Settings.In.PortErr.Visible() {
		t.Fatalf("valid port refused: %s", w.Settings.In.PortErr.Text)
	}
	// Notes up front, with a button opening the page.
	test.Tap(findButton(t, w.Settings.Notes, "Open the page"))
	if len(h.opened) != 1 || !strings.HasPrefix(h.opened[0], "https://mail.yandex.ru") {
		t.Fatalf("opened %v", h.opened)
	}
	w.GoNext()
	h.mustStep(StepSignIn)
	if !w.Next.Disabled() {
		t.Fatal("Next enabled without a password")
	}
	test.Type(w.SignIn.Password, "s3cret-pass")
	if !w.SignIn.Password.Password {
		t.Fatal("password not hidden")
	}
	w.GoNext() // Next = Check
	for side, m := range w.SignIn.Lines {
		for st, l := range m {
			if l.State != CheckOK {
				t.Errorf("%s/%s = %s", side, st, l.State)
			}
		}
	}
	if w.SignIn.Diagnosis.Visible() {
		t.Fatal("diagnosis shown after success")
	}
	w.GoNext()
	h.mustStep(StepExport)
	if w.Export.NotVerified.Visible() {
		t.Fatal("not-verified warning after a verified login")
	}
	if w.Export.IncludePassword.Checked {
		t.Fatal("include password is on by default")
	}
	test.Tap(w.Export.Save)
	if len(h.exported) != 1 || h.exported[0].Password != "" || !h.exported[0].LeaveCopy {
		t.Fatalf("export requests: %+v", h.exported)
	}
	data, err := os.ReadFile(filepath.Join(h.dir, "mobileconfig.json"))
	if err != nil || strings.Contains(string(data), "s3cret-pass") || !strings.Contains(string(data), "imap.yandex.ru") {
		t.Fatalf("exported file: %v %s", err, data)
	}
	if !w.Export.OpenFolder.Visible() {
		t.Fatal("Open folder not offered")
	}
	test.Tap(w.Export.OpenFolder)
	if last := h.opened[len(h.opened)-1]; !strings.HasPrefix(last, "file://") {
		t.Fatalf("open folder opened %q", last)
	}
	w.GoNext()
	h.mustStep(StepGuide)
	if w.Guide.Heading.Text != "ios 1" {
		t.Fatalf("guide heading %q", w.Guide.Heading.Text)
	}
	w.GoNext() // the wizard's Next moves through the guide (one navigation)
	h.mustStep(StepGuide)
	if w.Guide.Heading.Text != "ios 2" {
		t.Fatalf("guide step 2: %q", w.Guide.Heading.Text)
	}
	// Esc = Back: to the guide's first step, then to the export step
	w.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if w.Guide.Heading.Text != "ios 1" {
		t.Fatalf("Back from guide step 2: %q", w.Guide.Heading.Text)
	}
	w.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	h.mustStep(StepExport)
}

func TestWizardFailureDiagnosis(t *testing.T) {
	h := newHarness(t, "en", badPasswordVerify)
	w := h.wiz
	h.typeAddress("ivan@yandex.ru")
	w.GoNext()
	w.GoNext()
	h.mustStep(StepSignIn)
	test.Type(w.SignIn.Password, "wrong-pass")
	test.Tap(w.Next)
	if got := w.SignIn.Lines[SideIncoming][StageLogin].State; got != CheckFailed {
		t.Fatalf("login line = %s", got)
	}
	if !w.SignIn.Diagnosis.Visible() || w.SignIn.Diagnosis.Title != "The password was not accepted" {
		t.Fatalf("diagnosis card: visible=%v title=%q", w.SignIn.Diagnosis.Visible(), w.SignIn.Diagnosis.Title)
	}
	if !w.SignIn.TryAgain.Visible() || w.SignIn.Reply.Visible() {
		t.Fatal("try again hidden or reply shown too early")
	}
	test.Tap(w.SignIn.ShowReply)
	if !w.SignIn.Reply.Visible() || !strings.Contains(w.SignIn.Reply.Text, "AUTHENTICATIONFAILED") {
		t.Fatal("server reply not shown")
	}
	test.Tap(w.SignIn.CopySupport)
	if strings.Contains(h.clip, "wrong-pass") || !strings.Contains(h.clip, "imap.yandex.ru") || !strings.Contains(h.clip, "AUTHENTICATIONFAILED") || !strings.Contains(h.clip, "trace: builtin found") {
		t.Fatalf("support text:\n%s", h.clip)
	}
	// Skip: the export step says the sign-in was not checked.
	test.Tap(w.SignIn.Skip)
	h.mustStep(StepExport)
	if !w.Export.NotVerified.Visible() {
		t.Fatal("not-verified warning missing after Skip")
	}
	test.Tap(w.Export.IncludePassword)
	if !w.Export.PasswordWarning.Visible() {
		t.Fatal("no warning when including the password")
	}
	test.Tap(w.Export.Save)
	if len(h.exported) != 1 || h.exported[0].Password != "wrong-pass" {
		t.Fatalf("export request: %+v", h.exported)
	}
}

func TestAddressConfirmAndLanguageSwitch(t *testing.T) {
	h := newHarness(t, "en", okVerify)
	w := h.wiz
	w.svc.Detect = func(ctx context.Context, addr profiles.Address, progress func(profiles.TraceEntry)) (*discover.Result, error) {
		progress(profiles.TraceEntry{Source: profiles.SourceMX})
		progress(profiles.TraceEntry{Source: profiles.SourceMX, Outcome: profiles.OutcomeFound})
		in, _ := profiles.ParseServerURL("imap://mail.example.net:993?security=tls")
		out, _ := profiles.ParseServerURL("smtp://mail.example.net:465?security=tls")
		cfg := profiles.ManualConfig(addr, in, out)
		cfg.Source, cfg.Trust, cfg.TrustDomain = profiles.SourceMX, profiles.TrustConfirm, "example.net"
		return &discover.Result{Config: cfg, Trace: []profiles.TraceEntry{{Source: profiles.SourceMX, Outcome: profiles.OutcomeFound}}}, nil
	}
	h.typeAddress("anna@example.org")
	if !w.Next.Disabled() {
		t.Fatal("Next enabled before unconfirmed settings were confirmed")
	}
	if !w.Address.Confirm.Visible() {
		t.Fatal("no confirmation asked")
	}
	test.Tap(w.Address.Confirm)
	if w.Next.Disabled() {
		t.Fatal("Next still disabled after confirming")
	}
	w.Language.SetSelected("Русский")
	if w.Lang() != "ru" || w.Address.Address.Text != "anna@example.org" || w.Next.Disabled() {
		t.Fatalf("after switching: lang %s, address %q, next disabled %v", w.Lang(), w.Address.Address.Text, w.Next.Disabled())
	}
	if w.Next.Text == "Next" {
		t.Fatal("Next not translated")
	}
}

func TestDetectionCancel(t *testing.T) {
	h := newHarness(t, "en", okVerify)
	w := h.wiz
	started := make(chan context.Context, 1)
	var pending func()
	w.svc.Go = func(f func()) { pending = f }
	w.svc.Detect = func(ctx context.Context, addr profiles.Address, progress func(profiles.TraceEntry)) (*discover.Result, error) {
		started <- ctx
		<-ctx.Done()
		return nil, ctx.Err()
	}
	h.typeAddress("ivan@example.org")
	if !w.Address.Cancel.Visible() {
		t.Fatal("no Cancel while detecting")
	}
	test.Tap(w.Address.Cancel)
	pending() // the background work now sees its context cancelled
	ctx := <-started
	if ctx.Err() == nil {
		t.Fatal("detection not cancelled")
	}
	if w.Address.Status.Text != "Search stopped. Change the address or press Enter to search again." {
		t.Fatalf("status %q", w.Address.Status.Text)
	}
}

func TestStartLanguage(t *testing.T) {
	a := test.NewTempApp(t)
	t.Setenv("MAILSETUP_LANG", "")
	t.Setenv("LANGUAGE", "")
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	t.Setenv("LANG", "tr_TR.UTF-8")
	if got := StartLanguage(a.Preferences(), WindowOptions{}); got != "tr" {
		t.Fatalf("system: %s", got)
	}
	a.Preferences().SetString(PrefLanguage, "ro")
	if got := StartLanguage(a.Preferences(), WindowOptions{}); got != "ro" {
		t.Fatalf("saved: %s", got)
	}
	opts, err := ParseWindowArgs([]string{"--lang", "ja"}, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if got := StartLanguage(a.Preferences(), opts); got != "ja" {
		t.Fatalf("forced: %s", got)
	}
	win, wiz := NewWindow(a, WindowOptions{Lang: "bs"}, Services{Detect: builtinDetect})
	defer win.Close()
	wiz.Language.SetSelected("日本語")
	if a.Preferences().String(PrefLanguage) != "ja" {
		t.Fatal("picked language not remembered")
	}
}

// labelTexts joins the texts of the labels directly in c.
func labelTexts(c *fyne.Container) string {
	var b strings.Builder
	for _, o := range c.Objects {
		if l, ok := o.(*widget.Label); ok {
			b.WriteString(l.Text + "\n")
		}
	}
	return b.String()
}

// findButton finds a button with text inside o.
func findButton(t *testing.T, o fyne.CanvasObject, text string) *widget.Button {
	t.Helper()
	var found *widget.Button
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch v := o.(type) {
		case *widget.Button:
			if v.Text == text && found == nil {
				found = v
			}
		case *Button:
			if v.Text == text && found == nil {
				found = &v.Button
			}
		case *fyne.Container:
			for _, c := range v.Objects {
				walk(c)
			}
		}
	}
	walk(o)
	if found == nil {
		t.Fatalf("no button %q", text)
	}
	return found
}
