package ui

import (
	"context"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"mailsetup/profiles"
	"mailsetup/profiles/discover"
	"mailsetup/profiles/knowledge"
)

// fixedDetect answers every address with cfg.
func fixedDetect(cfg func(profiles.Address) *profiles.Config) func(context.Context, profiles.Address, func(profiles.TraceEntry)) (*discover.Result, error) {
	return func(_ context.Context, a profiles.Address, progress func(profiles.TraceEntry)) (*discover.Result, error) {
		progress(profiles.TraceEntry{Source: profiles.SourceAutoconfig, Outcome: profiles.OutcomeFound})
		return &discover.Result{Config: cfg(a), Trace: []profiles.TraceEntry{{Source: profiles.SourceAutoconfig, Outcome: profiles.OutcomeFound}}}, nil
	}
}

func plainConfig(a profiles.Address) *profiles.Config {
	in, _ := profiles.ParseServerURL("imap://mail.example.net:143?security=none")
	out, _ := profiles.ParseServerURL("smtp://mail.example.net:25?security=none")
	cfg := profiles.ManualConfig(a, in, out)
	cfg.Source = profiles.SourceAutoconfig
	cfg.Provider.Name = "Example"
	return cfg
}

// TestUnencryptedIsNeverCalledSecure: "none" shows a warning on step 2,
// the password is sent only after an explicit choice in a dialog, and the
// checklist never shows a green "Secure connection" for it.
func TestUnencryptedIsNeverCalledSecure(t *testing.T) {
	var reqs []VerifyRequest
	h := newHarness(t, "en", func(ctx context.Context, req VerifyRequest, progress func(CheckEvent)) (*VerifyResult, error) {
		reqs = append(reqs, req)
		return okVerify(ctx, req, progress)
	})
	w := h.wiz
	w.svc.Detect = fixedDetect(plainConfig)
	h.typeAddress("anna@example.net")
	w.GoNext()
	h.mustStep(StepSettings)
	if !w.Settings.Plaintext.Visible() || w.Settings.Plaintext.Importance != widget.WarningImportance {
		t.Fatal("no warning that the connection is not encrypted")
	}
	if !w.Settings.In.SecWarn.Visible() || !strings.Contains(w.Settings.In.Security.Selected, "unencrypted") {
		t.Fatalf("security field: %q, warning shown %v", w.Settings.In.Security.Selected, w.Settings.In.SecWarn.Visible())
	}
	w.GoNext()
	h.mustStep(StepSignIn)
	if l := w.SignIn.Lines[SideIncoming][StageSecure]; l.State != CheckWarning || l.Label.Text != "Not encrypted" {
		t.Fatalf("before the check the secure line is %s %q", l.State, l.Label.Text)
	}
	test.Type(w.SignIn.Password, "pw")
	w.GoNext()
	if len(reqs) != 0 {
		t.Fatal("the password was sent unencrypted without asking")
	}
	if !strings.Contains(overlayText(h), "example.net") || !strings.Contains(overlayText(h), "not encrypted") {
		t.Fatalf("dialog: %q", overlayText(h))
	}
	test.Tap(overlayButton(t, h, "Cancel"))
	if len(reqs) != 0 {
		t.Fatal("sent after Cancel")
	}
	w.GoNext()
	test.Tap(overlayButton(t, h, "Send it unencrypted"))
	if len(reqs) != 1 || !reqs[0].AllowPlaintext || reqs[0].AllowUnconfirmed {
		t.Fatalf("requests: %+v", reqs)
	}
	for _, side := range []Side{SideIncoming, SideOutgoing} {
		if l := w.SignIn.Lines[side][StageSecure]; l.State != CheckWarning || l.Label.Importance != widget.WarningImportance {
			t.Errorf("%s secure line after success: %s", side, l.State)
		}
	}
	if !strings.Contains(w.SignIn.Status.Text, "not encrypted") {
		t.Fatalf("status %q", w.SignIn.Status.Text)
	}
}

