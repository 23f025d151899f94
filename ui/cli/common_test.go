package cli

import (
	"context"
	"errors"
	"strings"
	"testing"

	"mailsetup/profiles"
	"mailsetup/profiles/discover"
)

func TestResolveConfig(t *testing.T) {
	addr, err := profiles.ParseAddress("ivan@mail.ru")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name       string
		args       []string
		wantIn     string
		wantOut    string
		wantSource profiles.Source
		wantErr    string
	}{
		{name: "detected", args: []string{"--sources", "builtin"}, wantIn: "imap imap.mail.ru:993 tls", wantOut: "smtp smtp.mail.ru:465 tls", wantSource: profiles.SourceBuiltin},
		{name: "outgoing override", args: []string{"--sources", "builtin", "--outgoing", "smtp://smtp.mail.ru:2525?security=starttls"}, wantIn: "imap imap.mail.ru:993 tls", wantOut: "smtp smtp.mail.ru:2525 starttls", wantSource: profiles.SourceManual},
		{name: "both overridden", args: []string{"--sources", "builtin", "--incoming", "pop3://127.0.0.1:10995", "--outgoing", "smtp://127.0.0.1:10587?security=starttls"}, wantIn: "pop3 127.0.0.1:10995 tls", wantOut: "smtp 127.0.0.1:10587 starttls", wantSource: profiles.SourceManual},
		{name: "incoming is smtp", args: []string{"--incoming", "smtp://a.example.org"}, wantErr: "imap:// or pop3://"},
		{name: "outgoing is imap", args: []string{"--outgoing", "imap://a.example.org"}, wantErr: "smtp://"},
		{name: "bad url", args: []string{"--incoming", "imap://a.example.org:99999"}, wantErr: "port"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fs := newFlags("t")
			var f findFlags
			f.register(fs, true)
			if err := fs.Parse(tc.args); err != nil {
				t.Fatal(err)
			}
			o, err := f.options()
			var cfg *profiles.Config
			if err == nil {
				cfg, err = resolveConfig(context.Background(), nil, addr, o)
			}
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := cfg.Incoming[0].String(); got != tc.wantIn {
				t.Errorf("incoming = %s, want %s", got, tc.wantIn)
			}
			if got := cfg.Outgoing[0].String(); got != tc.wantOut {
				t.Errorf("outgoing = %s, want %s", got, tc.wantOut)
			}
			if cfg.Source != tc.wantSource {
				t.Errorf("source = %s, want %s", cfg.Source, tc.wantSource)
			}
			if cfg.Incoming[0].Username != "ivan@mail.ru" {
				t.Errorf("username = %q", cfg.Incoming[0].Username)
			}
		})
	}
}

func TestResolveConfigNotFound(t *testing.T) {
	addr, _ := profiles.ParseAddress("bob@nowhere.example")
	o := findOptions{Discover: discover.Options{Sources: []profiles.Source{profiles.SourceBuiltin}, Timeout: discoverTimeoutForTest}}
	_, err := resolveConfig(context.Background(), nil, addr, o)
	if !errors.Is(err, errNotFound) {
		t.Fatalf("error = %v, want errNotFound", err)
	}
	var out, errb strings.Builder
	if code := finish(&Env{Stdout: &out, Stderr: &errb}, err); code != ExitFailed || !strings.Contains(errb.String(), "--incoming") {
		t.Errorf("exit %d, stderr %q", code, errb.String())
	}
}

const discoverTimeoutForTest = 5_000_000_000

func TestReadPassword(t *testing.T) {
	env := &Env{Stdin: strings.NewReader("s3cret pass\r\nnext line\n"), Getenv: func(k string) string {
		if k == "MAILSETUP_PASSWORD" {
			return "from-env"
		}
		return ""
	}}
	if p, err := readPassword(env, true); err != nil || p != "s3cret pass" {
		t.Errorf("stdin password = %q, %v", p, err)
	}
	if p, _ := readPassword(env, false); p != "from-env" {
		t.Errorf("env password = %q", p)
	}
	if _, err := readPassword(&Env{Stdin: strings.NewReader("")}, true); err == nil {
		t.Error("empty stdin accepted")
	}
}
