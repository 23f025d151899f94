package ui

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"time"

	"mailsetup/export"
	"mailsetup/export/guide"
	"mailsetup/export/guide/draw"
	"mailsetup/internal/fsafe"
	"mailsetup/profiles"
	"mailsetup/profiles/diagnose"
	"mailsetup/profiles/discover"
	"mailsetup/profiles/verify"
)

// wireDefaults connects the services whose packages live elsewhere:
// profiles/verify for the login check, export for the files and
// export/guide (drawn by export/guide/draw) for the guides.
func wireDefaults(s *Services) {
	s.Verify = VerifyWith(verify.Options{})
	s.Formats = DefaultFormats
	s.Export = ExportFiles
	s.Guide = GuideSteps
	s.Known = knownProvider
	s.Online = online
	s.ThunderbirdProfile = export.FindProfile
	s.ShowInFolder = showInFolder
	if runtime.GOOS == "windows" {
		s.ImportOutlook = importOutlook
	}
}

// knownProvider asks only the built-in list, which needs no network.
func knownProvider(addr profiles.Address) bool {
	res, err := discover.Discover(context.Background(), addr, discover.Options{Sources: []profiles.Source{profiles.SourceBuiltin}})
	return err == nil && res != nil && res.Config.Found()
}

// onlineProbes are names that resolve from any computer on the internet;
// when none does, the computer is offline (or its DNS is broken), and no
// failure is the person's typing.
var onlineProbes = []string{"gmail.com", "mail.ru", "microsoft.com"}

// online reports whether any well-known name resolves within 3 s.
func online(ctx context.Context) bool {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	found := make(chan bool, len(onlineProbes))
	for _, h := range onlineProbes {
		go func(h string) {
			addrs, err := net.DefaultResolver.LookupHost(ctx, h)
			found <- err == nil && len(addrs) > 0
		}(h)
	}
	for range onlineProbes {
		if <-found {
			return true
		}
	}
	return false
}

// showInFolder opens the system's file manager with path selected:
// Explorer's /select, (learn.microsoft.com "Explorer command-line
// switches"), macOS's open -R, and on other systems the folder through
// xdg-open, which cannot select a file.
func showInFolder(path string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "windows":
		cmd = exec.Command("explorer.exe", "/select,"+path)
	case "darwin":
		cmd = exec.Command("open", "-R", path)
	default:
		cmd = exec.Command("xdg-open", filepath.Dir(path))
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	go func() { _ = cmd.Wait() }() // explorer.exe exits 1 even when it worked
	return nil
}

// importOutlook runs "outlook.exe /importprf FILE", Outlook's documented
// way to read a profile file (learn.microsoft.com, "Command-line switches
// for Microsoft Office products": /importprf).
func importOutlook(path string) error {
	cmd := exec.Command("outlook.exe", "/importprf", path)
	if err := cmd.Start(); err != nil {
		return err
	}
	go func() { _ = cmd.Wait() }()
	return nil
}

// GuideSteps builds the guide with export/guide; each step's picture is
// drawn by Fyne in the window itself.
func GuideSteps(req GuideRequest) []GuideStep {
	o := guide.Options{Client: guide.Client(req.Program), Lang: req.Lang, Name: req.Name}
	if len(req.Config.Incoming) > 0 {
		o.Protocol = req.Config.Incoming[0].Protocol
	}
	switch {
	case req.Installed:
		o.Export = guide.ExportInstalled
	case req.File != "":
		o.Export, o.File = guide.ExportFile, filepath.Base(req.File)
	}
	g, err := guide.Build(req.Config, o)
	if err != nil {
		return nil
	}
	out := make([]GuideStep, len(g.Steps))
	for i, st := range g.Steps {
		out[i] = GuideStep{Title: st.Title, Text: st.Text, Picture: draw.Canvas(st.Picture)}
	}
	return out
}

// verifySteps maps the verifier's steps to checklist lines.
var verifySteps = map[verify.StepName]Stage{
	verify.StepConnecting: StageConnect,
	verify.StepGreeting:   StageConnect,
	verify.StepTLS:        StageSecure,
	verify.StepStartTLS:   StageSecure,
	verify.StepSigningIn:  StageLogin,
	verify.StepMailbox:    StageMailbox,
	verify.StepSending:    StageMailbox,
	verify.StepReady:      StageMailbox,
}

func sideOf(p profiles.Protocol) Side {
	if p.Incoming() {
		return SideIncoming
	}
	return SideOutgoing
}

