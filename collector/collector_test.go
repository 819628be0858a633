package collector

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

var (
	testValueDesc = NewDesc("test_value", "A test value.", "c")
)

type funcCollector func(ctx context.Context, s *Scrape) error

func (f funcCollector) Update(ctx context.Context, s *Scrape) error { return f(ctx, s) }

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func gather(t *testing.T, set *Set, timeout time.Duration) string {
	t.Helper()
	reg := prometheus.NewRegistry()
	reg.MustRegister(set.Scraper(timeout))
	families, err := reg.Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	var b strings.Builder
	for _, mf := range families {
		for _, m := range mf.GetMetric() {
			b.WriteString(mf.GetName())
			for _, l := range m.GetLabel() {
				b.WriteString(" " + l.GetName() + "=" + l.GetValue())
			}
			fmt.Fprintf(&b, " %g\n", m.GetGauge().GetValue())
		}
	}
	return b.String()
}

func TestSetIsolatesFailuresPanicsAndTimeouts(t *testing.T) {
	set := NewSetFrom(discardLogger(), map[string]Collector{
		"good": funcCollector(func(ctx context.Context, s *Scrape) error {
			s.Gauge(testValueDesc, 1, s.Collector())
			s.Source("file", nil)
			return nil
		}),
		"failing": funcCollector(func(ctx context.Context, s *Scrape) error {
			return errors.New("boom")
		}),
		"brokensource": funcCollector(func(ctx context.Context, s *Scrape) error {
			s.Source("cli", errors.New("exit status 1"))
			s.Gauge(testValueDesc, 1, s.Collector())
			return nil
		}),
		"degraded": funcCollector(func(ctx context.Context, s *Scrape) error {
			s.SourceOptional("policy", errors.New("permission denied"))
			return nil
		}),
		"panicking": funcCollector(func(ctx context.Context, s *Scrape) error {
			var m map[string]int
			//lint:ignore SA5000 the nil map write is the point: a real runtime panic
			m["x"]++
			return nil
		}),
		"hanging": funcCollector(func(ctx context.Context, s *Scrape) error {
			s.Source("slow", nil)
			s.Gauge(testValueDesc, 1, s.Collector()) // partial result: must not be exported
			time.Sleep(2 * time.Second)
			return nil
		}),
	})
	start := time.Now()
	out := gather(t, set, 200*time.Millisecond)
	if elapsed := time.Since(start); elapsed > 1500*time.Millisecond {
		t.Fatalf("scrape waited %s for a hanging collector", elapsed)
	}
	for _, want := range []string{
		"secagent_collector_success collector=good 1",
		"secagent_collector_success collector=failing 0",
		"secagent_collector_success collector=panicking 0",
		"secagent_collector_success collector=hanging 0",
		"secagent_collector_timeout collector=hanging 1",
		"secagent_collector_timeout collector=panicking 0",
		"secagent_collector_success collector=brokensource 0",
		"secagent_collector_success collector=degraded 1",
		"secagent_source_success collector=brokensource source=cli 0",
		"secagent_source_success collector=degraded source=policy 0",
		"secagent_source_success collector=good source=file 1",
		"secagent_source_success collector=hanging source=slow 1",
	} {
		if !strings.Contains(out, want+"\n") {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "test_value "); n != 2 {
		t.Errorf("want test_value from the good collector and the one with a broken source, got %d series:\n%s", n, out)
	}
}

func TestStuckCollectorIsNotStartedTwice(t *testing.T) {
	var running, maxRunning atomic.Int32
	release := make(chan struct{})
	set := NewSetFrom(discardLogger(), map[string]Collector{
		"stuck": funcCollector(func(ctx context.Context, s *Scrape) error {
			n := running.Add(1)
			defer running.Add(-1)
			if n > maxRunning.Load() {
				maxRunning.Store(n)
			}
			<-release
			return nil
		}),
	})
	for i := 0; i < 3; i++ {
		out := gather(t, set, 50*time.Millisecond)
		if !strings.Contains(out, "secagent_collector_timeout collector=stuck 1") {
			t.Fatalf("scrape %d: want a timeout, got:\n%s", i, out)
		}
	}
	close(release)
	if maxRunning.Load() != 1 {
		t.Fatalf("collector ran %d times concurrently, want 1", maxRunning.Load())
	}
	// Once it returns, the next scrape runs it again and succeeds.
	deadline := time.Now().Add(2 * time.Second)
	for running.Load() != 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if out := gather(t, set, time.Second); !strings.Contains(out, "secagent_collector_success collector=stuck 1") {
		t.Fatalf("after release: %s", out)
	}
}

func TestScrapeOutputIsValidExposition(t *testing.T) {
	set := NewSetFrom(discardLogger(), map[string]Collector{
		"a": funcCollector(func(ctx context.Context, s *Scrape) error {
			s.AgentInstalled(AgentMcAfee, false)
			return nil
		}),
	})
	reg := prometheus.NewRegistry()
	reg.MustRegister(set.Scraper(time.Second))
	n, err := testutil.GatherAndCount(reg)
	if err != nil || n != 4 {
		t.Fatalf("GatherAndCount = %d, %v; want 4 series", n, err)
	}
	lint, err := testutil.GatherAndLint(reg)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range lint {
		t.Errorf("lint: %s: %s", p.Metric, p.Text)
	}
}
