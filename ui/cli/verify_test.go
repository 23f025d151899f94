package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"mailsetup/profiles/mailtest"
)

// verifyLeakCanary is a distinctive password: every output is grepped for it.
const verifyLeakCanary = "Pw-CANARY-93kq!x"

func runVerifyCLI(t *testing.T, stdin string, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &Env{Ctx: context.Background(), Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string { return env[k] }}
	code := Main(e, append([]string{"verify"}, args...))
	return code, out.String(), errb.String()
}

func TestVerifyCommand(t *testing.T) {
	d := mailtest.StartDovecot(t)
	servers := []string{
		fmt.Sprintf("--incoming=imap://localhost:%d?security=tls", d.IMAPSPort),
		fmt.Sprintf("--outgoing=smtp://localhost:%d?security=starttls", d.SubmissionPort),
		"--ca", d.CAFile,
	}
	t.Run("ok-json", func(t *testing.T) {
		code, out, errs := runVerifyCLI(t, d.Password+"\n", nil, append(servers, "--json", "--password-stdin", d.User)...)
		if code != ExitOK {
			t.Fatalf("exit %d\n%s\n%s", code, out, errs)
		}
		var res struct {
			Checks []map[string]any `json:"checks"`
		}
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatalf("bad JSON: %v\n%s", err, out)
		}
		if len(res.Checks) != 2 {
			t.Fatalf("checks: %s", out)
		}
		for _, k := range []string{"protocol", "host", "port", "security", "ok", "steps", "elapsed_ms", "capabilities", "alternative", "diagnosis"} {
			if _, ok := res.Checks[0][k]; !ok {
				t.Errorf("JSON lacks %q: %s", k, out)
			}
		}
		if res.Checks[0]["protocol"] != "imap" || res.Checks[1]["protocol"] != "smtp" || res.Checks[0]["ok"] != true {
			t.Errorf("checks: %s", out)
		}
	})
	t.Run("wrong-password-text-ru", func(t *testing.T) {
		code, out, errs := runVerifyCLI(t, "", map[string]string{"MAILSETUP_PASSWORD": verifyLeakCanary},
			append(servers, "--lang", "ru", d.User)...)
		if code != ExitFailed {
			t.Fatalf("exit %d\n%s\n%s", code, out, errs)
		}
		if !strings.Contains(out, "Неверный логин или пароль") || !strings.Contains(out, "[auth-failed]") || !strings.Contains(out, "Authentication failed") {
			t.Errorf("output lacks the Russian diagnosis or the server reply:\n%s", out)
		}
		if strings.Contains(out+errs, verifyLeakCanary) {
			t.Fatalf("password leaked:\n%s\n%s", out, errs)
		}
	})
	t.Run("wrong-password-json", func(t *testing.T) {
		code, out, errs := runVerifyCLI(t, verifyLeakCanary+"\n", nil, append(servers, "--json", "--password-stdin", d.User)...)
		if code != ExitFailed || !strings.Contains(out, `"code": "auth-failed"`) || !strings.Contains(out, `"reply":`) {
			t.Fatalf("exit %d\n%s\n%s", code, out, errs)
		}
		if strings.Contains(out+errs, verifyLeakCanary) {
			t.Fatalf("password leaked:\n%s\n%s", out, errs)
		}
	})
	t.Run("untrusted-without-ca", func(t *testing.T) {
		code, out, _ := runVerifyCLI(t, d.Password+"\n", nil, servers[0], servers[1], "--json", "--password-stdin", d.User)
		if code != ExitFailed || !strings.Contains(out, `"code": "tls-untrusted"`) || !strings.Contains(out, "Mailsetup Test CA") {
			t.Fatalf("exit %d\n%s", code, out)
		}
	})
	if strings.Contains(d.Log(), verifyLeakCanary) {
		t.Fatal("password reached the server log")
	}
}

func TestVerifyBadInput(t *testing.T) {
	cases := []struct {
		name  string
		stdin string
		env   map[string]string
		args  []string
		want  string
	}{
		{"no-address", "", map[string]string{"MAILSETUP_PASSWORD": "x"}, nil, "address"},
		{"no-password", "", nil, []string{"--incoming=imap://localhost:993", "--outgoing=smtp://localhost:465", "a@example.org"}, "no password"},
		{"empty-stdin", "", nil, []string{"--password-stdin", "--incoming=imap://localhost:993", "--outgoing=smtp://localhost:465", "a@example.org"}, "no password"},
		{"bad-incoming", "", map[string]string{"MAILSETUP_PASSWORD": "x"}, []string{"--incoming=smtp://localhost:465", "a@example.org"}, "--incoming"},
		{"bad-url", "", map[string]string{"MAILSETUP_PASSWORD": "x"}, []string{"--incoming=imap://localhost:99999", "a@example.org"}, "--incoming"},
		{"missing-ca", "", map[string]string{"MAILSETUP_PASSWORD": "x"}, []string{"--ca", "/nonexistent/ca.pem", "a@example.org"}, "--ca"},
		{"bad-lang", "", map[string]string{"MAILSETUP_PASSWORD": "x"}, []string{"--lang", "xx", "a@example.org"}, "language"},
		{"password-in-url", "", map[string]string{"MAILSETUP_PASSWORD": "x"}, []string{"--incoming=imap://u:" + verifyLeakCanary + "@localhost:993", "a@example.org"}, "--incoming"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errs := runVerifyCLI(t, c.stdin, c.env, c.args...)
			if code != ExitUsage || !strings.Contains(errs, c.want) {
				t.Fatalf("exit %d, stderr %q (want %q)", code, errs, c.want)
			}
			if strings.Contains(out+errs, verifyLeakCanary) {
				t.Fatalf("password leaked: %s %s", out, errs)
			}
		})
	}
}
