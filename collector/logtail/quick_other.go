//go:build !unix

package logtail

import "time"

// statSupported: off Unix a file's identity needs an open handle (the NTFS file index), so
// every Poll takes the full path.
const statSupported = false

func statPath(string) (fileIdentity, int64, time.Time, bool) {
	return fileIdentity{}, 0, time.Time{}, false
}
