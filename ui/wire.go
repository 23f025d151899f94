package ui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"mailsetup/export"
	"mailsetup/export/guide"
	"mailsetup/export/guide/draw"
	"mailsetup/profiles"
	"mailsetup/profiles/diagnose"
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
// profiles/verify, base giving the trusted CAs and timeouts.
func VerifyWith(base verify.Options) func(ctx context.Context, cfg *profiles.Config, password string, progress func(CheckEvent)) (*VerifyResult, error) {
	return func(ctx context.Context, cfg *profiles.Config, password string, progress func(CheckEvent)) (*VerifyResult, error) {
		o := base
		o.Password = verify.Secret(password)
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
	out := &Diagnosis{Title: d.Title, Advice: d.Advice, Args: d.Args, ServerReply: d.Reply}
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
		r, err := export.InstallThunderbird(dir, req.Config, acct)
		if err != nil {
			return nil, err
		}
		return []string{filepath.Join(r.Profile, "prefs.js")}, nil
	}
	f, ok := export.Lookup(req.Format)
	if !ok {
		return nil, fmt.Errorf("ui: unknown format %q", req.Format)
	}
	opts := export.Options{IncludePassword: req.Password != "" && f.Password, Password: req.Password}
	path := filepath.Join(req.Dir, export.FileName(f, acct, req.Config))
	file, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, fmt.Errorf("ui: %w", err)
	}
	if err := export.Write(req.Format, file, req.Config, acct, opts); err != nil {
		file.Close()
		os.Remove(path)
		return nil, err
	}
	if err := file.Close(); err != nil {
		return nil, fmt.Errorf("ui: %w", err)
	}
	return []string{path}, nil
}
