//go:build preset

package preset

import (
	"embed"
	"io/fs"
)

//go:embed embedded
var embeddedRoot embed.FS

// embedded holds preset/embedded/ (mailsetup.preset.json and the
// files it names), built in with "go build -tags preset".
var embedded fs.FS = mustSub(embeddedRoot, "embedded")

func mustSub(f fs.FS, dir string) fs.FS {
	s, err := fs.Sub(f, dir)
	if err != nil {
		panic(err)
	}
	return s
}
