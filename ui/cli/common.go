package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"mailsetup/assets/i18n"
	"mailsetup/preset"
	"mailsetup/profiles"
	"mailsetup/profiles/discover"
	"mailsetup/profiles/knowledge"
)

// discoveryFlags are the flags of detect, shared by every command that finds
// settings before it works on them.
type discoveryFlags struct {
	sources string
	ispdb   string
	dns     string
	timeout time.Duration
	lang    string
}

func (d *discoveryFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&d.sources, "sources", "all", "comma list of sources: builtin, autoconfig, ispdb, mx, srv, autodiscover, guess")
	fs.StringVar(&d.ispdb, "ispdb", discover.DefaultISPDB, "base URL of the ISP database")
	fs.StringVar(&d.dns, "dns", "", "send every DNS question to this HOST:PORT")
	fs.DurationVar(&d.timeout, "timeout", discover.DefaultTimeout, "overall deadline of the discovery")
	fs.StringVar(&d.lang, "lang", "", "language of notes and messages: en, ru, tr, ja, ro, bs (default: from the environment)")
}

func (d *discoveryFlags) options() (discover.Options, error) {
	srcs, err := discover.ParseSources(d.sources)
	if err != nil {
		return discover.Options{}, err
	}
	if d.timeout <= 0 {
		return discover.Options{}, fmt.Errorf("--timeout must be more than zero")
	}
	if d.dns != "" && !strings.Contains(d.dns, ":") {
		d.dns += ":53"
	}
	return discover.Options{Sources: srcs, ISPDB: d.ispdb, DNS: d.dns, Timeout: d.timeout}, nil
}

// language returns the --lang value checked, or the environment's language.
func (d *discoveryFlags) language(env *Env) (string, error) {
	return pickLanguage(env, d.lang)
}

func pickLanguage(env *Env, flagValue string) (string, error) {
	if flagValue != "" {
		if !i18n.Supported(flagValue) {
			return "", fmt.Errorf("unknown language %q: use one of %s", flagValue, strings.Join(i18n.Languages, ", "))
		}
		return flagValue, nil
	}
	return i18n.FromEnv(env.getenv), nil
}

// overrideFlags are the server overrides of verify, export and instructions.
type overrideFlags struct {
	incoming string
	outgoing string
	username string
}

func (o *overrideFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&o.incoming, "incoming", "", "incoming server: imap://HOST:PORT?security=tls|starttls|none or pop3://…")
	fs.StringVar(&o.outgoing, "outgoing", "", "outgoing server: smtp://HOST:PORT?security=tls|starttls|none")
	fs.StringVar(&o.username, "username", "", "login name, when it is not the address")
}

func (o *overrideFlags) servers() (in, out *profiles.Server, err error) {
	if o.incoming != "" {
		s, err := profiles.ParseServerURL(o.incoming)
		if err != nil {
			return nil, nil, fmt.Errorf("--incoming: %w", err)
		}
		if !s.Protocol.Incoming() {
			return nil, nil, fmt.Errorf("--incoming must be imap:// or pop3://, not %s://", s.Protocol)
		}
		in = &s
	}
	if o.outgoing != "" {
		s, err := profiles.ParseServerURL(o.outgoing)
		if err != nil {
			return nil, nil, fmt.Errorf("--outgoing: %w", err)
		}
		if s.Protocol != profiles.SMTP {
			return nil, nil, fmt.Errorf("--outgoing must be smtp://, not %s://", s.Protocol)
		}
		out = &s
	}
	return in, out, nil
}

// presetLoader finds the organisation's preset ($MAILSETUP_PRESET, built in,
// or beside the program); (nil, nil) when there is none. Tests replace it.
var presetLoader = func() (*preset.Preset, error) { return preset.Load(preset.Options{}) }

// errNotFound means no source knew the address and no overrides filled the gap.
var errNotFound = errors.New("no settings were found")

