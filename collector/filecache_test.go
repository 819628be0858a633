package collector

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/secagent-exporter/secagent_exporter/internal/hostfs"
)

// countingParser parses "ok:<value>" and fails on anything else, counting its calls.
type countingParser struct{ calls int }

var errBadContent = errors.New("bad content")

func (p *countingParser) parse(b []byte) (string, error) {
	p.calls++
	v, ok := strings.CutPrefix(string(b), "ok:")
	if !ok {
		return "", errBadContent
	}
	return v, nil
}

// settledCache is a cache whose clock is an hour ahead, so files written by the test are
// past the racy window without the test waiting (the window is about the clock, not
// about the files).
// newCacheFixture writes dir/agent.conf with content and a settled modification time,
// and returns it with its hostfs tree, a cache (settled: its clock far past the file's
// times) and a counting parser.
func newCacheFixture(t *testing.T, content string, settled bool) (dir, path string, hfs hostfs.FS, c *fileCache, p *countingParser) {
	t.Helper()
	dir = t.TempDir()
	path = filepath.Join(dir, "agent.conf")
	writeFile(t, path, content, 0o644)
	setMtime(t, path, time.Hour)
	c = newFileCache()
	if settled {
		c = settledCache()
	}
	return dir, path, hostfs.New(dir), c, &countingParser{}
}

func settledCache() *fileCache {
	c := newFileCache()
	c.now = func() time.Time { return time.Now().Add(time.Hour) }
	return c
}

// setMtime gives path a modification time in the past, distinct per call site.
func setMtime(t *testing.T, path string, ago time.Duration) {
	t.Helper()
	when := time.Now().Add(-ago).Truncate(time.Second)
	if err := os.Chtimes(path, when, when); err != nil {
		t.Fatal(err)
	}
}

func TestFileCacheSameIdentityDoesNotReparse(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "etc", "agent.conf")
	writeFile(t, path, "ok:one", 0o644)
	setMtime(t, path, time.Hour)
	hfs := hostfs.New(dir)
	c := settledCache()
	var p countingParser
	for i := range 5 {
		v, err := cachedParse(c, "test", hfs, path, readSmall, p.parse)
		if err != nil || v != "one" {
			t.Fatalf("read %d: %q, %v", i, v, err)
		}
	}
	if p.calls != 1 {
		t.Errorf("parsed %d times for 5 reads of an unchanged file, want 1", p.calls)
	}
	// Another kind of the same file is another entry.
	if _, err := cachedParse(c, "other", hfs, path, readSmall, p.parse); err != nil || p.calls != 2 {
		t.Errorf("second kind: err %v, %d parses, want 2", err, p.calls)
	}
}

func TestFileCacheIdentityChangeRereads(t *testing.T) {
	_, path, hfs, c, p := newCacheFixture(t, "ok:one", true)
	get := func() string {
		t.Helper()
		v, err := cachedParse(c, "test", hfs, path, readSmall, p.parse)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	get()
	// Size changes.
	writeFile(t, path, "ok:three", 0o644)
	setMtime(t, path, time.Hour)
	if v := get(); v != "three" {
		t.Errorf("after a rewrite with another size: %q, want three", v)
	}
	// Same size, another modification time.
	writeFile(t, path, "ok:seven", 0o644)
	setMtime(t, path, 2*time.Hour)
	if v := get(); v != "seven" {
		t.Errorf("after a same-size rewrite with another mtime: %q, want seven", v)
	}
	if p.calls != 3 {
		t.Errorf("%d parses, want 3 (one per identity)", p.calls)
	}
}

// A file modified within the racy window is read again on every call: its identity
// could stay the same across a rewrite in the same timestamp tick.
func TestFileCacheRacyMtimeRereads(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "agent.conf")
	writeFile(t, path, "ok:one", 0o644)
	setMtime(t, path, time.Hour)
	hfs := hostfs.New(dir)
	c := newFileCache()
	fileTime := time.Now().Add(-time.Hour).Truncate(time.Second)
	var p countingParser
	// The clock is just past the file's times: within the window (the change time of the
	// Chtimes is now, so the clock must be near now too for the ctime on Linux).
	clock := time.Now()
	if runtime.GOOS == "windows" {
		clock = fileTime // no change time there: the modification time alone decides
	}
	c.now = func() time.Time { return clock.Add(fileCacheRacyWindow / 2) }
	for range 3 {
		if _, err := cachedParse(c, "test", hfs, path, readSmall, p.parse); err != nil {
			t.Fatal(err)
		}
	}
	if p.calls != 3 {
		t.Errorf("racy file parsed %d times in 3 reads, want 3", p.calls)
	}
	if c.len() != 0 {
		t.Errorf("racy file kept in the cache (%d entries)", c.len())
	}
	// A modification time in the future (clock skew) is racy too.
	c.now = func() time.Time { return fileTime.Add(-time.Hour) }
	if _, err := cachedParse(c, "test", hfs, path, readSmall, p.parse); err != nil || c.len() != 0 {
		t.Errorf("file from the future cached: err %v, %d entries", err, c.len())
	}
	// Once the window has passed it is cached.
	c.now = func() time.Time { return time.Now().Add(time.Hour) }
	for range 2 {
		if _, err := cachedParse(c, "test", hfs, path, readSmall, p.parse); err != nil {
			t.Fatal(err)
		}
	}
	if p.calls != 5 {
		t.Errorf("settled file parsed %d times in total, want 5", p.calls)
	}
}

