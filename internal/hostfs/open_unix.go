//go:build unix

package hostfs

import (
	"os"
	"syscall"
)

// openRegular opens rel without blocking: a FIFO opens at once (and is then refused by
// its type) instead of waiting for a writer. On regular files the flag has no effect.
func openRegular(r *os.Root, rel string) (*os.File, error) {
	return r.OpenFile(rel, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}
