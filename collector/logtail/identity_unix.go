//go:build unix

package logtail

import (
	"fmt"
	"os"
	"syscall"
	"time"
)

// statOpen identifies the open file by device and inode, which survive a rename and
// change when the agent replaces the file.
func statOpen(f *os.File) (fileIdentity, int64, time.Time, error) {
	fi, err := f.Stat()
	if err != nil {
		return fileIdentity{}, 0, time.Time{}, err
	}
	if !fi.Mode().IsRegular() {
		return fileIdentity{}, 0, time.Time{}, fmt.Errorf("%s: not a regular file", f.Name())
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return fileIdentity{}, 0, time.Time{}, fmt.Errorf("%s: no inode information", f.Name())
	}
	return fileIdentity{Volume: uint64(st.Dev), Index: uint64(st.Ino)}, fi.Size(), fi.ModTime(), nil
}
