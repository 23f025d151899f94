package export

import (
	"errors"
	"os"
	"time"
)

// ErrProfileBusy means another mailsetup kept the profile's lock file for
// longer than lockWait; nothing was changed.
var ErrProfileBusy = errors.New("export: another mailsetup is changing this Thunderbird profile; try again in a moment")

// lockWait is how long an install waits for another one on the same
// profile; staleLock is when a leftover lock file (Windows) counts as left
// by a crashed run.
const (
	lockWait  = 30 * time.Second
	staleLock = 2 * time.Minute
)

// parentLockVerdict decides from the error of opening parent.lock for
// writing whether Windows Thunderbird holds the profile: on Windows
// Mozilla's profile lock is an open HANDLE on parent.lock (nsProfileLock.h,
// XP_WIN: mLockFileHandle; fcntl and the "lock" symlink are XP_UNIX only),
// which another process cannot open while it is held [inferred from the
// header; nsProfileLock.cpp itself was not read], so any error other than
// "no such file" counts as running. It has no build tag so that the
// decision is tested on every system.
func parentLockVerdict(openErr error) error {
	if openErr == nil || errors.Is(openErr, os.ErrNotExist) {
		return nil
	}
	return ErrThunderbirdRunning
}
