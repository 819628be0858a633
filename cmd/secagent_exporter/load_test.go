package main

// Load: 50 concurrent scrapers against a binary built with the race detector while the
// agents keep writing their logs. No data race, goroutines and resident memory back to
// where they started, every appended log line counted exactly once, and the scrapes over
// --web.max-requests refused with a clear 503. `make test` runs it for 10 s; `make soak`
// sets SECAGENT_SOAK_DURATION (5m) and records the numbers in docs/reliability.md.

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const (
	loadScrapers    = 50
	loadMaxRequests = 10
)

var (
	raceBinaryOnce sync.Once
	raceBinary     string
	raceBinaryErr  error
)

// buildRaceBinary builds the exporter with -race next to the normal test binary.
func buildRaceBinary(t *testing.T) string {
	t.Helper()
	raceBinaryOnce.Do(func() {
		raceBinary = filepath.Join(filepath.Dir(exporterBinary), exporterName+"-race")
		out, err := exec.Command("go", "build", "-race", "-o", raceBinary, ".").CombinedOutput()
		if err != nil {
			raceBinaryErr = fmt.Errorf("go build -race: %v\n%s", err, out)
		}
	})
	if raceBinaryErr != nil {
		if strings.Contains(raceBinaryErr.Error(), "-race requires cgo") || strings.Contains(raceBinaryErr.Error(), "not supported") {
			t.Skip(raceBinaryErr)
		}
		t.Fatal(raceBinaryErr)
	}
	return raceBinary
}

func loadDuration(t *testing.T) time.Duration {
	t.Helper()
	raw := os.Getenv("SECAGENT_SOAK_DURATION")
	if raw == "" {
		return 10 * time.Second
	}
	d, err := time.ParseDuration(raw)
	if err != nil || d <= 0 {
		t.Fatalf("SECAGENT_SOAK_DURATION=%q: want a positive Go duration such as 5m", raw)
	}
	return d
}

// loadSample is one reading of the exporter's own metrics.
type loadSample struct {
	at         time.Duration
	goroutines float64
	rssMiB     float64
	heapMiB    float64 // go_memstats_heap_inuse_bytes: live Go heap, without the race runtime's shadow memory
}

func TestLoadConcurrentScrapers(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a -race binary")
	}
	t.Run("race", func(t *testing.T) { runLoad(t, buildRaceBinary(t), true) })
	// The race detector's shadow memory hides what the product itself uses: the soak also
	// measures the normal build.
	if os.Getenv("SECAGENT_SOAK_DURATION") != "" {
		t.Run("plain", func(t *testing.T) { runLoad(t, exporterBinary, false) })
	}
}

