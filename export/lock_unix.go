//go:build unix

package export

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
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

// lockProfile takes the exclusive lock file path (flock), waiting up to
// lockWait for another mailsetup that changes the same profile. The file is
// removed on unlock; a lock taken on a file that was removed meanwhile is
// retried, so two runs never both hold it.
func lockProfile(path string) (func(), error) {
	deadline := time.Now().Add(lockWait)
	for {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			return nil, fmt.Errorf("export: cannot create the lock file beside prefs.js: %w", err)
		}
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
			f.Close()
			if time.Now().After(deadline) {
				return nil, ErrProfileBusy
			}
			time.Sleep(20 * time.Millisecond)
			continue
		}
		fi, err1 := f.Stat()
		pi, err2 := os.Stat(path)
		if err1 == nil && err2 == nil && os.SameFile(fi, pi) {
			return func() { os.Remove(path); f.Close() }, nil
		}
		f.Close() // removed by the previous holder: take the new file
	}
}

// keepOwner gives path the owner of old when running as root (sudo), so
// Thunderbird running as the user can still read its prefs.
func keepOwner(path string, old os.FileInfo) error {
	st, ok := old.Sys().(*syscall.Stat_t)
	if !ok || os.Geteuid() != 0 {
		return nil
	}
	return os.Lchown(path, int(st.Uid), int(st.Gid))
}
