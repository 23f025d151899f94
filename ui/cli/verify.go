package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"mailsetup/assets/i18n"
	"mailsetup/profiles"
	"mailsetup/profiles/discover"
	"mailsetup/profiles/verify"
)

const verifyUsage = "[--json] [--password-stdin] [--username NAME] [--incoming imap://HOST:PORT?security=tls|starttls|none | pop3://…] [--outgoing smtp://HOST:PORT?security=…] [--ca FILE] [--send-test] [--timeout D] [--accept-unconfirmed] [--allow-plaintext] [--lang L] ADDRESS"

// verifyTimeout is verify's default overall deadline: finding the settings,
// every server and every alternative together.
const verifyTimeout = time.Minute

// maxCABytes bounds --ca: a CA bundle of the whole web is about 220 KB.
const maxCABytes = 1 << 20

func init() {
	Register(Command{
		Name:    "verify",
		Summary: "sign in to the incoming and outgoing servers and explain any failure",
		Usage:   verifyUsage,
		Run:     command(parseVerify, runVerify),
	})
}

// verifyOptions are verify's parsed arguments.
type verifyOptions struct {
	JSON, PasswordStdin, SendTest bool
	// CAFile is --ca: more CA certificates to trust (read when run).
	CAFile string
	// Timeout bounds the whole command (--timeout).
	Timeout time.Duration
	// Consent holds --accept-unconfirmed and --allow-plaintext.
	Consent consentOptions
	Address profiles.Address
	Find    findOptions
}

func parseVerify(args []string) (*verifyOptions, error) {
	o := &verifyOptions{}
	fs := newFlags("verify")
	fs.BoolVar(&o.JSON, "json", false, "print the result as JSON")
	fs.BoolVar(&o.PasswordStdin, "password-stdin", false, "read the password from the first line of standard input (otherwise from MAILSETUP_PASSWORD)")
	fs.StringVar(&o.CAFile, "ca", "", "also trust the CA certificates (PEM) in this file, e.g. your company's")
	fs.BoolVar(&o.SendTest, "send-test", false, "send one test message from the address to itself")
	fs.BoolVar(&o.Consent.AcceptUnconfirmed, "accept-unconfirmed", false, "send the password to settings no secure source confirmed (plain-HTTP autoconfig, MX without DNSSEC, guesses, redirects to another domain)")
	fs.BoolVar(&o.Consent.AllowPlaintext, "allow-plaintext", false, "send the password over an unencrypted connection (security=none) of settings that were found, not typed")
	f := findFlags{timeoutHelp: "overall deadline of the whole check: finding the settings and signing in to every server", timeoutDefault: verifyTimeout}
	f.register(fs, true)
	var err error
	if o.Address, o.Find, err = parseAddressCommand(fs, &f, args); err != nil {
		return nil, err
	}
	o.Timeout = o.Find.Discover.Timeout
	o.Find.Discover.Timeout = min(o.Timeout, discover.DefaultTimeout)
	return o, nil
}

func runVerify(env *Env, o *verifyOptions) error {
	lang := o.Find.language(env)
	var extra []byte
	if o.CAFile != "" {
		var err error
		if extra, err = readInput(o.CAFile, maxCABytes); err != nil {
			return usagef("--ca: %v", err)
		}
		if !strings.Contains(string(extra), "-----BEGIN CERTIFICATE-----") {
			return usagef("--ca: %s holds no PEM certificate (-----BEGIN CERTIFICATE-----)", o.CAFile)
		}
	}
	password, err := readPassword(env, o.PasswordStdin)
	if err != nil {
		return err
	}
	if password == "" {
		return usagef("no password: give it on standard input with --password-stdin, or in the MAILSETUP_PASSWORD environment variable (never as an argument)")
	}
	ctx, cancel := context.WithTimeout(env.context(), o.Timeout)
	defer cancel()
	cfg, err := findConfig(ctx, env, o.Address, o.Find)
	if err != nil {
		return err
	}
	o.Consent.Typed = typedServers(o.Find)
	if err := consentProblem(cfg, o.Consent); err != nil {
		return err
	}
	printNotices(env.Stderr, cfg, o.Consent.Typed)
	opts := verify.Options{Password: verify.Secret(password), ExtraCAs: extra, SendTest: o.SendTest, Lang: lang}
	if !o.JSON {
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
	// consentProblem above is this command's gate (servers the user typed
	// need no consent); past it, the user has agreed to every server the
	// engine may use, so its own check (verify.NeedsConsent) is satisfied.
	opts.AllowUnconfirmed, opts.AllowPlaintext = true, true
	res, err := verify.Verify(ctx, cfg, opts)
	if err != nil {
		return err
	}
	if o.JSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(res); err != nil {
			return err
		}
	} else {
		printVerifySummary(env.Stdout, lang, o.Address, res)
	}
	// The checks stop with their connections' deadlines, which fire at the
	// same moment as the context's: look at the clock, not only ctx.Err().
	dl, _ := ctx.Deadline()
	if !res.OK() && (errors.Is(ctx.Err(), context.DeadlineExceeded) || time.Until(dl) < 100*time.Millisecond) {
		return fmt.Errorf("the check stopped at its overall deadline of %s (--timeout); what had not finished counts as failed", o.Timeout)
	}
	if !res.OK() {
		return errReported
	}
	return nil
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
