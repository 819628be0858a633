package collector

import (
	"sort"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

var filesSkippedDesc = prometheus.NewDesc("secagent_files_skipped_total",
	"Host files a collector refused or left out since the exporter started, by reason: not_regular (a FIFO, device or directory where a file was expected), too_large (over the read cap for its kind), glob_limit (older matches beyond the files taken per glob), link_loop (too many symbolic links). Only reasons that occurred are listed.",
	[]string{"collector", "reason"}, nil)

// skipCounts is secagent_files_skipped_total: process-wide, as the files are.
var skipCounts = struct {
	sync.Mutex
	m map[[2]string]uint64
}{m: map[[2]string]uint64{}}

// countSkipped adds n files left out by collector for reason.
func countSkipped(collector, reason string, n int) {
	if reason == "" || n <= 0 {
		return
	}
	skipCounts.Lock()
	skipCounts.m[[2]string{collector, reason}] += uint64(n)
	skipCounts.Unlock()
}

// FilesSkipped counts n host files this collector left out for reason (a hostfs reason).
func (s *Scrape) FilesSkipped(reason string, n int) { countSkipped(s.collector, reason, n) }

// skipCounter is a logtail.Source OnSkip for collector.
func skipCounter(collector string) func(reason string, n int) {
	return func(reason string, n int) { countSkipped(collector, reason, n) }
}

// skippedMetrics returns the collector's secagent_files_skipped_total series.
func skippedMetrics(collector string) []prometheus.Metric {
	skipCounts.Lock()
	defer skipCounts.Unlock()
	var reasons []string
	for k := range skipCounts.m {
		if k[0] == collector {
			reasons = append(reasons, k[1])
		}
	}
	sort.Strings(reasons)
	out := make([]prometheus.Metric, 0, len(reasons))
	for _, r := range reasons {
		out = append(out, prometheus.MustNewConstMetric(filesSkippedDesc, prometheus.CounterValue,
			float64(skipCounts.m[[2]string{collector, r}]), collector, r))
	}
	return out
}
