//go:build windows

package hostfs

import (
	"os"
	"path/filepath"

	"golang.org/x/sys/windows"
)

// openRegular opens rel with read, write and delete sharing: the McAfee, Cisco and
// Qualys agents keep their logs open and rotate them by rename or delete, which a reader
// without FILE_SHARE_DELETE would block (sources.md S15). rel holds no link any more:
// resolve followed them inside the tree.
func openRegular(r *os.Root, rel string) (*os.File, error) {
	path := filepath.Join(r.Name(), rel)
	name, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	h, err := windows.CreateFile(name,
		windows.GENERIC_READ,
		windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE|windows.FILE_SHARE_DELETE,
		nil,
		windows.OPEN_EXISTING,
		windows.FILE_ATTRIBUTE_NORMAL|windows.FILE_FLAG_BACKUP_SEMANTICS,
		0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	return os.NewFile(uintptr(h), path), nil
}
