//go:build !windows

package collector

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/secagent-exporter/secagent_exporter/internal/host/hosttest"
)

// countingScript is a fake CLI that appends a line to a count file on every run, so a
// test can tell exactly how many processes were started.
func countingScript(t *testing.T, dir, body string) (script, counts string) {
	t.Helper()
	counts = filepath.Join(dir, "runs")
	script = hosttest.WriteScript(t, dir, "cli", "echo run >> "+counts+"\n"+body)
	return script, counts
}

func runsIn(t *testing.T, counts string) int {
	t.Helper()
	raw, err := os.ReadFile(counts)
	if errors.Is(err, os.ErrNotExist) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.Count(string(raw), "run\n")
}

func newTestRefresher(t *testing.T, interval time.Duration, timeout time.Duration) *Refresher {
	t.Helper()
	r := NewRefresher(&Runner{Timeout: timeout}, map[string]time.Duration{"test.cli": interval}, nil)
	t.Cleanup(r.Stop)
	return r
}

func TestRefresherIntervalHonouredUnderConcurrentScrapes(t *testing.T) {
	dir := t.TempDir()
	script, counts := countingScript(t, dir, "echo Status: ok")
	const interval = 400 * time.Millisecond
	r := newTestRefresher(t, interval, 5*time.Second)

	start := time.Now()
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Since(start) < 1100*time.Millisecond {
				ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
				snap := r.Run(ctx, "test.cli", script, "status")
				cancel()
				if snap.Err != nil || string(snap.Result.Stdout) != "Status: ok\n" {
					t.Errorf("scrape got %q, %v", snap.Result.Stdout, snap.Err)
					return
				}
				time.Sleep(5 * time.Millisecond)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	// Runs at 0, 400 and 800 ms (and one at 1200 ms if the scrapers overran): hundreds of
	// scrapes, three or four processes.
	got := runsIn(t, counts)
	want := int(elapsed/interval) + 1
	if got < 3 || got > want {
		t.Fatalf("%d CLI runs in %s at a %s interval, want 3..%d", got, elapsed, interval, want)
	}
	if n := r.Runs(script, "status"); n != got {
		t.Errorf("refresher counted %d runs, the CLI %d", n, got)
	}
}

func TestRefresherFirstScrapeWaitsForFirstRun(t *testing.T) {
	dir := t.TempDir()
	script, _ := countingScript(t, dir, "sleep 0.3\necho ready")
	r := newTestRefresher(t, time.Hour, 5*time.Second)

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	start := time.Now()
	snap := r.Run(ctx, "test.cli", script)
	if snap.Err != nil || string(snap.Result.Stdout) != "ready\n" {
		t.Fatalf("first scrape got %q, %v; want the first run's output", snap.Result.Stdout, snap.Err)
	}
	if waited := time.Since(start); waited < 250*time.Millisecond {
		t.Errorf("first scrape returned after %s, before the CLI could finish", waited)
	}
	if snap.At.IsZero() || snap.Interval != time.Hour {
		t.Errorf("snapshot At=%v Interval=%s", snap.At, snap.Interval)
	}

	// Bounded by the scrape deadline: a second CLI that is slower than the deadline.
	slow := hosttest.WriteScript(t, dir, "slow", "sleep 1\necho late")
	short, cancel2 := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel2()
	start = time.Now()
	snap = r.Run(short, "test.cli", slow)
	if !errors.Is(snap.Err, errFirstRefreshPending) {
		t.Fatalf("got %v, want the first-refresh-pending error", snap.Err)
	}
	if waited := time.Since(start); waited > 800*time.Millisecond {
		t.Errorf("the scrape deadline did not bound the wait: %s", waited)
	}
	// The background run carries on and a later scrape gets it.
	later, cancel3 := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel3()
	if snap = r.Run(later, "test.cli", slow); snap.Err != nil || string(snap.Result.Stdout) != "late\n" {
		t.Fatalf("later scrape got %q, %v", snap.Result.Stdout, snap.Err)
	}
}

func TestRefresherKillsHungCLIAtCommandTimeout(t *testing.T) {
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "child.pid")
	script, _ := countingScript(t, dir, "sleep 300 &\necho $! > "+pidFile+"\nwait")
	r := newTestRefresher(t, time.Hour, 300*time.Millisecond)

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	start := time.Now()
	snap := r.Run(ctx, "test.cli", script)
	var ce *CommandError
	if !errors.As(snap.Err, &ce) || !ce.TimedOut {
		t.Fatalf("want a timeout CommandError from the background run, got %v", snap.Err)
	}
	if elapsed := time.Since(start); elapsed > 3*time.Second {
		t.Fatalf("hung CLI was not killed at the command timeout: %s", elapsed)
	}
	hosttest.WaitProcessGone(t, pidFile, "grandchild of the background run")
}

