// Package cli is mailsetup's command line: "mailsetup detect|verify|export|…".
// Each command lives in its own file and registers itself; Main dispatches.
//
// Every command has the same shape (as cli/cli's pkg/cmd/repo/clone does):
// parseX(args) reads the arguments into an xOptions struct and touches
// nothing else, so it is tested on its own; runX(env, opts) does the work
// and returns an error. Main maps that error to the exit status in one
// place (exitCode): 0 success, 1 the work failed (nothing found, a check
// failed, a bad CSV row), 2 bad input (the reason on standard error, in
// plain words). The same mistake therefore gives the same status from
// every command.
package cli

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"mailsetup/preset"
)

// Exit statuses shared by every command.
const (
	ExitOK     = 0
	ExitFailed = 1
	ExitUsage  = 2
)

// Env is what a command reads and writes. Tests build one with buffers.
type Env struct {
	Ctx    context.Context
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Getenv reads an environment variable; nil means os.Getenv.
	Getenv func(string) string
	// LoadPreset finds the organisation's preset: the file at path when it
	// is not "", else $MAILSETUP_PRESET (read through Getenv), the built-in
	// one or the one beside the program; (nil, nil) when there is none.
	// nil means preset.Load.
	LoadPreset func(path string) (*preset.Preset, error)
	// ProgressEvery is how often batch reports progress on standard error;
	// 0 means every second.
	ProgressEvery time.Duration
}

func (e *Env) getenv(k string) string {
	if e.Getenv != nil {
		return e.Getenv(k)
	}
	return os.Getenv(k)
}

func (e *Env) context() context.Context {
	if e.Ctx != nil {
		return e.Ctx
	}
	return context.Background()
}

// preset loads the organisation's preset (see LoadPreset).
func (e *Env) preset(path string) (*preset.Preset, error) {
	if e.LoadPreset != nil {
		return e.LoadPreset(path)
	}
	return preset.Load(preset.Options{Path: path, Getenv: e.getenv})
}

func (e *Env) progressEvery() time.Duration {
	if e.ProgressEvery > 0 {
		return e.ProgressEvery
	}
	return time.Second
}

// Command is one subcommand.
type Command struct {
	Name    string
	Summary string
	// Usage is the synopsis line after "mailsetup NAME".
	Usage string
	// Run parses args and does the work; its error decides the exit status.
	Run func(env *Env, args []string) error
}

// command joins a command's parser and runner into Command.Run.
func command[T any](parse func([]string) (T, error), run func(*Env, T) error) func(*Env, []string) error {
	return func(env *Env, args []string) error {
		o, err := parse(args)
		if err != nil {
			return err
		}
		return run(env, o)
	}
}

var commands = map[string]Command{}

// Register adds a command; each command file calls it from init.
func Register(c Command) {
	if _, dup := commands[c.Name]; dup {
		panic("cli: command registered twice: " + c.Name)
	}
	commands[c.Name] = c
}

func isHelp(a string) bool { return a == "help" || a == "-h" || a == "--help" || a == "-help" }

// IsCommand reports whether name is a registered command (or help).
func IsCommand(name string) bool {
	if isHelp(name) {
		return true
	}
	_, ok := commands[name]
	return ok
}

// Main runs the command named by args[0] with the rest of args and returns
// the exit status.
func Main(env *Env, args []string) int {
	if len(args) == 0 || isHelp(args[0]) {
		if len(args) > 1 {
			if c, ok := commands[args[1]]; ok {
				return finish(env, c.Run(env, []string{"-h"}))
			}
		}
		usage(env.Stdout)
		return ExitOK
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(env.Stderr, "mailsetup: unknown command %q\n\n", args[0])
		usage(env.Stderr)
		return ExitUsage
	}
	return finish(env, c.Run(env, args[1:]))
}

// finish prints what err says and returns its exit status.
func finish(env *Env, err error) int {
	var help *helpRequest
	var ue *usageError
	switch {
	case err == nil || errors.Is(err, errReported):
	case errors.As(err, &help):
		fmt.Fprint(env.Stdout, help.text)
	case errors.As(err, &ue):
		fmt.Fprintln(env.Stderr, "mailsetup: "+ue.msg)
		if ue.usage != "" {
			fmt.Fprint(env.Stderr, ue.usage)
		}
	default:
		fmt.Fprintln(env.Stderr, "mailsetup: "+strings.TrimPrefix(err.Error(), "mailsetup: "))
	}
	return exitCode(err)
}

// exitCode is the one mapping from a command's error to its exit status.
func exitCode(err error) int {
	var help *helpRequest
	var ue *usageError
	switch {
	case err == nil, errors.As(err, &help):
		return ExitOK
	case errors.As(err, &ue):
		return ExitUsage
	default:
		return ExitFailed
	}
}

// usageError is bad input: the command did nothing, exit status 2.
type usageError struct {
	msg string
	// usage, when set, is the command's synopsis printed after msg.
	usage string
}

func (e *usageError) Error() string { return e.msg }

// usagef makes a usageError; the text is plain words for the user.
func usagef(format string, a ...any) error {
	return &usageError{msg: strings.TrimPrefix(fmt.Sprintf(format, a...), "mailsetup: ")}
}

// asUsage marks err as bad input (exit 2), keeping its text.
func asUsage(err error) error {
	if err == nil {
		return nil
	}
	var ue *usageError
	if errors.As(err, &ue) {
		return err
	}
	return &usageError{msg: err.Error()}
}

// errReported is a failure whose reason is already on the output (a check
// failed, nothing was found): exit status 1, nothing more printed.
var errReported = errors.New("failed (reported above)")

// helpRequest is -h: the command's help, printed on standard output.
type helpRequest struct{ text string }

func (h *helpRequest) Error() string { return "help requested" }

func usage(w io.Writer) {
	fmt.Fprintln(w, "mailsetup sets up a mail account: it finds the provider's settings, checks the login and writes files mail programs import.")
	fmt.Fprintln(w, "\nusage:\n  mailsetup [--lang L] [--preset FILE]   open the window")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, n := range names {
		fmt.Fprintf(tw, "  mailsetup %s\t%s\n", n, commands[n].Summary)
	}
	_ = tw.Flush()
	fmt.Fprintln(w, "\nExit status: 0 success, 1 the work failed, 2 bad input.")
	fmt.Fprintln(w, "Run \"mailsetup help COMMAND\" for a command's flags.")
}

// newFlags returns a command's FlagSet; it prints nothing itself (parseArgs
// turns its errors into usageErrors and -h into a helpRequest).
func newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// synopsis is "usage: mailsetup NAME USAGE" for the registered command.
func synopsis(name string) string {
	return fmt.Sprintf("usage: mailsetup %s %s\n", name, commands[name].Usage)
}

// parseArgs parses flags that may come before or after positional
// arguments ("detect ivan@mail.ru --json") and returns the positionals.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				var b bytes.Buffer
				b.WriteString(synopsis(fs.Name()))
				if s := commands[fs.Name()].Summary; s != "" {
					b.WriteString("\n" + s + "\n\n")
				}
				fs.SetOutput(&b)
				fs.PrintDefaults()
				fs.SetOutput(io.Discard)
				return nil, &helpRequest{b.String()}
			}
			return nil, &usageError{msg: err.Error(),
				usage: synopsis(fs.Name()) + fmt.Sprintf("Run \"mailsetup help %s\" for the flags.\n", fs.Name())}
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if rest[0] == "--" {
			return append(pos, rest[1:]...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}
