package logtail

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// A scrape that finds every log as it left it should cost a stat per file, not an open, a
// read of the head and a glob per directory. After a clean Poll the Tailer remembers the
// identity, size and modification time of every file it read and of each glob's
// directory; the next Poll stats those and returns at once when nothing moved. Creating,
// renaming or removing a file changes its directory's modification time, appending changes
// the file's size and time, and replacing it changes its identity, so any of these falls
// through to the full Poll. Times that are too recent to be told apart from a change in the
// same clock tick (coarse file system timestamps) disable the shortcut for that Poll.

// quietAge is how old a modification time must be for the shortcut to trust it: a change
// in the same tick of a coarse clock (FAT's 2 s) would leave the time as it was.
const quietAge = 3 * time.Second

type statKey struct {
	path string
	id   fileIdentity
	size int64
	mod  time.Time
	// absent: a glob directory that does not exist (a default location of another agent
	// version); its appearance is a change.
	absent bool
}

type quickState struct {
	keys []statKey // directories first, then files
}

// unchanged reports whether every remembered directory and file is as the last Poll left
// it; the caller then skips the Poll.
func (t *Tailer) unchanged() bool {
	q := t.quick
	if q == nil {
		return false
	}
	for _, k := range q.keys {
		id, size, mod, ok := statPath(k.path)
		if k.absent && !ok {
			continue
		}
		if !ok || k.absent || id != k.id || size != k.size || !mod.Equal(k.mod) {
			t.quick = nil
			return false
		}
	}
	t.quickPolls.Add(1)
	return true
}

// remember records the state after a clean Poll, or forgets it when the Poll is not one a
// stat can stand for (errors, copies in progress, vanished files kept a while, recent
// times, glob directories that are themselves patterns).
func (t *Tailer) remember(logs []*openLog, clean bool) {
	t.quick = nil
	if !clean || !statSupported {
		return
	}
	for _, fs := range t.files {
		if fs.Missing > 0 {
			return
		}
	}
	now := time.Now()
	q := &quickState{}
	dirs := map[string]bool{}
	for _, g := range t.src.Globs {
		dir := filepath.Dir(g)
		if strings.ContainsAny(dir, `*?[\`) {
			return
		}
		if dirs[dir] {
			continue
		}
		dirs[dir] = true
		id, size, mod, ok := statPath(dir)
		if !ok {
			if _, err := os.Lstat(dir); !errors.Is(err, fs.ErrNotExist) {
				return // there but not statable: let the full Poll report it
			}
			q.keys = append(q.keys, statKey{path: dir, absent: true})
			continue
		}
		if now.Sub(mod) < quietAge {
			return
		}
		q.keys = append(q.keys, statKey{path: dir, id: id, size: size, mod: mod})
	}
	for _, l := range logs {
		if l.copyOf != nil || l.state == nil || now.Sub(l.modTime) < quietAge {
			return
		}
		q.keys = append(q.keys, statKey{path: l.path, id: l.id, size: l.size, mod: l.modTime})
	}
	t.quick = q
}

// QuickPolls counts the Polls answered by the stat shortcut, for tests and benchmarks.
func (t *Tailer) QuickPolls() int64 { return t.quickPolls.Load() }