// TestUnconfirmedSettingsNeedConsent: settings needing confirmation are
// checked only after a choice that shows where they came from, and the
// consent travels in the request.
func TestUnconfirmedSettingsNeedConsent(t *testing.T) {
	var reqs []VerifyRequest
	h := newHarness(t, "en", func(ctx context.Context, req VerifyRequest, progress func(CheckEvent)) (*VerifyResult, error) {
		reqs = append(reqs, req)
		return okVerify(ctx, req, progress)
	})
	w := h.wiz
	w.svc.Detect = fixedDetect(func(a profiles.Address) *profiles.Config {
		in, _ := profiles.ParseServerURL("imap://mx.hoster.example:993?security=tls")
		out, _ := profiles.ParseServerURL("smtp://mx.hoster.example:465?security=tls")
		cfg := profiles.ManualConfig(a, in, out)
		cfg.Source, cfg.Trust, cfg.TrustDomain = profiles.SourceAutoconfig, profiles.TrustConfirm, "hoster.example"
		return cfg
	})
	h.typeAddress("anna@example.org")
	if !strings.Contains(labelTexts(w.Address.Result), "hoster.example") {
		t.Fatalf("step 1 does not say where the settings came from: %q", labelTexts(w.Address.Result))
	}
	test.Tap(w.Address.Confirm)
	w.GoNext()
	w.GoNext()
	h.mustStep(StepSignIn)
	test.Type(w.SignIn.Password, "pw")
	w.state.allowUnconfirmed = false // as if the tick were lost: the check must ask again
	w.GoNext()
	if len(reqs) != 0 || !strings.Contains(overlayText(h), "hoster.example") {
		t.Fatalf("no consent asked, or the dialog does not name the domain: %q", overlayText(h))
	}
	test.Tap(overlayButton(t, h, "Send the password"))
	if len(reqs) != 1 || !reqs[0].AllowUnconfirmed {
		t.Fatalf("requests: %+v", reqs)
	}
}

func TestOfflineIsNotTheUsersMistake(t *testing.T) {
	for _, offline := range []bool{true, false} {
		h := newHarness(t, "en", okVerify)
		w := h.wiz
		w.svc.Detect = nothingDetect
		w.svc.Online = func(context.Context) bool { return !offline }
		h.typeAddress("anna@firma-example.de")
		status, trace := w.Address.Status.Text, labelTexts(w.Address.Progress)
		if offline != strings.Contains(status, "no internet connection") {
			t.Errorf("offline=%v: status %q", offline, status)
		}
		if offline != strings.Contains(trace, "could not ask (no connection)") || offline == strings.Contains(trace, "nothing there") {
			t.Errorf("offline=%v: trace %q", offline, trace)
		}
		if w.Address.Manual.Importance != widget.HighImportance {
			t.Errorf("offline=%v: setting up by hand is not the main action", offline)
		}
	}
}

func TestOfflineSignInSaysSo(t *testing.T) {
	for _, offline := range []bool{true, false} {
		h := newHarness(t, "en", func(context.Context, VerifyRequest, func(CheckEvent)) (*VerifyResult, error) {
			return &VerifyResult{Diagnosis: &Diagnosis{Code: "host-not-found", Title: "The server name was not found", Advice: "Check the server name for typos."}}, nil
		})
		w := h.wiz
		w.svc.Online = func(context.Context) bool { return !offline }
		h.typeAddress("ivan@mail.ru")
		w.GoNext()
		w.GoNext()
		test.Type(w.SignIn.Password, "pw")
		w.GoNext()
		title, advice := w.SignIn.Diagnosis.Title, w.SignIn.diagAdvice.Text
		if offline && (!strings.Contains(title, "no internet connection") || strings.Contains(advice, "typo")) {
			t.Errorf("offline: %q / %q", title, advice)
		}
		if !offline && (title != "This network cannot find the mail server" || strings.Contains(advice, "Check the server name")) {
			t.Errorf("online, a server the person did not type: %q / %q", title, advice)
		}
	}
}

// TestProgressStartedIsShown: a source that has started reads "looking…",
// not a blank (the window mapped only "" before OutcomeStarted existed).
func TestProgressStartedIsShown(t *testing.T) {
	h := newHarness(t, "en", okVerify)
	p := h.wiz.Address
	p.onProgress(profiles.TraceEntry{Source: profiles.SourceMX, Outcome: profiles.OutcomeStarted})
	if got := labelTexts(p.Progress); !strings.Contains(got, ": looking…") {
		t.Fatalf("progress line %q", got)
	}
}