func runLoad(t *testing.T, binary string, race bool) {
	duration := loadDuration(t)
	root := copyHost(t, "demo")
	state := t.TempDir()
	p := startExporterWith(t, "http", binary, nil,
		"--collector.disable-defaults",
		"--collector.cisco", "--collector.linux_security", "--collector.mcafee", "--collector.qualys",
		"--collector.linux_security.kernel-module=ampfsm",
		"--path.rootfs="+root, "--path.procfs="+filepath.Join(root, "proc"), "--path.sysfs="+filepath.Join(root, "sys"),
		"--state.dir="+state, "--testing.time="+pinnedTime, "--collector.timezone=UTC",
		fmt.Sprintf("--web.max-requests=%d", loadMaxRequests))

	transport := &http.Transport{MaxIdleConnsPerHost: loadScrapers}
	client := &http.Client{Timeout: 30 * time.Second, Transport: transport}
	// monitor reads the exporter's own metrics, retrying while the scrapers hold every slot.
	start := time.Now()
	monitor := func() (series, loadSample) {
		t.Helper()
		for {
			resp, err := client.Get(p.URL + "/metrics")
			if err != nil {
				t.Fatalf("monitor scrape: %v", err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				s := parseSeries(t, string(body))
				return s, loadSample{at: time.Since(start).Round(time.Second), goroutines: s["go_goroutines"],
					rssMiB: s["process_resident_memory_bytes"] / (1 << 20), heapMiB: s["go_memstats_heap_inuse_bytes"] / (1 << 20)}
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	// Warm up: the first scrape backfills the logs and fills the caches.
	for i := 0; i < 3; i++ {
		monitor()
	}
	transport.CloseIdleConnections()
	time.Sleep(500 * time.Millisecond)
	baseline, first := monitor()

	start = time.Now()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var ok200, refused, failed atomic.Int64
	var refusalBody atomic.Value
	for i := 0; i < loadScrapers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				req, _ := http.NewRequest(http.MethodGet, p.URL+"/metrics", nil)
				req.Header.Set("X-Prometheus-Scrape-Timeout-Seconds", "10")
				resp, err := client.Do(req)
				if err != nil {
					failed.Add(1)
					continue
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				// A short pause, as between a real scraper's retries: without it the
				// refused scrapers spin and measure the CPU rather than the exporter.
				time.Sleep(50 * time.Millisecond)
				switch resp.StatusCode {
				case http.StatusOK:
					ok200.Add(1)
				case http.StatusServiceUnavailable:
					refused.Add(1)
					refusalBody.Store(string(body))
				default:
					failed.Add(1)
				}
			}
		}()
	}
	// The agents keep logging while they are scraped.
	var appended atomic.Int64
	var writeErr atomic.Value
	mcafeeLog := filepath.Join(root, "var", "McAfee", "agent", "logs", "masvc_web01.log")
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for n := 0; ; n++ {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			f, err := os.OpenFile(mcafeeLog, os.O_APPEND|os.O_WRONLY, 0)
			if err == nil {
				_, err = f.WriteString(mcafeeLine(fmt.Sprintf("%02d:%02d:%02d.000001", 10+n/3600, n/60%60, n%60),
					"ahclient.Info: Agent communication session closed"))
				if cerr := f.Close(); err == nil {
					err = cerr
				}
			}
			if err != nil {
				writeErr.Store(err)
				return
			}
			appended.Add(1)
		}
	}()
	// Memory is judged against the plateau the load reaches once warm, not against the
	// idle process. The Go heap in use is the leak detector; resident memory is judged
	// only for the normal build, since the race runtime's own memory grows with the
	// history it keeps and is not the product's.
	samples := []loadSample{first}
	var plateau loadSample
	for i := 1; i <= 10; i++ {
		time.Sleep(time.Until(start.Add(time.Duration(i) * duration / 10)))
		_, s := monitor()
		samples = append(samples, s)
		if i == 3 {
			plateau = s
		}
		if i <= 3 {
			continue
		}
		if s.heapMiB > plateau.heapMiB*1.5+16 {
			t.Errorf("Go heap still growing under steady load: %.1f MiB at %s, %.1f MiB at %s",
				s.heapMiB, s.at, plateau.heapMiB, plateau.at)
		}
		if !race && s.rssMiB > plateau.rssMiB*1.25+16 {
			t.Errorf("resident memory still growing under steady load: %.1f MiB at %s, %.1f MiB at %s",
				s.rssMiB, s.at, plateau.rssMiB, plateau.at)
		}
	}
	close(stop)
	wg.Wait()
	if err, _ := writeErr.Load().(error); err != nil {
		t.Fatalf("appending to the agent log: %v", err)
	}

	// Idle again: the scrapers' connections closed, the last scrape finished.
	transport.CloseIdleConnections()
	var final series
	var last loadSample
	for settle := time.Now().Add(10 * time.Second); ; {
		time.Sleep(500 * time.Millisecond)
		final, last = monitor()
		transport.CloseIdleConnections()
		if last.goroutines <= first.goroutines || time.Now().After(settle) {
			break
		}
	}
	samples = append(samples, last)

	t.Logf("%d scrapers for %s: %d answered 200, %d refused with 503, %d failed; %d log lines appended",
		loadScrapers, duration, ok200.Load(), refused.Load(), failed.Load(), appended.Load())
	for _, s := range samples {
		t.Logf("at %6s: go_goroutines %3.0f, go_memstats_heap_inuse_bytes %5.1f MiB, process_resident_memory_bytes %5.1f MiB",
			s.at, s.goroutines, s.heapMiB, s.rssMiB)
	}

	if log := p.Log(); strings.Contains(log, "DATA RACE") || strings.Contains(log, "panic") {
		t.Fatalf("race or panic in the exporter:\n%s", log)
	}
	if !p.Running() {
		t.Fatalf("exporter exited:\n%s", p.Log())
	}
	if failed.Load() > 0 {
		t.Errorf("%d scrapes failed (neither 200 nor 503)", failed.Load())
	}
	if ok200.Load() == 0 || refused.Load() == 0 {
		t.Errorf("want answered and refused scrapes with %d scrapers over --web.max-requests=%d", loadScrapers, loadMaxRequests)
	}
	if body, _ := refusalBody.Load().(string); refused.Load() > 0 && !strings.Contains(body, "--web.max-requests") {
		t.Errorf("503 body does not name --web.max-requests: %q", body)
	}
	if !strings.Contains(p.Log(), `msg="refusing scrape: too many concurrent requests" limit=10`) {
		t.Error("refused scrapes are not logged")
	}
	if last.goroutines > first.goroutines+2 {
		t.Errorf("goroutines grew from %v to %v", first.goroutines, last.goroutines)
	}
	if got := final.logLines("mcafee_agent_log") - baseline.logLines("mcafee_agent_log"); got != float64(appended.Load()) {
		t.Errorf("%d lines appended under load, %v counted", appended.Load(), got)
	}
	for _, c := range faultCollectors {
		wantValue(t, final, collectorSuccess(c), 1)
	}
}
