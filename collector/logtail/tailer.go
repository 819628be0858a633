package logtail

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

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

// readLog delivers the complete records of l past its offset and advances the offset.
func (t *Tailer) readLog(ctx context.Context, l *openLog, handle func(Record)) error {
	fs := l.state
	if fs.Offset == 0 || fs.Encoding == "" {
		if t.encoding != encAuto {
			fs.Encoding = t.encoding
		} else {
			fs.Encoding = detectEncoding(l.head)
		}
	}
	defer func() {
		fs.HeadLen = len(l.head)
		fs.HeadHash = hashHead(l.head)
	}()
	enc := fs.Encoding
	unit := int64(codeUnit(enc))
	if fs.Offset == 0 {
		fs.Offset = int64(bomLength(l.head, enc))
		fs.SkipLine = false
	}
	if fs.Offset%unit != 0 {
		fs.Offset += unit - fs.Offset%unit
	}
	skipping := fs.SkipLine
	pos := fs.Offset
	if l.sync && pos >= unit {
		// Start one unit early: if that unit is the LF ending the previous line, the
		// first full line is kept; otherwise the partial first line is discarded.
		pos -= unit
		skipping = true
	}
	if pos >= l.size {
		return nil
	}

	maxRaw := t.src.MaxLineBytes * int(unit)
	lent := borrowReadBuffer(maxRaw + readChunk)
	defer readBuffers.Put(lent)
	buf := (*lent)[:cap(*lent)]
	defer t.shrinkScratch()
	file := filepath.Base(l.path)
	auto := t.encoding == encAuto
	defer t.flush(file, handle)

	// Lines of a chunk are collected, decoded into one arena and handed out as substrings
	// of a single string: one allocation per chunk instead of one per line.
	spans := t.spans[:0]
	emitAll := func() {
		if len(spans) > 0 {
			t.emitSpans(buf, spans, &enc, auto, file, handle)
			spans = spans[:0]
		}
	}
	emit := func(from, to int, truncated bool) {
		spans = append(spans, lineSpan{from: from, to: to, truncated: truncated})
	}
	defer func() { t.spans = spans[:0] }()

	n := 0        // bytes held in buf
	base := pos   // file offset of buf[0]
	readAt := pos // next byte to read
	var readErr error
	for readAt < l.size {
		if err := ctx.Err(); err != nil {
			readErr = err
			break
		}
		want := min(int64(len(buf)-n), l.size-readAt)
		k, err := l.f.ReadAt(buf[n:n+int(want)], readAt)
		if err != nil && err != io.EOF {
			readErr = fmt.Errorf("source %s: read %s: %w", t.src.Name, file, err)
		}
		if k > 0 && !t.sameContent(l, buf[n:n+k], readAt) {
			// Truncated (and perhaps refilled) since it was opened: these bytes may be
			// the new content at the old offset. Deliver nothing more; the next Poll sees
			// the new head and starts the file again, and a copy takes the old offset.
			t.logger.Debug("log changed while being read", "source", t.src.Name, "file", file)
			k = 0
		}
		n += k
		readAt += int64(k)
		start := 0
		for {
			i := indexNewline(buf[start:n], enc)
			if i < 0 {
				break
			}
			if skipping {
				skipping = false
			} else {
				line := buf[start : start+i]
				if len(line) > maxRaw {
					emit(start, start+len(cutLine(line, maxRaw, enc)), true)
				} else {
					emit(start, start+i, false)
				}
			}
			start += i + int(unit)
		}
		rest := n - start
		switch {
		case skipping:
			// Inside an over-long line: drop what is read, keeping code-unit alignment.
			drop := rest - rest%int(unit)
			start += drop
		case rest > maxRaw:
			emit(start, start+len(cutLine(buf[start:n], maxRaw, enc)), true)
			skipping = true
			start += rest - rest%int(unit)
		}
		emitAll()
		copy(buf, buf[start:n])
		n -= start
		base += int64(start)
		fs.Offset = base
		fs.SkipLine = skipping
		if readErr != nil || k == 0 {
			break
		}
	}
	fs.Encoding = enc
	return readErr
}

// readBuffers lends read buffers (MaxLineBytes + 64 KiB each) to the Polls in progress.
// Every Tailer keeping its own would hold a few hundred KiB per log source on every
// endpoint between scrapes, while a scrape's incremental read needs a few KiB for
// milliseconds; the pool keeps about one buffer per concurrent Poll and lets the GC
// reclaim the rest.
var readBuffers sync.Pool

func borrowReadBuffer(n int) *[]byte {
	if p, ok := readBuffers.Get().(*[]byte); ok && cap(*p) >= n {
		return p
	}
	b := make([]byte, n)
	return &b
}

// scratchKeep is the capacity of decode scratch kept between Polls: enough for the lines a
// scrape appends, not for the backfill of a first start.
const scratchKeep = 16 << 10

