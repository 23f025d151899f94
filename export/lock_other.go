//go:build !unix

package export

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// profileInUse reports ErrThunderbirdRunning when Thunderbird holds the
// profile: on Windows it keeps parent.lock open without sharing, so it can
// be neither opened nor removed.
func profileInUse(dir string) error {
	f, err := os.OpenFile(filepath.Join(dir, "parent.lock"), os.O_RDWR, 0)
	if err == nil {
		f.Close()
	}
	return parentLockVerdict(err)
}

// lockProfile creates the lock file path exclusively, waiting up to
// lockWait for another mailsetup; a lock file older than staleLock (a run
// that crashed) is removed. Unlock removes it.
func lockProfile(path string) (func(), error) {
	deadline := time.Now().Add(lockWait)
	for {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
		if err == nil {
			f.Close()
			return func() { os.Remove(path) }, nil
		}
		if !errors.Is(err, os.ErrExist) {
			return nil, fmt.Errorf("export: cannot create the lock file beside prefs.js: %w", err)
		}
		if st, err := os.Stat(path); err == nil && time.Since(st.ModTime()) > staleLock {
			os.Remove(path)
			continue
		}
		if time.Now().After(deadline) {
			return nil, ErrProfileBusy
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// keepOwner does nothing on Windows: the replaced file inherits the
// folder's permissions.
func keepOwner(string, os.FileInfo) error { return nil }
