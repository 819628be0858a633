// Package collector holds the exporter's collectors and the framework that runs them:
// registration by name with a default state (which yields --collector.X / --no-collector.X),
// concurrent execution with a per-collector deadline, panic recovery and self-metrics.
//
// A collector only maps source data onto metrics; the vendor parsers live in sub-packages
// as pure functions over bytes.
package collector

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/secagent-exporter/secagent_exporter/collector/logtail"

	"github.com/alecthomas/kingpin/v2"
	"github.com/prometheus/client_golang/prometheus"
)

// Collector is implemented by every data domain (mcafee, cisco, qualys, ...).
//
// Update reads its sources and records metrics in s. It must honour ctx: the framework
// stops waiting at the deadline, and anything recorded after that is discarded. Returning
// an error marks the collector failed for this scrape (secagent_collector_success 0);
// a missing agent is not an error but data (secagent_agent_installed 0).
type Collector interface {
	Update(ctx context.Context, s *Scrape) error
}

// Env carries what a collector needs from the process: where to find things, how to run
// commands, where to keep state, and the clock.
type Env struct {
	Logger *slog.Logger
	Paths  Paths
	Runner *Runner
	// Refresher runs the agent CLIs in the background (the server); nil runs them inline
	// in the scrape (tests, --output.textfile, diagnose).
	Refresher *Refresher
	StateDir  string
	Now       func() time.Time
	// Location is the time zone agent logs and CLIs write their wall-clock times in.
	Location *time.Location
	// Store is the one state store of StateDir, shared by every log-reading collector;
	// nil opens one per collector (tests).
	Store *logtail.Store
}

// logStore is env.Store, or a store of env.StateDir.
func (env Env) logStore() *logtail.Store {
	if env.Store != nil {
		return env.Store
	}
	return logtail.OpenStore(env.StateDir, env.Logger)
}

// Factory builds a collector once, at start-up.
type Factory func(env Env) (Collector, error)

type registration struct {
	name           string
	defaultEnabled bool
	factory        Factory
	enabled        *bool
	explicit       bool
}

var (
	registryMu    sync.Mutex
	registrations = map[string]*registration{}
)

// registerCollector is called from each collector's init(). It adds the
// --collector.<name> / --no-collector.<name> flag to kingpin's global application.
func registerCollector(name string, defaultEnabled bool, factory Factory) {
	registryMu.Lock()
	defer registryMu.Unlock()
	if _, dup := registrations[name]; dup {
		panic("collector registered twice: " + name)
	}
	state := "disabled"
	if defaultEnabled {
		state = "enabled"
	}
	r := &registration{name: name, defaultEnabled: defaultEnabled, factory: factory}
	r.enabled = kingpin.Flag("collector."+name, fmt.Sprintf("Enable the %s collector (default: %s).", name, state)).
		Default(fmt.Sprint(defaultEnabled)).
		Action(func(*kingpin.ParseContext) error { r.explicit = true; return nil }).
		Bool()
	registrations[name] = r
}

// MarkExplicit records that a collector's state was set by the user outside the command
// line (the config file), so --collector.disable-defaults keeps it.
func MarkExplicit(name string) {
	registryMu.Lock()
	defer registryMu.Unlock()
	if r, ok := registrations[name]; ok {
		r.explicit = true
	}
}

// DisableDefaults turns off every collector the user did not explicitly enable.
func DisableDefaults() {
	registryMu.Lock()
	defer registryMu.Unlock()
	for _, r := range registrations {
		if !r.explicit {
			*r.enabled = false
		}
	}
}

