//go:build !windows

package collector

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/secagent-exporter/secagent_exporter/internal/host/hosttest"
)

// A collector whose CLI hangs: the scrape deadline (shorter than the command timeout)
// kills the CLI, the scrape answers in time, and the collector reports failure.
func TestHungCLIIsKilledAtTheScrapeDeadline(t *testing.T) {
	dir := t.TempDir()
	script := hosttest.WriteScript(t, dir, "cmdagent", "exec sleep 300")
	runner := &Runner{Timeout: 30 * time.Second}
	var cliErr error
	done := make(chan struct{})
	set := NewSetFrom(discardLogger(), map[string]Collector{
		"cli": funcCollector(func(ctx context.Context, s *Scrape) error {
			defer close(done)
			_, cliErr = runner.Run(ctx, script, "-i")
			s.Source("cmdagent", cliErr)
			return nil
		}),
	})
	start := time.Now()
	out := gather(t, set, 300*time.Millisecond)
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Fatalf("scrape took %s", elapsed)
	}
	if !strings.Contains(out, "secagent_collector_success collector=cli 0") || !strings.Contains(out, "secagent_collector_timeout collector=cli 1") {
		t.Fatalf("want failure and timeout:\n%s", out)
	}
	select {
	case <-done:
	case <-time.After(3 * time.Second):
		t.Fatal("the hung CLI was not killed")
	}
	var ce *CommandError
	if !errors.As(cliErr, &ce) || !ce.TimedOut {
		t.Fatalf("cli error = %v, want a timeout", cliErr)
	}
}
