//go:build unix

package logtail

import (
	"context"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A named pipe under a log's name (a misdirected logger, a tool's leftover) has no
// writer: opening it for reading without O_NONBLOCK blocks until one appears, and
// the scrape with it.
func TestPollRefusesNamedPipe(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(dir, "agent.log"), 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	tl := NewTailer(Source{Name: "fifo", Globs: []string{filepath.Join(dir, "*.log")}}, nil, nil)
	done := make(chan error, 1)
	go func() { done <- tl.Poll(context.Background(), func(Record) {}) }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Fatalf("Poll = %v, want a not-a-regular-file error", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Poll blocked on the named pipe")
	}
}
