package cli

import (
	"bytes"
	"encoding/asn1"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"software.sslmate.com/src/go-pkcs12"

	"mailsetup/export"
	"mailsetup/internal/fsafe"
	"mailsetup/profiles"
)

const exportUsage = "--format mobileconfig|prf|thunderbird|thunderbird-zip|autoconfig|k9|autodiscover|qr [--out FILE [--force]] [--name \"Display Name\"] [--include-password [--password-stdin] [--accept-unconfirmed] [--allow-plaintext]] [--sign-cert FILE --sign-key FILE | --sign-p12 FILE] [--protocol imap|pop3] [--incoming URL] [--outgoing URL] [--username U] ADDRESS"

// maxSignerBytes bounds the --sign-* files (a certificate chain and key are
// a few KB).
const maxSignerBytes = 1 << 20

func init() {
	Register(Command{
		Name:    "export",
		Summary: "write a ready-to-import profile for a mail program",
		Usage:   exportUsage,
		Run:     command(parseExport, runExport),
	})
}

// exportOptions are export's parsed arguments.
type exportOptions struct {
	Format export.Format
	// Out is --out ("" or "-" means standard output); Force replaces it.
	Out   string
	Force bool
	// Account is the address, display name and incoming protocol.
	Account                        export.Account
	IncludePassword, PasswordStdin bool
	// Consent holds --accept-unconfirmed and --allow-plaintext, needed to
	// put the password into a file for such settings.
	Consent                    consentOptions
	SignCert, SignKey, SignP12 string
	Organization               string
	Find                       findOptions
}

func parseExport(args []string) (*exportOptions, error) {
	o := &exportOptions{}
	fs := newFlags("export")
	format := fs.String("format", "", "file format: "+strings.Join(export.Names(), ", "))
	fs.StringVar(&o.Out, "out", "", "write to FILE instead of standard output")
	fs.BoolVar(&o.Force, "force", false, "replace --out when it already exists")
	fs.StringVar(&o.Account.DisplayName, "name", "", "display name put in sent mail")
	fs.BoolVar(&o.IncludePassword, "include-password", false, "put the password into the file (mobileconfig, k9, qr only); the file is then readable by you only")
	fs.BoolVar(&o.PasswordStdin, "password-stdin", false, "read the password from the first line of standard input")
	fs.BoolVar(&o.Consent.AcceptUnconfirmed, "accept-unconfirmed", false, "with --include-password: put the password into a file for settings no secure source confirmed")
	fs.BoolVar(&o.Consent.AllowPlaintext, "allow-plaintext", false, "with --include-password: put the password into a file whose servers include an unencrypted one (security=none)")
	fs.StringVar(&o.SignCert, "sign-cert", "", "sign the mobileconfig with this PEM certificate (chain may follow)")
	fs.StringVar(&o.SignKey, "sign-key", "", "PEM private key of --sign-cert")
	fs.StringVar(&o.SignP12, "sign-p12", "", "sign the mobileconfig with this PKCS#12 file (its password from MAILSETUP_P12_PASSWORD)")
	proto := fs.String("protocol", "", "incoming protocol: imap or pop3 (default: the recommended one)")
	fs.StringVar(&o.Organization, "organization", "", "organisation shown by Apple devices and Outlook")
	var f findFlags
	f.register(fs, true)
	addr, fo, err := parseAddressCommand(fs, &f, args)
	if err != nil {
		return nil, err
	}
	o.Account.Address, o.Find = addr, fo
	var ok bool
	if o.Format, ok = export.Lookup(*format); !ok {
		if *format == "" {
			return nil, usagef("choose a format with --format: %s", strings.Join(export.Names(), ", "))
		}
		return nil, usagef("unknown format %s: use one of %s", printable(*format), strings.Join(export.Names(), ", "))
	}
	if o.Account.Incoming, err = parseProtocolFlag(*proto); err != nil {
		return nil, err
	}
	if o.PasswordStdin && !o.IncludePassword {
		return nil, usagef("--password-stdin only makes sense with --include-password")
	}
	if o.IncludePassword && !o.Format.Password {
		return nil, usagef("the %s format cannot hold a password: the mail program asks for it; drop --include-password", o.Format.Name)
	}
	if o.SignCert != "" || o.SignKey != "" || o.SignP12 != "" {
		switch {
		case o.Format.Name != export.FormatMobileconfig:
			return nil, usagef("only the mobileconfig format can be signed")
		case o.SignP12 != "" && (o.SignCert != "" || o.SignKey != ""):
			return nil, usagef("give either --sign-p12 or --sign-cert with --sign-key, not both")
		case o.SignP12 == "" && (o.SignCert == "" || o.SignKey == ""):
			return nil, usagef("--sign-cert and --sign-key go together")
		}
	}
	return o, nil
}

