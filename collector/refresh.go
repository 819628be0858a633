package collector

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/alecthomas/kingpin/v2"
	"github.com/prometheus/client_golang/prometheus"
)

// Agent CLIs run off the scrape path: a Refresher runs each one on its own interval in the
// background and scrapes serve the last result. A vendor CLI takes hundreds of
// milliseconds to seconds, and every process launch is an event in the EDR console, so
// the number of runs per hour depends only on the interval, never on how often or by how
// many servers the exporter is scraped.

// CLI ids: one interval flag each (--collector.<id>-interval).
const (
	cliMcAfeeCmdAgent = "mcafee.cmdagent"
	cliCiscoAmpcli    = "cisco.ampcli"
)

// defaultCLIInterval: cmdagent -i changes with an ASCI (default every 60 min, sources.md
// S12) and AmpCLI/ampcli status with a heartbeat or a definition update (minutes), so a
// minute keeps the data as fresh as a typical 15 s-60 s scrape interval needs.
const defaultCLIInterval = time.Minute

var cliIntervalFlags = map[string]*time.Duration{
	cliMcAfeeCmdAgent: kingpin.Flag("collector.mcafee.cmdagent-interval",
		"How often `cmdagent -i` runs in the background (shared by the mcafee and probe collectors); scrapes serve the last result. 0 runs it in every scrape.").
		Default(defaultCLIInterval.String()).Duration(),
	cliCiscoAmpcli: kingpin.Flag("collector.cisco.ampcli-interval",
		"How often `ampcli status` (Linux) or `AmpCLI.exe posture` (Windows) runs in the background; scrapes serve the last result. 0 runs it in every scrape.").
		Default(defaultCLIInterval.String()).Duration(),
}

// CLIIntervals returns the interval of each CLI id from its flag.
func CLIIntervals() map[string]time.Duration {
	out := make(map[string]time.Duration, len(cliIntervalFlags))
	for id, d := range cliIntervalFlags {
		out[id] = *d
	}
	return out
}

var (
	sourceLastRefreshDesc = prometheus.NewDesc("secagent_source_last_refresh_timestamp_seconds",
		"When the background refresh of the source (an agent CLI) last finished, successfully or not, Unix seconds; 0 until the first refresh finished.",
		[]string{"collector", "source"}, nil)
	sourceRefreshSuccessDesc = prometheus.NewDesc("secagent_source_last_refresh_success",
		"1 if the last background refresh of the source ran the CLI and got an answer, 0 if it failed (timeout, missing CLI, crash, truncated output).",
		[]string{"collector", "source"}, nil)
	sourceRefreshIntervalDesc = prometheus.NewDesc("secagent_source_refresh_interval_seconds",
		"Interval of the source's background refresh (--collector.<collector>.<cli>-interval).",
		[]string{"collector", "source"}, nil)
)

// errFirstRefreshPending is the error of a scrape whose deadline passed before the first
// background run of a CLI finished.
var errFirstRefreshPending = errors.New("first background run of the CLI not finished before the scrape deadline")

// Refresher runs agent CLIs in the background. The zero value is not usable; build it
// with NewRefresher and stop it with Stop. A nil *Refresher runs every CLI inline.
type Refresher struct {
	runner    *Runner
	intervals map[string]time.Duration
	now       func() time.Time
	// idle: a CLI (path and arguments) no scrape asked for during this long stops being
	// refreshed, so a cmdagent that moved does not keep its old path running.
	idle time.Duration

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex
	entries map[string]*cliEntry
	stopped bool
}

// cliEntry is one CLI (path and arguments) refreshed by one goroutine.
type cliEntry struct {
	path     string
	args     []string
	interval time.Duration
	first    chan struct{} // closed once the first run finished

	mu       sync.Mutex
	res      Result
	err      error
	memo     *cliMemo // parses of res, replaced with every run
	at       time.Time
	lastUsed time.Time
	runs     int
}

// CLISnapshot is the last background result of a CLI.
type CLISnapshot struct {
	Result Result
	Err    error
	// At is when the run finished (zero before the first run finished).
	At       time.Time
	Interval time.Duration
	// memo holds the parses of this result (nil for an inline run): see parseCLI.
	memo *cliMemo
}

// cliMemo keeps what the collectors parsed from one background result, so a result is
// parsed once per run of the CLI instead of once per scrape. A new run brings a new memo.
type cliMemo struct {
	mu sync.Mutex
	m  map[any]cliParse
}

type cliParse struct {
	v   any
	err error
}

// cliParseKey is a parseCLI key for a parser that depends on a time zone.
type cliParseKey struct {
	kind string
	loc  *time.Location
}

// parseCLI returns parse() for the result memo belongs to, computed on first use and
// shared by every later scrape until the CLI runs again. key names the parse and
// everything it depends on besides the result (the parser, a time zone): comparable,
// distinct per parser. A nil memo (an inline run) parses every time. The value is
// shared between scrapes: callers must treat it as read-only.
func parseCLI[T any](memo *cliMemo, key any, parse func() (T, error)) (T, error) {
	if memo == nil {
		return parse()
	}
	memo.mu.Lock()
	defer memo.mu.Unlock()
	if p, ok := memo.m[key]; ok {
		v, _ := p.v.(T)
		return v, p.err
	}
	v, err := parse()
	if memo.m == nil {
		memo.m = map[any]cliParse{}
	}
	memo.m[key] = cliParse{v: v, err: err}
	return v, err
}

