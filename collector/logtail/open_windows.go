//go:build windows

package logtail

import (
	"fmt"
	"os"
	"time"

	"golang.org/x/sys/windows"
)

// openShared opens a log with read, write and delete sharing: the McAfee, Cisco and
// Qualys agents keep their logs open and rotate them by rename or delete, which a
// reader without FILE_SHARE_DELETE would block (grok_exporter's Windows tailer learned
// the same; see sources.md S15). Poll closes the handle after every read.
func openShared(path string) (*os.File, error) {
	name, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	h, err := windows.CreateFile(name,
		windows.GENERIC_READ,
		windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE|windows.FILE_SHARE_DELETE,
		nil,
		windows.OPEN_EXISTING,
		windows.FILE_ATTRIBUTE_NORMAL,
		0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	return os.NewFile(uintptr(h), path), nil
}

// statOpen identifies the open file by volume serial number and file index, the NTFS
// equivalent of device and inode.
func statOpen(f *os.File) (fileIdentity, int64, time.Time, error) {
	var info windows.ByHandleFileInformation
	if err := windows.GetFileInformationByHandle(windows.Handle(f.Fd()), &info); err != nil {
		return fileIdentity{}, 0, time.Time{}, &os.PathError{Op: "stat", Path: f.Name(), Err: err}
	}
	if info.FileAttributes&windows.FILE_ATTRIBUTE_DIRECTORY != 0 {
		return fileIdentity{}, 0, time.Time{}, fmt.Errorf("%s: is a directory", f.Name())
	}
	id := fileIdentity{
		Volume: uint64(info.VolumeSerialNumber),
		Index:  uint64(info.FileIndexHigh)<<32 | uint64(info.FileIndexLow),
	}
	size := int64(info.FileSizeHigh)<<32 | int64(info.FileSizeLow)
	return id, size, time.Unix(0, info.LastWriteTime.Nanoseconds()), nil
}
