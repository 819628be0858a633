package logtail

import (
	"strings"
	"unicode/utf8"
)

// Record assembly: decoded lines grouped into records (a record start and its
// continuation lines), with the undecodable and truncated counts.

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
