//go:build unix

package logtail

import (
	"os"
	"syscall"
	"time"
)

const statSupported = true

// statPath is statOpen without opening: the identity (device, inode), size and
// modification time of path.
func statPath(path string) (fileIdentity, int64, time.Time, bool) {
	fi, err := os.Stat(path)
	if err != nil {
		return fileIdentity{}, 0, time.Time{}, false
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return fileIdentity{}, 0, time.Time{}, false
	}
	return fileIdentity{Volume: uint64(st.Dev), Index: uint64(st.Ino)}, fi.Size(), fi.ModTime(), true
}