// NewRefresher returns a running refresher; intervals maps CLI ids to their interval (a
// missing id or 0 runs that CLI in every scrape).
func NewRefresher(runner *Runner, intervals map[string]time.Duration, now func() time.Time) *Refresher {
	if now == nil {
		now = time.Now
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Refresher{runner: runner, intervals: intervals, now: now, ctx: ctx, cancel: cancel,
		entries: map[string]*cliEntry{}}
}

// Stop ends every refresh loop, kills the CLIs still running and waits for the loops to
// return. Later runs fall back to running inline.
func (r *Refresher) Stop() {
	if r == nil {
		return
	}
	r.mu.Lock()
	r.stopped = true
	r.mu.Unlock()
	r.cancel()
	r.wg.Wait()
}

// Runs reports how many times the CLI path has run in the background, for tests.
func (r *Refresher) Runs(path string, args ...string) int {
	r.mu.Lock()
	e := r.entries[cliKey(path, args)]
	r.mu.Unlock()
	if e == nil {
		return 0
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.runs
}

func cliKey(path string, args []string) string {
	return path + "\x00" + strings.Join(args, "\x00")
}

// Run returns the last background result of `path args...`, starting its refresh loop on
// first use. The first call waits for the first run, bounded by ctx (the scrape
// deadline). Without a background interval the CLI runs inline, as before.
func (r *Refresher) Run(ctx context.Context, id, path string, args ...string) CLISnapshot {
	if r == nil {
		return CLISnapshot{}
	}
	interval := r.intervals[id]
	r.mu.Lock()
	if interval <= 0 || r.stopped {
		r.mu.Unlock()
		res, err := r.runner.Run(ctx, path, args...)
		return CLISnapshot{Result: res, Err: err, At: r.now()}
	}
	key := cliKey(path, args)
	e := r.entries[key]
	if e == nil {
		e = &cliEntry{path: path, args: append([]string(nil), args...), interval: interval, first: make(chan struct{})}
		r.entries[key] = e
		r.wg.Add(1)
		go r.loop(key, e)
	}
	r.mu.Unlock()

	e.mu.Lock()
	e.lastUsed = time.Now()
	e.mu.Unlock()
	select {
	case <-e.first:
	case <-ctx.Done():
		return CLISnapshot{Err: errFirstRefreshPending, Interval: interval}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	return CLISnapshot{Result: e.res, Err: e.err, At: e.at, Interval: interval, memo: e.memo}
}

func (r *Refresher) loop(key string, e *cliEntry) {
	defer r.wg.Done()
	idle := r.idle
	if idle <= 0 {
		idle = max(10*e.interval, 30*time.Minute)
	}
	timer := time.NewTimer(0)
	defer timer.Stop()
	for first := true; ; first = false {
		select {
		case <-r.ctx.Done():
			return
		case <-timer.C:
		}
		e.mu.Lock()
		unused := !first && time.Since(e.lastUsed) > idle
		e.mu.Unlock()
		if unused {
			r.mu.Lock()
			delete(r.entries, key)
			r.mu.Unlock()
			return
		}
		// The next run is due one interval after this one started, so runs per hour are
		// 3600 s / interval whatever the CLI's own latency (a CLI slower than the interval
		// runs back to back, never twice at once).
		timer.Reset(e.interval)
		// The Runner's own deadline (--collector.command-timeout) kills a hung CLI; the
		// refresher's context kills it at Stop.
		res, err := r.runner.Run(r.ctx, e.path, e.args...)
		if r.ctx.Err() != nil && first {
			err = r.ctx.Err()
		} else if r.ctx.Err() != nil {
			return
		}
		e.mu.Lock()
		e.res, e.err, e.at = res, err, r.now()
		e.memo = &cliMemo{}
		e.runs++
		e.mu.Unlock()
		if first {
			close(e.first)
		}
	}
}

// runCLI runs an agent CLI through the refresher when there is one (the server), else
// inline (tests, --output.textfile, diagnose), and records the freshness of a background
// result in s: secagent_source_last_refresh_timestamp_seconds, _last_refresh_success and
// _refresh_interval_seconds for {collector, source}.
func (e Env) runCLI(ctx context.Context, s *Scrape, id, source, path string, args ...string) (Result, error) {
	res, _, err := e.runCLIMemo(ctx, s, id, source, path, args...)
	return res, err
}

// runCLIMemo is runCLI that also returns the memo of a background result, for parseCLI
// (nil for an inline run).
func (e Env) runCLIMemo(ctx context.Context, s *Scrape, id, source, path string, args ...string) (Result, *cliMemo, error) {
	if e.Refresher == nil || e.Refresher.intervals[id] <= 0 {
		res, err := e.Runner.Run(ctx, path, args...)
		return res, nil, err
	}
	snap := e.Refresher.Run(ctx, id, path, args...)
	if s != nil {
		s.refreshed(source, snap)
	}
	return snap.Result, snap.memo, snap.Err
}

// refreshed records the freshness metrics of a background source once per scrape.
func (s *Scrape) refreshed(source string, snap CLISnapshot) {
	ok := snap.Err == nil
	var cmdErr *CommandError
	if errors.As(snap.Err, &cmdErr) && !cmdErr.TimedOut && !cmdErr.Truncated && cmdErr.ExitCode > 0 && len(snap.Result.Stdout) > 0 {
		// Agent CLIs exit non-zero on a degraded but readable status: an answer.
		ok = true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sealed || s.seen["\x00refresh\x00"+source] {
		return
	}
	s.seen["\x00refresh\x00"+source] = true
	s.sources = append(s.sources,
		prometheus.MustNewConstMetric(sourceLastRefreshDesc, prometheus.GaugeValue, unixSeconds(snap.At), s.collector, source),
		prometheus.MustNewConstMetric(sourceRefreshSuccessDesc, prometheus.GaugeValue, boolFloat(ok && !snap.At.IsZero()), s.collector, source),
		prometheus.MustNewConstMetric(sourceRefreshIntervalDesc, prometheus.GaugeValue, snap.Interval.Seconds(), s.collector, source))
}
