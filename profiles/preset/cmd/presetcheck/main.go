// Command presetcheck validates preset files: it prints what each preset
// sets, or every problem with the field named, and exits 1 when one is
// invalid. Build scripts run it before building a preset in.
//
//	go run ./profiles/preset/cmd/presetcheck mailsetup.preset.json
package main

import (
	"fmt"
	"os"
	"strings"

	"mailsetup/profiles/preset"
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
		var locks []string
		for _, f := range preset.Fields {
			if p.Locked(f) {
				locks = append(locks, string(f))
			}
		}
		signed := "no"
		if s := p.Signing(); s != nil {
			signed = s.Certificate.Subject.CommonName + " (until " + s.Certificate.NotAfter.Format("2006-01-02") + ")"
		}
		fmt.Printf("%s: ok\n  organisation: %s\n  domains: %s\n  locked: %s\n  exports: %s\n  guides: %s\n  signing: %s\n  support: %s\n  language: %s\n",
			name, p.Organisation().Name, strings.Join(p.DomainNames(), ", "), orAll(locks, "nothing"),
			orAll(p.Formats(), "all"), orAll(p.Guides(), "all"), signed, p.Support(), orAll([]string{p.Language()}, "from the system"))
	}
	os.Exit(code)
}

func orAll(list []string, none string) string {
	if len(list) == 0 || (len(list) == 1 && list[0] == "") {
		return none
	}
	return strings.Join(list, ", ")
}
