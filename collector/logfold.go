package collector

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/secagent-exporter/secagent_exporter/internal/redact"
)

// logFoldInterval is how often one distinct message is logged again while it repeats:
// a broken source fails on every scrape, and a 15 s scrape interval must not write the
// same line 240 times an hour.
const logFoldInterval = 5 * time.Minute

// logFoldMaxKeys bounds the memory of the folder: past it, entries not seen within the
// interval are forgotten, and if all are recent the table starts over.
const logFoldMaxKeys = 1024

// logFolder writes each distinct (level, collector, message, error) line once per
// interval and counts the repeats in between; the next line written for it carries
// that count as "repeated". Error texts pass through the redactor first, so a CLI or
// parser error that quotes a credential does not reach the log with it.
type logFolder struct {
	mu       sync.Mutex
	interval time.Duration
	now      func() time.Time
	seen     map[string]*foldEntry
}

type foldEntry struct {
	logged   time.Time
	repeated int
}

func newLogFolder(interval time.Duration) *logFolder {
	return &logFolder{interval: interval, now: time.Now, seen: make(map[string]*foldEntry)}
}

// log writes msg with the collector's name and the redacted error, or counts it when
// the same line was written less than an interval ago.
func (f *logFolder) log(logger *slog.Logger, level slog.Level, collector, msg string, err error, attrs ...any) {
	text := ""
	if err != nil {
		text = redact.String(err.Error())
	}
	if f == nil {
		logger.Log(context.Background(), level, msg, append(attrs, "err", text)...)
		return
	}
	key := level.String() + "\x00" + collector + "\x00" + msg + "\x00" + text
	now := f.now()
	f.mu.Lock()
	e, ok := f.seen[key]
	if ok && now.Sub(e.logged) < f.interval {
		e.repeated++
		f.mu.Unlock()
		return
	}
	repeated := 0
	if ok {
		repeated = e.repeated
		e.logged, e.repeated = now, 0
	} else {
		if len(f.seen) >= logFoldMaxKeys {
			f.forget(now)
		}
		f.seen[key] = &foldEntry{logged: now}
	}
	f.mu.Unlock()
	attrs = append(attrs, "err", text)
	if repeated > 0 {
		attrs = append(attrs, "repeated", repeated)
	}
	logger.Log(context.Background(), level, msg, attrs...)
}

// forget drops entries older than the interval; if every entry is recent, all go.
// Called with f.mu held.
func (f *logFolder) forget(now time.Time) {
	for k, e := range f.seen {
		if now.Sub(e.logged) >= f.interval {
			delete(f.seen, k)
		}
	}
	if len(f.seen) >= logFoldMaxKeys {
		clear(f.seen)
	}
}
