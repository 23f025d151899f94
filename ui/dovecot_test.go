package ui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"mailsetup/profiles"
	"mailsetup/profiles/discover"
	"mailsetup/profiles/mailtest"
	"mailsetup/profiles/verify"
)

// dovecotHarness is a wizard whose detection answers with a real local
// Dovecot's servers, whose checks run the real verifier against it, and
// whose exports run the real export package. Background work runs on real
// goroutines and comes back through a queue the test drains, standing in
// for the UI goroutine.
func dovecotHarness(t *testing.T) (*harness, *mailtest.Dovecot, func()) {
	d := mailtest.StartDovecot(t)
	h := newHarness(t, "en", VerifyWith(verify.Options{Roots: d.CA.Pool(), ConnectTimeout: 3 * time.Second, StepTimeout: 5 * time.Second}))
	w := h.wiz
	w.svc.Detect = func(ctx context.Context, addr profiles.Address, progress func(profiles.TraceEntry)) (*discover.Result, error) {
		in := profiles.Server{Protocol: profiles.IMAP, Host: d.ServerName, Port: d.IMAPSPort, Security: profiles.SecurityTLS, Username: d.User, Auth: []profiles.AuthMethod{profiles.AuthPassword}}
		out := profiles.Server{Protocol: profiles.SMTP, Host: d.ServerName, Port: d.SubmissionPort, Security: profiles.SecuritySTARTTLS, Username: d.User, Auth: []profiles.AuthMethod{profiles.AuthPassword}}
		cfg := profiles.ManualConfig(addr, in, out)
		cfg.Provider = profiles.Provider{ID: "test", Name: "Test Dovecot"}
		cfg.Source = profiles.SourceBuiltin
		progress(profiles.TraceEntry{Source: profiles.SourceBuiltin, Outcome: profiles.OutcomeFound})
		return &discover.Result{Config: cfg, Trace: []profiles.TraceEntry{{Source: profiles.SourceBuiltin, Outcome: profiles.OutcomeFound}}}, nil
	}
	w.svc.Formats = DefaultFormats
	w.svc.Export = ExportFiles
	w.svc.Guide = GuideSteps
	w.rebuildPages()
	w.show(StepAddress)
	queue := make(chan func(), 256)
	w.svc.Go = func(f func()) { go f() }
	w.svc.Do = func(f func()) { queue <- f }
	// drain runs queued UI work until the wizard is idle.
	drain := func() {
		deadline := time.After(30 * time.Second)
		for {
			select {
			case f := <-queue:
				f()
				if w.state.cancel == nil && len(queue) == 0 {
					return
				}
			case <-deadline:
				t.Fatal("background work did not finish in 30 s")
			}
		}
	}
	return h, d, drain
}

func TestWizardWalkDovecot(t *testing.T) {
	h, d, drain := dovecotHarness(t)
	w := h.wiz
	w.svc.After = func(_ time.Duration, f func()) func() { f(); return func() {} }
	h.wiz.Address.Name.SetText("Alice")
	h.wiz.Address.Address.SetText(d.User)
	drain()
	if w.Address.Status.Text != "Found: Test Dovecot" {
		t.Fatalf("status %q", w.Address.Status.Text)
	}
	w.GoNext()
	w.GoNext()
	h.mustStep(StepSignIn)
	test.Type(w.SignIn.Password, d.Password)
	w.GoNext()
	drain()
	for side, m := range w.SignIn.Lines {
		for _, st := range []Stage{StageConnect, StageSecure, StageLogin, StageMailbox} {
			if l := m[st]; l.State != CheckOK {
				t.Errorf("%s/%s = %s", side, st, l.State)
			}
		}
	}
	if w.SignIn.Diagnosis.Visible() || w.SignIn.Status.Text != "Everything works." {
		t.Fatalf("status %q, diagnosis %q", w.SignIn.Status.Text, w.SignIn.Diagnosis.Title)
	}
	w.GoNext()
	h.mustStep(StepExport)
	test.Tap(w.Export.Save)
	drain()
	path := filepath.Join(h.dir, "alice-example-org-imap.mobileconfig")
	if !strings.Contains(w.Export.Status.Text, filepath.Base(path)) {
		entries, _ := os.ReadDir(h.dir)
		t.Fatalf("status %q; folder has %v", w.Export.Status.Text, entries)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), d.ServerName) || strings.Contains(string(data), d.Password) {
		t.Fatalf("profile lacks the server or holds the password:\n%s", data)
	}
	w.GoNext()
	h.mustStep(StepGuide)
	if len(w.Guide.steps) < 2 || w.Guide.Heading.Text == "" || len(w.Guide.Picture.Objects) == 0 {
		t.Fatalf("guide: %d steps, heading %q, picture %d", len(w.Guide.steps), w.Guide.Heading.Text, len(w.Guide.Picture.Objects))
	}
	first := w.Guide.Heading.Text
	w.GoNext() // one navigation: the wizard's Next moves through the guide
	if w.Guide.Heading.Text == first || w.Guide.Position.Text != fmt.Sprintf("Step 2 of %d", len(w.Guide.steps)) {
		t.Fatalf("guide Next: %q, %q", w.Guide.Heading.Text, w.Guide.Position.Text)
	}
	w.GoBack()
	if w.Guide.Heading.Text != first {
		t.Fatal("guide Back did not return to the first step")
	}
}

