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
	root := t.TempDir()
	dir := filepath.Join(root, "var", "lib", "dpkg")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "status"), 0o644); err != nil {
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
		t.Fatal("Find blocked on a FIFO")
	}
}

// A FIFO in place of rpmdb.sqlite-wal is refused the same way: the database is reported
// unreadable rather than read without the commits its WAL may hold.
func TestFindRefusesFIFOWAL(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "var", "lib", "rpm")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "rpmdb.sqlite"), fixture(t), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "rpmdb.sqlite-wal"), 0o644); err != nil {
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
		t.Fatal("Find blocked on a FIFO -wal")
	}
}
