//go:build unix

package pkgdb

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/secagent-exporter/secagent_exporter/internal/hostfs"
)

// A FIFO in place of dpkg's status file is refused at once (no blocking open, no read) and
// reported as an unreadable database, not as "no database".
func TestFindRefusesFIFO(t *testing.T) {
	findWithFIFO(t, "var/lib/dpkg/status", nil)
}

// A FIFO in place of rpmdb.sqlite-wal is refused the same way: the database is reported
// unreadable rather than read without the commits its WAL may hold.
func TestFindRefusesFIFOWAL(t *testing.T) {
	findWithFIFO(t, "var/lib/rpm/rpmdb.sqlite-wal", map[string][]byte{"var/lib/rpm/rpmdb.sqlite": fixture(t)})
}

// findWithFIFO plants a FIFO at fifo (and files) under a new root and wants Find to answer
// package_db_unreadable without blocking.
func findWithFIFO(t *testing.T, fifo string, files map[string][]byte) {
	t.Helper()
	root := t.TempDir()
	for rel, data := range files {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(root, rel)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, rel), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Dir(filepath.Join(root, fifo)), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(root, fifo), 0o644); err != nil {
		t.Skip("mkfifo:", err)
	}
	f := NewFinder(hostfs.New(root), func(p string) string { return filepath.Join(root, p) })
	done := make(chan string, 1)
	go func() { _, _, reason := f.Find([]string{"qualys-cloud-agent"}); done <- reason }()
	select {
	case reason := <-done:
		if reason != ReasonUnreadable {
			t.Fatalf("reason %q, want %q", reason, ReasonUnreadable)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("Find blocked on a FIFO at %s", fifo)
	}
}
