package cli

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"mailsetup/export"
	"mailsetup/export/guide"
	"mailsetup/profiles"
	"mailsetup/profiles/discover"
)

// The parse tests are tables of argv → options or error, as cli/cli's
// TestNewCmdClone (pkg/cmd/repo/clone/clone_test.go) tests parsing without
// running anything.

func mustAddr(t *testing.T, s string) profiles.Address {
	t.Helper()
	a, err := profiles.ParseAddress(s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func mustServer(t *testing.T, s string) *profiles.Server {
	t.Helper()
	srv, err := profiles.ParseServerURL(s)
	if err != nil {
		t.Fatal(err)
	}
	return &srv
}

// defaultFind is what the find flags give when none is set.
func defaultFind() findOptions {
	srcs, _ := discover.ParseSources("all")
	return findOptions{Discover: discover.Options{Sources: srcs, ISPDB: discover.DefaultISPDB, Timeout: discover.DefaultTimeout}}
}

// checkParse compares a parse result with want, or its error with wantErr
// (which must then be a usage error: exit 2).
func checkParse(t *testing.T, got any, err error, want any, wantErr string) {
	t.Helper()
	if wantErr != "" {
		var ue *usageError
		if err == nil || !strings.Contains(err.Error(), wantErr) || !errors.As(err, &ue) {
			t.Fatalf("error = %v (%T), want a usage error containing %q", err, err, wantErr)
		}
		return
	}
	if err != nil {
		t.Fatalf("error: %v", err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("options:\n got %+v\nwant %+v", got, want)
	}
}

func TestParseDetect(t *testing.T) {
	ivan := mustAddr(t, "ivan@mail.ru")
	for _, tc := range []struct {
		name    string
		args    []string
		want    func(*detectOptions)
		wantErr string
	}{
		{name: "address", args: []string{"ivan@mail.ru"}, want: func(o *detectOptions) {}},
		{name: "flags after", args: []string{"ivan@mail.ru", "--json", "--sources", "builtin,mx", "--timeout", "3s", "--dns", "127.0.0.1", "--lang", "ru"}, want: func(o *detectOptions) {
			o.JSON = true
			o.Find.Discover.Sources = []profiles.Source{profiles.SourceBuiltin, profiles.SourceMX}
			o.Find.Discover.Timeout = 3 * time.Second
			o.Find.Discover.DNS = "127.0.0.1:53"
			o.Find.Lang = "ru"
		}},
		{name: "no address", args: []string{"--json"}, wantErr: "give the e-mail address"},
		{name: "two addresses", args: []string{"a@x.org", "b@x.org"}, wantErr: "one e-mail address, not 2"},
		{name: "bad address", args: []string{`a\b@mail.ru`}, wantErr: `"a\\b@mail.ru" is not`},
		{name: "bad source", args: []string{"--sources", "crystal-ball", "ivan@mail.ru"}, wantErr: "crystal-ball"},
		{name: "zero timeout", args: []string{"--timeout", "0s", "ivan@mail.ru"}, wantErr: "--timeout"},
		{name: "bad lang", args: []string{"--lang", "xx", "ivan@mail.ru"}, wantErr: "unknown language"},
		{name: "no overrides on detect", args: []string{"--incoming", "imap://h.example", "ivan@mail.ru"}, wantErr: "flag provided but not defined"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseDetect(tc.args)
			var want *detectOptions
			if tc.want != nil {
				want = &detectOptions{Address: ivan, Find: defaultFind()}
				tc.want(want)
			}
			checkParse(t, got, err, want, tc.wantErr)
		})
	}
}

func TestParseVerify(t *testing.T) {
	ivan := mustAddr(t, "ivan@mail.ru")
	base := func() *verifyOptions {
		o := &verifyOptions{Address: ivan, Find: defaultFind(), Timeout: verifyTimeout}
		return o
	}
	for _, tc := range []struct {
		name    string
		args    []string
		want    func(*verifyOptions)
		wantErr string
	}{
		{name: "address", args: []string{"ivan@mail.ru"}, want: func(o *verifyOptions) {}},
		{name: "everything", args: []string{"--json", "--password-stdin", "--send-test", "--ca", "ca.pem", "--accept-unconfirmed", "--allow-plaintext",
			"--incoming", "pop3://pop.example.org?security=none", "--outgoing=smtp://smtp.example.org:587?security=starttls", "--username", "ivan7", "ivan@mail.ru"},
			want: func(o *verifyOptions) {
				o.JSON, o.PasswordStdin, o.SendTest, o.CAFile = true, true, true, "ca.pem"
				o.Consent = consentOptions{AcceptUnconfirmed: true, AllowPlaintext: true}
				o.Find.Incoming = mustServer(t, "pop3://pop.example.org?security=none")
				o.Find.Outgoing = mustServer(t, "smtp://smtp.example.org:587?security=starttls")
				o.Find.Username = "ivan7"
			}},
		{name: "timeout bounds the whole check", args: []string{"--timeout", "8s", "ivan@mail.ru"}, want: func(o *verifyOptions) {
			o.Timeout, o.Find.Discover.Timeout = 8*time.Second, 8*time.Second
		}},
		{name: "long timeout keeps discovery's", args: []string{"--timeout", "5m", "ivan@mail.ru"}, want: func(o *verifyOptions) {
			o.Timeout = 5 * time.Minute
		}},
		{name: "incoming is smtp", args: []string{"--incoming", "smtp://h.example.org", "ivan@mail.ru"}, wantErr: "--incoming must be imap:// or pop3://"},
		{name: "outgoing is imap", args: []string{"--outgoing", "imap://h.example.org", "ivan@mail.ru"}, wantErr: "--outgoing must be smtp://"},
		{name: "bad port", args: []string{"--incoming", "imap://h.example.org:99999", "ivan@mail.ru"}, wantErr: "--incoming"},
		{name: "password in url", args: []string{"--incoming", "imap://ivan:Zq9-SECRET@h.example.org", "ivan@mail.ru"}, wantErr: "never a password"},
		{name: "crlf username", args: []string{"--username", "ivan\r\nDELE 2", "ivan@mail.ru"}, wantErr: "control character"},
		{name: "unknown flag", args: []string{"--pasword-stdin", "ivan@mail.ru"}, wantErr: "flag provided but not defined"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseVerify(tc.args)
			var want *verifyOptions
			if tc.want != nil {
				want = base()
				tc.want(want)
			}
			checkParse(t, got, err, want, tc.wantErr)
		})
	}
}

func TestParseExport(t *testing.T) {
	ivan := mustAddr(t, "ivan@mail.ru")
	k9, _ := export.Lookup("k9")
	mc, _ := export.Lookup("mobileconfig")
	for _, tc := range []struct {
		name    string
		args    []string
		want    *exportOptions
		wantErr string
	}{
		{name: "k9 with password", args: []string{"--format", "k9", "--out", "a.k9s", "--force", "--include-password", "--password-stdin", "--name", "Иван", "--protocol", "POP", "ivan@mail.ru"},
			want: &exportOptions{Format: k9, Out: "a.k9s", Force: true, IncludePassword: true, PasswordStdin: true,
				Account: export.Account{Address: ivan, DisplayName: "Иван", Incoming: profiles.POP3}, Find: defaultFind()}},
		{name: "signed", args: []string{"ivan@mail.ru", "--format=mobileconfig", "--sign-p12", "s.p12", "--organization", "Org"},
			want: &exportOptions{Format: mc, SignP12: "s.p12", Organization: "Org", Account: export.Account{Address: ivan}, Find: defaultFind()}},
		{name: "no format", args: []string{"ivan@mail.ru"}, wantErr: "--format"},
		{name: "bad format", args: []string{"--format", "docx", "ivan@mail.ru"}, wantErr: `unknown format "docx"`},
		{name: "no address", args: []string{"--format", "k9"}, wantErr: "address"},
		{name: "bad protocol", args: []string{"--format", "k9", "--protocol", "exchange", "ivan@mail.ru"}, wantErr: "--protocol"},
		{name: "sign non-apple", args: []string{"--format", "k9", "--sign-p12", "x.p12", "ivan@mail.ru"}, wantErr: "only the mobileconfig"},
		{name: "sign half", args: []string{"--format", "mobileconfig", "--sign-cert", "c.pem", "ivan@mail.ru"}, wantErr: "go together"},
		{name: "sign both", args: []string{"--format", "mobileconfig", "--sign-cert", "c.pem", "--sign-key", "k.pem", "--sign-p12", "p", "ivan@mail.ru"}, wantErr: "not both"},
		{name: "stdin without include", args: []string{"--format", "k9", "--password-stdin", "ivan@mail.ru"}, wantErr: "--include-password"},
		{name: "prf cannot hold a password", args: []string{"--format", "prf", "--include-password", "ivan@mail.ru"}, wantErr: "cannot hold a password"},
		{name: "bad incoming", args: []string{"--format", "k9", "--incoming", "smtp://h.example.org", "ivan@mail.ru"}, wantErr: "--incoming must be"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseExport(tc.args)
			if tc.want != nil && err == nil {
				// Format holds a func; compare it by name.
				if got.Format.Name != tc.want.Format.Name {
					t.Fatalf("format = %s, want %s", got.Format.Name, tc.want.Format.Name)
				}
				got.Format, tc.want.Format = export.Format{}, export.Format{}
			}
			checkParse(t, got, err, tc.want, tc.wantErr)
		})
	}
}

