package logtail

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/secagent-exporter/secagent_exporter/internal/hostfs"
)

// stateVersion is bumped when the state file layout changes incompatibly; a file with
// another version is treated like a corrupt one (bounded backfill, never a crash).
const stateVersion = 1

// fileIdentity names a file independently of its path: device and inode on Unix,
// volume serial number and file index on Windows.
type fileIdentity struct {
	Volume uint64 `json:"volume"`
	Index  uint64 `json:"index"`
}

// fileState is what the tailer remembers about one log file.
type fileState struct {
	Path     string       `json:"path"`
	ID       fileIdentity `json:"id"`
	Offset   int64        `json:"offset"`             // first byte not yet delivered
	HeadLen  int          `json:"head_len"`           // bytes covered by HeadHash
	HeadHash uint64       `json:"head_hash"`          // FNV-1a of the first HeadLen bytes
	Encoding string       `json:"encoding,omitempty"` // detected or configured; "" = not yet
	SkipLine bool         `json:"skip_line,omitempty"`
	Missing  int          `json:"missing,omitempty"` // consecutive polls the file was not found
}

// sourceState is one state file: everything one Source needs to resume.
type sourceState struct {
	Version int             `json:"version"`
	Source  string          `json:"source"`
	Saved   time.Time       `json:"saved"`
	Files   []fileState     `json:"files"`
	Derived json.RawMessage `json:"derived,omitempty"`
}

// Store keeps the persisted state of every Source in one directory, one JSON file per
// source, so a corrupt file costs one source a backfill and nothing else.
type Store struct {
	dir    string // "" keeps state in memory only
	logger *slog.Logger

	mu  sync.Mutex
	mem map[string][]byte
}

// OpenStore prepares dir for state files. It never fails: when dir is "" or cannot be
// created or written, state is kept in memory (offsets then do not survive a restart,
// so every start is a first start with a bounded backfill) and the reason is logged.
func OpenStore(dir string, logger *slog.Logger) *Store {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s := &Store{logger: logger, mem: make(map[string][]byte)}
	if dir == "" {
		logger.Info("no state directory configured; log offsets are kept in memory only")
		return s
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		logger.Warn("state directory unusable; log offsets are kept in memory only", "dir", dir, "err", err)
		return s
	}
	probe, err := os.CreateTemp(dir, ".probe-*")
	if err != nil {
		logger.Warn("state directory not writable; log offsets are kept in memory only", "dir", dir, "err", err)
		return s
	}
	name := probe.Name()
	probe.Close()
	os.Remove(name)
	s.dir = dir
	removeStaleTemps(dir, time.Now(), logger)
	return s
}

// maxStateBytes bounds one saved state: offsets of a few dozen files and a collector's
// derived counters take kilobytes.
const maxStateBytes = 8 << 20

// staleTempAge is how old a temporary file of a save must be before it is taken for
// the leftover of a process killed mid-save: a save takes milliseconds, so a minute
// leaves no doubt that no running save owns it.
const staleTempAge = time.Minute

// removeStaleTemps deletes the temporary files of saves (and write probes) that a
// process killed at the wrong moment (kill -9, power loss) left behind, so they do
// not pile up in the state directory.
func removeStaleTemps(dir string, now time.Time, logger *slog.Logger) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		name := e.Name()
		temp := strings.HasPrefix(name, "logtail-") && strings.Contains(name, ".tmp-") ||
			strings.HasPrefix(name, ".probe-")
		if !temp || !e.Type().IsRegular() {
			continue
		}
		info, err := e.Info()
		if err != nil || now.Sub(info.ModTime()) < staleTempAge {
			continue
		}
		if err := os.Remove(filepath.Join(dir, name)); err == nil {
			logger.Info("removed the leftover of an interrupted state save", "file", name)
		}
	}
}

// Dir is the directory state is written to, "" when state is in memory only.
func (s *Store) Dir() string { return s.dir }

// stateFileName maps a source name to a file name that is safe on every OS.
func stateFileName(source string) string {
	var b strings.Builder
	b.WriteString("logtail-")
	for _, r := range source {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_', r == '-', r == '.':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	b.WriteString(".json")
	return b.String()
}

// load returns the saved state of source, or false when there is none or it is
// unreadable; a corrupt file is moved aside (".corrupt") for diagnosis and logged.
func (s *Store) load(source string) (*sourceState, bool) {
	var raw []byte
	path := ""
	if s.dir == "" {
		s.mu.Lock()
		raw = s.mem[source]
		s.mu.Unlock()
		if raw == nil {
			return nil, false
		}
	} else {
		path = filepath.Join(s.dir, stateFileName(source))
		var err error
		// Through hostfs: a state file replaced by a FIFO or a link to /dev/zero is
		// refused at once instead of hanging or filling memory.
		raw, err = hostfs.New(s.dir).ReadFile(path, maxStateBytes)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, false
		}
		if err != nil {
			s.logger.Warn("cannot read log state; starting with a bounded backfill", "source", source, "err", err)
			return nil, false
		}
	}
	var st sourceState
	err := json.Unmarshal(raw, &st)
	if err == nil && st.Version != stateVersion {
		err = fmt.Errorf("state version %d, want %d", st.Version, stateVersion)
	}
	if err == nil && st.Source != source {
		err = fmt.Errorf("state belongs to source %q", st.Source)
	}
	if err != nil {
		s.logger.Warn("log state corrupt; starting with a bounded backfill", "source", source, "err", err)
		if path != "" {
			if rerr := os.Rename(path, path+".corrupt"); rerr != nil {
				s.logger.Warn("cannot move corrupt log state aside", "source", source, "err", rerr)
			}
		}
		return nil, false
	}
	return &st, true
}

// save writes the state of one source atomically: a temporary file in the same
// directory, flushed, then renamed over the old one, so a crash leaves either the old
// or the new state and never half of one.
func (s *Store) save(st *sourceState) error {
	raw, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("encode log state: %w", err)
	}
	if s.dir == "" {
		s.mu.Lock()
		s.mem[st.Source] = raw
		s.mu.Unlock()
		return nil
	}
	final := filepath.Join(s.dir, stateFileName(st.Source))
	tmp, err := os.CreateTemp(s.dir, stateFileName(st.Source)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write log state: %w", err)
	}
	_, werr := tmp.Write(raw)
	serr := tmp.Sync()
	cerr := tmp.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write log state: %w", err)
	}
	if err := os.Rename(tmp.Name(), final); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write log state: %w", err)
	}
	return nil
}