func TestWizardFailureDovecot(t *testing.T) {
	h, d, drain := dovecotHarness(t)
	w := h.wiz
	h.wiz.Address.Address.SetText(d.User)
	drain()
	w.GoNext()
	w.GoNext()
	test.Type(w.SignIn.Password, "not-the-password")
	w.GoNext()
	drain()
	if got := w.SignIn.Lines[SideIncoming][StageLogin].State; got != CheckFailed {
		t.Fatalf("incoming login line = %s", got)
	}
	en := w.SignIn.Diagnosis.Title
	if !w.SignIn.Diagnosis.Visible() || en == "" || strings.HasPrefix(en, "diag.") {
		t.Fatalf("no diagnosis card: %q", en)
	}
	if !strings.Contains(w.SignIn.Reply.Text, "AUTHENTICATIONFAILED") {
		t.Fatalf("server reply %q", w.SignIn.Reply.Text)
	}
	t.Logf("diagnosis: %s / %s / reply %q", w.SignIn.Diagnosis.Title, w.SignIn.diagAdvice.Text, w.SignIn.Reply.Text)
	w.SetLanguage("ru")
	if ru := w.SignIn.Diagnosis.Title; ru == "" || ru == en || strings.HasPrefix(ru, "diag.") || !w.SignIn.Diagnosis.Visible() {
		t.Fatalf("diagnosis not shown in Russian after switching: %q", ru)
	}
	test.Tap(w.SignIn.CopySupport)
	if strings.Contains(h.clip, "not-the-password") || !strings.Contains(h.clip, "diagnosis:") {
		t.Fatalf("support text:\n%s", h.clip)
	}
}

// TestUntrustedCertificateResolvedInWindow: a server whose certificate comes
// from a company CA fails as untrusted, "Try again" is not the main action,
// and choosing IT's certificate file makes the same check pass.
func TestUntrustedCertificateResolvedInWindow(t *testing.T) {
	h, d, drain := dovecotHarness(t)
	w := h.wiz
	w.svc.Verify = VerifyWith(verify.Options{ConnectTimeout: 3 * time.Second, StepTimeout: 5 * time.Second}) // system CAs only
	caFile := filepath.Join(t.TempDir(), "company-ca.pem")
	if err := os.WriteFile(caFile, d.CA.PEM, 0o600); err != nil {
		t.Fatal(err)
	}
	notCA := filepath.Join(t.TempDir(), "notes.txt")
	_ = os.WriteFile(notCA, []byte("not a certificate"), 0o600)
	var offer string
	w.svc.ChooseFile = func(_ fyne.Window, done func(string)) { done(offer) }
	w.svc.After = func(_ time.Duration, f func()) func() { f(); return func() {} }
	w.Address.Address.SetText(d.User)
	drain()
	w.GoNext()
	w.GoNext()
	test.Type(w.SignIn.Password, d.Password)
	w.GoNext()
	drain()
	p := w.SignIn
	if !p.Diagnosis.Visible() || !p.caRow.Visible() {
		t.Fatalf("no way to use IT's certificate: %q", p.Diagnosis.Title)
	}
	if p.TryAgain.Importance == widget.HighImportance {
		t.Fatal("Try again is the main action although retrying cannot help")
	}
	if !strings.Contains(p.Certificate.Text, "Test") {
		t.Fatalf("issuer not shown: %q", p.Certificate.Text)
	}
	// ux.md problem 11: the fingerprint (to compare with IT's) and the
	// validity are shown too. The server's certificate is the leaf below
	// the test CA; its SHA-256 fingerprint is 32 colon-separated bytes.
	if !regexp.MustCompile(`([0-9A-F]{2}:){31}[0-9A-F]{2}`).MatchString(p.Certificate.Text) || !strings.Contains(p.Certificate.Text, "Valid from") {
		t.Fatalf("fingerprint or validity not shown: %q", p.Certificate.Text)
	}
	offer = notCA
	test.Tap(&p.UseCA.Button)
	if !p.CAProblem.Visible() {
		t.Fatal("a file without a certificate was accepted")
	}
	offer = caFile
	test.Tap(&p.UseCA.Button)
	drain()
	for side, m := range p.Lines {
		for st, l := range m {
			if l.State != CheckOK {
				t.Errorf("%s/%s = %s after trusting IT's CA", side, st, l.State)
			}
		}
	}
}
