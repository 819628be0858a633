package logtail

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/secagent-exporter/secagent_exporter/internal/hostfs"
)

const (
	defaultBackfillBytes = 8 << 20
	defaultMaxLineBytes  = 64 << 10
	// headBytes is how much of a file's beginning identifies its content. A copy made
	// by copy-truncate rotation, or a replacement that keeps the old text, starts with
	// the same bytes as the file it came from.
	headBytes = 1024
	// minHeadForCopy is the least head length trusted to recognise a copy: a shorter
	// head (a BOM, one short line) could be shared by unrelated files.
	minHeadForCopy = 32
	// forgetAfterPolls drops a vanished file from the state. It is not dropped at once
	// because a rename seen half-way (old name gone, new name not yet globbed) must still
	// find the file's offset at the next Poll.
	forgetAfterPolls = 8
	// readChunk is the size of each read beyond the carried partial line.
	readChunk = 64 << 10
)

// Source describes one family of log files read as a single stream.
type Source struct {
	Name          string   // stable id: state key and the `source` label, e.g. "mcafee_masvc"
	Globs         []string // absolute glob patterns, already resolved by the caller
	Encoding      string   // "auto" (default when ""), "utf-8", "utf-16le", "utf-16be", "shift_jis"
	BackfillBytes int64    // tail read per file on first start; 0 means 8 MiB
	MaxLineBytes  int      // longer lines are truncated and counted; 0 means 64 KiB
	// IsRecordStart reports whether a decoded line begins a new record; nil means every line
	// does. Lines for which it is false are continuation lines appended (with "\n") to the
	// previous record (MA 4.x "Error trace:" lines, Qualys multi-line JSON).
	IsRecordStart func(line string) bool
	// FS is the host tree the globs are under (zero value: this machine's root). Every
	// log is globbed, resolved and opened through it: confined to the tree, regular
	// files only, never blocking on a FIFO.
	FS hostfs.FS
	// MaxFiles is how many files each glob takes, newest first; 0 means 64. Older ones
	// are left out and reported through OnSkip, so 50,000 matching files cost neither
	// 50,000 open descriptors nor a failed scrape.
	MaxFiles int
	// OnSkip, if set, is told about files left out (hostfs reason, count) in each Poll.
	OnSkip func(reason string, n int)
}

// defaultMaxFiles is Source.MaxFiles when 0: far above the handful of rotated files an
// agent keeps, far below any open-file limit.
const defaultMaxFiles = 64

// Record is one log record: a line, or a line and its continuation lines.
type Record struct {
	Text string // decoded UTF-8, continuation lines joined with "\n", no trailing newline
	File string // base name of the file it came from
	// Undecodable is set when a byte of the record did not decode in the file's
	// encoding (it is replaced by U+FFFD in Text); such lines are also in Counts.
	Undecodable bool
	// Truncated is set when a line of the record exceeded MaxLineBytes, or the record
	// exceeded it with its continuation lines, and was cut.
	Truncated bool
}

// Counts are cumulative since process start.
type Counts struct{ Records, Lines, Undecodable, Truncated uint64 }

// Tailer reads one Source incrementally. Poll, Commit and Derived must be called from
// one goroutine at a time; Counts and FilesSeen may be called from any.
type Tailer struct {
	src      Source
	encoding string // normalised Source.Encoding
	store    *Store
	logger   *slog.Logger

	files   []*fileState
	known   bool // a state existed or a Poll completed: new files are read from their start
	derived json.RawMessage
	// committedFiles and committedDerived are what the last successful Commit wrote
	// (offsets and derived state, without its time stamp): a scrape that read nothing
	// new does not rewrite and fsync the state file. The files are compared as values,
	// not re-encoded, so the unchanged case costs one encoding of the derived state.
	committedFiles   []fileState
	committedDerived []byte
	committedOK      bool

	filesSeen  atomic.Int64
	quickPolls atomic.Int64
	// quick: what the last clean Poll left, so an unchanged source costs a stat per file.
	quick                                     *quickState
	records, lines, undecodable, truncatedCnt atomic.Uint64

	dec   lineDecoder
	spans []lineSpan
	arena []byte
	texts []decodedLine

	// per-file read state
	pending     []string
	pendingUndc bool
	pendingTrnc bool
	pendingSize int
}

