package cli

import (
	"bufio"
	"bytes"
	"fmt"

	"mailsetup/export/guide"
	"mailsetup/export/guide/draw"
	"mailsetup/internal/fsafe"
	"mailsetup/profiles"
)

const instructionsUsage = "--client outlook|applemail|ios|android|k9|thunderbird|thebat [--lang en|ru|tr|ja|ro|bs] [--out FILE.html [--force]] [--protocol imap|pop3] [--file EXPORTED-FILE] [--incoming URL] [--outgoing URL] [--username U] ADDRESS"

func init() {
	Register(Command{
		Name:    "instructions",
		Summary: "write step-by-step instructions with pictures for one mail program",
		Usage:   instructionsUsage,
		Run:     command(parseInstructions, runInstructions),
	})
}

// instructionsOptions are instructions' parsed arguments.
type instructionsOptions struct {
	Client guide.Client
	// Out is the HTML file ("" prints the steps as text); Force replaces it.
	Out   string
	Force bool
	// Protocol is --protocol, else the protocol of --incoming, else "".
	Protocol profiles.Protocol
	// File is --file: an exported file the user opens instead of typing.
	File    string
	Address profiles.Address
	Find    findOptions
}

func parseInstructions(args []string) (*instructionsOptions, error) {
	o := &instructionsOptions{}
	fs := newFlags("instructions")
	client := fs.String("client", "", "mail program: outlook, applemail, ios, android, k9, thunderbird, thebat")
	fs.StringVar(&o.Out, "out", "", "write one self-contained HTML file here (default: print the steps as text)")
	fs.BoolVar(&o.Force, "force", false, "replace --out when it already exists")
	proto := fs.String("protocol", "", "imap or pop3 (default: the recommended one)")
	fs.StringVar(&o.File, "file", "", "name of an exported file the user opens instead of typing (.prf, .mobileconfig, .k9s, Thunderbird .zip)")
	var f findFlags
	f.register(fs, true)
	var err error
	if o.Address, o.Find, err = parseAddressCommand(fs, &f, args); err != nil {
		return nil, err
	}
	if o.Client, err = guide.ParseClient(*client); err != nil {
		return nil, usagef("--client: %v", err)
	}
	if o.Protocol, err = parseProtocolFlag(*proto); err != nil {
		return nil, err
	}
	if o.Protocol == "" && o.Find.Incoming != nil {
		o.Protocol = o.Find.Incoming.Protocol // the overridden server is the one to set up
	}
	return o, nil
}

func runInstructions(env *Env, o *instructionsOptions) error {
	cfg, err := findConfig(env.context(), env, o.Address, o.Find)
	if err != nil {
		return err
	}
	printNotices(env.Stderr, cfg, typedServers(o.Find))
	opts := guide.Options{Client: o.Client, Lang: o.Find.language(env), Protocol: o.Protocol, Name: o.Address.Name}
	if o.File != "" {
		opts.Export, opts.File = guide.ExportFile, o.File
	}
	g, err := guide.Build(cfg, opts)
	if err != nil {
		return err
	}
	if o.Out == "" {
		w := bufio.NewWriter(env.Stdout)
		if err := guide.WriteText(w, g); err != nil {
			return err
		}
		return w.Flush()
	}
	var buf bytes.Buffer
	if err := draw.WriteHTML(&buf, g); err != nil {
		return err
	}
	if err := fsafe.WriteFile(o.Out, buf.Bytes(), fsafe.WriteOptions{Replace: o.Force}); err != nil {
		return writeError(err)
	}
	fmt.Fprintln(env.Stderr, o.Out)
	return nil
}