// resolveConfig finds the settings for addr and applies the overrides. When
// both servers are overridden, discovery is skipped.
func resolveConfig(ctx context.Context, addr profiles.Address, d *discoveryFlags, o *overrideFlags) (*profiles.Config, error) {
	in, out, err := o.servers()
	if err != nil {
		return nil, err
	}
	if in != nil && out != nil {
		cfg := profiles.ManualConfig(addr, *in, *out)
		if o.username != "" {
			cfg.Override(nil, nil, o.username)
		}
		return cfg, nil
	}
	pr, err := presetLoader()
	if err != nil {
		return nil, err
	}
	if cfg, ok := pr.ConfigFor(addr); ok {
		// The organisation's settings win over detection.
		for _, lock := range []struct {
			set   bool
			field preset.Field
			flag  string
		}{{in != nil, preset.FieldIncoming, "--incoming"}, {out != nil, preset.FieldOutgoing, "--outgoing"}, {o.username != "", preset.FieldUsername, "--username"}} {
			if lock.set && pr.Locked(lock.field) {
				return nil, fmt.Errorf("%s cannot be used: %s", lock.flag, pr.WithSupport("the organisation's preset fixes this setting"))
			}
		}
		cfg.Override(in, out, o.username)
		return cfg, nil
	}
	if err := pr.CheckAddress(addr); err != nil {
		return nil, errors.New(pr.WithSupport(profiles.Sentence(err)))
	}
	opts, err := d.options()
	if err != nil {
		return nil, err
	}
	res, err := discover.Discover(ctx, addr, opts)
	if err != nil {
		return nil, err
	}
	cfg := res.Config
	if cfg == nil {
		return nil, errNotFound
	}
	cfg.Override(in, out, o.username)
	return cfg, nil
}

// translateNotes rewrites note texts into lang.
func translateNotes(cfg *profiles.Config, lang string) {
	if lang == "" || lang == i18n.Fallback {
		return
	}
	for i, n := range cfg.Notes {
		if n.Key == "" || !i18n.Default().Has(lang, n.Key) {
			continue
		}
		cfg.Notes[i].Text = knowledge.NoteText(lang, n)
	}
}

// readPassword reads the password from the first line of r (for
// --password-stdin) or from MAILSETUP_PASSWORD. It never takes one from argv.
func readPassword(env *Env, fromStdin bool) (string, error) {
	if fromStdin {
		line, err := bufio.NewReader(env.Stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return "", fmt.Errorf("could not read the password from standard input: %w", err)
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			return "", fmt.Errorf("standard input held no password")
		}
		return line, nil
	}
	return env.getenv("MAILSETUP_PASSWORD"), nil
}

// parseAddressArg checks that exactly one address was given and parses it.
func parseAddressArg(pos []string) (profiles.Address, error) {
	switch len(pos) {
	case 0:
		return profiles.Address{}, fmt.Errorf("give the e-mail address to set up, e.g. ivan@mail.ru")
	case 1:
	default:
		return profiles.Address{}, fmt.Errorf("give one e-mail address, not %d (put a display name in quotes)", len(pos))
	}
	addr, err := profiles.ParseAddress(pos[0])
	if err != nil {
		return profiles.Address{}, fmt.Errorf("%q is not a usable e-mail address: %s", printable(pos[0]), profiles.Sentence(err))
	}
	return addr, nil
}

// printable shortens and escapes user input for an error message.
func printable(s string) string {
	r := []rune(s)
	if len(r) > 60 {
		s = string(r[:57]) + "…"
	}
	return strings.Trim(fmt.Sprintf("%q", s), `"`)
}

// parseProtocolFlag reads --protocol: "imap", "pop3" (or "pop"), or "" for
// the recommended one.
func parseProtocolFlag(v string) (profiles.Protocol, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "":
		return "", nil
	case "imap":
		return profiles.IMAP, nil
	case "pop3", "pop":
		return profiles.POP3, nil
	}
	return "", fmt.Errorf("--protocol must be imap or pop3, not %q", printable(v))
}
