package ui

import (
	"context"
	"strconv"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"mailsetup/profiles"
	"mailsetup/profiles/discover"
)

// nothingDetect is detection for a domain that publishes nothing.
func nothingDetect(_ context.Context, _ profiles.Address, progress func(profiles.TraceEntry)) (*discover.Result, error) {
	trace := []profiles.TraceEntry{{Source: profiles.SourceAutoconfig, Outcome: profiles.OutcomeNothing}, {Source: profiles.SourceMX, Outcome: profiles.OutcomeNothing}}
	for _, e := range trace {
		progress(e)
	}
	return &discover.Result{Config: &profiles.Config{}, Trace: trace}, nil
}

// assertInView focuses every object in turn and checks that the page's
// scroll shows it whole: a field the person can Tab to is a field they see.
func assertInView(t *testing.T, h *harness, scroll *container.Scroll, objs map[string]fyne.Focusable) {
	t.Helper()
	d := fyne.CurrentApp().Driver()
	for name, f := range objs {
		h.win.Canvas().Focus(f)
		o := f.(fyne.CanvasObject)
		top := d.AbsolutePositionForObject(o).Y - d.AbsolutePositionForObject(scroll).Y
		if top < 0 || top+o.Size().Height > scroll.Size().Height+0.5 {
			t.Errorf("%v: %s focused at y=%.0f…%.0f, outside the visible %.0f px (offset %.0f, content %.0f)",
				h.win.Canvas().Size(), name, top, top+o.Size().Height, scroll.Size().Height, scroll.Offset.Y, scroll.Content.Size().Height)
		}
	}
}

// TestManualSetupDovecot walks an address whose domain publishes nothing
// through "Enter the server settings yourself" to a green checklist
// against the real Dovecot, at 800×600 and at 640×480, checking on the way
// that every field is inside the visible part of the page when focused.
func TestManualSetupDovecot(t *testing.T) {
	for _, size := range []fyne.Size{fyne.NewSize(800, 600), fyne.NewSize(640, 480)} {
		t.Run(strconv.Itoa(int(size.Width)), func(t *testing.T) {
			h, d, drain := dovecotHarness(t)
			w := h.wiz
			h.win.Resize(size)
			w.svc.Detect = nothingDetect
			w.svc.After = func(_ time.Duration, f func()) func() { f(); return func() {} }
			w.Address.Name.SetText("Alice")
			w.Address.Address.SetText(d.User)
			drain()
			if !w.Next.Disabled() {
				t.Fatal("Next enabled although nothing was found")
			}
			if w.Address.Manual.Importance != widget.HighImportance || !w.Address.Manual.Visible() {
				t.Fatal("setting up by hand is not the main action when nothing was found")
			}
			test.Tap(&w.Address.Manual.Button)
			h.mustStep(StepSettings)
			s := w.Settings
			dom := d.User[len("alice@"):]
			if s.In.Host.Text != "imap."+dom || s.In.Port.Text != "993" || s.Out.Host.Text != "smtp."+dom || s.Out.Port.Text != "465" || s.In.Username.Text != d.User {
				t.Fatalf("not pre-filled from the guess: %q:%q %q:%q login %q", s.In.Host.Text, s.In.Port.Text, s.Out.Host.Text, s.Out.Port.Text, s.In.Username.Text)
			}
			if !s.Manual.Visible() {
				t.Fatal("editors not opened for a setup by hand")
			}
			fields := map[string]fyne.Focusable{
				"incoming server": s.In.Host, "incoming port": s.In.Port, "incoming security": s.In.Security, "incoming login": s.In.Username,
				"outgoing server": s.Out.Host, "outgoing port": s.Out.Port, "outgoing security": s.Out.Security, "outgoing login": s.Out.Username,
			}
			assertInView(t, h, s.box, fields)
			// checked as typed: the error is under the field, and goes away
			s.In.Port.SetText("99x")
			if !s.In.PortErr.Visible() || !w.Next.Disabled() {
				t.Fatal("a bad port shows no error under the field")
			}
			s.In.Host.SetText(d.ServerName)
			s.In.Port.SetText(strconv.Itoa(d.IMAPSPort))
			s.Out.Host.SetText(d.ServerName)
			s.Out.Port.SetText(strconv.Itoa(d.SubmissionsPort))
			if s.In.PortErr.Visible() || w.Next.Disabled() {
				t.Fatalf("valid servers refused: %q", s.In.PortErr.Text)
			}
			if got := s.Servers.Text; !contains(got, d.ServerName+" (IMAP, port "+strconv.Itoa(d.IMAPSPort)) {
				t.Fatalf("summary does not follow the edit: %q", got)
			}
			assertInView(t, h, s.box, fields)
			w.GoNext()
			h.mustStep(StepSignIn)
			test.Type(w.SignIn.Password, d.Password)
			w.GoNext()
			drain()
			for side, m := range w.SignIn.Lines {
				for st, l := range m {
					if l.State != CheckOK {
						t.Errorf("%s/%s = %s", side, st, l.State)
					}
				}
			}
			if w.SignIn.Diagnosis.Visible() {
				t.Fatalf("diagnosis: %s / %s", w.SignIn.Diagnosis.Title, w.SignIn.diagAdvice.Text)
			}
			if w.state.cfg.Source != profiles.SourceManual {
				t.Fatalf("source %s", w.state.cfg.Source)
			}
		})
	}
}

func contains(s, sub string) bool {
	return len(sub) == 0 || (len(s) >= len(sub) && indexOf(s, sub) >= 0)
}

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

// TestAdvancedFieldsReachable: with a detected provider and Advanced open,
// every editor can be focused into view at both small sizes, in the
// languages with the longest labels.
func TestAdvancedFieldsReachable(t *testing.T) {
	for _, lang := range []string{"en", "ru", "ja"} {
		for _, size := range []fyne.Size{fyne.NewSize(800, 600), fyne.NewSize(640, 480)} {
			t.Run(lang+"-"+strconv.Itoa(int(size.Width)), func(t *testing.T) {
				h := newHarness(t, lang, okVerify)
				h.win.Resize(size)
				h.typeAddress("ivan@mail.ru")
				h.wiz.GoNext()
				s := h.wiz.Settings
				s.Advanced.Open()
				assertInView(t, h, s.box, map[string]fyne.Focusable{
					"in host": s.In.Host, "in port": s.In.Port, "in security": s.In.Security, "in login": s.In.Username,
					"out host": s.Out.Host, "out port": s.Out.Port, "out security": s.Out.Security, "out login": s.Out.Username,
				})
			})
		}
	}
}
