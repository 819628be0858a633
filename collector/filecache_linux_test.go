//go:build linux

package collector

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/secagent-exporter/secagent_exporter/internal/hostfs"
)

// A FIFO planted where a cached file was is refused at once, not served from the cache.
func TestFileCacheFIFORefused(t *testing.T) {
	_, path, hfs, c, p := newCacheFixture(t, "ok:one", true)
	if _, err := cachedParse(c, "test", hfs, path, readSmall, p.parse); err != nil {
		t.Fatal(err)
	}
	os.Remove(path)
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := cachedParse(c, "test", hfs, path, readSmall, p.parse)
		done <- err
	}()
	select {
	case err := <-done:
		if hostfs.Reason(err) != hostfs.ReasonNotRegular {
			t.Errorf("FIFO: %v, want a not_regular refusal", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("read of a FIFO blocked")
	}
	if c.len() != 0 {
		t.Errorf("%d entries after the FIFO, want 0", c.len())
	}
}

// Another file with the same size and modification time (a link retargeted, a file
// renamed over the old one) is another identity: device and inode tell them apart.
func TestFileCacheReplacedFileSameSizeAndMtime(t *testing.T) {
	dir := t.TempDir()
	a, b, link := filepath.Join(dir, "a.conf"), filepath.Join(dir, "b.conf"), filepath.Join(dir, "agent.conf")
	writeFile(t, a, "ok:aaa", 0o644)
	writeFile(t, b, "ok:bbb", 0o644)
	setMtime(t, a, time.Hour)
	setMtime(t, b, time.Hour)
	if err := os.Symlink("a.conf", link); err != nil {
		t.Fatal(err)
	}
	hfs := hostfs.New(dir)
	c := settledCache()
	var p countingParser
	if v, err := cachedParse(c, "test", hfs, link, readSmall, p.parse); err != nil || v != "aaa" {
		t.Fatalf("%q, %v", v, err)
	}
	os.Remove(link)
	if err := os.Symlink("b.conf", link); err != nil {
		t.Fatal(err)
	}
	if v, err := cachedParse(c, "test", hfs, link, readSmall, p.parse); err != nil || v != "bbb" {
		t.Errorf("after retargeting the link: %q, %v, want bbb", v, err)
	}
	// Renamed over: same path, new inode.
	writeFile(t, a, "ok:ccc", 0o644)
	setMtime(t, a, time.Hour)
	if err := os.Rename(a, b); err != nil {
		t.Fatal(err)
	}
	if v, err := cachedParse(c, "test", hfs, link, readSmall, p.parse); err != nil || v != "ccc" {
		t.Errorf("after a rename over the target: %q, %v, want ccc", v, err)
	}
}

// A rewrite that puts the old modification time back (cp -p, touch -d) changes the
// change time, which Linux gives.
func TestFileCacheMtimeRestoredRereads(t *testing.T) {
	_, path, hfs, c, p := newCacheFixture(t, "ok:one", true)
	if _, err := cachedParse(c, "test", hfs, path, readSmall, p.parse); err != nil {
		t.Fatal(err)
	}
	before, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, path, "ok:two", 0o644)
	if err := os.Chtimes(path, before.ModTime(), before.ModTime()); err != nil {
		t.Fatal(err)
	}
	after, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fileIDOf(after).ctime == fileIDOf(before).ctime {
		t.Skip("change time unchanged by a rewrite: the file system's timestamps are too coarse for this test")
	}
	if v, err := cachedParse(c, "test", hfs, path, readSmall, p.parse); err != nil || v != "two" {
		t.Errorf("after a rewrite with the old mtime: %q, %v, want two", v, err)
	}
}
