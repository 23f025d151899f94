//go:build unix

package export

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// profileInUse reports ErrThunderbirdRunning when Thunderbird holds the
// profile: its "lock" symlink names a live process, or another process
// holds the fcntl lock on .parentlock.
func profileInUse(dir string) error {
	if target, err := os.Readlink(filepath.Join(dir, "lock")); err == nil {
		if i := strings.LastIndex(target, ":+"); i >= 0 {
			if pid, err := strconv.Atoi(target[i+2:]); err == nil && pid > 0 {
				if err := syscall.Kill(pid, 0); err == nil || errors.Is(err, syscall.EPERM) {
					return ErrThunderbirdRunning
				}
			}
		}
	}
	f, err := os.OpenFile(filepath.Join(dir, ".parentlock"), os.O_RDWR, 0)
	if err != nil {
		return nil // no lock file: nobody holds it
	}
	defer f.Close()
	lk := syscall.Flock_t{Type: syscall.F_WRLCK, Whence: 0, Start: 0, Len: 0}
	if err := syscall.FcntlFlock(f.Fd(), syscall.F_GETLK, &lk); err == nil && lk.Type != syscall.F_UNLCK {
		return ErrThunderbirdRunning
	}
	return nil
}