func TestParseInstructions(t *testing.T) {
	ann := mustAddr(t, "ann@example.net")
	for _, tc := range []struct {
		name    string
		args    []string
		want    func(*instructionsOptions)
		wantErr string
	}{
		{name: "text", args: []string{"--client", "ios", "ann@example.net"}, want: func(o *instructionsOptions) {}},
		{name: "protocol from incoming", args: []string{"--client", "ios", "--incoming", "pop3://pop.example.net", "--out", "g.html", "--force", "--file", "x.mobileconfig", "ann@example.net"},
			want: func(o *instructionsOptions) {
				o.Find.Incoming = mustServer(t, "pop3://pop.example.net")
				o.Protocol, o.Out, o.Force, o.File = profiles.POP3, "g.html", true, "x.mobileconfig"
			}},
		{name: "no client", args: []string{"ann@example.net"}, wantErr: "--client"},
		{name: "bad client", args: []string{"--client", "mutt", "ann@example.net"}, wantErr: "--client"},
		{name: "bad protocol", args: []string{"--client", "ios", "--protocol", "jmap", "ann@example.net"}, wantErr: "--protocol"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseInstructions(tc.args)
			var want *instructionsOptions
			if tc.want != nil {
				want = &instructionsOptions{Client: guide.IOS, Address: ann, Find: defaultFind()}
				tc.want(want)
			}
			checkParse(t, got, err, want, tc.wantErr)
		})
	}
}

