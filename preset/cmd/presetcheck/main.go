// Command presetcheck validates preset files: it prints what each preset
// sets, or every problem with the field named, and exits 1 when one is
// invalid. Build scripts run it before building a preset in.
//
//	go run ./preset/cmd/presetcheck mailsetup.preset.json
package main

import (
	"fmt"
	"os"

	"mailsetup/preset"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: presetcheck FILE…")
		os.Exit(2)
	}
	code := 0
	for _, name := range os.Args[1:] {
		p, err := preset.LoadFile(name)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			code = 1
			continue
		}
		fmt.Printf("%s: ok\n%s", name, p.Summary())
	}
	os.Exit(code)
}