func TestFileCacheParseErrorRetriedWhenFixed(t *testing.T) {
	_, path, hfs, c, p := newCacheFixture(t, "garbage", true)
	for range 3 {
		if _, err := cachedParse(c, "test", hfs, path, readSmall, p.parse); !errors.Is(err, errBadContent) {
			t.Fatalf("err %v, want the parse error", err)
		}
	}
	if p.calls != 1 {
		t.Errorf("unchanged bad file parsed %d times, want 1 (its error is cached)", p.calls)
	}
	writeFile(t, path, "ok:fixed", 0o644)
	setMtime(t, path, 2*time.Hour)
	v, err := cachedParse(c, "test", hfs, path, readSmall, p.parse)
	if err != nil || v != "fixed" {
		t.Errorf("after the fix: %q, %v", v, err)
	}
}

func TestFileCacheMissingAndReadErrorsNotCached(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "agent.conf")
	hfs := hostfs.New(dir)
	c := settledCache()
	var p countingParser
	_, err := cachedParse(c, "test", hfs, path, readSmall, p.parse)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
	// The error is the read's own, as before the cache, for a missing file and for a
	// missing directory on the way.
	for _, p := range []string{path, filepath.Join(dir, "nodir", "agent.conf")} {
		_, err := cachedParse(c, "test", hfs, p, readSmall, (&countingParser{}).parse)
		if _, want := hfs.ReadFile(p, hostfs.MaxSmall); err == nil || err.Error() != want.Error() {
			t.Errorf("missing file error %v, the read says %v", err, want)
		}
	}
	// Too large: refused by the read on every call, never cached.
	writeFile(t, path, "ok:"+strings.Repeat("x", hostfs.MaxSmall), 0o644)
	setMtime(t, path, time.Hour)
	for range 2 {
		_, err = cachedParse(c, "test", hfs, path, readSmall, p.parse)
		if hostfs.Reason(err) != hostfs.ReasonTooLarge {
			t.Fatalf("oversized file: %v, want a too_large refusal", err)
		}
	}
	if p.calls != 0 || c.len() != 0 {
		t.Errorf("refused file: %d parses, %d entries, want 0 and 0", p.calls, c.len())
	}
	// A cached file that disappears is forgotten and reported missing.
	writeFile(t, path, "ok:one", 0o644)
	setMtime(t, path, time.Hour)
	if _, err := cachedParse(c, "test", hfs, path, readSmall, p.parse); err != nil || c.len() != 1 {
		t.Fatalf("err %v, %d entries", err, c.len())
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if _, err := cachedParse(c, "test", hfs, path, readSmall, p.parse); !errors.Is(err, fs.ErrNotExist) || c.len() != 0 {
		t.Errorf("removed file: err %v, %d entries, want not-exist and 0", err, c.len())
	}
}

// A directory in place of the file is refused by the read as before and not cached.
func TestFileCacheNotRegularRefused(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "agent.conf")
	if err := os.MkdirAll(path, 0o755); err != nil {
		t.Fatal(err)
	}
	c := settledCache()
	var p countingParser
	_, err := cachedParse(c, "test", hostfs.New(dir), path, readSmall, p.parse)
	if hostfs.Reason(err) != hostfs.ReasonNotRegular {
		t.Errorf("directory: %v, want a not_regular refusal", err)
	}
	if p.calls != 0 || c.len() != 0 {
		t.Errorf("directory: %d parses, %d entries", p.calls, c.len())
	}
}

// Past fileCacheMaxEntries names the cache starts over instead of growing.
func TestFileCacheBounded(t *testing.T) {
	dir := t.TempDir()
	hfs := hostfs.New(dir)
	c := settledCache()
	var p countingParser
	for i := range fileCacheMaxEntries + 10 {
		path := filepath.Join(dir, fmt.Sprintf("f%04d.conf", i))
		writeFile(t, path, "ok:v", 0o644)
		if _, err := cachedParse(c, "test", hfs, path, readSmall, p.parse); err != nil {
			t.Fatal(err)
		}
		if c.len() > fileCacheMaxEntries {
			t.Fatalf("%d entries, bound %d", c.len(), fileCacheMaxEntries)
		}
	}
}

// len is the number of cached files, for tests.
func (c *fileCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}
