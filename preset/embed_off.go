//go:build !preset

package preset

import "io/fs"

// embedded is nil: this executable was built without -tags preset.
var embedded fs.FS
