package ui

import (
	"strings"
	"testing"
)

// TestParseWindowArgs is a table of argv → options or error, as cli/cli's
// TestNewCmdClone tests a command's parsing on its own.
func TestParseWindowArgs(t *testing.T) {
	for _, tc := range []struct {
		name    string
		args    []string
		env     string // MAILSETUP_LANG
		want    WindowOptions
		wantErr string
	}{
		{name: "none", want: WindowOptions{}},
		{name: "env", env: "ru_RU.UTF-8", want: WindowOptions{Lang: "ru"}},
		{name: "lang space", args: []string{"--lang", "ja"}, want: WindowOptions{Lang: "ja"}},
		{name: "lang equals one dash", args: []string{"-lang=tr"}, want: WindowOptions{Lang: "tr"}},
		{name: "flag beats env", args: []string{"--lang=bs"}, env: "ru", want: WindowOptions{Lang: "bs"}},
		{name: "preset", args: []string{"--preset", "p.json", "--lang", "ro"}, want: WindowOptions{PresetPath: "p.json", Lang: "ro"}},
		{name: "preset equals", args: []string{"--preset=dir/p.json"}, want: WindowOptions{PresetPath: "dir/p.json"}},
		{name: "unknown lang", args: []string{"--lang", "xx"}, wantErr: `unknown language "xx"`},
		{name: "lang without value", args: []string{"--lang"}, wantErr: "--lang needs a language"},
		{name: "preset without value", args: []string{"--preset"}, wantErr: "--preset needs a file"},
		{name: "unknown flag", args: []string{"--colour"}, wantErr: `unknown command or flag "-colour"`},
		{name: "stray word", args: []string{"detecct"}, wantErr: `unknown command or flag "detecct"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseWindowArgs(tc.args, func(k string) string {
				if k == "MAILSETUP_LANG" {
					return tc.env
				}
				return ""
			})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || got.Lang != tc.want.Lang || got.PresetPath != tc.want.PresetPath {
				t.Fatalf("= %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
}
