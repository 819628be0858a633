package collector

import (
	"errors"
	"io/fs"
	"sync"
	"time"

	"github.com/secagent-exporter/secagent_exporter/internal/hostfs"
)

// Host files parsed on their identity. Agent configurations, the connector's XML and the
// ClamAV database headers change a few times a day, but a scrape used to open, read and
// parse every one of them. A fileCache keeps the parsed value of each file with the
// identity the file had when it was read (size, modification time and, where the OS
// gives them, device, inode and change time); a scrape stats the file through hostfs
// (same path resolution as a read) and reads and parses it again only when the identity
// changed.
//
// Rules:
//   - Stat goes through hostfs, so a link retargeted inside the tree is seen; the read
//     itself is the caller's hostfs read, with its caps and regular-file check.
//   - Only a regular file is cached. A missing file returns the stat's not-exist error,
//     which is the error the read returns too (hostfs resolves the path before opening
//     it). Any other stat error (refused path, permission) or a non-regular file skips
//     the cache: the caller's read runs and reports its own error exactly as before. In
//     both cases the entry is dropped.
//   - A read error (permission, I/O, too large) is never cached; a parse error is, with
//     its file identity, and is retried when the file changes.
//   - Racy timestamps: a file whose modification or change time is less than
//     fileCacheRacyWindow before now (or in the future) can still change without its
//     identity changing (timestamp granularity, a rewrite of the same size within the
//     same tick), so its parse is not kept and the next scrape reads it again. This is
//     the rule git applies to its index ("racy git", see
//     https://git-scm.com/docs/racy-git). The window uses the machine's clock, never
//     --testing.time: it is about the file system's timestamps.
//   - procfs and sysfs files are never cached (their size and times say nothing about
//     their content): only Paths.Host() files go through here.
//
// Values handed out are shared between scrapes: callers must treat them as read-only.

// fileCacheRacyWindow: see above. Two seconds covers file systems with a 1 s mtime
// (ext3, HFS+) and FAT's 2 s.
const fileCacheRacyWindow = 2 * time.Second

// fileCacheMaxEntries bounds the cache: the set of paths is fixed by the configuration,
// but a glob or a changing LogFileDir could keep adding names; past the bound the cache
// starts over.
const fileCacheMaxEntries = 512

// fileID is what a file is recognised by between two scrapes.
type fileID struct {
	size  int64
	mtime int64 // Unix nanoseconds
	ctime int64 // Unix nanoseconds, 0 where the OS does not give it
	//lint:ignore U1000 set where the OS gives them (filecache_linux.go); fileIDs are compared whole
	dev uint64
	//lint:ignore U1000 as dev
	ino uint64
}

func fileIDOf(fi fs.FileInfo) fileID {
	id := fileID{size: fi.Size(), mtime: fi.ModTime().UnixNano()}
	sysFileID(fi, &id)
	return id
}

// racy reports whether the file's times are too recent to trust its identity.
func (id fileID) racy(now time.Time) bool {
	limit := now.Add(-fileCacheRacyWindow).UnixNano()
	return id.mtime >= limit || (id.ctime != 0 && id.ctime >= limit)
}

type fileCacheKey struct {
	kind string // which read and parse produced the value
	dir  string // hostfs tree
	path string
}

type fileCacheEntry struct {
	id  fileID
	val any
	err error
}

// fileCache maps (kind, tree, path) to the last parse of the file. Safe for concurrent use.
type fileCache struct {
	now func() time.Time // the machine's clock; tests replace it

	mu      sync.Mutex
	entries map[fileCacheKey]fileCacheEntry
}

func newFileCache() *fileCache {
	return &fileCache{now: time.Now, entries: map[fileCacheKey]fileCacheEntry{}}
}

// hostFileCache serves every collector: the files are the host's, whichever collector
// reads them (audit rules are read by linux_security and qualys).
var hostFileCache = newFileCache()

func (c *fileCache) lookup(k fileCacheKey, id fileID) (fileCacheEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[k]
	return e, ok && e.id == id
}

func (c *fileCache) store(k fileCacheKey, e fileCacheEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[k]; !ok && len(c.entries) >= fileCacheMaxEntries {
		clear(c.entries)
	}
	c.entries[k] = e
}

func (c *fileCache) forget(k fileCacheKey) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, k)
}

// cachedParse returns parse(read(hfs, path)), from c when the file's identity is the one
// it had at the last read and that identity is not racy. kind names the read and parse
// pair (two parsers of one file are two entries). read is the caller's hostfs read
// (ReadFile with the cap for that kind of file, or a bounded head read); its error is
// returned as it is, uncached, with the zero T. A nil c reads and parses every time.
func cachedParse[T any](c *fileCache, kind string, hfs hostfs.FS, path string,
	read func(hostfs.FS, string) ([]byte, error), parse func([]byte) (T, error)) (T, error) {
	if c == nil {
		return readAndParse(hfs, path, read, parse)
	}
	k := fileCacheKey{kind: kind, dir: hfs.Dir(), path: path}
	fi, err := hfs.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		// A read resolves the path the same way first and fails with this very error
		// (a missing file costs one resolution, not two).
		c.forget(k)
		var zero T
		return zero, err
	}
	if err != nil || !fi.Mode().IsRegular() {
		// Refused or unreadable: the read reports it in its own words.
		c.forget(k)
		return readAndParse(hfs, path, read, parse)
	}
	id := fileIDOf(fi)
	if e, ok := c.lookup(k, id); ok {
		v, _ := e.val.(T)
		return v, e.err
	}
	raw, err := read(hfs, path)
	if err != nil {
		c.forget(k)
		var zero T
		return zero, err
	}
	v, err := parse(raw)
	if id.racy(c.now()) {
		// Identity taken before the read: a write in the same tick would go unseen.
		c.forget(k)
	} else {
		c.store(k, fileCacheEntry{id: id, val: v, err: err})
	}
	return v, err
}

func readAndParse[T any](hfs hostfs.FS, path string, read func(hostfs.FS, string) ([]byte, error), parse func([]byte) (T, error)) (T, error) {
	raw, err := read(hfs, path)
	if err != nil {
		var zero T
		return zero, err
	}
	return parse(raw)
}

// readSmall is a hostfs read capped at hostfs.MaxSmall (configuration and status files).
func readSmall(hfs hostfs.FS, path string) ([]byte, error) {
	return hfs.ReadFile(path, hostfs.MaxSmall)
}

// readXML is a hostfs read capped at hostfs.MaxXML (the Cisco connector's XML files).
func readXML(hfs hostfs.FS, path string) ([]byte, error) { return hfs.ReadFile(path, hostfs.MaxXML) }

// rawBytes is the parse of a file whose bytes are the value: the cache then saves the
// open and read, and the caller interprets the bytes per scrape.
func rawBytes(b []byte) ([]byte, error) { return b, nil }
