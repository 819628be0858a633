package collector

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/secagent-exporter/secagent_exporter/internal/hostfs"
)

var (
	sourceSuccessDesc = prometheus.NewDesc("secagent_source_success",
		"1 if the source (one file, command or registry key) was read and parsed in this scrape, 0 if it failed; absent sources of an absent agent are not listed.",
		[]string{"collector", "source"}, nil)
	agentInstalledDesc = prometheus.NewDesc("secagent_agent_installed",
		"1 if the agent is installed on this host, 0 if it is not.", []string{"agent"}, nil)
)

// Agent names: the closed set of the secagent_agent_installed{agent} label.
const (
	AgentMcAfee = "mcafee_agent"
	AgentCisco  = "cisco_secure_endpoint"
	AgentQualys = "qualys_cloud_agent"
)

// Scrape collects what one collector reports during one scrape. It is safe for
// concurrent use, so a collector may read its sources in parallel.
type Scrape struct {
	collector string
	// shared is what every collector of one scrape reads once (the process list).
	shared   *scrapeShared
	mu       sync.Mutex
	sealed   bool
	metrics  []prometheus.Metric
	sources  []prometheus.Metric
	seen     map[string]bool
	failures []error
	degraded []error
}

// scrapeShared is read at most once per scrape, by whichever collector asks first.
type scrapeShared struct {
	procs procTable
}

func newSharedScrape(collector string, shared *scrapeShared) *Scrape {
	return &Scrape{collector: collector, shared: shared, seen: map[string]bool{}}
}

// Collector is the name of the collector this scrape belongs to.
func (s *Scrape) Collector() string { return s.collector }

// Metric records a metric. After the deadline it is silently dropped.
func (s *Scrape) Metric(m prometheus.Metric) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.sealed {
		s.metrics = append(s.metrics, m)
	}
}

// Gauge records a gauge; a descriptor/label mismatch is a programming error and
// panics, which the framework turns into a failed collector.
func (s *Scrape) Gauge(desc *prometheus.Desc, value float64, labels ...string) {
	labels = s.boundLabelValues(labels)
	s.Metric(prometheus.MustNewConstMetric(desc, prometheus.GaugeValue, value, labels...))
}

// Counter records a counter.
func (s *Scrape) Counter(desc *prometheus.Desc, value float64, labels ...string) {
	labels = s.boundLabelValues(labels)
	s.Metric(prometheus.MustNewConstMetric(desc, prometheus.CounterValue, value, labels...))
}

// Bool records a 0/1 gauge.
func (s *Scrape) Bool(desc *prometheus.Desc, value bool, labels ...string) {
	s.Gauge(desc, boolFloat(value), labels...)
}

// Source records whether one source was read: secagent_source_success{collector,source}.
// A failed source also fails the collector for this scrape (secagent_collector_success 0)
// and its error is logged. It returns err == nil so call sites can branch on it. A source
// reported twice keeps its first result (the first failure is the one worth seeing).
func (s *Scrape) Source(name string, err error) bool {
	return s.source(name, err, false)
}

// SourceOptional is Source for a source whose failure degrades what the collector can
// say without making the collector fail, such as a file the vendor makes unreadable
// without administrator rights. The failure is still exported and logged (at warning).
func (s *Scrape) SourceOptional(name string, err error) bool {
	return s.source(name, err, true)
}

func (s *Scrape) source(name string, err error, optional bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sealed || s.seen[name] {
		return err == nil
	}
	s.seen[name] = true
	s.sources = append(s.sources, prometheus.MustNewConstMetric(sourceSuccessDesc, prometheus.GaugeValue, boolFloat(err == nil), s.collector, name))
	if err != nil {
		// A file the host-file layer refused is also counted, so a FIFO or an endless
		// file planted under an agent's name shows in secagent_files_skipped_total.
		countSkipped(s.collector, hostfs.Reason(err), 1)
		wrapped := fmt.Errorf("source %s: %w", name, err)
		if optional {
			s.degraded = append(s.degraded, wrapped)
		} else {
			s.failures = append(s.failures, wrapped)
		}
	}
	return err == nil
}

// AgentInstalled records secagent_agent_installed{agent}.
func (s *Scrape) AgentInstalled(agent string, installed bool) {
	s.Bool(agentInstalledDesc, installed, agent)
}

// sealed is what one collector recorded in one scrape.
type sealedScrape struct {
	metrics, sources []prometheus.Metric
	failures         error
	degraded         []error
}

// seal stops recording and returns what was recorded.
func (s *Scrape) seal() sealedScrape {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sealed = true
	return sealedScrape{metrics: s.metrics, sources: s.sources, failures: errors.Join(s.failures...), degraded: s.degraded}
}

// NewDesc builds a descriptor for a collector metric. Metric names follow the product's
// catalogue (docs/metrics.md) and carry their own prefixes (epo_, connector_, tetra_ ...).
func NewDesc(name, help string, labels ...string) *prometheus.Desc {
	return prometheus.NewDesc(name, help, labels, nil)
}

// unixSeconds is the value of a *_timestamp_seconds metric; the zero time ("never seen")
// is 0, not a date in year 1.
func unixSeconds(t time.Time) float64 {
	if t.IsZero() {
		return 0
	}
	return float64(t.Unix()) + float64(t.Nanosecond())/1e9
}