func TestRefresherStopKillsRunningCLI(t *testing.T) {
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "cli.pid")
	script := hosttest.WriteScript(t, dir, "cli", "echo $$ > "+pidFile+"\nexec sleep 300")
	r := NewRefresher(&Runner{Timeout: time.Minute}, map[string]time.Duration{"test.cli": time.Hour}, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_ = r.Run(ctx, "test.cli", script)
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, err := os.Stat(pidFile); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("CLI never started")
		}
		time.Sleep(10 * time.Millisecond)
	}
	stopped := make(chan struct{})
	go func() { r.Stop(); close(stopped) }()
	select {
	case <-stopped:
	case <-time.After(5 * time.Second):
		t.Fatal("Stop did not return while a CLI was running")
	}
	hosttest.WaitProcessGone(t, pidFile, "CLI running at Stop")
	// After Stop a run falls back to running inline rather than starting a new loop.
	if snap := r.Run(context.Background(), "test.cli", hosttest.WriteScript(t, dir, "after", "echo inline")); string(snap.Result.Stdout) != "inline\n" {
		t.Errorf("run after Stop: %q, %v", snap.Result.Stdout, snap.Err)
	}
}

// gaugeValues gathers name{collector,source} from the collected metrics.
func refreshMetrics(t *testing.T, ms []prometheus.Metric) map[string]float64 {
	t.Helper()
	out := map[string]float64{}
	for _, m := range ms {
		var pb dto.Metric
		if err := m.Write(&pb); err != nil {
			t.Fatal(err)
		}
		name := m.Desc().String()
		i := strings.Index(name, `fqName: "`)
		name = name[i+len(`fqName: "`):]
		name = name[:strings.IndexByte(name, '"')]
		labels := ""
		for _, l := range pb.GetLabel() {
			labels += l.GetName() + "=" + l.GetValue() + ","
		}
		out[name+"{"+labels+"}"] = pb.GetGauge().GetValue()
	}
	return out
}

func TestRefresherFailureReportedWithItsAge(t *testing.T) {
	dir := t.TempDir()
	script, _ := countingScript(t, dir, "echo broken >&2\nexit 3")
	clock := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	r := NewRefresher(&Runner{Timeout: 5 * time.Second}, map[string]time.Duration{"test.cli": time.Hour}, now)
	t.Cleanup(r.Stop)
	env := Env{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Runner: r.runner, Refresher: r, Now: now}

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s := newScrape("cisco")
	_, err := env.runCLI(ctx, s, "test.cli", "ampcli_status", script, "status")
	var ce *CommandError
	if !errors.As(err, &ce) || ce.ExitCode != 3 {
		t.Fatalf("want the CLI's exit status 3, got %v", err)
	}
	// Ten minutes later a scrape serves the same failed run: its timestamp tells its age.
	mu.Lock()
	clock = clock.Add(10 * time.Minute)
	mu.Unlock()
	s2 := newScrape("cisco")
	_, err2 := env.runCLI(ctx, s2, "test.cli", "ampcli_status", script, "status")
	if err2 == nil || err2.Error() != err.Error() {
		t.Fatalf("second scrape: %v, want the cached failure %v", err2, err)
	}
	got := refreshMetrics(t, s2.seal().sources)
	const l = "{collector=cisco,source=ampcli_status,}"
	if got["secagent_source_last_refresh_success"+l] != 0 {
		t.Errorf("success = %v, want 0", got["secagent_source_last_refresh_success"+l])
	}
	if ts := got["secagent_source_last_refresh_timestamp_seconds"+l]; ts != float64(time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC).Unix()) {
		t.Errorf("timestamp = %v, want the failed run's time (age 10 min at the second scrape)", ts)
	}
	if iv := got["secagent_source_refresh_interval_seconds"+l]; iv != 3600 {
		t.Errorf("interval = %v, want 3600", iv)
	}
	if n := r.Runs(script, "status"); n != 1 {
		t.Errorf("%d runs for two scrapes within the interval, want 1", n)
	}
}

func TestRefresherNonZeroExitWithAnswerIsSuccess(t *testing.T) {
	dir := t.TempDir()
	script, _ := countingScript(t, dir, "echo Status: Degraded\nexit 1")
	r := newTestRefresher(t, time.Hour, 5*time.Second)
	env := Env{Runner: r.runner, Refresher: r}
	s := newScrape("cisco")
	_, _ = env.runCLI(context.Background(), s, "test.cli", "ampcli_status", script, "status")
	got := refreshMetrics(t, s.seal().sources)
	if v := got["secagent_source_last_refresh_success{collector=cisco,source=ampcli_status,}"]; v != 1 {
		t.Errorf("a CLI that answered with a non-zero exit: success %v, want 1", v)
	}
}