func TestParseThunderbirdInstallBatchPreset(t *testing.T) {
	got, err := parseThunderbirdInstall([]string{"--profile", "p", "--name", "Ann", "--protocol", "imap", "ann@example.net"})
	checkParse(t, got, err, &tbInstallOptions{Profile: "p", Account: export.Account{Address: mustAddr(t, "ann@example.net"), DisplayName: "Ann", Incoming: profiles.IMAP}, Find: defaultFind()}, "")
	_, err = parseThunderbirdInstall([]string{"--protocol", "mapi", "ann@example.net"})
	checkParse(t, nil, err, nil, "--protocol")

	b, err := parseBatch([]string{"--csv", "c.csv", "--format", "all", "--out", "o", "--force", "--preset", "p.json", "--lang", "ja"})
	wantB := &batchOptions{CSV: "c.csv", Formats: "all", Out: "o", Force: true, PresetPath: "p.json", Find: defaultFind()}
	wantB.Find.Lang = "ja"
	checkParse(t, b, err, wantB, "")
	for _, args := range [][]string{{"--csv", "c.csv"}, {"--csv", "c", "--format", "all", "--out", "o", "extra"}} {
		_, err = parseBatch(args)
		checkParse(t, nil, err, nil, "batch")
	}

	p, err := parsePreset([]string{"corp.json"})
	checkParse(t, p, err, &presetOptions{Path: "corp.json"}, "")
	_, err = parsePreset([]string{"a.json", "b.json"})
	checkParse(t, nil, err, nil, "one preset file")
}

// TestSameBadInputSameExit is architecture.md §2.8: a bad --incoming gave
// exit 2 from verify but 1 from export, instructions and
// thunderbird-install. Every command that takes the flag must say 2.
func TestSameBadInputSameExit(t *testing.T) {
	dir := t.TempDir()
	for _, bad := range []string{"smtp://h.example.org", "imap://h.example.org:99999", "imapx://h.example.org"} {
		for _, args := range [][]string{
			{"verify", "ivan@mail.ru"},
			{"export", "--format", "k9", "ivan@mail.ru"},
			{"instructions", "--client", "ios", "ivan@mail.ru"},
			{"thunderbird-install", "--profile", dir, "ivan@mail.ru"},
			{"batch", "--csv", "c.csv", "--format", "json", "--out", dir},
		} {
			args := append(args, "--incoming", bad, "--outgoing", "smtp://smtp.example.org")
			code, _, stderr := runCLI(t, map[string]string{"MAILSETUP_PASSWORD": "x"}, args...)
			if code != ExitUsage || !strings.Contains(stderr, "--incoming") {
				t.Errorf("%s --incoming %s: exit %d, stderr %q; want 2 naming --incoming", args[0], bad, code, stderr)
			}
		}
	}
}

// TestHelp checks that -h and "help COMMAND" print the flags on standard
// output and exit 0, and that a mistyped flag exits 2 with the synopsis.
func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"help", "verify"}, {"verify", "-h"}, {"verify", "--help"}} {
		code, out, _ := runCLI(t, nil, args...)
		if code != ExitOK || !strings.Contains(out, "usage: mailsetup verify") || !strings.Contains(out, "-accept-unconfirmed") || !strings.Contains(out, "-timeout") {
			t.Errorf("%v: exit %d\n%s", args, code, out)
		}
	}
	code, _, stderr := runCLI(t, nil, "export", "--formta", "k9", "a@x.org")
	if code != ExitUsage || !strings.Contains(stderr, "-formta") || !strings.Contains(stderr, "usage: mailsetup export") {
		t.Errorf("mistyped flag: exit %d\n%s", code, stderr)
	}
}