// TestLimitsNoteTranslated: the limits note is Russian in a Russian
// window, its list included (the knowledge base renders it in English).
func TestLimitsNoteTranslated(t *testing.T) {
	n, ok := knowledge.LimitsNote("Mail.ru", profiles.Limits{MessageSizeMB: 30, RecipientsPerMessage: 30})
	if !ok {
		t.Fatal("no limits note")
	}
	got := NoteText("ru", n)
	for _, w := range strings.FieldsFunc(strings.ReplaceAll(got, "Mail.ru", ""), func(r rune) bool { return !unicode.IsLetter(r) }) {
		if unicode.In([]rune(w)[0], unicode.Latin) && w != "МБ" {
			t.Fatalf("English left in the Russian note: %q in %q", w, got)
		}
	}
}

func TestTypoSuggestions(t *testing.T) {
	for in, want := range map[string]string{
		"ivan@gmial.com": "ivan@gmail.com", "ivan@mail,ru": "ivan@mail.ru", "ivan@yandex.ry": "ivan@yandex.ru",
		" ivan @gmai.com": "ivan@gmail.com", "ivan@gmail.com": "", "anna@firma-example.de": "", "ivan@": "",
	} {
		got, ok := suggestAddress(in)
		if ok != (want != "") || got != want {
			t.Errorf("suggestAddress(%q) = %q %v, want %q", in, got, ok, want)
		}
	}
	h := newHarness(t, "en", okVerify)
	w := h.wiz
	w.svc.Detect = nothingDetect
	h.typeAddress("ivan@gmial.com")
	if !w.Address.Suggest.Visible() || w.Address.Suggest.Text != "Did you mean ivan@gmail.com?" {
		t.Fatalf("suggestion %q visible %v", w.Address.Suggest.Text, w.Address.Suggest.Visible())
	}
	w.svc.Detect = builtinDetect
	test.Tap(&w.Address.Suggest.Button)
	if w.Address.Address.Text != "ivan@gmail.com" || !strings.HasPrefix(w.Address.Status.Text, "Found") {
		t.Fatalf("after taking the suggestion: %q, %q", w.Address.Address.Text, w.Address.Status.Text)
	}
	// a comma: said under the field after the pause, without Enter
	w.Address.Address.SetText("ivan@mail,ru")
	if !w.Address.Problem.Visible() || w.Address.Problem.Importance != widget.DangerImportance || !w.Address.Suggest.Visible() {
		t.Fatalf("problem %q visible %v", w.Address.Problem.Text, w.Address.Problem.Visible())
	}
	if labelTexts(w.Address.Progress) != "" || w.state.cfg != nil {
		t.Fatal("the previous address's results stay on screen")
	}
	// spaces are dropped, not reported
	w.Address.Address.SetText("ivan @mail.ru")
	if w.Address.Problem.Visible() || !strings.HasPrefix(w.Address.Status.Text, "Found") {
		t.Fatalf("spaces: problem %q, status %q", w.Address.Problem.Text, w.Address.Status.Text)
	}
}

// TestBuiltinAnswersAtOnce: a provider from the built-in list is found
// without waiting for the typing pause.
func TestBuiltinAnswersAtOnce(t *testing.T) {
	h := newHarness(t, "en", okVerify)
	w := h.wiz
	w.svc.After = func(time.Duration, func()) func() { return func() {} } // the pause never ends
	w.svc.Known = knownProvider
	h.typeAddress("ivan@yandex.ru")
	if w.Address.Status.Text != "Found: Yandex Mail" {
		t.Fatalf("status %q", w.Address.Status.Text)
	}
}

func TestLanguageSwitchKeepsEdits(t *testing.T) {
	h := newHarness(t, "ru", okVerify)
	w := h.wiz
	h.typeAddress("ivan@mail.ru")
	w.GoNext()
	w.Settings.Advanced.Open()
	w.Settings.In.Host.SetText("mail.firma.de")
	w.SetLanguage("en")
	if got := w.Settings.In.Host.Text; got != "mail.firma.de" {
		t.Fatalf("edit lost on switching language: %q", got)
	}
	if !strings.Contains(w.Settings.Servers.Text, "mail.firma.de") {
		t.Fatalf("summary %q", w.Settings.Servers.Text)
	}
}

