//go:build !unix

package export

import (
	"errors"
	"os"
	"path/filepath"
)

// profileInUse reports ErrThunderbirdRunning when Thunderbird holds the
// profile: on Windows it keeps parent.lock open without sharing, so it can
// be neither opened nor removed.
func profileInUse(dir string) error {
	p := filepath.Join(dir, "parent.lock")
	f, err := os.OpenFile(p, os.O_RDWR, 0)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		return ErrThunderbirdRunning
	}
	f.Close()
	return nil
}
