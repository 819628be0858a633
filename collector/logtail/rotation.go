package logtail

import (
	"bytes"
	"hash/fnv"
	"io"
	"path/filepath"

	"github.com/secagent-exporter/secagent_exporter/internal/hostfs"
)

// Which file is which across polls: identity (device and inode, volume and index), the
// hash of a file's head, and the matching of the files found to the saved states that
// tells a rotated, a truncated and a new file apart.

func openLogFile(hfs hostfs.FS, path string) (*openLog, error) {
	f, err := hfs.Open(path)
	if err != nil {
		return nil, err
	}
	id, size, mod, err := statOpen(f)
	if err != nil {
		f.Close()
		return nil, err
	}
	head := make([]byte, min(size, headBytes))
	n, err := f.ReadAt(head, 0)
	if err != nil && err != io.EOF {
		f.Close()
		return nil, err
	}
	return &openLog{path: path, f: f, id: id, size: size, modTime: mod, head: head[:n]}, nil
}

func compareIdentity(a, b fileIdentity) int {
	switch {
	case a.Volume != b.Volume:
		return cmpUint(a.Volume, b.Volume)
	default:
		return cmpUint(a.Index, b.Index)
	}
}

func cmpUint(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func hashHead(b []byte) uint64 {
	h := fnv.New64a()
	h.Write(b)
	return h.Sum64()
}

// headMatches reports whether the file l begins with the bytes fs saw at the head.
func headMatches(fs *fileState, l *openLog) bool {
	if fs.HeadLen == 0 {
		return true
	}
	return len(l.head) >= fs.HeadLen && hashHead(l.head[:fs.HeadLen]) == fs.HeadHash
}

// resolve attaches each open file to the state it continues, or to a fresh one.
//
//	same identity, same head, size >= offset   -> continue (rename rotation keeps the inode)
//	same identity, other head or size < offset -> truncated or replaced in place: start at 0
//	new identity, head of a vanished or reset  -> copy (copy-truncate, replace-by-copy):
//	  file                                        inherit its offset
//	new identity, head of a file still present -> copy in progress (copy-truncate before the
//	                                              truncate): its lines are read from the original,
//	                                              the copy is parked at the original's offset
//	new identity otherwise                     -> new file: from 0, or the bounded tail on first start
//
// A file whose head is still too short to be recognised keeps being matched as if new, so
// a copy that was empty when first seen is not read again from its start.
func (t *Tailer) resolve(logs []*openLog) {
	byID := make(map[fileIdentity]*fileState, len(t.files))
	for _, fs := range t.files {
		byID[fs.ID] = fs
	}
	claimed := make(map[*fileState]*openLog, len(t.files))
	youngOwn := make(map[*openLog]*fileState)
	for _, l := range logs {
		fs := byID[l.id]
		if fs == nil {
			continue
		}
		if headMatches(fs, l) && l.size >= fs.Offset {
			if fs.HeadLen < minHeadForCopy && fs.Offset <= int64(fs.HeadLen) {
				youngOwn[l] = fs
				continue
			}
			claimed[fs] = l
			l.state = fs
			continue
		}
		t.logger.Debug("log truncated or replaced in place", "source", t.src.Name, "file", filepath.Base(l.path),
			"offset", fs.Offset, "size", l.size)
	}
	for _, l := range logs {
		if l.state != nil {
			continue
		}
		for _, fs := range t.files {
			if fs == youngOwn[l] || fs.HeadLen < minHeadForCopy || l.size < fs.Offset || !headMatches(fs, l) {
				continue
			}
			if orig, ok := claimed[fs]; ok {
				if orig != nil {
					l.copyOf = orig
					l.state = &fileState{}
					t.logger.Debug("log copy in progress; its lines are read from the original", "source", t.src.Name,
						"file", filepath.Base(l.path), "from", filepath.Base(orig.path))
					break
				}
				continue // already inherited by another copy
			}
			claimed[fs] = nil
			inherited := *fs
			l.state = &inherited
			t.logger.Debug("log copied or replaced by a copy; continuing at the saved offset", "source", t.src.Name,
				"file", filepath.Base(l.path), "from", filepath.Base(fs.Path), "offset", fs.Offset)
			break
		}
		if l.state != nil {
			continue
		}
		// Two files starting from scratch in this Poll with the same head are the original
		// and a copy the rotator is still making (their state was too young to tell).
		for _, o := range logs {
			if o == l || o.copyOf != nil || (o.state == nil && youngOwn[o] == nil) || !sameHead(l.head, o.head) {
				continue
			}
			l.copyOf = o
			l.state = &fileState{}
			t.logger.Debug("log copy in progress; its lines are read from the original", "source", t.src.Name,
				"file", filepath.Base(l.path), "from", filepath.Base(o.path))
			break
		}
		if l.state != nil {
			continue
		}
		if fs := youngOwn[l]; fs != nil {
			claimed[fs] = l
			l.state = fs
			continue
		}
		fs := &fileState{}
		if !t.known || l.size > t.src.BackfillBytes {
			if !t.known {
				t.logger.Debug("first start: reading the tail of the log", "source", t.src.Name,
					"file", filepath.Base(l.path), "bytes", min(l.size, t.src.BackfillBytes))
			} else {
				t.logger.Info("new log larger than the backfill bound; reading only its tail", "source", t.src.Name,
					"file", filepath.Base(l.path), "size", l.size, "bytes", t.src.BackfillBytes)
			}
			if l.size > t.src.BackfillBytes {
				fs.Offset = l.size - t.src.BackfillBytes
				l.sync = true
			}
		}
		l.state = fs
	}

	seen := make(map[fileIdentity]bool, len(logs))
	next := make([]*fileState, 0, len(logs))
	for _, l := range logs {
		seen[l.id] = true
		l.state.Path = l.path
		l.state.ID = l.id
		l.state.Missing = 0
		next = append(next, l.state)
	}
	for _, fs := range t.files {
		if _, ok := claimed[fs]; ok {
			continue
		}
		if seen[fs.ID] {
			// Truncated or replaced in place: the identity now belongs to the new
			// content, but the old head and offset are kept a while for a copy that
			// shows up in a later Poll (the glob may have run before the copy existed).
			if fs.HeadLen < minHeadForCopy {
				continue
			}
			fs.ID = fileIdentity{}
		}
		fs.Missing++
		if fs.Missing < forgetAfterPolls {
			next = append(next, fs)
		}
	}
	t.files = next
}

// sameHead reports whether one head is a prefix of the other, long enough to be trusted.
func sameHead(a, b []byte) bool {
	n := min(len(a), len(b))
	return n >= minHeadForCopy && bytes.Equal(a[:n], b[:n])
}

// parkCopy positions a copy-in-progress at the offset its original reached.
func parkCopy(l *openLog) {
	orig := l.copyOf.state
	l.state.Offset = orig.Offset
	l.state.Encoding = orig.Encoding
	l.state.SkipLine = orig.SkipLine
	l.state.HeadLen = len(l.head)
	l.state.HeadHash = hashHead(l.head)
}