// NewTailer prepares a Tailer and loads the Source's saved state from store (nil store:
// state in memory). A bad Encoding is logged and replaced by "auto".
func NewTailer(src Source, store *Store, logger *slog.Logger) *Tailer {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if store == nil {
		store = OpenStore("", logger)
	}
	if src.BackfillBytes <= 0 {
		src.BackfillBytes = defaultBackfillBytes
	}
	if src.MaxLineBytes <= 0 {
		src.MaxLineBytes = defaultMaxLineBytes
	}
	if src.MaxFiles <= 0 {
		src.MaxFiles = defaultMaxFiles
	}
	enc, err := normalizeEncoding(src.Encoding)
	if err != nil {
		logger.Warn("bad log encoding; detecting it instead", "source", src.Name, "err", err)
		enc = encAuto
	}
	t := &Tailer{src: src, encoding: enc, store: store, logger: logger}
	if st, ok := store.load(src.Name); ok {
		t.known = true
		t.derived = st.Derived
		for i := range st.Files {
			f := st.Files[i]
			t.files = append(t.files, &f)
		}
	}
	return t
}

// Derived loads the collector's derived state (JSON) persisted by the last Commit; false if none.
func (t *Tailer) Derived(v any) bool {
	if len(t.derived) == 0 || string(t.derived) == "null" {
		return false
	}
	if err := json.Unmarshal(t.derived, v); err != nil {
		t.logger.Warn("derived log state unreadable; ignoring it", "source", t.src.Name, "err", err)
		return false
	}
	return true
}

// Commit persists offsets, file identities and the collector's derived state v atomically
// (write to temp file + rename). Errors are returned but in-memory state stays valid.
func (t *Tailer) Commit(v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode derived log state of %s: %w", t.src.Name, err)
	}
	t.derived = raw
	if t.committedOK && bytes.Equal(raw, t.committedDerived) && t.filesCommitted() {
		return nil
	}
	st := &sourceState{
		Version: stateVersion,
		Source:  t.src.Name,
		Saved:   time.Now().UTC(),
		Files:   make([]fileState, 0, len(t.files)),
		Derived: raw,
	}
	for _, f := range t.files {
		st.Files = append(st.Files, *f)
	}
	if err := t.store.save(st); err != nil {
		return err
	}
	t.committedFiles, t.committedDerived, t.committedOK = st.Files, raw, true
	return nil
}

// filesCommitted reports whether the files' state is the one the last Commit wrote.
func (t *Tailer) filesCommitted() bool {
	if len(t.files) != len(t.committedFiles) {
		return false
	}
	for i, f := range t.files {
		if *f != t.committedFiles[i] {
			return false
		}
	}
	return true
}

// Counts returns the cumulative counters since process start.
func (t *Tailer) Counts() Counts {
	return Counts{
		Records:     t.records.Load(),
		Lines:       t.lines.Load(),
		Undecodable: t.undecodable.Load(),
		Truncated:   t.truncatedCnt.Load(),
	}
}

// FilesSeen is the number of files matched by the globs at the last Poll (0 => no log present).
func (t *Tailer) FilesSeen() int { return int(t.filesSeen.Load()) }

// openLog is one file matched in this Poll, open until the Poll ends.
type openLog struct {
	path    string
	f       *os.File
	id      fileIdentity
	size    int64
	modTime time.Time
	head    []byte
	state   *fileState
	sync    bool     // started inside a line (backfill): discard up to the first newline
	copyOf  *openLog // this file is a copy being made of copyOf
}

