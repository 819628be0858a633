//go:build linux

package collector

import (
	"io/fs"
	"syscall"
)

// sysFileID adds the device, inode and change time: a file replaced by another one (an
// agent writing a new file and renaming it over the old) or rewritten with its old
// modification time put back (cp -p, touch -d) is then a new identity.
func sysFileID(fi fs.FileInfo, id *fileID) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return
	}
	id.dev, id.ino = uint64(st.Dev), st.Ino
	id.ctime = int64(st.Ctim.Sec)*1e9 + int64(st.Ctim.Nsec) // int32 fields on 32-bit ports
}
