package logtail

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"sync"
)

// Reading one file from its saved offset: bounded reads into a pooled buffer, the
// same-content check before a resumed read, decode scratch kept small between polls.

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
