//go:build windows && wine

package qualys

import _ "unsafe" // go:linkname

// Under Wine 8 (the Wine lane, built with -tags wine -ldflags=-checklinkname=0) os.RemoveAll
// fails with "Invalid function": Wine has no FileDispositionInformationEx and answers
// STATUS_NOT_IMPLEMENTED, which Go does not take as a reason to use its older delete path.
// This switches the standard library to that path, so t.TempDir cleans up.
//
//go:linkname wineDeleteatFallback internal/syscall/windows.TestDeleteatFallback
var wineDeleteatFallback bool

func init() { wineDeleteatFallback = true }