// shrinkScratch drops scratch space a backfill grew, so it is not held until the exit.
func (t *Tailer) shrinkScratch() {
	if cap(t.arena) > scratchKeep {
		t.arena = nil
	}
	if cap(t.texts) > scratchKeep/16 {
		t.texts = nil
	}
	if cap(t.spans) > scratchKeep/16 {
		t.spans = nil
	}
}

// sameContent re-reads the head after a chunk was read: if it no longer starts with
// the head seen at open, or disagrees with the chunk where they overlap, the file was
// truncated or rewritten under the reader. On success the head is extended, so a file
// first seen nearly empty gets the fingerprint of the content actually delivered.
func (t *Tailer) sameContent(l *openLog, chunk []byte, chunkAt int64) bool {
	end := chunkAt + int64(len(chunk))
	head := make([]byte, min(end, headBytes))
	k, err := l.f.ReadAt(head, 0)
	if err != nil && err != io.EOF {
		return false
	}
	head = head[:k]
	if !bytes.HasPrefix(head, l.head) {
		return false
	}
	if lo, hi := chunkAt, min(end, int64(len(head))); lo < hi {
		if !bytes.Equal(head[lo:hi], chunk[:hi-lo]) {
			return false
		}
	}
	l.head = head
	return true
}

// lineSpan is a complete line in the read buffer, terminator excluded.
type lineSpan struct {
	from, to  int
	truncated bool
}

type decodedLine struct {
	from, to    int // in the arena
	undecodable bool
}

// emitSpans decodes the lines of one chunk and delivers them. For UTF-8 (the common
// case) a chunk that validates as a whole becomes one string shared by its lines.
func (t *Tailer) emitSpans(buf []byte, spans []lineSpan, enc *string, auto bool, file string, handle func(Record)) {
	t.lines.Add(uint64(len(spans)))
	if *enc == encUTF8 || *enc == encASCII {
		lo, hi := spans[0].from, spans[len(spans)-1].to
		region := buf[lo:hi]
		if utf8.Valid(region) {
			if *enc == encASCII && !isASCII(region) {
				*enc = encUTF8
			}
			chunk := string(region)
			for _, sp := range spans {
				if sp.truncated {
					t.truncatedCnt.Add(1)
				}
				line := trimCR(region[sp.from-lo:sp.to-lo], *enc)
				t.deliver(chunk[sp.from-lo:sp.from-lo+len(line)], file, false, sp.truncated, handle)
			}
			return
		}
	}
	arena := t.arena[:0]
	texts := t.texts[:0]
	for _, sp := range spans {
		from := len(arena)
		var ok bool
		arena, ok = t.dec.appendDecoded(arena, trimCR(buf[sp.from:sp.to], *enc), enc, auto)
		texts = append(texts, decodedLine{from: from, to: len(arena), undecodable: !ok})
	}
	all := string(arena)
	for i, sp := range spans {
		d := texts[i]
		if d.undecodable {
			t.undecodable.Add(1)
		}
		if sp.truncated {
			t.truncatedCnt.Add(1)
		}
		t.deliver(all[d.from:d.to], file, d.undecodable, sp.truncated, handle)
	}
	t.arena, t.texts = arena[:0], texts[:0]
}

// deliver hands a line to handle, joining continuation lines to their record.
func (t *Tailer) deliver(text, file string, undecodable, truncated bool, handle func(Record)) {
	if t.src.IsRecordStart == nil {
		t.records.Add(1)
		handle(Record{Text: text, File: file, Undecodable: undecodable, Truncated: truncated})
		return
	}
	if len(t.pending) > 0 && !t.src.IsRecordStart(text) {
		// Continuation lines count against the same cap as a line, so a runaway payload
		// cannot grow a record without bound.
		if room := t.src.MaxLineBytes - t.pendingSize - 1; len(text) > room {
			if !t.pendingTrnc {
				t.truncatedCnt.Add(1)
			}
			t.pendingTrnc = true
			if room <= 0 {
				return
			}
			text = strings.ToValidUTF8(text[:room], "")
		}
		t.pending = append(t.pending, text)
		t.pendingSize += 1 + len(text)
		t.pendingUndc = t.pendingUndc || undecodable
		t.pendingTrnc = t.pendingTrnc || truncated
		return
	}
	t.flush(file, handle)
	t.pending = append(t.pending, text)
	t.pendingSize = len(text)
	t.pendingUndc, t.pendingTrnc = undecodable, truncated
}

// flush delivers the record being assembled. A record ends at the next record start or
// at the end of what a Poll could read; continuation lines written after that Poll form
// a record of their own (agents write a record's lines in one go, so this is rare).
func (t *Tailer) flush(file string, handle func(Record)) {
	if len(t.pending) == 0 {
		return
	}
	text := t.pending[0]
	if len(t.pending) > 1 {
		text = strings.Join(t.pending, "\n")
	}
	t.records.Add(1)
	handle(Record{Text: text, File: file, Undecodable: t.pendingUndc, Truncated: t.pendingTrnc})
	clear(t.pending)
	t.pending = t.pending[:0]
	t.pendingSize = 0
	t.pendingUndc, t.pendingTrnc = false, false
}
