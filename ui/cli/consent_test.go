package cli

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"mailsetup/profiles"
)

// countingListener accepts connections on loopback, counts them and closes
// them at once (or, silent, holds them open without a word).
type countingListener struct {
	ln    net.Listener
	conns atomic.Int32
}

func listen(t *testing.T, silent bool) *countingListener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c := &countingListener{ln: ln}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			c.conns.Add(1)
			if silent {
				t.Cleanup(func() { conn.Close() })
				continue
			}
			conn.Close()
		}
	}()
	return c
}

func (c *countingListener) port() int { return c.ln.Addr().(*net.TCPAddr).Port }

// plainISPDB serves, over plain HTTP (trust "confirm"), an ISPDB answer
// naming unencrypted servers on loopback: what reliability.md H2's on-path
// attacker answers for the http://autoconfig.<domain> fallback.
func plainISPDB(t *testing.T, imapPort, smtpPort int) string {
	t.Helper()
	doc := fmt.Sprintf(`<?xml version="1.0"?>
<clientConfig version="1.1"><emailProvider id="example.test"><domain>example.test</domain>
<displayName>Example</displayName>
<incomingServer type="imap"><hostname>127.0.0.1</hostname><port>%d</port><socketType>plain</socketType>
<username>%%EMAILADDRESS%%</username><authentication>password-cleartext</authentication></incomingServer>
<outgoingServer type="smtp"><hostname>127.0.0.1</hostname><port>%d</port><socketType>plain</socketType>
<username>%%EMAILADDRESS%%</username><authentication>password-cleartext</authentication></outgoingServer>
</emailProvider></clientConfig>`, imapPort, smtpPort)
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) { rw.Write([]byte(doc)) }))
	t.Cleanup(srv.Close)
	return srv.URL + "/v1.1/"
}

// TestVerifyConsent is reliability.md H2: settings from a plain-HTTP source
// got the password in clear with no warning. Now verify refuses (exit 2,
// nothing sent, not even a connection) unless a flag says so.
func TestVerifyConsent(t *testing.T) {
	imap, smtp := listen(t, false), listen(t, false)
	ispdb := plainISPDB(t, imap.port(), smtp.port())
	env := map[string]string{"MAILSETUP_PASSWORD": verifyLeakCanary}
	base := []string{"verify", "--sources", "ispdb", "--ispdb", ispdb, "ivan@example.test"}

	code, out, stderr := runCLI(t, env, base...)
	if code != ExitUsage || !strings.Contains(stderr, "not confirmed by a secure source") || !strings.Contains(stderr, "--accept-unconfirmed") ||
		!strings.Contains(stderr, "unencrypted") || !strings.Contains(stderr, "--allow-plaintext") || !strings.Contains(stderr, "example.test") {
		t.Fatalf("no flags: exit %d\n%s\n%s", code, out, stderr)
	}
	if n := imap.conns.Load() + smtp.conns.Load(); n != 0 {
		t.Fatalf("%d connections made before consent", n)
	}
	code, _, stderr = runCLI(t, env, append(base, "--accept-unconfirmed")...)
	if code != ExitUsage || strings.Contains(stderr, "not confirmed by a secure source (found") || !strings.Contains(stderr, "--allow-plaintext") {
		t.Fatalf("--accept-unconfirmed only: exit %d\n%s", code, stderr)
	}
	if n := imap.conns.Load() + smtp.conns.Load(); n != 0 {
		t.Fatalf("%d connections made without --allow-plaintext", n)
	}
	code, _, stderr = runCLI(t, env, append(base, "--accept-unconfirmed", "--allow-plaintext")...)
	if code != ExitFailed || imap.conns.Load() == 0 || smtp.conns.Load() == 0 {
		t.Fatalf("both flags: exit %d, connections %d/%d\n%s", code, imap.conns.Load(), smtp.conns.Load(), stderr)
	}
	if !strings.Contains(stderr, "! these settings were not confirmed") || !strings.Contains(stderr, "unencrypted") {
		t.Errorf("with consent, the warnings are still shown:\n%s", stderr)
	}
	if strings.Contains(stderr, verifyLeakCanary) {
		t.Fatal("password on stderr")
	}
}

// TestVerifyTypedPlaintextWarns: servers the user typed are their own
// choice, but security=none still prints a warning.
func TestVerifyTypedPlaintextWarns(t *testing.T) {
	imap, smtp := listen(t, false), listen(t, false)
	code, _, stderr := runCLI(t, map[string]string{"MAILSETUP_PASSWORD": "x"}, "verify",
		fmt.Sprintf("--incoming=imap://127.0.0.1:%d?security=none", imap.port()),
		fmt.Sprintf("--outgoing=smtp://127.0.0.1:%d?security=none", smtp.port()), "ivan@example.test")
	if code != ExitFailed || imap.conns.Load() == 0 {
		t.Fatalf("exit %d, %d connections\n%s", code, imap.conns.Load(), stderr)
	}
	if strings.Count(stderr, "(given) is unencrypted") != 2 {
		t.Errorf("no warning for the typed unencrypted servers:\n%s", stderr)
	}
}