// TestExportAsksBeforeReplacing uses the real ExportFiles: an existing file
// is not touched until the person agrees.
func TestExportAsksBeforeReplacing(t *testing.T) {
	h := newHarness(t, "en", okVerify)
	w := h.wiz
	w.svc.Formats = DefaultFormats
	w.svc.Export = ExportFiles
	w.rebuildPages()
	h.typeAddress("ivan@yandex.ru")
	w.GoNext()
	w.GoNext()
	test.Type(w.SignIn.Password, "pw")
	w.GoNext()
	w.GoNext()
	h.mustStep(StepExport)
	test.Tap(&w.Export.Save.Button)
	entries, _ := os.ReadDir(h.dir)
	if len(entries) != 1 {
		t.Fatalf("folder: %v", entries)
	}
	path := filepath.Join(h.dir, entries[0].Name())
	if err := os.WriteFile(path, []byte("the person's own file"), 0o600); err != nil {
		t.Fatal(err)
	}
	test.Tap(&w.Export.Save.Button)
	if data, _ := os.ReadFile(path); string(data) != "the person's own file" {
		t.Fatal("an existing file was overwritten without asking")
	}
	if !strings.Contains(overlayText(h), entries[0].Name()) {
		t.Fatalf("no question naming the file: %q", overlayText(h))
	}
	test.Tap(overlayButton(t, h, "Replace"))
	if data, _ := os.ReadFile(path); !strings.Contains(string(data), "imap.yandex.ru") {
		t.Fatalf("not replaced after agreeing: %s", data)
	}
	if _, err := ExportFiles(context.Background(), ExportRequest{Config: w.state.cfg, Format: "mobileconfig", Dir: h.dir}); !errors.As(err, new(*ExistsError)) {
		t.Fatalf("ExportFiles over an existing file: %v", err)
	}
}

func TestExportThunderbirdWithoutProfileGreyedOut(t *testing.T) {
	h := newHarness(t, "en", okVerify)
	w := h.wiz
	w.svc.Formats = DefaultFormats
	w.rebuildPages()
	c := w.Export.Formats[formatThunderbirdInstall]
	if !c.Disabled() {
		t.Fatal("Thunderbird on this computer offered without a profile")
	}
	var why string
	walk(w.Export.box, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok && strings.Contains(l.Text, "Start Thunderbird once") {
			why = l.Text
		}
	})
	if why == "" {
		t.Fatal("no reason given for the greyed-out Thunderbird")
	}
	w.svc.ThunderbirdProfile = func() (string, error) { return "/p", nil }
	w.rebuildPages()
	if w.Export.Formats[formatThunderbirdInstall].Disabled() {
		t.Fatal("greyed out although a profile exists")
	}
}

func TestExportPassesLeaveCopy(t *testing.T) {
	h := newHarness(t, "en", okVerify)
	w := h.wiz
	h.typeAddress("ivan@yandex.ru")
	w.GoNext()
	w.Settings.Protocol.SetSelected("POP3")
	test.Tap(w.Settings.LeaveCopy)
	w.GoNext()
	test.Type(w.SignIn.Password, "pw")
	w.GoNext()
	w.GoNext()
	test.Tap(&w.Export.Save.Button)
	if len(h.exported) != 1 || h.exported[0].LeaveCopy {
		t.Fatalf("leave-a-copy not passed: %+v", h.exported)
	}
}

// TestDoneSummary: the last step lists what was checked and each file with
// Open and Show in folder, offers another program, and Finish ends.
func TestDoneSummary(t *testing.T) {
	h := newHarness(t, "en", okVerify)
	w := h.wiz
	finished := false
	w.OnFinish = func() { finished = true }
	h.typeAddress("ivan@yandex.ru")
	w.GoNext()
	w.GoNext()
	test.Type(w.SignIn.Password, "pw")
	w.GoNext()
	w.GoNext()
	test.Tap(&w.Export.Save.Button)
	w.GoNext()
	h.mustStep(StepGuide)
	for w.Step() == StepGuide { // Next walks the guide's steps, then the summary
		w.GoNext()
	}
	h.mustStep(StepDone)
	if finished || w.Next.Text != "Finish" || !strings.Contains(w.Done.Checked.Text, "checked") {
		t.Fatalf("done page: finished %v, next %q, checked %q", finished, w.Next.Text, w.Done.Checked.Text)
	}
	file := filepath.Join(h.dir, "mobileconfig.json")
	test.Tap(findButton(t, w.Done.Files, "Open"))
	test.Tap(findButton(t, w.Done.Files, "Show in folder"))
	if n := len(h.opened); n < 2 || !strings.HasSuffix(h.opened[n-2], filepath.ToSlash(file)) || h.opened[n-1] != "show:"+file {
		t.Fatalf("opened %v", h.opened)
	}
	if !strings.Contains(labelTexts(w.Done.NextSteps), "iPhone") {
		t.Fatalf("next steps %q", labelTexts(w.Done.NextSteps))
	}
	test.Tap(&w.Done.Another.Button)
	h.mustStep(StepExport)
	w.GoNext()
	for w.Step() == StepGuide {
		w.GoNext()
	}
	w.GoNext()
	if !finished {
		t.Fatal("Finish did not end the wizard")
	}
}

