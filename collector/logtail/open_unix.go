//go:build unix

package logtail

import (
	"fmt"
	"os"
	"syscall"
	"time"
)

// openShared opens a log for reading. On Unix a reader never blocks the writer's rename
// or unlink, so a plain open is enough; the file is still closed after every Poll so a
// deleted log's blocks are released promptly. O_NONBLOCK keeps a named pipe under a log's
// name from blocking the open (and the scrape) until some writer appears; statOpen then
// refuses it, and on regular files the flag has no effect.
func openShared(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}

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
