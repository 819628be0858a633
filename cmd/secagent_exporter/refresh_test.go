//go:build !windows

package main

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// countingCLI wraps a fixture host's fake CLI so that every run appends a line to
// counts before doing what the fixture did; delay makes the CLI slow.
func countingCLI(t *testing.T, root, hostPath, counts, delay string) {
	t.Helper()
	path := filepath.Join(root, hostPath)
	orig := path + ".orig"
	if err := os.Rename(path, orig); err != nil {
		t.Fatal(err)
	}
	body := "#!/bin/sh\necho run >> " + counts + "\nsleep " + delay + "\nexec " + orig + " \"$@\"\n"
	if err := os.WriteFile(path, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
}

func countRuns(t *testing.T, counts string) int {
	t.Helper()
	raw, err := os.ReadFile(counts)
	if os.IsNotExist(err) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.Count(string(raw), "run\n")
}

// TestCLIRunsIndependentOfScrapers: 50 scrapes by 5 concurrent scrapers start each agent
// CLI exactly once (its first background run at start-up) at a one-hour interval, and
// even the first scrapes, arriving while the slow CLI still runs, get its data.
func TestCLIRunsIndependentOfScrapers(t *testing.T) {
	root := copyHost(t, "demo")
	dir := t.TempDir()
	cmdagentRuns := filepath.Join(dir, "cmdagent.runs")
	ampcliRuns := filepath.Join(dir, "ampcli.runs")
	countingCLI(t, root, "opt/McAfee/agent/bin/cmdagent", cmdagentRuns, "1")
	countingCLI(t, root, "opt/cisco/amp/bin/ampcli", ampcliRuns, "0.2")

	p := startExporter(t, "http",
		"--path.rootfs="+root, "--path.procfs="+filepath.Join(root, "proc"), "--path.sysfs="+filepath.Join(root, "sys"),
		"--state.dir="+t.TempDir(), "--testing.time="+pinnedTime, "--collector.timezone=UTC",
		"--collector.linux_security.kernel-module=ampfsm",
		"--collector.mcafee.cmdagent-interval=1h", "--collector.cisco.ampcli-interval=1h",
	)
	const scrapers, perScraper = 5, 10
	var wg sync.WaitGroup
	var mu sync.Mutex
	var slowest time.Duration
	for range scrapers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client := &http.Client{Timeout: 30 * time.Second}
			for range perScraper {
				body, took := scrape(t, client, p.URL+"/metrics", "10")
				s := parseSeries(t, body)
				for _, key := range []string{
					`secagent_source_success{collector="mcafee",source="cmdagent"}`,
					`secagent_source_success{collector="cisco",source="ampcli_status"}`,
					`secagent_source_last_refresh_success{collector="mcafee",source="cmdagent"}`,
					`secagent_source_refresh_interval_seconds{collector="cisco",source="ampcli_status"}`,
				} {
					if _, ok := s[key]; !ok || (strings.HasPrefix(key, "secagent_source_success") && s[key] != 1) {
						t.Errorf("scrape lacks %s = 1:\n%s", key, body)
						return
					}
				}
				if !strings.Contains(body, "epo_agent_info{") || !strings.Contains(body, "connector_connected ") {
					t.Errorf("scrape lacks the CLIs' data:\n%s", body)
					return
				}
				mu.Lock()
				slowest = max(slowest, took)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if got := countRuns(t, cmdagentRuns); got != 1 {
		t.Errorf("cmdagent ran %d times for %d scrapes, want 1 (one background run per 1h interval)", got, scrapers*perScraper)
	}
	if got := countRuns(t, ampcliRuns); got != 1 {
		t.Errorf("ampcli ran %d times for %d scrapes, want 1", got, scrapers*perScraper)
	}
	t.Logf("slowest scrape %s (the first ones wait for the 1 s cmdagent)", slowest)
}

// TestCLIIntervalZeroRunsPerScrape: interval 0 keeps the old behaviour, one run per scrape.
func TestCLIIntervalZeroRunsPerScrape(t *testing.T) {
	root := copyHost(t, "demo")
	counts := filepath.Join(t.TempDir(), "cmdagent.runs")
	countingCLI(t, root, "opt/McAfee/agent/bin/cmdagent", counts, "0")
	p := startExporter(t, "http", "--collector.disable-defaults", "--collector.mcafee",
		"--path.rootfs="+root, "--state.dir="+t.TempDir(), "--testing.time="+pinnedTime,
		"--collector.mcafee.cmdagent-interval=0")
	// The start-up warm-up runs it once as well.
	deadline := time.Now().Add(10 * time.Second)
	for countRuns(t, counts) < 1 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	before := countRuns(t, counts)
	for range 3 {
		body, _ := scrape(t, http.DefaultClient, p.URL+"/metrics", "10")
		if strings.Contains(body, "secagent_source_last_refresh_timestamp_seconds") {
			t.Errorf("an inline CLI reports a background refresh:\n%s", body)
		}
	}
	if got := countRuns(t, counts) - before; got != 3 {
		t.Errorf("%d runs for 3 scrapes at interval 0, want 3", got)
	}
}
