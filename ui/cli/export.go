package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"mailsetup/export"
)

const exportUsage = "--format mobileconfig|prf|thunderbird|thunderbird-zip|autoconfig|k9|autodiscover|qr [--out FILE] [--name \"Display Name\"] [--include-password] [--password-stdin] [--sign-cert FILE --sign-key FILE | --sign-p12 FILE] [--protocol imap|pop3] [--incoming URL] [--outgoing URL] [--username U] ADDRESS"

func init() {
	Register(Command{
		Name:    "export",
		Summary: "write a ready-to-import profile for a mail program",
		Usage:   exportUsage,
		Run:     runExport,
	})
}

func runExport(env *Env, args []string) int {
	fs := newFlags(env, "export", exportUsage)
	format := fs.String("format", "", "file format: "+strings.Join(export.Names(), ", "))
	out := fs.String("out", "", "write to FILE instead of standard output")
	name := fs.String("name", "", "display name put in sent mail")
	includePw := fs.Bool("include-password", false, "put the password into the file (mobileconfig, k9, qr only)")
	pwStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input")
	signCert := fs.String("sign-cert", "", "sign the mobileconfig with this PEM certificate (chain may follow)")
	signKey := fs.String("sign-key", "", "PEM private key of --sign-cert")
	signP12 := fs.String("sign-p12", "", "sign the mobileconfig with this PKCS#12 file (its password from MAILSETUP_P12_PASSWORD)")
	proto := fs.String("protocol", "", "incoming protocol: imap or pop3 (default: the recommended one)")
	org := fs.String("organization", "", "organisation shown by Apple devices and Outlook")
	var d discoveryFlags
	d.register(fs)
	var o overrideFlags
	o.register(fs)
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return ExitUsage
	}
	f, ok := export.Lookup(*format)
	if !ok {
		if *format == "" {
			return fail(env, "choose a format with --format: %s", strings.Join(export.Names(), ", "))
		}
		return fail(env, "unknown format %q: use one of %s", printable(*format), strings.Join(export.Names(), ", "))
	}
	addr, err := parseAddressArg(pos)
	if err != nil {
		return fail(env, "%v", err)
	}
	acct := export.Account{Address: addr, DisplayName: *name}
	if acct.Incoming, err = parseProtocolFlag(*proto); err != nil {
		return fail(env, "%v", err)
	}
	opts := export.Options{Organization: *org}
	if *pwStdin && !*includePw {
		return fail(env, "--password-stdin only makes sense with --include-password")
	}
	if *includePw {
		if !f.Password {
			return fail(env, "the %s format cannot hold a password: the mail program asks for it; drop --include-password", f.Name)
		}
		pw, err := readPassword(env, *pwStdin)
		if err != nil {
			return fail(env, "%v", err)
		}
		if pw == "" {
			return fail(env, "--include-password needs the password: give --password-stdin or set MAILSETUP_PASSWORD")
		}
		opts.IncludePassword, opts.Password = true, pw
	}
	if *signCert != "" || *signKey != "" || *signP12 != "" {
		if f.Name != export.FormatMobileconfig {
			return fail(env, "only the mobileconfig format can be signed")
		}
		s, err := loadSigner(env, *signCert, *signKey, *signP12)
		if err != nil {
			return fail(env, "%v", err)
		}
		opts.Signer = s
	}
	cfg, err := resolveConfig(env.context(), addr, &d, &o)
	if err != nil {
		fmt.Fprintln(env.Stderr, "mailsetup: "+err.Error())
		return ExitFailed
	}
	var buf bytes.Buffer
	if err := export.Write(string(f.Name), &buf, cfg, acct, opts); err != nil {
		fmt.Fprintln(env.Stderr, "mailsetup: "+err.Error())
		return ExitFailed
	}
	if *out == "" || *out == "-" {
		if f.Binary && isTerminal(env.Stdout) {
			return fail(env, "the %s format is binary: give --out FILE", f.Name)
		}
		if _, err := env.Stdout.Write(buf.Bytes()); err != nil {
			fmt.Fprintln(env.Stderr, "mailsetup: "+err.Error())
			return ExitFailed
		}
	} else {
		perm := os.FileMode(0o644)
		if opts.IncludePassword {
			perm = 0o600
		}
		if err := os.WriteFile(*out, buf.Bytes(), perm); err != nil {
			fmt.Fprintln(env.Stderr, "mailsetup: "+err.Error())
			return ExitFailed
		}
		fmt.Fprintf(env.Stderr, "mailsetup: wrote %s (%s)\n", *out, f.Description)
	}
	if f.Name == export.FormatPRF {
		path := *out
		if path == "" || path == "-" {
			path = `C:\path\` + export.FileName(f, acct, cfg)
		} else if runtime.GOOS == "windows" {
			if abs, err := filepath.Abs(path); err == nil {
				path = abs
				reg := strings.TrimSuffix(path, filepath.Ext(path)) + "-import.reg"
				var rb bytes.Buffer
				if err := export.WriteOutlookImportReg(&rb, path); err == nil && os.WriteFile(reg, rb.Bytes(), 0o644) == nil {
					fmt.Fprintf(env.Stderr, "mailsetup: wrote %s: open it, then start classic Outlook to import the profile\n", reg)
				}
			}
		}
		fmt.Fprintf(env.Stderr, "mailsetup: import it with: %s\nmailsetup: %s\n", export.OutlookImportCommand(path), export.NewOutlookNote)
	}
	return ExitOK
}

func loadSigner(env *Env, certFile, keyFile, p12File string) (*export.Signer, error) {
	if p12File != "" {
		if certFile != "" || keyFile != "" {
			return nil, fmt.Errorf("give either --sign-p12 or --sign-cert with --sign-key, not both")
		}
		data, err := os.ReadFile(p12File)
		if err != nil {
			return nil, err
		}
		return export.NewSignerPKCS12(data, env.getenv("MAILSETUP_P12_PASSWORD"))
	}
	if certFile == "" || keyFile == "" {
		return nil, fmt.Errorf("--sign-cert and --sign-key go together")
	}
	c, err := os.ReadFile(certFile)
	if err != nil {
		return nil, err
	}
	k, err := os.ReadFile(keyFile)
	if err != nil {
		return nil, err
	}
	return export.NewSignerPEM(c, k)
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
