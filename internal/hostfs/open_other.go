//go:build !unix && !windows

package hostfs

import "os"

func openRegular(r *os.Root, rel string) (*os.File, error) {
	return r.Open(rel)
}