func runExport(env *Env, o *exportOptions) error {
	opts := export.Options{Organization: o.Organization}
	if o.IncludePassword {
		pw, err := readPassword(env, o.PasswordStdin)
		if err != nil {
			return err
		}
		if pw == "" {
			return usagef("--include-password needs the password: give --password-stdin or set MAILSETUP_PASSWORD")
		}
		opts.IncludePassword, opts.Password = true, pw
	}
	if o.SignCert != "" || o.SignP12 != "" {
		s, err := loadSigner(env, o.SignCert, o.SignKey, o.SignP12)
		if err != nil {
			return asUsage(err)
		}
		opts.Signer = s
	}
	cfg, err := findConfig(env.context(), env, o.Account.Address, o.Find)
	if err != nil {
		return err
	}
	typed := typedServers(o.Find)
	if opts.IncludePassword {
		// The mail program that imports the file sends the password to its
		// servers: the same consent as verify's.
		c := o.Consent
		c.Typed, c.Everywhere = typed, true
		if err := consentProblem(cfg, c); err != nil {
			return err
		}
	}
	printNotices(env.Stderr, cfg, typed)
	var buf bytes.Buffer
	if err := export.Write(string(o.Format.Name), &buf, cfg, o.Account, opts); err != nil {
		return err
	}
	f := o.Format
	if o.Out == "" || o.Out == "-" {
		if f.Binary && isTerminal(env.Stdout) {
			return usagef("the %s format is binary: give --out FILE", f.Name)
		}
		if _, err := env.Stdout.Write(buf.Bytes()); err != nil {
			return err
		}
	} else {
		// Exclusive, or atomic with --force; 0600 from the start when the
		// file holds the password; never through a symbolic link
		// (reliability.md M4: an existing 0644 file kept its mode).
		if err := fsafe.WriteFile(o.Out, buf.Bytes(), fsafe.WriteOptions{Replace: o.Force, Secret: opts.IncludePassword}); err != nil {
			return writeError(err)
		}
		fmt.Fprintf(env.Stderr, "mailsetup: wrote %s (%s)\n", o.Out, f.Description)
	}
	if f.Name == export.FormatPRF {
		printPRFImport(env, o, cfg)
	}
	return nil
}

// printPRFImport says how to import a .prf; on Windows it also writes the
// .reg file that makes classic Outlook import it at its next start.
func printPRFImport(env *Env, o *exportOptions, cfg *profiles.Config) {
	path := o.Out
	if path == "" || path == "-" {
		path = `C:\path\` + export.FileName(o.Format, o.Account, cfg)
	} else if runtime.GOOS == "windows" {
		if abs, err := filepath.Abs(path); err == nil {
			path = abs
			reg := strings.TrimSuffix(path, filepath.Ext(path)) + "-import.reg"
			var rb bytes.Buffer
			if err := export.WriteOutlookImportReg(&rb, path); err == nil && fsafe.WriteFile(reg, rb.Bytes(), fsafe.WriteOptions{Replace: o.Force}) == nil {
				fmt.Fprintf(env.Stderr, "mailsetup: wrote %s: open it, then start classic Outlook to import the profile\n", reg)
			}
		}
	}
	fmt.Fprintf(env.Stderr, "mailsetup: import it with: %s\nmailsetup: %s\n", export.OutlookImportCommand(path), export.NewOutlookNote)
}

// writeError words a failed fsafe.WriteFile, naming --force when the file
// exists.
func writeError(err error) error {
	if errors.Is(err, fsafe.ErrExists) {
		return fmt.Errorf("%v; nothing was written (use --force to replace it)", err)
	}
	if errors.Is(err, fsafe.ErrNotRegular) {
		return fmt.Errorf("%v (a symbolic link, a folder or a device is never written through)", err)
	}
	return err
}

func loadSigner(env *Env, certFile, keyFile, p12File string) (*export.Signer, error) {
	if p12File != "" {
		data, err := readInput(p12File, maxSignerBytes)
		if err != nil {
			return nil, fmt.Errorf("--sign-p12: %w", err)
		}
		s, err := export.NewSignerPKCS12(data, env.getenv("MAILSETUP_P12_PASSWORD"))
		if err != nil {
			return nil, p12Error(p12File, err)
		}
		return s, nil
	}
	c, err := readInput(certFile, maxSignerBytes)
	if err != nil {
		return nil, fmt.Errorf("--sign-cert: %w", err)
	}
	k, err := readInput(keyFile, maxSignerBytes)
	if err != nil {
		return nil, fmt.Errorf("--sign-key: %w", err)
	}
	return export.NewSignerPEM(c, k)
}

// p12Error words a PKCS#12 failure without the decoder's raw ASN.1 text
// (reliability.md L19).
func p12Error(file string, err error) error {
	if errors.Is(err, pkcs12.ErrIncorrectPassword) {
		return fmt.Errorf("--sign-p12: the password in MAILSETUP_P12_PASSWORD does not open %s", file)
	}
	var se asn1.StructuralError
	var sy asn1.SyntaxError
	if errors.As(err, &se) || errors.As(err, &sy) || strings.Contains(err.Error(), "asn1") {
		return fmt.Errorf("--sign-p12: %s is not a PKCS#12 (.p12 or .pfx) file", file)
	}
	return fmt.Errorf("--sign-p12: %s: %s", file, strings.TrimPrefix(err.Error(), "export: "))
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
