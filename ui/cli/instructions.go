package cli

import (
	"bufio"
	"fmt"
	"os"

	"mailsetup/export/guide"
	"mailsetup/export/guide/draw"
)

const instructionsUsage = "--client outlook|applemail|ios|android|k9|thunderbird|thebat [--lang en|ru|tr|ja|ro|bs] [--out FILE.html] [--protocol imap|pop3] [--file EXPORTED-FILE] [--incoming URL] [--outgoing URL] [--username U] ADDRESS"

func init() {
	Register(Command{
		Name:    "instructions",
		Summary: "write step-by-step instructions with pictures for one mail program",
		Usage:   instructionsUsage,
		Run:     runInstructions,
	})
}

func runInstructions(env *Env, args []string) int {
	fs := newFlags(env, "instructions", instructionsUsage)
	client := fs.String("client", "", "mail program: outlook, applemail, ios, android, k9, thunderbird, thebat")
	out := fs.String("out", "", "write one self-contained HTML file here (default: print the steps as text)")
	proto := fs.String("protocol", "", "imap or pop3 (default: the recommended one)")
	file := fs.String("file", "", "name of an exported file the user opens instead of typing (.prf, .mobileconfig, .k9s, Thunderbird .zip)")
	var d discoveryFlags
	d.register(fs)
	var o overrideFlags
	o.register(fs)
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return ExitUsage
	}
	c, err := guide.ParseClient(*client)
	if err != nil {
		return fail(env, "--client: %v", err)
	}
	p, err := parseProtocolFlag(*proto)
	if err != nil {
		return fail(env, "%v", err)
	}
	if in, _, err := o.servers(); err == nil && in != nil && p == "" {
		p = in.Protocol // the overridden server is the one to set up
	}
	addr, err := parseAddressArg(pos)
	if err != nil {
		return fail(env, "%v", err)
	}
	lang, err := d.language(env)
	if err != nil {
		return fail(env, "%v", err)
	}
	cfg, err := resolveConfig(env.context(), addr, &d, &o)
	if err != nil {
		fmt.Fprintln(env.Stderr, "mailsetup: "+err.Error())
		return ExitFailed
	}
	opts := guide.Options{Client: c, Lang: lang, Protocol: p, Name: addr.Name}
	if *file != "" {
		opts.Export, opts.File = guide.ExportFile, *file
	}
	g, err := guide.Build(cfg, opts)
	if err != nil {
		fmt.Fprintln(env.Stderr, "mailsetup: "+err.Error())
		return ExitFailed
	}
	if *out == "" {
		w := bufio.NewWriter(env.Stdout)
		if err := guide.WriteText(w, g); err != nil {
			return ExitFailed
		}
		if err := w.Flush(); err != nil {
			return ExitFailed
		}
		return ExitOK
	}
	f, err := os.CreateTemp(dirOf(*out), ".guide-*.html")
	if err != nil {
		fmt.Fprintln(env.Stderr, "mailsetup: "+err.Error())
		return ExitFailed
	}
	werr := draw.WriteHTML(f, g)
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(f.Name(), *out)
	}
	if werr != nil {
		os.Remove(f.Name())
		fmt.Fprintln(env.Stderr, "mailsetup: "+werr.Error())
		return ExitFailed
	}
	fmt.Fprintln(env.Stderr, *out)
	return ExitOK
}

// dirOf is the directory of path, "." when it has none.
func dirOf(path string) string {
	for i := len(path) - 1; i >= 0; i-- {
		if os.IsPathSeparator(path[i]) {
			if i == 0 {
				return string(path[0])
			}
			return path[:i]
		}
	}
	return "."
}
