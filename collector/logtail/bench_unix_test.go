//go:build !windows

package logtail

import (
	"context"
	"os"
	"syscall"
	"testing"

	"github.com/secagent-exporter/secagent_exporter/collector/msgtable"

	"github.com/secagent-exporter/secagent_exporter/collector/logtail/internal/synthlog"
)

// BenchmarkBackfillPeakRSS backfills the default 8 MiB tail of a 1 GiB log and reports the
// process' peak RSS; run it alone (-bench=BackfillPeakRSS) so nothing else inflates it.
func BenchmarkBackfillPeakRSS(b *testing.B) {
	path := sparseLog(b, 1<<30)
	// The tail must be real lines for the backfill to parse: append 8 MiB more.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		b.Fatal(err)
	}
	if err := synthlog.Generate(f, 8<<20, false); err != nil {
		b.Fatal(err)
	}
	f.Close()
	c := msgtable.MustClassifier(benchRules())
	for b.Loop() {
		tl := NewTailer(Source{Name: "bench", Globs: []string{path}}, nil, nil)
		if err := tl.Poll(context.Background(), func(r Record) { c.Classify(r.Text) }); err != nil {
			b.Fatal(err)
		}
	}
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err == nil {
		b.ReportMetric(float64(ru.Maxrss)/1024, "peak-RSS-MiB")
	}
}
