//go:build !linux

package collector

import "io/fs"

// sysFileID: elsewhere (Windows, the BSDs) the identity is size and modification time
// only, with the racy-timestamp rule of fileCache.
func sysFileID(fs.FileInfo, *fileID) {}
