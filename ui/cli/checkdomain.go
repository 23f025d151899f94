package cli

import (
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"mailsetup/assets/i18n"
	"mailsetup/audit"
	"mailsetup/internal/fsafe"
	"mailsetup/profiles"
)

// checkDomainUsage is the synopsis of check-domain (issue 17).
const checkDomainUsage = "[--json] [--html FILE] [--out DIR] [--dns HOST:PORT] [--ispdb URL] [--ca FILE] [--timeout D] [--lang L] DOMAIN"

// checkDomainSummary is its line in "mailsetup help".
const checkDomainSummary = "for IT: check a domain's mail setup and say what every mail program will find"

// checkDomainOptions are check-domain's flags, parsed.
type checkDomainOptions struct {
	JSON    bool
	HTML    string
	Out     string
	DNS     string
	ISPDB   string
	CA      string
	Timeout time.Duration
	Lang    string
	Domain  string
}

// parseCheckDomain reads check-domain's arguments. Flags may follow the
// domain. An address is accepted for its domain.
func parseCheckDomain(args []string) (checkDomainOptions, error) {
	var o checkDomainOptions
	fs := newFlags("check-domain")
	fs.BoolVar(&o.JSON, "json", false, "print the report as JSON")
	fs.StringVar(&o.HTML, "html", "", "also write the report as one HTML file")
	fs.StringVar(&o.Out, "out", "", "write the files to publish into this folder")
	fs.StringVar(&o.DNS, "dns", "", "send every DNS question to this HOST:PORT")
	fs.StringVar(&o.ISPDB, "ispdb", audit.DefaultISPDB, "base URL of the ISP database")
	fs.StringVar(&o.CA, "ca", "", "also trust the certificate authority in this PEM file (a company CA)")
	fs.DurationVar(&o.Timeout, "timeout", audit.DefaultTimeout, "overall deadline of the check")
	fs.StringVar(&o.Lang, "lang", "", "language of the report: en, ru, tr, ja, ro, bs")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return o, err
	}
	if len(pos) != 1 {
		return o, fmt.Errorf("give exactly one domain, e.g. mailsetup check-domain example.com")
	}
	d := strings.TrimSpace(pos[0])
	if i := strings.LastIndexByte(d, '@'); i >= 0 {
		d = d[i+1:]
	}
	if _, _, err := profiles.NormalizeDomain(d); err != nil || !strings.Contains(strings.Trim(d, "."), ".") {
		return o, fmt.Errorf("%q is not a domain name such as example.com", pos[0])
	}
	o.Domain = d
	if o.Timeout <= 0 {
		return o, fmt.Errorf("--timeout must be more than zero")
	}
	if o.DNS != "" && !strings.Contains(o.DNS, ":") {
		o.DNS += ":53"
	}
	if o.Lang != "" && !i18n.Supported(o.Lang) {
		return o, fmt.Errorf("unknown language %q: use one of %s", o.Lang, strings.Join(i18n.Languages, ", "))
	}
	return o, nil
}

// checkDomainMain parses and runs check-domain.
func checkDomainMain(env *Env, args []string) error {
	opts, err := parseCheckDomain(args)
	var help *helpRequest
	var ue *usageError
	if errors.As(err, &help) || errors.As(err, &ue) {
		return err
	}
	if err != nil {
		return &usageError{msg: err.Error(), usage: synopsis("check-domain")}
	}
	return runCheckDomain(env, opts)
}

// runCheckDomain checks the domain and prints the report. Exit status: 0
// no error-severity problem, 1 at least one (errReported: the report says
// which), 2 bad input.
func runCheckDomain(env *Env, opts checkDomainOptions) error {
	lang := pickLanguage(env, opts.Lang)
	aopts := audit.Options{DNS: opts.DNS, ISPDB: opts.ISPDB, Timeout: opts.Timeout, Lang: lang}
	if opts.CA != "" {
		pool, err := caPool(opts.CA)
		if err != nil {
			return usagef("--ca: %v", err)
		}
		aopts.RootCAs = pool
	}
	rep, err := audit.Check(env.context(), opts.Domain, aopts)
	if err != nil {
		return asUsage(err)
	}
	if opts.Out != "" {
		paths, err := audit.WriteFiles(rep, opts.Out, false)
		for _, p := range paths {
			fmt.Fprintln(env.Stderr, "wrote "+p)
		}
		if err != nil {
			return err
		}
	}
	if opts.HTML != "" {
		page, err := audit.HTML(rep)
		if err == nil {
			err = fsafe.WriteFile(opts.HTML, page, fsafe.WriteOptions{Replace: true})
		}
		if err != nil {
			return err
		}
	}
	if opts.JSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		_ = enc.Encode(rep)
	} else {
		printAudit(env.Stdout, rep)
	}
	if rep.HasErrors() {
		return errReported
	}
	return nil
}

// caPool is the system roots plus the CAs in file.
func caPool(file string) (*x509.CertPool, error) {
	data, err := fsafe.ReadFile(file, 1<<20)
	if err != nil {
		return nil, err
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(data) {
		return nil, fmt.Errorf("%s holds no PEM certificate", file)
	}
	return pool, nil
}

// printAudit writes the report as text: clients, problems, servers, files.
func printAudit(w io.Writer, rep *audit.Report) {
	t := func(key string, args any) string { return i18n.T(rep.Lang, key, args) }
	d := rep.Domain
	if rep.DomainUnicode != "" {
		d = rep.DomainUnicode
	}
	fmt.Fprintln(w, t("audit.title", map[string]string{"Domain": d}))
	fmt.Fprintln(w, audit.SummaryLine(rep))
	yn := func(b bool) string {
		if b {
			return t("audit.yes", nil)
		}
		return t("audit.no", nil)
	}
	fmt.Fprintln(w, "\n"+t("audit.section.clients", nil))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", t("audit.col.client", nil), t("audit.col.finds", nil), t("audit.col.via", nil), t("audit.col.works", nil))
	for _, c := range rep.Clients {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", c.Name, yn(c.Finds), c.Via, yn(c.Works))
	}
	_ = tw.Flush()
	for _, c := range rep.Clients {
		fmt.Fprintf(w, "  - %s: %s\n", c.Name, c.Why)
	}
	fmt.Fprintln(w, "\n"+t("audit.section.problems", nil))
	if len(rep.Problems) == 0 {
		fmt.Fprintln(w, "  "+t("audit.none-found", nil))
	}
	for _, p := range rep.Problems {
		fmt.Fprintf(w, "  [%s] %s: %s\n      %s %s\n", t("audit.severity."+string(p.Severity), nil), p.Code, p.Detail, t("audit.fix", nil), p.Fix)
	}
	fmt.Fprintln(w, "\n"+t("audit.section.servers", nil))
	for _, s := range rep.Servers {
		fmt.Fprintf(w, "  %s (%s): %s; %s\n", s.Endpoint.String(), strings.Join(s.NamedBy, ", "), audit.CertText(rep, s), strings.Join(s.Auth, " "))
	}
	if len(rep.Files) > 0 {
		fmt.Fprintln(w, "\n"+t("audit.section.files", nil))
		for _, f := range rep.Files {
			fmt.Fprintf(w, "  %s → %s\n", f.Name, f.PublishAt)
		}
	}
}

func init() {
	Register(Command{Name: "check-domain", Summary: checkDomainSummary, Usage: checkDomainUsage, Run: checkDomainMain})
}