func TestRefresherZeroIntervalRunsInline(t *testing.T) {
	dir := t.TempDir()
	script, counts := countingScript(t, dir, "echo ok")
	r := newTestRefresher(t, 0, 5*time.Second)
	env := Env{Runner: r.runner, Refresher: r}
	for range 3 {
		s := newScrape("mcafee")
		if _, err := env.runCLI(context.Background(), s, "test.cli", "cmdagent", script); err != nil {
			t.Fatal(err)
		}
		if len(s.seal().sources) != 0 {
			t.Error("an inline run reports no refresh metrics")
		}
	}
	if n := runsIn(t, counts); n != 3 {
		t.Errorf("%d runs for 3 scrapes at interval 0, want 3", n)
	}
}

func TestRefresherForgetsUnusedCLI(t *testing.T) {
	dir := t.TempDir()
	script, counts := countingScript(t, dir, "echo ok")
	r := NewRefresher(&Runner{Timeout: 5 * time.Second}, map[string]time.Duration{"test.cli": 50 * time.Millisecond}, nil)
	r.idle = 200 * time.Millisecond
	t.Cleanup(r.Stop)
	_ = r.Run(context.Background(), "test.cli", script)
	deadline := time.Now().Add(5 * time.Second)
	for {
		r.mu.Lock()
		n := len(r.entries)
		r.mu.Unlock()
		if n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("a CLI no scrape asks for any more is still refreshed")
		}
		time.Sleep(20 * time.Millisecond)
	}
	before := runsIn(t, counts)
	time.Sleep(200 * time.Millisecond)
	if after := runsIn(t, counts); after != before {
		t.Errorf("runs went on after the loop ended: %d -> %d", before, after)
	}
}

// A background result is parsed once, however many scrapes serve it; the next run of
// the CLI is parsed again, and an inline run (interval 0) is parsed every time.
func TestParseCLIOncePerBackgroundRun(t *testing.T) {
	dir := t.TempDir()
	// Prints the number of runs so far: each run's output differs.
	script, _ := countingScript(t, dir, "wc -l < "+filepath.Join(dir, "runs"))
	parses := 0
	parse := func(out []byte) func() (string, error) {
		return func() (string, error) {
			parses++
			return strings.TrimSpace(string(out)), nil
		}
	}
	scrape := func(env Env) string {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		res, memo, err := env.runCLIMemo(ctx, newScrape("test"), "test.cli", "test_cli", script, "status")
		if err != nil {
			t.Fatal(err)
		}
		v, _ := parseCLI(memo, "test.parse", parse(res.Stdout))
		return v
	}

	r := newTestRefresher(t, time.Hour, 5*time.Second)
	env := Env{Runner: r.runner, Refresher: r}
	for range 5 {
		if v := scrape(env); v != "1" {
			t.Fatalf("served %q, want the first run's output", v)
		}
	}
	if parses != 1 {
		t.Errorf("one background result parsed %d times in 5 scrapes, want 1", parses)
	}
	// Another key is another parse of the same result.
	ctx := context.Background()
	_, memo, _ := env.runCLIMemo(ctx, nil, "test.cli", "test_cli", script, "status")
	if _, err := parseCLI(memo, cliParseKey{"test.parse", time.UTC}, func() (int, error) { parses++; return 0, nil }); err != nil || parses != 2 {
		t.Errorf("second key: err %v, %d parses, want 2", err, parses)
	}

	// A new run replaces the memo: wait for the second run of a short interval.
	r2 := newTestRefresher(t, 50*time.Millisecond, 5*time.Second)
	env2 := Env{Runner: r2.runner, Refresher: r2}
	parses = 0
	first := scrape(env2)
	deadline := time.Now().Add(20 * time.Second)
	for r2.Runs(script, "status") < 2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if second := scrape(env2); second == first || parses != 2 {
		t.Errorf("after another run: served %q then %q with %d parses, want a new output parsed again", first, second, parses)
	}

	// Inline: every call runs and parses.
	parses = 0
	inline := Env{Runner: &Runner{Timeout: 5 * time.Second}}
	for range 3 {
		scrape(inline)
	}
	if parses != 3 {
		t.Errorf("inline runs parsed %d times in 3 scrapes, want 3", parses)
	}
}
