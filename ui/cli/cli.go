// Package cli is mailsetup's command line: "mailsetup detect|verify|export|…".
// Each command lives in its own file and registers itself; Main dispatches.
// Exit status: 0 success, 1 the work failed (nothing found, a check failed),
// 2 bad input (the reason on standard error, in plain words).
package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"text/tabwriter"
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

// Command is one subcommand.
type Command struct {
	Name    string
	Summary string
	// Usage is the synopsis line after "mailsetup NAME".
	Usage string
	Run   func(env *Env, args []string) int
}

var commands = map[string]Command{}

// Register adds a command; each command file calls it from init.
func Register(c Command) {
	if _, dup := commands[c.Name]; dup {
		panic("cli: command registered twice: " + c.Name)
	}
	commands[c.Name] = c
}

// IsCommand reports whether name is a registered command (or help).
func IsCommand(name string) bool {
	if name == "help" || name == "-h" || name == "--help" || name == "-help" {
		return true
	}
	_, ok := commands[name]
	return ok
}

// Main runs the command named by args[0] with the rest of args.
func Main(env *Env, args []string) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		if len(args) > 1 {
			if c, ok := commands[args[1]]; ok {
				fmt.Fprintf(env.Stdout, "usage: mailsetup %s %s\n\n%s\n", c.Name, c.Usage, c.Summary)
				return ExitOK
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
	return c.Run(env, args[1:])
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "mailsetup sets up a mail account: it finds the provider's settings, checks the login and writes files mail programs import.")
	fmt.Fprintln(w, "\nusage:\n  mailsetup [--lang L]           open the window")
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
	fmt.Fprintln(w, "\nRun \"mailsetup help COMMAND\" for a command's flags.")
}

// newFlags returns a FlagSet that reports errors instead of exiting.
func newFlags(env *Env, name, usageLine string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(env.Stderr, "usage: mailsetup %s %s\n", name, usageLine)
		fs.PrintDefaults()
	}
	return fs
}

// parseInterleaved parses flags that may come before or after positional
// arguments ("detect ivan@mail.ru --json") and returns the positionals.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
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

// fail prints a plain-words reason for bad input and returns ExitUsage.
func fail(env *Env, format string, a ...any) int {
	msg := fmt.Sprintf(format, a...)
	fmt.Fprintln(env.Stderr, "mailsetup: "+strings.TrimPrefix(msg, "mailsetup: "))
	return ExitUsage
}

// check-domain (issue 17) lives in checkdomain.go; its help text is checkDomainSummary.
func init() {
	Register(Command{Name: "check-domain", Summary: checkDomainSummary, Usage: checkDomainUsage, Run: checkDomainMain})
}
