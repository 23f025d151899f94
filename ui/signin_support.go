package ui

import (
	"encoding/json"
	"fmt"
	"strings"
)

// SupportText is what "Copy details for support" puts on the clipboard:
// the settings, the detection trace and the diagnosis, never the password.
func (p *SignInPage) SupportText() string {
	w := p.w
	var b strings.Builder
	fmt.Fprintf(&b, "mailsetup support details\n")
	if cfg := w.state.cfg; cfg != nil {
		c := cfg.Clone()
		fmt.Fprintf(&b, "address: %s\nprovider: %s\nsource: %s\ntrust: %s\n", c.Address, c.Provider.Name, c.Source, c.Trust)
		for _, s := range c.Incoming {
			fmt.Fprintf(&b, "incoming: %s user=%s\n", s.URL(), s.Username)
		}
		for _, s := range c.Outgoing {
			fmt.Fprintf(&b, "outgoing: %s user=%s\n", s.URL(), s.Username)
		}
		trace := c.Trace
		if len(trace) == 0 {
			trace = w.state.trace
		}
		for _, e := range trace {
			fmt.Fprintf(&b, "trace: %s %s %dms %s %s\n", e.Source, e.Outcome, e.ElapsedMS, e.URL, e.Detail)
		}
	}
	switch {
	case w.state.verified:
		b.WriteString("check: signed in\n")
	case w.state.skipped:
		b.WriteString("check: skipped by the user\n")
	}
	if r := w.state.result; r != nil && r.Diagnosis != nil {
		d, _ := json.Marshal(struct {
			Key, Title, Advice, ServerReply string
		}{r.Diagnosis.Key, r.Diagnosis.Title, r.Diagnosis.Advice, r.Diagnosis.ServerReply})
		fmt.Fprintf(&b, "diagnosis: %s\n", d)
	}
	if s := w.svc.Preset.Support(); !s.IsZero() {
		fmt.Fprintf(&b, "support: %s\n", s.String())
	}
	out := b.String()
	if pw := w.state.password; pw != "" {
		out = strings.ReplaceAll(out, pw, "********")
	}
	return out
}

func (p *SignInPage) copySupport() {
	p.w.svc.Clipboard(p.SupportText())
	// a line of its own: the result line stays as it was
	p.Copied.SetText(p.w.t("signin.copied", nil))
	p.Copied.Show()
}