// Poll reads every complete record appended since the last Poll (or the bounded backfill on first
// start), in file order oldest rotated file first, calling handle for each. A partial last line (no
// newline yet) is left for the next Poll. Errors opening/reading files are returned (joined) but
// records from the files that could be read are still delivered.
func (t *Tailer) Poll(ctx context.Context, handle func(Record)) error {
	if t.unchanged() {
		return nil
	}
	var errs []error
	paths, err := t.match()
	if err != nil {
		errs = append(errs, err)
	}
	logs := make([]*openLog, 0, len(paths))
	defer func() {
		for _, l := range logs {
			l.f.Close()
		}
	}()
	for _, p := range paths {
		l, err := openLogFile(t.src.FS, p)
		if err != nil {
			if r := hostfs.Reason(err); r != "" {
				t.skip(r, 1)
			}
			if !errors.Is(err, os.ErrNotExist) { // rotated away between glob and open
				errs = append(errs, err)
			}
			continue
		}
		logs = append(logs, l)
	}
	// Two paths can name one file (overlapping globs, hard links): read it once.
	slices.SortFunc(logs, func(a, b *openLog) int {
		if c := compareIdentity(a.id, b.id); c != 0 {
			return c
		}
		return strings.Compare(a.path, b.path)
	})
	unique := logs[:0]
	for i, l := range logs {
		if i > 0 && l.id == unique[len(unique)-1].id {
			l.f.Close()
			continue
		}
		unique = append(unique, l)
	}
	clear(logs[len(unique):])
	logs = unique
	t.filesSeen.Store(int64(len(logs)))

	t.resolve(logs)
	// Oldest first, so a rotated file's tail is delivered before the new live file. When
	// modification times tie (coarse clocks, fast rotation), a file being continued goes
	// before a new one, and a longer name (masvc_h_backup_1.log, agent.log.0) before the
	// live name it was derived from.
	slices.SortStableFunc(logs, func(a, b *openLog) int {
		if c := a.modTime.Compare(b.modTime); c != 0 {
			return c
		}
		if an, bn := a.state.Offset == 0, b.state.Offset == 0; an != bn {
			if an {
				return 1
			}
			return -1
		}
		if c := len(b.path) - len(a.path); c != 0 {
			return c
		}
		return strings.Compare(a.path, b.path)
	})
	for _, l := range logs {
		if err := ctx.Err(); err != nil {
			errs = append(errs, err)
			break
		}
		if l.copyOf != nil {
			continue
		}
		if err := t.readLog(ctx, l, handle); err != nil {
			errs = append(errs, err)
		}
	}
	for _, l := range logs {
		if l.copyOf != nil {
			parkCopy(l)
		}
	}
	t.known = true
	t.remember(logs, len(errs) == 0 && ctx.Err() == nil)
	return errors.Join(errs...)
}

// match expands the globs, at most MaxFiles newest files each, skipping names that are
// matched twice.
func (t *Tailer) match() ([]string, error) {
	var errs []error
	var out []string
	for _, g := range t.src.Globs {
		m, skipped, err := t.src.FS.Glob(g, t.src.MaxFiles)
		if err != nil {
			if r := hostfs.Reason(err); r != "" {
				t.skip(r, 1)
			}
			errs = append(errs, fmt.Errorf("source %s: glob %q: %w", t.src.Name, g, err))
			continue
		}
		if skipped > 0 {
			t.skip(hostfs.ReasonGlobLimit, skipped)
			t.logger.Debug("more log files than taken per glob; the oldest are left out", "source", t.src.Name,
				"glob", g, "taken", len(m), "skipped", skipped)
		}
		out = append(out, m...)
	}
	slices.Sort(out)
	return slices.Compact(out), errors.Join(errs...)
}

func (t *Tailer) skip(reason string, n int) {
	if t.src.OnSkip != nil {
		t.src.OnSkip(reason, n)
	}
}
