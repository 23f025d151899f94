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
		Run:     runPreset,
	})
}

// runPreset validates FILE (or finds the preset in use: $MAILSETUP_PRESET,
// built in, or beside the program) and prints what it sets. Exit 0 valid,
// 1 no preset found, 2 invalid (every wrong field named).
func runPreset(env *Env, args []string) int {
	fs := newFlags(env, "preset", "[FILE]")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return ExitUsage
	}
	if len(pos) > 1 {
		return fail(env, "give one preset file, not %d", len(pos))
	}
	var path string
	if len(pos) == 1 {
		path = pos[0]
	}
	p, err := preset.Load(preset.Options{Path: path, Getenv: env.getenv})
	if err != nil {
		return fail(env, "%v", err)
	}
	if p == nil {
		fmt.Fprintf(env.Stdout, "no preset: none given, $%s is unset, none is built in and there is no %s beside the program\n", preset.EnvVar, preset.FileName)
		return ExitFailed
	}
	fmt.Fprintf(env.Stdout, "%s: ok\n%s", p.Origin, p.Summary())
	return ExitOK
}
