//go:build windows

package logtail

import (
	"fmt"
	"os"
	"time"

	"golang.org/x/sys/windows"
)

// statOpen identifies the open file by volume serial number and file index, the NTFS
// equivalent of device and inode. The file was opened by hostfs with read, write and
// delete sharing, so the agents can keep rotating their logs (sources.md S15).
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
