package collector

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/alecthomas/kingpin/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"
	"github.com/secagent-exporter/secagent_exporter/internal/fixturegen"
)

// countingWriter counts the bytes of an exposition without keeping them.
type countingWriter struct{ n int }

func (w *countingWriter) Write(p []byte) (int, error) { w.n += len(p); return len(p), nil }

// BenchmarkScrapeDemoHost is one warm scrape of every default collector on the demo host
// (collector/fixtures/specs/demo.spec, flags as `make demo` passes them), wired as the
// exporter wires them: NewSet from the registered factories, the Scraper in a registry,
// the text exposition written out. Offsets are at the end of every log after the first
// scrape, so this is the steady state of an endpoint. The cmdagent and ampcli of the
// fixture are shell scripts; here they run once per scrape (interval 0, the old
// behaviour), so their fork/exec is part of ns/op.
func BenchmarkScrapeDemoHost(b *testing.B) { benchScrapeDemoHost(b, false) }

// BenchmarkScrapeDemoHostBackgroundCLIs is a warm scrape as the server does it by default:
// the agent CLIs run in the background (here once, at a one-hour interval) and the scrape
// serves their last result, so no scrape starts a process.
func BenchmarkScrapeDemoHostBackgroundCLIs(b *testing.B) { benchScrapeDemoHost(b, true) }

func benchScrapeDemoHost(b *testing.B, background bool) {
	root := demoHost(b)
	if _, err := kingpin.CommandLine.Parse([]string{"--collector.linux_security.kernel-module=ampfsm"}); err != nil {
		b.Fatal(err)
	}
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	var logs bytes.Buffer
	runner := &Runner{Timeout: 5 * time.Second, MaxOutput: 1 << 20}
	var refresher *Refresher
	if background {
		refresher = NewRefresher(runner, map[string]time.Duration{cliMcAfeeCmdAgent: time.Hour, cliCiscoAmpcli: time.Hour}, nil)
		b.Cleanup(refresher.Stop)
	}
	set, err := NewSet(Env{
		Logger:    slog.New(slog.NewTextHandler(&logs, nil)),
		Paths:     Paths{RootFS: root, ProcFS: filepath.Join(root, "proc"), SysFS: filepath.Join(root, "sys")},
		Runner:    runner,
		Refresher: refresher,
		StateDir:  b.TempDir(),
		Now:       func() time.Time { return now },
		Location:  time.UTC,
	})
	if err != nil {
		b.Fatal(err)
	}
	registry := prometheus.NewRegistry()
	registry.MustRegister(set.Scraper(10 * time.Second))
	scrape := func(w io.Writer) int {
		families, err := registry.Gather()
		if err != nil {
			b.Fatal(err)
		}
		enc := expfmt.NewEncoder(w, expfmt.NewFormat(expfmt.TypeTextPlain))
		series := 0
		for _, mf := range families {
			series += len(mf.GetMetric())
			if err := enc.Encode(mf); err != nil {
				b.Fatal(err)
			}
		}
		return series
	}
	var first bytes.Buffer
	series := scrape(&first)
	if !bytes.Contains(first.Bytes(), []byte(`secagent_collector_success{collector="mcafee"} 1`)) {
		b.Fatalf("demo host scrape failed:\n%s\n%s", first.String(), logs.String())
	}
	var out countingWriter
	b.ReportAllocs()
	for b.Loop() {
		out.n = 0
		scrape(&out)
	}
	b.ReportMetric(float64(series), "series/op")
	b.ReportMetric(float64(out.n), "exposition_bytes/op")
}

// BenchmarkProcessScan is the one /proc scan of a scrape over this machine's real /proc.
func BenchmarkProcessScan(b *testing.B) {
	p := Paths{ProcFS: "/proc"}
	procs, err := scanProcs(context.Background(), p)
	if err != nil {
		b.Skip(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := scanProcs(context.Background(), p); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(procs)), "processes/op")
}

// BenchmarkRefresherServe is what a scrape pays for a background CLI result.
func BenchmarkRefresherServe(b *testing.B) {
	path := filepath.Join(demoHost(b), "opt", "McAfee", "agent", "bin", "cmdagent")
	r := NewRefresher(&Runner{Timeout: 5 * time.Second}, map[string]time.Duration{cliMcAfeeCmdAgent: time.Hour}, nil)
	b.Cleanup(r.Stop)
	env := Env{Runner: r.runner, Refresher: r}
	ctx := context.Background()
	if _, err := env.runCLI(ctx, newScrape("mcafee"), cliMcAfeeCmdAgent, "cmdagent", path, "-i"); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		_, _ = env.runCLI(ctx, newScrape("mcafee"), cliMcAfeeCmdAgent, "cmdagent", path, "-i")
	}
}

// demoHost is the demo host expanded from collector/fixtures/specs/demo.spec.
func demoHost(b *testing.B) string {
	b.Helper()
	fixtures, err := filepath.Abs("fixtures")
	if err != nil {
		b.Fatal(err)
	}
	root := fixturegen.TestHost(b, fixtures, "demo")
	// A real host's agent files are old; files written a moment ago are "racy" for the file
	// cache and parsed again in every scrape. Wait that out so the scrapes are warm ones.
	time.Sleep(fileCacheRacyWindow + 500*time.Millisecond)
	return root
}
