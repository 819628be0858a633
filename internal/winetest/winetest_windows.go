//go:build windows && wine

package winetest

import _ "unsafe" // go:linkname

// Under Wine 8 (the Wine lane builds its tests with -tags wine -ldflags=-checklinkname=0)
// os.RemoveAll fails with "Invalid function": Wine has no FileDispositionInformationEx and
// answers STATUS_NOT_IMPLEMENTED, which Go does not take as a reason to use its older
// delete path. This switches the standard library to that path, so t.TempDir cleans up.
//
//go:linkname deleteatFallback internal/syscall/windows.TestDeleteatFallback
var deleteatFallback bool

func init() { deleteatFallback = true }
