package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
	"unicode"

	"mailsetup/assets/i18n"
	"mailsetup/internal/fsafe"
	"mailsetup/preset"
	"mailsetup/profiles"
	"mailsetup/profiles/discover"
	"mailsetup/profiles/knowledge"
)

// findFlags are the flags of every command that finds settings before it
// works on them: detect's discovery flags, and (withOverrides) the servers
// and login the user types instead.
type findFlags struct {
	sources, ispdb, dns, lang    string
	timeout                      time.Duration
	incoming, outgoing, username string
	// timeoutHelp and timeoutDefault replace the description and default
	// of --timeout (verify's bounds the whole command).
	timeoutHelp    string
	timeoutDefault time.Duration
}

func (f *findFlags) register(fs *flag.FlagSet, withOverrides bool) {
	fs.StringVar(&f.sources, "sources", "all", "comma list of sources: builtin, autoconfig, ispdb, mx, srv, autodiscover, guess")
	fs.StringVar(&f.ispdb, "ispdb", discover.DefaultISPDB, "base URL of the ISP database")
	fs.StringVar(&f.dns, "dns", "", "send every DNS question to this HOST:PORT")
	help := f.timeoutHelp
	if help == "" {
		help = "overall deadline of the discovery"
	}
	def := f.timeoutDefault
	if def == 0 {
		def = discover.DefaultTimeout
	}
	fs.DurationVar(&f.timeout, "timeout", def, help)
	fs.StringVar(&f.lang, "lang", "", "language of notes and messages: en, ru, tr, ja, ro, bs (default: from the environment)")
	if withOverrides {
		fs.StringVar(&f.incoming, "incoming", "", "incoming server: imap://HOST:PORT?security=tls|starttls|none or pop3://…")
		fs.StringVar(&f.outgoing, "outgoing", "", "outgoing server: smtp://HOST:PORT?security=tls|starttls|none")
		fs.StringVar(&f.username, "username", "", "login name, when it is not the address")
	}
}

// findOptions are findFlags checked: what to ask, and what the user typed.
type findOptions struct {
	Discover discover.Options
	// Lang is --lang, checked; "" means the environment's language.
	Lang string
	// Incoming and Outgoing are the servers typed with --incoming and
	// --outgoing (nil when not given); Username is --username.
	Incoming, Outgoing *profiles.Server
	Username           string
}

// options checks the flags. Every error is bad input.
func (f *findFlags) options() (findOptions, error) {
	var o findOptions
	srcs, err := discover.ParseSources(f.sources)
	if err != nil {
		return o, asUsage(err)
	}
	if f.timeout <= 0 {
		return o, usagef("--timeout must be more than zero")
	}
	dns := f.dns
	if dns != "" && !strings.Contains(dns, ":") {
		dns += ":53"
	}
	o.Discover = discover.Options{Sources: srcs, ISPDB: f.ispdb, DNS: dns, Timeout: f.timeout}
	if f.lang != "" && !i18n.Supported(f.lang) {
		return o, usagef("unknown language %s: use one of %s", printable(f.lang), strings.Join(i18n.Languages, ", "))
	}
	o.Lang = f.lang
	if f.incoming != "" {
		s, err := profiles.ParseServerURL(f.incoming)
		if err != nil {
			return o, usagef("--incoming: %s", profiles.Sentence(err))
		}
		if !s.Protocol.Incoming() {
			return o, usagef("--incoming must be imap:// or pop3://, not %s://", s.Protocol)
		}
		o.Incoming = &s
	}
	if f.outgoing != "" {
		s, err := profiles.ParseServerURL(f.outgoing)
		if err != nil {
			return o, usagef("--outgoing: %s", profiles.Sentence(err))
		}
		if s.Protocol != profiles.SMTP {
			return o, usagef("--outgoing must be smtp://, not %s://", s.Protocol)
		}
		o.Outgoing = &s
	}
	if err := checkLogin("--username", f.username); err != nil {
		return o, err
	}
	o.Username = f.username
	return o, nil
}

// checkLogin refuses a login that would be sent to a server as more than
// one line (reliability.md M2: "--username $'ivan\r\nDELE 2'" became a
// POP3 DELE).
func checkLogin(what, v string) error {
	if strings.ContainsFunc(v, unicode.IsControl) {
		return usagef("%s contains a line break or another control character; it would be sent to the server as a command", what)
	}
	return nil
}

// parseAddressCommand is the preamble every command on one address
// shares: it parses args (flags anywhere), checks the find flags and
// parses the one address.
func parseAddressCommand(fs *flag.FlagSet, f *findFlags, args []string) (profiles.Address, findOptions, error) {
	pos, err := parseArgs(fs, args)
	if err != nil {
		return profiles.Address{}, findOptions{}, err
	}
	fo, err := f.options()
	if err != nil {
		return profiles.Address{}, fo, err
	}
	addr, err := parseAddressArg(pos)
	return addr, fo, err
}

// language is the checked --lang value, else the environment's language.
func (o findOptions) language(env *Env) string { return pickLanguage(env, o.Lang) }

// pickLanguage returns lang when set (already checked), else the language
// of the environment (MAILSETUP_LANG, LANGUAGE, LC_ALL, LC_MESSAGES, LANG).
func pickLanguage(env *Env, lang string) string {
	if lang != "" {
		return lang
	}
	return i18n.FromEnv(env.getenv)
}

