package collector

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/secagent-exporter/secagent_exporter/collector/logtail"
	"github.com/secagent-exporter/secagent_exporter/internal/hostfs"
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

// checkLogDirs tells an absent log directory (nothing installed or logged yet: not an
// error) from one the exporter cannot list. filepath.Glob, which the log engine uses,
// silently matches nothing in both cases, and in the second the operator must be told
// (agent log directories are root-only on most installs). present reports whether any
// directory exists.
func checkLogDirs(hfs hostfs.FS, dirs []string) (present bool, err error) {
	var errs []error
	for _, dir := range dirs {
		fi, err := hfs.Stat(dir)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err == nil && !fi.IsDir() {
			err = fmt.Errorf("log directory %s: not a directory", dir)
		}
		if err == nil {
			_, err = hfs.ReadDirN(dir, 1)
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		present = true
	}
	return present, errors.Join(errs...)
}
