package ui

import (
	"context"
	"net/url"
	"time"

	"fyne.io/fyne/v2"

	"mailsetup/preset"
	"mailsetup/profiles"
	"mailsetup/profiles/discover"
)

// Side is one half of an account: incoming or outgoing mail.
type Side string

// The two sides a verification checks.
const (
	SideIncoming Side = "incoming"
	SideOutgoing Side = "outgoing"
)

// Stage is one line of the sign-in checklist.
type Stage string

// The stages of a login check, in order.
const (
	StageConnect Stage = "connect"
	StageSecure  Stage = "secure"
	StageLogin   Stage = "login"
	StageMailbox Stage = "mailbox"
)

// Stages lists the checklist lines in order.
var Stages = []Stage{StageConnect, StageSecure, StageLogin, StageMailbox}

// CheckState is how far a checklist line got.
type CheckState string

// The states of a checklist line.
const (
	CheckPending CheckState = "pending"
	CheckRunning CheckState = "running"
	CheckOK      CheckState = "ok"
	CheckFailed  CheckState = "failed"
)

// CheckEvent reports one checklist line changing state. A verifier may send
// events from any goroutine.
type CheckEvent struct {
	Side  Side
	Stage Stage
	State CheckState
}

// Link is a labelled web address shown as a button.
type Link struct {
	Text string
	URL  string
}

// Diagnosis explains a failed check in plain words. Key/AdviceKey with Args
// select a translation; Title/Advice are the English fallbacks.
type Diagnosis struct {
	Key, Title        string
	AdviceKey, Advice string
	Args              map[string]string
	Links             []Link
	// ServerReply is what the server said, shown on request.
	ServerReply string
	// Translate, when set, returns the title and advice in another language.
	Translate func(lang string) (title, advice string)
}

// AdoptedPort says that a server was reached on another port than the one
// detected, and that the settings now use it.
type AdoptedPort struct {
	Side     Side
	From, To int
}

// VerifyResult is the outcome of a login check.
type VerifyResult struct {
	// OK is true when both sides signed in.
	OK bool
	// Config is the (possibly adjusted) configuration, Verified set when OK.
	Config *profiles.Config
	// Adopted lists working alternative ports that replaced the detected ones.
	Adopted []AdoptedPort
	// Diagnosis explains the first failure; nil when OK.
	Diagnosis *Diagnosis
}

// ExportFormat is one mail program (or file kind) the Export step offers.
type ExportFormat struct {
	// ID is the export registry's format name ("mobileconfig").
	ID string
	// Name is shown next to the checkbox: a translation key or a plain name.
	Name string
	// Guide is the guide program for the Instructions step ("" = none).
	Guide string
}

// ExportRequest asks for one format to be written into Dir.
type ExportRequest struct {
	Config   *profiles.Config
	Format   string
	Dir      string
	Name     string
	Password string // empty unless the user asked to include it
	// Verified is false when the user skipped the login check.
	Verified bool
	// LeaveCopy is POP3's "leave a copy on the server".
	LeaveCopy bool
}

// GuideStep is one step of a guide.
type GuideStep struct {
	Title string
	Text  string
	// Picture draws the step, or is nil.
	Picture fyne.CanvasObject
}

// GuideRequest asks for the guide of one mail program.
type GuideRequest struct {
	Lang    string
	Program string
	Config  *profiles.Config
	// Name is the sender name the user typed.
	Name string
	// File is the exported file for this program ("" = none), Installed
	// is set when the account was added to the program directly.
	File      string
	Installed bool
}

// Services are the slow or system-facing things the window calls, injected
// so tests replace them and run deterministically under -race.
type Services struct {
	// Detect finds the settings for an address.
	Detect func(ctx context.Context, addr profiles.Address, progress func(profiles.TraceEntry)) (*discover.Result, error)
	// Verify checks the login on both servers, reporting each checklist line.
	Verify func(ctx context.Context, cfg *profiles.Config, password string, progress func(CheckEvent)) (*VerifyResult, error)
	// Formats lists what Export can write.
	Formats func() []ExportFormat
	// Export writes one format and returns the files written.
	Export func(ctx context.Context, req ExportRequest) ([]string, error)
	// Guide returns the steps of a program's guide.
	Guide func(req GuideRequest) []GuideStep
	// Go runs background work; the default is "go f()". Tests run f inline.
	Go func(f func())
	// Do runs f on the UI goroutine; the default is fyne.Do. Tests run f inline.
	Do func(f func())
	// After runs f after d unless the returned stop is called (debouncing).
	After func(d time.Duration, f func()) (stop func())
	// OpenURL opens a web page or folder in the system's program.
	OpenURL func(u *url.URL) error
	// ChooseFolder asks for a folder and calls done with its path ("" = cancelled).
	ChooseFolder func(w fyne.Window, done func(path string))
	// Clipboard puts text on the clipboard.
	Clipboard func(text string)
	// Preset is the organisation preset, or nil. With one, company addresses
	// take its servers without discovery, the Settings step is skipped (the
	// window asks only for name, address and password), locked fields stay
	// locked and only its formats are offered when it locks them.
	Preset *preset.Preset
}

// DefaultServices returns the real services: discovery, the UI goroutine,
// timers, the browser, the folder dialog and the clipboard here, and (in
// wireDefaults) verify, export and the guides.
func DefaultServices() Services {
	s := Services{
		Detect: func(ctx context.Context, addr profiles.Address, progress func(profiles.TraceEntry)) (*discover.Result, error) {
			return discover.Discover(ctx, addr, discover.Options{Progress: progress})
		},
		Go: func(f func()) { go f() },
		Do: fyne.Do,
		After: func(d time.Duration, f func()) func() {
			t := time.AfterFunc(d, f)
			return func() { t.Stop() }
		},
		OpenURL: func(u *url.URL) error {
			if a := fyne.CurrentApp(); a != nil {
				return a.OpenURL(u)
			}
			return nil
		},
		ChooseFolder: chooseFolderDialog,
		Clipboard: func(text string) {
			if a := fyne.CurrentApp(); a != nil {
				a.Clipboard().SetContent(text)
			}
		},
	}
	wireDefaults(&s)
	return s
}

func (s *Services) fill() {
	d := DefaultServices()
	if s.Detect == nil {
		s.Detect = d.Detect
	}
	if s.Verify == nil {
		s.Verify = d.Verify
	}
	if s.Formats == nil {
		s.Formats = d.Formats
	}
	if s.Export == nil {
		s.Export = d.Export
	}
	if s.Guide == nil {
		s.Guide = d.Guide
	}
	if s.Go == nil {
		s.Go = d.Go
	}
	if s.Do == nil {
		s.Do = d.Do
	}
	if s.After == nil {
		s.After = d.After
	}
	if s.OpenURL == nil {
		s.OpenURL = d.OpenURL
	}
	if s.ChooseFolder == nil {
		s.ChooseFolder = d.ChooseFolder
	}
	if s.Clipboard == nil {
		s.Clipboard = d.Clipboard
	}
}
