package collector

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// A source that fails on every scrape is logged once per interval, with the number of
// repeats in between; a different error is logged at once, and secrets never are.
func TestLogFolderFoldsRepeatsAndRedacts(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	f := newLogFolder(time.Minute)
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	f.now = func() time.Time { return now }

	broken := errors.New("source cmdagent: exit status 1: proxy http://u:Sekr3tPass@proxy.corp:8080 refused")
	for i := 0; i < 100; i++ {
		f.log(logger, slog.LevelError, "mcafee", "collector failed", broken)
		now = now.Add(time.Second) // 100 scrapes within 100 s
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("want 2 lines for 100 repeats over 100 s with a 1 min interval, got %d:\n%s", len(lines), buf.String())
	}
	if !strings.Contains(lines[1], "repeated=59") {
		t.Errorf("second line does not count the 59 folded repeats: %s", lines[1])
	}
	if strings.Contains(buf.String(), "Sekr3tPass") {
		t.Errorf("secret reached the log:\n%s", buf.String())
	}
	buf.Reset()
	f.log(logger, slog.LevelError, "mcafee", "collector failed", errors.New("another reason"))
	f.log(logger, slog.LevelError, "cisco", "collector failed", broken)
	if n := strings.Count(buf.String(), "\n"); n != 2 {
		t.Errorf("distinct messages must not fold into each other, got %d lines:\n%s", n, buf.String())
	}
}

// The table of distinct messages stays bounded however many distinct errors arrive.
func TestLogFolderBounded(t *testing.T) {
	logger := slog.New(slog.DiscardHandler)
	f := newLogFolder(time.Hour)
	for i := 0; i < 10*logFoldMaxKeys; i++ {
		f.log(logger, slog.LevelWarn, "qualys", "source degraded", errors.New(strings.Repeat("x", i%97)+string(rune('a'+i%26))+time.Duration(i).String()))
	}
	if len(f.seen) > logFoldMaxKeys {
		t.Fatalf("%d entries kept, max %d", len(f.seen), logFoldMaxKeys)
	}
}
