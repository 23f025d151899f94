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
	old := presetLoader
	presetLoader = func() (*preset.Preset, error) { return pr, nil }
	t.Cleanup(func() { presetLoader = old })

	resolve := func(address string, o overrideFlags) (*profiles.Config, error) {
		addr, err := profiles.ParseAddress(address)
		if err != nil {
			t.Fatal(err)
		}
		d := discoveryFlags{sources: "builtin", timeout: discoverTimeoutForTest}
		return resolveConfig(context.Background(), addr, &d, &o)
	}
	cfg, err := resolve("anna@example.com", overrideFlags{})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Source != profiles.SourcePreset || cfg.Incoming[0].Host != "mail.example.com" || cfg.Incoming[0].Username != "anna@example.com" {
		t.Errorf("preset config = %s %+v", cfg.Source, cfg.Incoming)
	}
	// The outgoing server is not locked, so it may be overridden.
	cfg, err = resolve("anna@example.com", overrideFlags{outgoing: "smtp://mail.example.com:587?security=starttls"})
	if err != nil || cfg.Outgoing[0].Port != 587 {
		t.Fatalf("unlocked override: %v %+v", err, cfg)
	}
	// The incoming server is locked.
	if _, err := resolve("anna@example.com", overrideFlags{incoming: "imap://other.example.com"}); err == nil || !strings.Contains(err.Error(), "it@example.com") {
		t.Errorf("locked override error = %v, want one naming the support contact", err)
	}
	// The domain is locked: other addresses are refused with the support contact.
	_, err = resolve("ivan@mail.ru", overrideFlags{})
	if err == nil || !strings.Contains(err.Error(), "example.com") || !strings.Contains(err.Error(), "it@example.com") || errors.Is(err, errNotFound) {
		t.Errorf("foreign address error = %v", err)
	}
}