// TestExportSaysNotConfirmed: export and thunderbird-install write such
// settings, but say they were not confirmed and are unencrypted.
func TestExportSaysNotConfirmed(t *testing.T) {
	ispdb := plainISPDB(t, 1143, 1025)
	for _, args := range [][]string{
		{"export", "--format", "thunderbird"},
		{"thunderbird-install", "--profile", t.TempDir()},
	} {
		code, out, stderr := runCLI(t, nil, append(args, "--sources", "ispdb", "--ispdb", ispdb, "ivan@example.test")...)
		if code != ExitOK {
			t.Fatalf("%s: exit %d\n%s", args[0], code, stderr)
		}
		if !strings.Contains(stderr, "not confirmed by a secure source") || !strings.Contains(stderr, "127.0.0.1:1143 none (found) is unencrypted") {
			t.Errorf("%s does not say the settings were not confirmed or are unencrypted:\n%s\n%s", args[0], out, stderr)
		}
	}
}

// TestVerifyOverallTimeout is reliability.md M11: no overall deadline, so
// silent servers took 15 s each. --timeout bounds the whole check.
func TestVerifyOverallTimeout(t *testing.T) {
	imap, smtp := listen(t, true), listen(t, true)
	code, _, stderr := runCLI(t, map[string]string{"MAILSETUP_PASSWORD": "x"}, "verify", "--timeout", "1s", "--json",
		fmt.Sprintf("--incoming=imap://127.0.0.1:%d?security=tls", imap.port()),
		fmt.Sprintf("--outgoing=smtp://127.0.0.1:%d?security=tls", smtp.port()), "ivan@example.test")
	if code != ExitFailed || !strings.Contains(stderr, "overall deadline of 1s (--timeout)") {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
}

func TestConsentProblem(t *testing.T) {
	addr := mustAddr(t, "ivan@example.test")
	typedIn := mustServer(t, "imap://127.0.0.1:143?security=none")
	for _, tc := range []struct {
		name    string
		trust   string
		in, sm  string
		opts    consentOptions
		wantErr string
	}{
		{name: "verified tls", trust: "verified", in: "imap://imap.example.test", sm: "smtp://smtp.example.test"},
		{name: "confirm", trust: "confirm", in: "imap://imap.example.test", sm: "smtp://smtp.example.test", wantErr: "--accept-unconfirmed"},
		{name: "confirm accepted", trust: "confirm", in: "imap://imap.example.test", sm: "smtp://smtp.example.test", opts: consentOptions{AcceptUnconfirmed: true}},
		{name: "plain found", trust: "verified", in: "imap://imap.example.test", sm: "smtp://smtp.example.test:25?security=none", wantErr: "--allow-plaintext"},
		{name: "plain allowed", trust: "verified", in: "imap://imap.example.test", sm: "smtp://smtp.example.test:25?security=none", opts: consentOptions{AllowPlaintext: true}},
		{name: "typed plain", trust: "verified", in: "imap://127.0.0.1:143?security=none", sm: "smtp://smtp.example.test", opts: consentOptions{Typed: []profiles.Server{*typedIn}}},
		{name: "typed in, found out unconfirmed", trust: "confirm", in: "imap://127.0.0.1:143?security=none", sm: "smtp://smtp.example.test", opts: consentOptions{Typed: []profiles.Server{*typedIn}}, wantErr: "smtp smtp.example.test:465"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := profiles.ManualConfig(addr, *mustServer(t, tc.in), *mustServer(t, tc.sm))
			cfg.Trust = profiles.Trust(tc.trust)
			err := consentProblem(cfg, tc.opts)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			checkParse(t, nil, err, nil, tc.wantErr)
		})
	}
}

// TestExportPasswordNeedsConsent: a profile holding the password makes the
// mail program send it to the file's servers, so --include-password needs
// the same consent as verify.
func TestExportPasswordNeedsConsent(t *testing.T) {
	ispdb := plainISPDB(t, 1143, 1025)
	env := map[string]string{"MAILSETUP_PASSWORD": verifyLeakCanary}
	base := []string{"export", "--format", "k9", "--include-password", "--sources", "ispdb", "--ispdb", ispdb, "ivan@example.test"}
	code, out, stderr := runCLI(t, env, base...)
	if code != ExitUsage || !strings.Contains(stderr, "not written into the file") || strings.Contains(out, verifyLeakCanary) {
		t.Fatalf("exit %d\n%s\n%s", code, out, stderr)
	}
	code, out, stderr = runCLI(t, env, append(base, "--accept-unconfirmed", "--allow-plaintext")...)
	if code != ExitOK || !strings.Contains(out, verifyLeakCanary) || !strings.Contains(stderr, "not confirmed") {
		t.Fatalf("with consent: exit %d\n%s", code, stderr)
	}
	// Without the password in the file no consent is needed.
	if code, _, stderr := runCLI(t, nil, "export", "--format", "k9", "--sources", "ispdb", "--ispdb", ispdb, "ivan@example.test"); code != ExitOK {
		t.Fatalf("without the password: exit %d\n%s", code, stderr)
	}
}
