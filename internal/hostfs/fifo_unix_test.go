//go:build unix

package hostfs

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

func TestRefusesNonRegular(t *testing.T) {
	host, _ := tree(t)
	fifo := filepath.Join(host, "etc", "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skip(err)
	}
	// An absolute link to /dev/zero means <host>/dev/zero: make that the real device
	// node's path by linking the tree's /dev to the machine's.
	mustLink(t, "/dev/zero", filepath.Join(host, "etc", "zero"))
	mustLink(t, "/dev", filepath.Join(host, "devlink"))
	if err := os.Symlink("/dev", filepath.Join(host, "dev")); err != nil {
		t.Fatal(err)
	}
	h := New(host)
	for _, name := range []string{"/etc/fifo", "/etc", "/devlink/zero"} {
		start := time.Now()
		_, err := h.ReadFile(filepath.Join(host, name), MaxSmall)
		if time.Since(start) > 2*time.Second {
			t.Errorf("%s: blocked", name)
		}
		// /devlink/zero resolves to <host>/dev/zero -> /dev/zero, an absolute link
		// re-rooted under <host>: <host>/dev is itself a link to /dev, i.e. to <host>/dev
		// again, a loop; never the machine's device.
		if r := Reason(err); r != ReasonNotRegular && r != ReasonLinkLoop {
			t.Errorf("%s: %v", name, err)
		}
	}
	// Fixed on the next read.
	os.Remove(fifo)
	mustWrite(t, fifo, "ok")
	if b, err := h.ReadFile(fifo, MaxSmall); err != nil || string(b) != "ok" {
		t.Errorf("after fix: %q %v", b, err)
	}
}
