package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"mailsetup/assets/i18n"
	"mailsetup/profiles"
	"mailsetup/profiles/discover"
)

const detectUsage = "[--json] [--sources LIST] [--ispdb URL] [--dns HOST:PORT] [--timeout D] [--lang L] ADDRESS"

func init() {
	Register(Command{
		Name:    "detect",
		Summary: "find the mail server settings for an address",
		Usage:   detectUsage,
		Run:     command(parseDetect, runDetect),
	})
}

// detectOptions are detect's parsed arguments.
type detectOptions struct {
	JSON    bool
	Address profiles.Address
	Find    findOptions
}

func parseDetect(args []string) (*detectOptions, error) {
	o := &detectOptions{}
	fs := newFlags("detect")
	fs.BoolVar(&o.JSON, "json", false, "print the result as JSON")
	var f findFlags
	f.register(fs, false)
	var err error
	o.Address, o.Find, err = parseAddressCommand(fs, &f, args)
	if err != nil {
		return nil, err
	}
	return o, nil
}

// runDetect finds and prints the settings. A company address of the
// organisation's preset shows the preset's servers, and an address the
// preset refuses is refused, as export does (reliability.md L4).
func runDetect(env *Env, o *detectOptions) error {
	lang := o.Find.language(env)
	pr, err := env.preset("")
	if err != nil {
		return asUsage(err)
	}
	var res *discover.Result
	if cfg, ok := pr.ConfigFor(o.Address); ok {
		res = &discover.Result{Config: cfg}
	} else if err := pr.CheckAddress(o.Address); err != nil {
		return usagef("%s", pr.WithSupport(profiles.Sentence(err)))
	} else if res, err = discover.Discover(env.context(), o.Address, o.Find.Discover); err != nil && res == nil {
		return err
	}
	cfg := res.Config
	if cfg != nil {
		translateNotes(cfg, lang)
	}
	if o.JSON {
		return printDetectJSON(env, o.Address, res)
	}
	if cfg == nil {
		for _, w := range res.Warnings {
			fmt.Fprintf(env.Stdout, "! %s\n", w)
		}
		fmt.Fprintln(env.Stdout, i18n.T(lang, "cli.detect.none", map[string]string{"Domain": o.Address.DomainUnicode}))
		printTrace(env.Stdout, lang, res.Trace)
		return errReported
	}
	printConfig(env.Stdout, lang, cfg)
	printDiscovery(env.Stdout, lang, cfg)
	return nil
}

// tr translates key, or returns the English text while the catalogs lack it.
func tr(lang, key, english string, args any) string {
	return i18n.TOr(lang, key, english, args)
}

// printDiscovery writes how far to trust the settings, where the sources
// disagreed and what every source did.
func printDiscovery(w io.Writer, lang string, cfg *profiles.Config) {
	if cfg.Trust == profiles.TrustConfirm {
		from := cfg.TrustDomain
		if from == "" {
			from = cfg.Domain
		}
		args := map[string]string{"Domain": from, "Source": string(cfg.Source)}
		fmt.Fprintf(w, "! %s\n", tr(lang, "cli.detect.confirm",
			"Check these settings before you use them: they were not confirmed by a secure source (found by "+string(cfg.Source)+", from "+from+").", args))
	}
	if len(cfg.Differences) > 0 {
		fmt.Fprintf(w, "\n%s:\n", tr(lang, "cli.detect.differences", "The sources disagree", nil))
		for _, d := range cfg.Differences {
			fmt.Fprintf(w, "  • %s\n", d)
		}
	}
	if len(cfg.Trace) > 0 {
		fmt.Fprintf(w, "\n%s:\n", tr(lang, "cli.detect.trace", "Sources asked", nil))
		printTrace(w, lang, cfg.Trace)
	}
}

// detectAnswer is detect's JSON answer: the chosen settings, plus the other
// sources' answers that were in when discovery answered (what
// "differences" compares against).
type detectAnswer struct {
	*profiles.Config
	Candidates []*profiles.Config `json:"candidates,omitempty"`
}

