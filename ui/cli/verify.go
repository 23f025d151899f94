package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"mailsetup/assets/i18n"
	"mailsetup/profiles"
	"mailsetup/profiles/verify"
)

const verifyUsage = "[--json] [--password-stdin] [--username NAME] [--incoming imap://HOST:PORT?security=tls|starttls|none | pop3://…] [--outgoing smtp://HOST:PORT?security=…] [--ca FILE] [--send-test] [--lang L] ADDRESS"

func init() {
	Register(Command{
		Name:    "verify",
		Summary: "sign in to the incoming and outgoing servers and explain any failure",
		Usage:   verifyUsage,
		Run:     runVerify,
	})
}

func runVerify(env *Env, args []string) int {
	fs := newFlags(env, "verify", verifyUsage)
	asJSON := fs.Bool("json", false, "print the result as JSON")
	fromStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input (otherwise from MAILSETUP_PASSWORD)")
	caFile := fs.String("ca", "", "also trust the CA certificates (PEM) in this file, e.g. your company's")
	sendTest := fs.Bool("send-test", false, "send one test message from the address to itself")
	var d discoveryFlags
	d.register(fs)
	var o overrideFlags
	o.register(fs)
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return ExitUsage
	}
	addr, err := parseAddressArg(pos)
	if err != nil {
		return fail(env, "%v", err)
	}
	lang, err := d.language(env)
	if err != nil {
		return fail(env, "%v", err)
	}
	if _, _, err := o.servers(); err != nil {
		return fail(env, "%v", err)
	}
	var extra []byte
	if *caFile != "" {
		extra, err = os.ReadFile(*caFile)
		if err != nil {
			return fail(env, "--ca: %v", err)
		}
		if !strings.Contains(string(extra), "-----BEGIN CERTIFICATE-----") {
			return fail(env, "--ca: %s holds no PEM certificate (-----BEGIN CERTIFICATE-----)", *caFile)
		}
	}
	password, err := readPassword(env, *fromStdin)
	if err != nil {
		return fail(env, "%v", err)
	}
	if password == "" {
		return fail(env, "no password: give it on standard input with --password-stdin, or in the MAILSETUP_PASSWORD environment variable (never as an argument)")
	}
	cfg, err := resolveConfig(env.context(), addr, &d, &o)
	if err != nil {
		return exitForConfigError(env, err)
	}
	opts := verify.Options{Password: verify.Secret(password), ExtraCAs: extra, SendTest: *sendTest, Lang: lang}
	if !*asJSON {
		var mu sync.Mutex
		opts.OnStep = func(e verify.Event) {
			if e.Status == verify.StatusStarted {
				return
			}
			mu.Lock()
			defer mu.Unlock()
			printStep(env.Stdout, lang, e)
		}
	}
	res, err := verify.Verify(env.context(), cfg, opts)
	if err != nil {
		fmt.Fprintln(env.Stderr, "mailsetup: "+err.Error())
		return ExitFailed
	}
	if *asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(res); err != nil {
			fmt.Fprintln(env.Stderr, "mailsetup: "+err.Error())
			return ExitFailed
		}
	} else {
		printVerifySummary(env.Stdout, lang, addr, res)
	}
	if !res.OK() {
		return ExitFailed
	}
	return ExitOK
}

// printStep writes one finished step as it happens.
func printStep(w io.Writer, lang string, e verify.Event) {
	mark := "✓"
	if e.Status == verify.StatusFailed {
		mark = "✗"
	}
	detail := e.Detail
	if len([]rune(detail)) > 90 {
		detail = string([]rune(detail)[:89]) + "…"
	}
	fmt.Fprintf(w, "%-4s %-28s %s %-16s %5d ms  %s\n", strings.ToUpper(string(e.Protocol)), e.Server.Address(), mark,
		i18n.T(lang, "verify.step."+string(e.Step), nil), e.Elapsed.Milliseconds(), detail)
}

// printVerifySummary writes each check's outcome and, for failures, the
// diagnosis with the server's own words and links.
func printVerifySummary(w io.Writer, lang string, addr profiles.Address, res *verify.Result) {
	t := func(key string, args any) string { return i18n.T(lang, key, args) }
	fmt.Fprintln(w)
	for _, c := range res.Checks {
		rec := fmt.Sprintf("%s:%d (%s)", c.Host, c.Port, t("security."+string(c.Security), nil))
		status := t("verify.ok", nil)
		if !c.OK {
			status = t("verify.failed", nil)
		}
		fmt.Fprintf(w, "%s %s: %s\n", strings.ToUpper(string(c.Protocol)), rec, status)
		if c.Alternative != nil {
			alt := fmt.Sprintf("%s:%d (%s)", c.Alternative.Host, c.Alternative.Port, t("security."+string(c.Alternative.Security), nil))
			fmt.Fprintf(w, "  %s\n", t("verify.alternative", map[string]string{"Server": alt, "Recommended": rec}))
		}
		if c.Sent {
			fmt.Fprintf(w, "  %s\n", t("verify.sent", map[string]string{"Address": addr.String()}))
		}
		if dg := c.Diagnosis; dg != nil {
			fmt.Fprintf(w, "  %s [%s]\n", dg.Title, dg.Code)
			fmt.Fprintf(w, "  %s\n", dg.Advice)
			if dg.Reply != "" {
				fmt.Fprintf(w, "  %s: %s\n", t("verify.reply", nil), dg.Reply)
			}
			for _, l := range dg.Links {
				fmt.Fprintf(w, "  %s: %s\n", t("verify.links", nil), l)
			}
		}
	}
	if res.OK() {
		fmt.Fprintln(w, "\n"+t("verify.summary.ok", nil))
	} else {
		fmt.Fprintln(w, "\n"+t("verify.summary.failed", nil))
	}
}