// errNotFound means no source knew the address and no overrides filled the gap.
var errNotFound = errors.New("no settings were found for this address; give them with --incoming and --outgoing")

// resolveConfig finds the settings for addr: the organisation's preset for
// a company address, else the servers typed (both given: no discovery),
// else discovery with the typed servers put first. Bad input (a locked
// setting overridden, an address the preset refuses) is a usageError.
func resolveConfig(ctx context.Context, pr *preset.Preset, addr profiles.Address, o findOptions) (*profiles.Config, error) {
	if cfg, ok := pr.ConfigFor(addr); ok {
		// The organisation's settings win over detection.
		for _, lock := range []struct {
			set   bool
			field preset.Field
			flag  string
		}{{o.Incoming != nil, preset.FieldIncoming, "--incoming"}, {o.Outgoing != nil, preset.FieldOutgoing, "--outgoing"}, {o.Username != "", preset.FieldUsername, "--username"}} {
			if lock.set && pr.Locked(lock.field) {
				return nil, usagef("%s cannot be used: %s", lock.flag, pr.WithSupport("the organisation's preset fixes this setting"))
			}
		}
		cfg.Override(o.Incoming, o.Outgoing, o.Username)
		return cfg, nil
	}
	if err := pr.CheckAddress(addr); err != nil {
		return nil, usagef("%s", pr.WithSupport(profiles.Sentence(err)))
	}
	if o.Incoming != nil && o.Outgoing != nil {
		cfg := profiles.ManualConfig(addr, *o.Incoming, *o.Outgoing)
		if o.Username != "" {
			cfg.Override(nil, nil, o.Username)
		}
		return cfg, nil
	}
	res, err := discover.Discover(ctx, addr, o.Discover)
	if err != nil {
		return nil, err
	}
	cfg := res.Config
	if cfg == nil {
		if len(res.Warnings) > 0 {
			return nil, fmt.Errorf("%w (%s)", errNotFound, strings.Join(res.Warnings, "; "))
		}
		return nil, errNotFound
	}
	cfg.Override(o.Incoming, o.Outgoing, o.Username)
	return cfg, nil
}

// findConfig loads the preset through env and resolves addr's settings.
func findConfig(ctx context.Context, env *Env, addr profiles.Address, o findOptions) (*profiles.Config, error) {
	pr, err := env.preset("")
	if err != nil {
		return nil, asUsage(err)
	}
	return resolveConfig(ctx, pr, addr, o)
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

// readPassword reads the password from the first line of standard input
// (for --password-stdin) or from MAILSETUP_PASSWORD. It never takes one from
// argv. A password holding a line break or another control character is
// refused before anything is sent: on the wire it would end the command
// and start another (reliability.md M2: "PASS pw\r\nDELE 1"), and a
// trailing "\r" left by a Windows file would no longer match the
// redactor. Every error is bad input; "" with no error means none given.
func readPassword(env *Env, fromStdin bool) (string, error) {
	src, pw := "MAILSETUP_PASSWORD", ""
	if fromStdin {
		src = "standard input"
		line, err := bufio.NewReader(env.Stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return "", usagef("could not read the password from standard input: %v", err)
		}
		pw = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
		if pw == "" {
			return "", usagef("no password: standard input held none")
		}
	} else {
		pw = env.getenv("MAILSETUP_PASSWORD")
	}
	if strings.ContainsFunc(pw, unicode.IsControl) {
		return "", usagef("the password in %s contains a line break or another control character (a file saved with Windows line ends leaves a carriage return at the end); remove it — nothing was sent", src)
	}
	return pw, nil
}

// parseAddressArg checks that exactly one address was given and parses it.
func parseAddressArg(pos []string) (profiles.Address, error) {
	switch len(pos) {
	case 0:
		return profiles.Address{}, usagef("give the e-mail address to set up, e.g. ivan@mail.ru")
	case 1:
	default:
		return profiles.Address{}, usagef("give one e-mail address, not %d (put a display name in quotes)", len(pos))
	}
	addr, err := profiles.ParseAddress(pos[0])
	if err != nil {
		return profiles.Address{}, usagef("%s is not a usable e-mail address: %s", printable(pos[0]), profiles.Sentence(err))
	}
	return addr, nil
}

// printable shortens user input and quotes it for an error message, once
// (reliability.md L16: callers quoted it a second time, "a\\\\b").
func printable(s string) string {
	r := []rune(s)
	if len(r) > 60 {
		s = string(r[:57]) + "…"
	}
	return fmt.Sprintf("%q", s)
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
	return "", usagef("--protocol must be imap or pop3, not %s", printable(v))
}

// readInput reads a file the user named (--csv, --ca, --sign-*), at most
// max bytes, through fsafe.ReadFile. It looks at the file first: opening a
// FIFO blocks until something writes to it, and fsafe.ReadFile opens before
// it checks, so "--ca fifo" would hang.
func readInput(path string, max int64) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, &fsafe.ReadError{Path: path, Err: err}
	}
	if !st.Mode().IsRegular() {
		return nil, &fsafe.ReadError{Path: path, Err: fsafe.ErrNotRegular}
	}
	return fsafe.ReadFile(path, max)
}