func TestOpenFailureIsShown(t *testing.T) {
	h := newHarness(t, "en", okVerify)
	w := h.wiz
	w.svc.OpenURL = func(*url.URL) error { return errors.New("no xdg-open") }
	h.typeAddress("ivan@yandex.ru")
	w.GoNext()
	test.Tap(findButton(t, w.Settings.Notes, "Open the page"))
	if !strings.Contains(overlayText(h), "Could not open") {
		t.Fatalf("no message when opening failed: %q", overlayText(h))
	}
}

// TestJapaneseBreaksKeepLatinWhole: Japanese text may break between kana
// and kanji, never inside an address or host name, and never before 。.
func TestJapaneseBreaksKeepLatinWhole(t *testing.T) {
	got := breakable("受信メールは imap.mail.ru から届きます。ログイン名: ivan@mail.ru。")
	for _, whole := range []string{"imap.mail.ru", "ivan@mail.ru"} {
		if !strings.Contains(got, whole) {
			t.Errorf("%q split in %q", whole, got)
		}
	}
	if strings.Contains(got, "\u200a。") || !strings.Contains(got, "受\u200a信") {
		t.Errorf("break points wrong: %q", got)
	}
}

func TestCopyButtons(t *testing.T) {
	h := newHarness(t, "en", okVerify)
	h.typeAddress("ivan@yandex.ru")
	h.wiz.GoNext()
	for _, v := range []string{"imap.yandex.ru", "993", "smtp.yandex.ru", "465", "ivan@yandex.ru"} {
		test.Tap(findButton(t, h.wiz.Settings.Copy, v))
		if h.clip != v {
			t.Fatalf("copy %q put %q on the clipboard", v, h.clip)
		}
	}
	h.wiz.Settings.Advanced.Open()
	h.wiz.Settings.In.Host.SetText("mail.firma.de")
	test.Tap(findButton(t, h.wiz.Settings.Copy, "mail.firma.de")) // follows the edit
}

// TestRealFileDialogs opens the real folder and file choosers on the
// window: in the window's language, saying "Save here", and not crashing
// (resizing a FileDialog before it is shown panics in Fyne).
func TestRealFileDialogs(t *testing.T) {
	h := newHarness(t, "ru", okVerify)
	chooseFolderDialog(h.win, func(string) {})
	if txt := overlayText(h); !strings.Contains(txt, "Сохранить сюда") || !strings.Contains(txt, "Выберите, куда сохранить файлы") {
		t.Fatalf("folder dialog: %q", txt)
	}
	h.win.Canvas().Overlays().Top().Hide()
	h.win.Canvas().Overlays().Remove(h.win.Canvas().Overlays().Top())
	chooseFileDialog(h.win, func(string) {})
	if txt := overlayText(h); !strings.Contains(txt, "Использовать этот файл") {
		t.Fatalf("file dialog: %q", txt)
	}
}

// TestGuideNamedAfterWhatWasSaved: after saving the Thunderbird file for
// another computer, the guide menu does not say "on this computer".
func TestGuideNamedAfterWhatWasSaved(t *testing.T) {
	h := newHarness(t, "en", okVerify)
	w := h.wiz
	w.svc.Formats = DefaultFormats
	w.rebuildPages()
	h.typeAddress("ivan@yandex.ru")
	w.GoNext()
	w.GoNext()
	test.Type(w.SignIn.Password, "pw")
	w.GoNext()
	w.GoNext()
	test.Tap(w.Export.Formats["mobileconfig"])
	test.Tap(w.Export.Formats["thunderbird-zip"])
	test.Tap(&w.Export.Save.Button)
	w.GoNext()
	h.mustStep(StepGuide)
	if got := w.Guide.Program.Selected; got != "Thunderbird on another computer (file)" {
		t.Fatalf("guide menu says %q", got)
	}
}