// Names lists every registered collector, sorted.
func Names() []string {
	registryMu.Lock()
	defer registryMu.Unlock()
	names := make([]string, 0, len(registrations))
	for n := range registrations {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// DefaultEnabled reports whether a registered collector is on by default.
func DefaultEnabled(name string) bool {
	registryMu.Lock()
	defer registryMu.Unlock()
	r, ok := registrations[name]
	return ok && r.defaultEnabled
}

type instance struct {
	name      string
	collector Collector
	// busy holds a token while an Update runs: a second scrape waits for it (up to its
	// own deadline) instead of running the same sources twice, and a collector stuck
	// past its deadline is not started again until it returns.
	busy chan struct{}
}

// Set is the collection of enabled collectors; it implements prometheus.Collector
// through Scraper for one scrape at a time.
type Set struct {
	logger    *slog.Logger
	instances []*instance
	fold      *logFolder
}

// NewSet builds every enabled collector. A collector whose factory fails is an error:
// the process should refuse to start with a clear message rather than run half-configured.
func NewSet(env Env) (*Set, error) {
	registryMu.Lock()
	regs := make([]*registration, 0, len(registrations))
	for _, r := range registrations {
		if *r.enabled {
			regs = append(regs, r)
		}
	}
	registryMu.Unlock()
	sort.Slice(regs, func(i, j int) bool { return regs[i].name < regs[j].name })

	s := &Set{logger: env.Logger, fold: newLogFolder(logFoldInterval)}
	for _, r := range regs {
		cenv := env
		cenv.Logger = env.Logger.With("collector", r.name)
		c, err := r.factory(cenv)
		if err != nil {
			return nil, fmt.Errorf("collector %s: %w", r.name, err)
		}
		s.instances = append(s.instances, &instance{name: r.name, collector: c, busy: make(chan struct{}, 1)})
	}
	return s, nil
}

// NewSetFrom builds a set from explicit collectors, for tests.
func NewSetFrom(logger *slog.Logger, collectors map[string]Collector) *Set {
	s := &Set{logger: logger, fold: newLogFolder(logFoldInterval)}
	names := make([]string, 0, len(collectors))
	for n := range collectors {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		s.instances = append(s.instances, &instance{name: n, collector: collectors[n], busy: make(chan struct{}, 1)})
	}
	return s
}

// Enabled lists the names of the collectors in the set.
func (s *Set) Enabled() []string {
	out := make([]string, len(s.instances))
	for i, in := range s.instances {
		out[i] = in.name
	}
	return out
}

var (
	collectorSuccessDesc = prometheus.NewDesc("secagent_collector_success",
		"1 if the collector read its sources without error in this scrape, 0 otherwise (see the exporter log for why).",
		[]string{"collector"}, nil)
	collectorDurationDesc = prometheus.NewDesc("secagent_collector_duration_seconds",
		"Wall time the collector took in this scrape.", []string{"collector"}, nil)
	collectorTimeoutDesc = prometheus.NewDesc("secagent_collector_timeout",
		"1 if the collector did not finish before its deadline in this scrape.", []string{"collector"}, nil)
)

// Scraper runs every collector of a set once, concurrently, each bounded by timeout.
// It is a prometheus.Collector meant for a per-request registry.
type Scraper struct {
	set       *Set
	timeout   time.Duration
	instances []*instance
	parent    context.Context
}

// Scraper returns a prometheus.Collector that runs the set with the given per-collector deadline.
func (s *Set) Scraper(timeout time.Duration) *Scraper {
	return &Scraper{set: s, timeout: timeout, instances: s.instances, parent: context.Background()}
}

// ScraperOf is Scraper for only the named collectors (the collect[] URL parameter), each
// of which must be enabled. An empty list means all.
func (s *Set) ScraperOf(timeout time.Duration, names []string) (*Scraper, error) {
	if len(names) == 0 {
		return s.Scraper(timeout), nil
	}
	want := make(map[string]bool, len(names))
	for _, n := range names {
		want[n] = true
	}
	sc := &Scraper{set: s, timeout: timeout, parent: context.Background()}
	for _, in := range s.instances {
		if want[in.name] {
			sc.instances = append(sc.instances, in)
			delete(want, in.name)
		}
	}
	if len(want) > 0 {
		bad := make([]string, 0, len(want))
		for n := range want {
			bad = append(bad, n)
		}
		sort.Strings(bad)
		registryMu.Lock()
		_, registered := registrations[bad[0]]
		registryMu.Unlock()
		if registered {
			return nil, fmt.Errorf("collector %q is not enabled (start the exporter with --collector.%s); enabled: %s", bad[0], bad[0], strings.Join(s.Enabled(), ", "))
		}
		return nil, fmt.Errorf("unknown collector %q; enabled: %s", bad[0], strings.Join(s.Enabled(), ", "))
	}
	return sc, nil
}

// ScraperContext is Scraper whose collectors are also stopped when ctx ends: a one-shot
// command interrupted by SIGINT/SIGTERM or its deadline kills the agent CLIs it started
// instead of leaving them behind.
func (s *Set) ScraperContext(ctx context.Context, timeout time.Duration) *Scraper {
	sc := s.Scraper(timeout)
	sc.parent = ctx
	return sc
}

// Describe sends no descriptors: the exporter's metrics depend on what each host has,
// so the scraper is an "unchecked" collector.
func (sc *Scraper) Describe(chan<- *prometheus.Desc) {}

// Collect runs all collectors concurrently and forwards their metrics.
func (sc *Scraper) Collect(ch chan<- prometheus.Metric) {
	var wg sync.WaitGroup
	wg.Add(len(sc.instances))
	shared := &scrapeShared{}
	for _, in := range sc.instances {
		go func(in *instance) {
			defer wg.Done()
			sc.set.run(sc.parent, in, sc.timeout, shared, ch)
		}(in)
	}
	wg.Wait()
}

type outcome struct {
	err error
}

func (s *Set) run(parent context.Context, in *instance, timeout time.Duration, shared *scrapeShared, ch chan<- prometheus.Metric) {
	logger := s.logger.With("collector", in.name)
	ctx, cancel := context.WithTimeout(parent, timeout)
	defer cancel()
	start := time.Now()
	scrape := newSharedScrape(in.name, shared)

	var err error
	timedOut := false
	select {
	case in.busy <- struct{}{}:
		done := make(chan outcome, 1)
		go func() {
			defer func() { <-in.busy }()
			done <- outcome{err: safeUpdate(ctx, in.collector, scrape)}
		}()
		select {
		case o := <-done:
			err = o.err
			if err == nil && ctx.Err() != nil {
				// The collector returned in time but its context expired on the way: what
				// it recorded may be partial.
				err = ctx.Err()
			}
		case <-ctx.Done():
			err = ctx.Err()
		}
	case <-ctx.Done():
		err = fmt.Errorf("previous run still in progress: %w", ctx.Err())
	}
	duration := time.Since(start).Seconds()
	if errors.Is(err, context.DeadlineExceeded) {
		timedOut = true
	}

	// Once sealed, metrics the collector records late are dropped, so a collector that
	// finishes after its deadline cannot write into a scrape that has moved on.
	result := scrape.seal()
	if err == nil {
		err = result.failures
	}
	for _, d := range result.degraded {
		s.fold.log(logger, slog.LevelWarn, in.name, "source degraded", d)
	}
	success := 1.0
	if err != nil {
		success = 0
		if timedOut {
			s.fold.log(logger, slog.LevelError, in.name, "collector timed out", err, "timeout", timeout)
		} else {
			s.fold.log(logger, slog.LevelError, in.name, "collector failed", err, "duration_seconds", duration)
		}
	} else {
		logger.Debug("collector succeeded", "duration_seconds", duration)
	}
	if !timedOut {
		// A timed-out collector's partial results would look like a healthy host with
		// fewer series, so only a finished collector's metrics are forwarded.
		for _, m := range result.metrics {
			ch <- m
		}
	}
	for _, m := range result.sources {
		ch <- m
	}
	for _, m := range skippedMetrics(in.name) {
		ch <- m
	}
	for _, m := range labelRejectedMetrics(in.name) {
		ch <- m
	}
	ch <- prometheus.MustNewConstMetric(collectorSuccessDesc, prometheus.GaugeValue, success, in.name)
	ch <- prometheus.MustNewConstMetric(collectorDurationDesc, prometheus.GaugeValue, duration, in.name)
	ch <- prometheus.MustNewConstMetric(collectorTimeoutDesc, prometheus.GaugeValue, boolFloat(timedOut), in.name)
}

// safeUpdate turns a panic in a collector into an error for that collector alone.
func safeUpdate(ctx context.Context, c Collector, s *Scrape) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return c.Update(ctx, s)
}

func boolFloat(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// Warm runs every collector once and discards the result. The server calls it at start-up
// so the background refresh of each agent CLI starts then, not at the first scrape.
func (s *Set) Warm(timeout time.Duration) {
	ch := make(chan prometheus.Metric, 64)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range ch {
		}
	}()
	s.Scraper(timeout).Collect(ch)
	close(ch)
	<-done
}