// notFoundJSON is detect's JSON answer when nothing was found.
type notFoundJSON struct {
	Address  string                `json:"address"`
	Domain   string                `json:"domain"`
	Provider *profiles.Provider    `json:"provider"`
	Source   *string               `json:"source"`
	Incoming []profiles.Server     `json:"incoming"`
	Outgoing []profiles.Server     `json:"outgoing"`
	Notes    []profiles.Note       `json:"notes"`
	Warnings []string              `json:"warnings"`
	Trace    []profiles.TraceEntry `json:"trace"`
}

func printDetectJSON(env *Env, addr profiles.Address, res *discover.Result) error {
	enc := json.NewEncoder(env.Stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if res.Config == nil {
		_ = enc.Encode(notFoundJSON{
			Address: addr.String(), Domain: addr.Domain,
			Incoming: []profiles.Server{}, Outgoing: []profiles.Server{},
			Notes: []profiles.Note{}, Warnings: append(res.Warnings, "no settings were found for "+addr.Domain),
			Trace: res.Trace,
		})
		return errReported
	}
	res.Config.Normalize()
	out := detectAnswer{Config: res.Config}
	for _, c := range res.Candidates {
		c.Normalize()
		out.Candidates = append(out.Candidates, c)
	}
	return enc.Encode(out)
}

// printConfig writes the settings as a short table a person can read.
func printConfig(w io.Writer, lang string, cfg *profiles.Config) {
	t := func(key string, args any) string { return i18n.T(lang, key, args) }
	domain := cfg.Domain
	if cfg.DomainUnicode != "" {
		domain = cfg.DomainUnicode + " (" + cfg.Domain + ")"
	}
	fmt.Fprintf(w, "%s: %s\n", t("cli.address", nil), cfg.Address)
	fmt.Fprintf(w, "%s: %s (%s)\n", t("cli.provider", nil), cfg.Provider.Name, domain)
	fmt.Fprintf(w, "%s: %s\n\n", t("cli.source", nil), cfg.Source)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "\t%s\t%s\t%s\t%s\t%s\n", t("cli.col.protocol", nil), t("cli.col.server", nil), t("cli.col.port", nil), t("cli.col.security", nil), t("cli.col.username", nil))
	rows := func(label string, list []profiles.Server) {
		for i, s := range list {
			l := label
			if i > 0 {
				l = ""
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\n", l, strings.ToUpper(string(s.Protocol)), s.Host, s.Port, t("security."+string(s.Security), nil), s.Username)
		}
	}
	rows(t("cli.incoming", nil), cfg.Incoming)
	rows(t("cli.outgoing", nil), cfg.Outgoing)
	_ = tw.Flush()
	if len(cfg.Notes) > 0 {
		fmt.Fprintf(w, "\n%s:\n", t("cli.notes", nil))
		for _, n := range cfg.Notes {
			fmt.Fprintf(w, "  • %s\n", n.Text)
			if n.URL != "" {
				fmt.Fprintf(w, "    %s\n", n.URL)
			}
		}
	}
	for _, warn := range cfg.Warnings {
		fmt.Fprintf(w, "! %s\n", warn)
	}
}

// In English it is the compact table people paste into bug reports; in the
// other languages each source and outcome is named in words (the window's
// texts), and only the technical detail stays as the source wrote it.
func printTrace(w io.Writer, lang string, trace []profiles.TraceEntry) {
	for _, e := range trace {
		detail := e.Detail
		if detail == "" {
			detail = e.URL
		}
		if r := []rune(detail); len(r) > 300 {
			detail = string(r[:300]) + "… (--json shows all)"
		}
		if lang != "" && lang != i18n.Fallback {
			out := e.Outcome
			if out == profiles.OutcomeStarted {
				out = "running"
			}
			fmt.Fprintf(w, "  • %s: %s (%d ms)\n      %s\n", tr(lang, "source."+string(e.Source), string(e.Source), nil),
				tr(lang, "outcome."+string(out), string(e.Outcome), nil), e.ElapsedMS, detail)
			continue
		}
		fmt.Fprintf(w, "  %-13s %-9s %5d ms  %s\n", e.Source, e.Outcome, e.ElapsedMS, detail)
	}
}
