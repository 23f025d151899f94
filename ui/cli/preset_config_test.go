package cli

import (
	"context"
	"errors"
	"strings"
	"testing"

	"mailsetup/preset"
	"mailsetup/profiles"
)

const testPreset = `{
  "version": 1,
  "organisation": {"name": "Example Ltd"},
  "domains": [{"names": ["example.com"],
    "incoming": [{"protocol": "imap", "host": "mail.example.com", "port": 993, "security": "tls", "username": "%EMAILADDRESS%"}],
    "outgoing": [{"protocol": "smtp", "host": "mail.example.com", "port": 465, "security": "tls", "username": "%EMAILADDRESS%"}]}],
  "lock": ["incoming", "domain"],
  "support": {"name": "IT helpdesk", "email": "it@example.com"}
}`

func TestResolveConfigUsesPreset(t *testing.T) {
	pr, err := preset.Parse([]byte(testPreset), nil)
	if err != nil {
		t.Fatal(err)
	}
	env := &Env{LoadPreset: func(string) (*preset.Preset, error) { return pr, nil }}
	resolve := func(address string, f findFlags) (*profiles.Config, error) {
		addr, err := profiles.ParseAddress(address)
		if err != nil {
			t.Fatal(err)
		}
		f.sources, f.timeout = "builtin", discoverTimeoutForTest
		o, err := f.options()
		if err != nil {
			t.Fatal(err)
		}
		return findConfig(context.Background(), env, addr, o)
	}
	cfg, err := resolve("anna@example.com", findFlags{})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Source != profiles.SourcePreset || cfg.Incoming[0].Host != "mail.example.com" || cfg.Incoming[0].Username != "anna@example.com" {
		t.Errorf("preset config = %s %+v", cfg.Source, cfg.Incoming)
	}
	// The outgoing server is not locked, so it may be overridden.
	cfg, err = resolve("anna@example.com", findFlags{outgoing: "smtp://mail.example.com:587?security=starttls"})
	if err != nil || cfg.Outgoing[0].Port != 587 {
		t.Fatalf("unlocked override: %v %+v", err, cfg)
	}
	// The incoming server is locked.
	if _, err := resolve("anna@example.com", findFlags{incoming: "imap://other.example.com"}); err == nil || !strings.Contains(err.Error(), "it@example.com") {
		t.Errorf("locked override error = %v, want one naming the support contact", err)
	}
	// The domain is locked: other addresses are refused with the support contact.
	_, err = resolve("ivan@mail.ru", findFlags{})
	if err == nil || !strings.Contains(err.Error(), "example.com") || !strings.Contains(err.Error(), "it@example.com") || errors.Is(err, errNotFound) {
		t.Errorf("foreign address error = %v", err)
	}
}

// TestDetectUsesPreset is reliability.md L4: detect showed the public
// servers and accepted other domains while export used the preset.
func TestDetectUsesPreset(t *testing.T) {
	pr, err := preset.Parse([]byte(testPreset), nil)
	if err != nil {
		t.Fatal(err)
	}
	env := &Env{LoadPreset: func(string) (*preset.Preset, error) { return pr, nil }}
	code, out, stderr := runCLIEnv(t, env, "detect", "--sources", "builtin", "anna@example.com")
	if code != ExitOK || !strings.Contains(out, "mail.example.com") || !strings.Contains(out, "preset") {
		t.Errorf("company address: exit %d\n%s\n%s", code, out, stderr)
	}
	env = &Env{LoadPreset: func(string) (*preset.Preset, error) { return pr, nil }}
	code, _, stderr = runCLIEnv(t, env, "detect", "--sources", "builtin", "ivan@mail.ru")
	if code != ExitUsage || !strings.Contains(stderr, "example.com") || !strings.Contains(stderr, "it@example.com") {
		t.Errorf("foreign address under a domain lock: exit %d\n%s", code, stderr)
	}
}
