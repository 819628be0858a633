package collector

import (
	"github.com/secagent-exporter/secagent_exporter/collector/logtail"
)

var logLinesDesc = NewDesc("secagent_log_lines_total",
	"Agent log lines read since the exporter started, by how they were understood: classified (matched a vendor message table row), unclassified (no row matched: worth a support bundle), undecodable (bytes invalid in the file's encoding).",
	"source", "result")

// LogLineCounts are a collector's per-source classification totals since start.
type LogLineCounts struct {
	Classified, Unclassified uint64
}

// emitLogLines records secagent_log_lines_total for one log source.
func emitLogLines(s *Scrape, source string, counts LogLineCounts, tail logtail.Counts) {
	s.Counter(logLinesDesc, float64(counts.Classified), source, "classified")
	s.Counter(logLinesDesc, float64(counts.Unclassified), source, "unclassified")
	s.Counter(logLinesDesc, float64(tail.Undecodable), source, "undecodable")
}
