package cli

import (
	"fmt"

	"mailsetup/preset"
)

func init() {
	Register(Command{
		Name:    "preset",
		Summary: "check an organisation preset file, or show the one in use",
		Usage:   "[FILE]",
		Run:     command(parsePreset, runPreset),
	})
}

// presetOptions are preset's parsed arguments: the file ("" = the preset in use).
type presetOptions struct{ Path string }

func parsePreset(args []string) (*presetOptions, error) {
	pos, err := parseArgs(newFlags("preset"), args)
	if err != nil {
		return nil, err
	}
	if len(pos) > 1 {
		return nil, usagef("give one preset file, not %d", len(pos))
	}
	o := &presetOptions{}
	if len(pos) == 1 {
		o.Path = pos[0]
	}
	return o, nil
}

// runPreset validates the file (or finds the preset in use: $MAILSETUP_PRESET,
// built in, or beside the program) and prints what it sets. Exit 0 valid,
// 1 no preset found, 2 invalid (every wrong field named).
func runPreset(env *Env, o *presetOptions) error {
	p, err := env.preset(o.Path)
	if err != nil {
		return asUsage(err)
	}
	if p == nil {
		fmt.Fprintf(env.Stdout, "no preset: none given, $%s is unset, none is built in and there is no %s beside the program\n", preset.EnvVar, preset.FileName)
		return errReported
	}
	fmt.Fprintf(env.Stdout, "%s: ok\n%s", p.Origin, p.Summary())
	return nil
}
