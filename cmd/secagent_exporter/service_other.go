//go:build !windows

package main

// runWindowsService is a no-op outside Windows.
func runWindowsService() (code int, isService bool) { return 0, false }