// VerifyWith returns a Services.Verify that checks both servers with
// profiles/verify, base giving the trusted CAs and timeouts. The request's
// AllowUnconfirmed and AllowPlaintext are the person's consent, for the
// verifier's options of the same names.
func VerifyWith(base verify.Options) func(ctx context.Context, req VerifyRequest, progress func(CheckEvent)) (*VerifyResult, error) {
	return func(ctx context.Context, req VerifyRequest, progress func(CheckEvent)) (*VerifyResult, error) {
		cfg := req.Config
		o := base
		o.Password = verify.Secret(req.Password)
		if len(req.CAPEM) > 0 {
			pool := base.Roots
			if pool == nil {
				if sys, err := x509.SystemCertPool(); err == nil {
					pool = sys
				} else {
					pool = x509.NewCertPool()
				}
			} else {
				pool = pool.Clone()
			}
			pool.AppendCertsFromPEM(req.CAPEM)
			o.Roots = pool
		}
		o.OnStep = func(e verify.Event) {
			st, ok := verifySteps[e.Step]
			if !ok || progress == nil {
				return
			}
			state := CheckRunning
			switch e.Status {
			case verify.StatusOK:
				state = CheckOK
			case verify.StatusFailed:
				state = CheckFailed
			}
			progress(CheckEvent{Side: sideOf(e.Protocol), Stage: st, State: state})
		}
		// The window asked before sending the password to unconfirmed
		// settings or over an unencrypted connection (the consent dialogs);
		// the engine refuses without that answer.
		o.AllowUnconfirmed, o.AllowPlaintext = req.AllowUnconfirmed, req.AllowPlaintext
		res, err := verify.Verify(ctx, cfg, o)
		if err != nil {
			return nil, err
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		out := &VerifyResult{OK: res.OK(), Config: verify.WithWorking(cfg, res)}
		for _, c := range res.Checks {
			if c.OK && c.Alternative != nil && c.Alternative.Port != c.Port {
				out.Adopted = append(out.Adopted, AdoptedPort{Side: sideOf(c.Protocol), From: c.Port, To: c.Alternative.Port})
			}
			if !c.OK && out.Diagnosis == nil && c.Diagnosis != nil {
				out.Diagnosis = fromDiagnose(c.Diagnosis)
			}
		}
		if !out.OK && out.Diagnosis == nil {
			out.Diagnosis = &Diagnosis{Key: "diag.generic", Title: "The check could not run"}
		}
		return out, nil
	}
}

// fromDiagnose turns a verifier diagnosis into the card's content; the
// card translates it again when the language changes.
func fromDiagnose(d *diagnose.Diagnosis) *Diagnosis {
	out := &Diagnosis{Code: string(d.Code), Title: d.Title, Advice: d.Advice, Args: d.Args, ServerReply: d.Reply}
	if out.ServerReply == "" {
		out.ServerReply = d.Error
	}
	for _, l := range d.Links {
		out.Links = append(out.Links, Link{URL: l})
	}
	dd := *d
	out.Translate = func(lang string) (string, string) {
		c := dd
		c.Translate(lang)
		return c.Title, c.Advice
	}
	return out
}

// Export format IDs the window offers beyond the export registry's.
const formatThunderbirdInstall = "thunderbird-install"

// formatNames are the checkbox labels' translation keys, in menu order.
var formatNames = []struct{ id, key, guide string }{
	{string(export.FormatMobileconfig), "export.format.apple", "ios"},
	{string(export.FormatPRF), "export.format.outlook", "outlook"},
	{formatThunderbirdInstall, "export.format.thunderbird-install", "thunderbird"},
	{string(export.FormatThunderbirdZip), "export.format.thunderbird-file", "thunderbird"},
	{string(export.FormatK9), "export.format.k9", "k9"},
	{string(export.FormatQR), "export.format.qr", "android"},
	{string(export.FormatAutoconfig), "export.format.autoconfig", ""},
}

// DefaultFormats lists the mail programs the Export step offers (English
// names; the page translates them by ID).
func DefaultFormats() []ExportFormat {
	out := make([]ExportFormat, len(formatNames))
	for i, f := range formatNames {
		out[i] = ExportFormat{ID: f.id, Name: f.key, Guide: f.guide}
	}
	return out
}

// ExportFiles writes one format with the export package: a file in
// req.Dir, or for "thunderbird-install" the account added to this
// computer's Thunderbird profile.
func ExportFiles(ctx context.Context, req ExportRequest) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	addr, err := req.Config.Addr()
	if err != nil {
		return nil, fmt.Errorf("ui: %w", err)
	}
	acct := export.Account{Address: addr, DisplayName: req.Name}
	if len(req.Config.Incoming) > 0 {
		acct.Incoming = req.Config.Incoming[0].Protocol
	}
	if req.Format == formatThunderbirdInstall {
		dir, err := export.FindProfile()
		if err != nil {
			return nil, err
		}
		r, err := export.InstallThunderbirdWith(dir, req.Config, acct, export.Options{DeleteFromServer: !req.LeaveCopy})
		if err != nil {
			return nil, err
		}
		return []string{filepath.Join(r.Profile, "prefs.js")}, nil
	}
	f, ok := export.Lookup(req.Format)
	if !ok {
		return nil, fmt.Errorf("ui: unknown format %q", req.Format)
	}
	opts := export.Options{IncludePassword: req.Password != "" && f.Password, Password: req.Password,
		DeleteFromServer: !req.LeaveCopy, Lang: req.Lang}
	path := filepath.Join(req.Dir, export.FileName(f, acct, req.Config))
	if _, err := os.Lstat(path); err == nil && !req.Replace {
		return nil, &ExistsError{Paths: []string{path}}
	}
	var buf bytes.Buffer
	if err := export.Write(req.Format, &buf, req.Config, acct, opts); err != nil {
		return nil, err
	}
	// never a silent overwrite: replaced only when the person agreed, and
	// 0600 when the file holds the password
	err = fsafe.WriteFile(path, buf.Bytes(), fsafe.WriteOptions{Replace: req.Replace, Secret: opts.IncludePassword})
	if errors.Is(err, fsafe.ErrExists) {
		return nil, &ExistsError{Paths: []string{path}}
	}
	if err != nil {
		return nil, err
	}
	return []string{path}, nil
}
