package collector

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/secagent-exporter/secagent_exporter/collector/mcafee"
)

// collectOnce runs one collector through the framework and returns every sample as
// `name{label="value",...}` -> value, labels sorted, counters and gauges alike.
func collectOnce(t *testing.T, name string, c Collector) map[string]float64 {
	t.Helper()
	reg := prometheus.NewRegistry()
	reg.MustRegister(NewSetFrom(discardLogger(), map[string]Collector{name: c}).Scraper(20 * time.Second))
	families, err := reg.Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	out := map[string]float64{}
	for _, mf := range families {
		for _, m := range mf.GetMetric() {
			var labels []string
			for _, l := range m.GetLabel() {
				labels = append(labels, fmt.Sprintf("%s=%q", l.GetName(), l.GetValue()))
			}
			sort.Strings(labels)
			key := mf.GetName()
			if len(labels) > 0 {
				key += "{" + strings.Join(labels, ",") + "}"
			}
			switch {
			case m.GetCounter() != nil:
				out[key] = m.GetCounter().GetValue()
			default:
				out[key] = m.GetGauge().GetValue()
			}
		}
	}
	return out
}

func wantSamples(t *testing.T, got map[string]float64, want map[string]float64) {
	t.Helper()
	for k, v := range want {
		g, ok := got[k]
		if !ok {
			t.Errorf("missing %s (want %g)", k, v)
		} else if g != v {
			t.Errorf("%s = %g, want %g", k, g, v)
		}
	}
}

func copyFixtureDir(t *testing.T, src, dst string) {
	t.Helper()
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		raw, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), raw, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func testEnv(t *testing.T, stateDir string) Env {
	return Env{
		Logger:   discardLogger(),
		Runner:   &Runner{Timeout: 10 * time.Second},
		StateDir: stateDir,
		Now:      func() time.Time { return time.Date(2026, 11, 16, 10, 0, 0, 0, time.UTC) },
		Location: time.UTC,
	}
}

// A restarted exporter continues from the saved offsets with the saved ASCI state: nothing
// is counted twice, and the last success stays known although its lines are not read again.
func TestMcAfeeRestartKeepsASCIStateWithoutRecounting(t *testing.T) {
	logDir, stateDir := t.TempDir(), t.TempDir()
	copyFixtureDir(t, filepath.Join(fixtureHost(t, "mcafee-healthy"), "var/McAfee/agent/logs"), logDir)
	// No cmdagent: every ASCI metric must come from the log and its persisted state.
	cfg := mcafeeConfig{cmdagent: filepath.Join(t.TempDir(), "cmdagent"), logDir: logDir, logEncoding: "auto"}
	lastSuccess := float64(time.Date(2026, 11, 16, 9, 0, 1, 215e3, time.UTC).UnixNano()) / 1e9

	first := collectOnce(t, "mcafee", newMcAfeeCollectorWith(testEnv(t, stateDir), cfg))
	steady := map[string]float64{
		`secagent_agent_installed{agent="mcafee_agent"}`:                1,
		`epo_last_asci_success`:                                         1,
		`epo_last_asci_success_timestamp_seconds`:                       lastSuccess,
		`epo_log_events_total{event="asci_start"}`:                      2,
		`epo_log_events_total{event="policy_enforced"}`:                 4,
		`epo_asci_attempts_total{outcome="succeeded"}`:                  2,
		`secagent_source_success{collector="mcafee",source="cmdagent"}`: 0,
		`secagent_collector_success{collector="mcafee"}`:                1,
	}
	wantSamples(t, first, steady)

	restarted := newMcAfeeCollectorWith(testEnv(t, stateDir), cfg)
	second := collectOnce(t, "mcafee", restarted)
	wantSamples(t, second, steady)
	// Lines counted by a process belong to that process: nothing was read again.
	wantSamples(t, second, map[string]float64{
		`secagent_log_lines_total{result="classified",source="mcafee_agent_log"}`: 0,
	})

	// The next ASCI fails; the restarted collector reads only it.
	f, err := os.OpenFile(filepath.Join(logDir, "masvc_web01.log"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprint(f, "2026-11-16 09:59:00.100000 (2188.2204) property.Info: Agent started performing ASCI\n"+
		"2026-11-16 09:59:01.200000 (2188.2204) network.Notice: URL(https://epo01.example.com:443/spipe/pkg) request failed with curl error <7>, response code <0>, http connect code 0\n")
	f.Close()
	third := collectOnce(t, "mcafee", restarted)
	wantSamples(t, third, map[string]float64{
		`epo_last_asci_success`:                                                   0,
		`epo_last_asci_success_timestamp_seconds`:                                 lastSuccess,
		`epo_last_asci_timestamp_seconds`:                                         float64(time.Date(2026, 11, 16, 9, 59, 0, 1e8, time.UTC).UnixNano()) / 1e9,
		`epo_asci_consecutive_failures`:                                           1,
		`epo_last_asci_failure_reason{reason="network"}`:                          1,
		`epo_last_asci_failure_reason{reason="key_update"}`:                       0,
		`epo_log_events_total{event="asci_start"}`:                                3,
		`epo_log_events_total{event="network_error"}`:                             1,
		`secagent_log_lines_total{result="classified",source="mcafee_agent_log"}`: 2,
	})
}

// The failure reason is kept in the state after a later success; the metric must not keep it.
func TestMcAfeeFailureReasonClearedBySuccess(t *testing.T) {
	rootFS := fixtureHost(t, "mcafee-upgrade-keyupdate")
	env := testEnv(t, t.TempDir())
	env.Paths = Paths{RootFS: rootFS}
	got := collectOnce(t, "mcafee", newMcAfeeCollectorWith(env, mcafeeConfig{logEncoding: "auto"}))
	for _, r := range mcafee.FailureReasons {
		wantSamples(t, got, map[string]float64{`epo_last_asci_failure_reason{reason="` + r + `"}`: 0})
	}
	wantSamples(t, got, map[string]float64{`epo_last_asci_success`: 1, `epo_agent_key_update_pending`: 0})
}

func TestMcAfeeAbsentAgentIsDataNotFailure(t *testing.T) {
	env := testEnv(t, t.TempDir())
	env.Paths = Paths{RootFS: t.TempDir()}
	got := collectOnce(t, "mcafee", newMcAfeeCollectorWith(env, mcafeeConfig{logEncoding: "auto"}))
	wantSamples(t, got, map[string]float64{
		`secagent_agent_installed{agent="mcafee_agent"}`: 0,
		`secagent_collector_success{collector="mcafee"}`: 1,
	})
	for k := range got {
		if strings.HasPrefix(k, "epo_") || strings.HasPrefix(k, "secagent_source_success") {
			t.Errorf("absent agent reports %s", k)
		}
	}
}

func TestMcAfeeLogGlobs(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"masvc_WEB01.log", "masvc_web01_backup_1.log", "AGENT_WEB01.LOG", "Agent_web01_BACKUP.log",
		"log", "macmnsvc_web01.log", "macompatsvc_web01.log", "masvc_web01.log.txt"} {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	matched := func(names []string) []string {
		var out []string
		for _, g := range logGlobs([]string{dir}, names) {
			m, err := filepath.Glob(g)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range m {
				out = append(out, filepath.Base(p))
			}
		}
		sort.Strings(out)
		return out
	}
	if got, want := strings.Join(matched(mcafee.AgentLayout("linux", mcafee.Settings{}).AgentLogNames), " "),
		"AGENT_WEB01.LOG Agent_web01_BACKUP.log log masvc_WEB01.log masvc_web01_backup_1.log"; got != want {
		t.Errorf("agent log files = %s, want %s", got, want)
	}
	if got := strings.Join(matched(mcafee.AgentLayout("linux", mcafee.Settings{}).MacmnsvcLogNames), " "); got != "macmnsvc_web01.log" {
		t.Errorf("macmnsvc files = %s", got)
	}
	if got := escapeGlob(`/srv/a[1]/*?`); got != `/srv/a[[]1]/[*][?]` {
		t.Errorf("escapeGlob = %s", got)
	}
}

func TestMcAfeeLabelsAreBounded(t *testing.T) {
	for in, want := range map[string]string{
		"epo01.example.com:443": "epo01.example.com",
		"epo01\n":               "epo01",
		"[::1]:443":             "[::1]:443",
	} {
		if got := serverHostLabel(in); got != want {
			t.Errorf("serverHostLabel(%q) = %q, want %q", in, got, want)
		}
	}
}

// The ePO server window survives a restart: totals are not counted again and the
// per-agent counts stay.
func TestEPOServerRestartKeepsWindow(t *testing.T) {
	logDir, stateDir := t.TempDir(), t.TempDir()
	copyFixtureDir(t, filepath.Join(fixtureHost(t, "epo-server-sequence-errors"), "C/Program Files/McAfee/ePolicy Orchestrator/DB/Logs"), logDir)
	cfg := epoServerConfig{globs: []string{filepath.Join(logDir, "[Ss]erver*.log")}, window: 24 * time.Hour, top: 2}
	want := map[string]float64{
		`epo_server_sequence_errors_total`:                                                    11,
		`epo_server_sequence_error_agents`:                                                    4,
		`epo_server_agent_sequence_errors{agent_guid="5E1C3A7B-0D2F-4E55-9B61-7C8D9E0F1A2B"}`: 5,
		`epo_server_agent_sequence_errors{agent_guid="91EEA947-D3FB-4CC2-AEC7-05D15CDB5C6A"}`: 3,
		`epo_server_sequence_error_last_timestamp_seconds`:                                    float64(time.Date(2026, 11, 16, 9, 45, 0, 0, time.UTC).Unix()),
		`secagent_collector_success{collector="epo_server"}`:                                  1,
	}
	for i := range 2 {
		c, err := newEPOServerCollectorWith(testEnv(t, stateDir), cfg)
		if err != nil {
			t.Fatal(err)
		}
		got := collectOnce(t, "epo_server", c)
		wantSamples(t, got, want)
		n := 0
		for k := range got {
			if strings.HasPrefix(k, "epo_server_agent_sequence_errors{") {
				n++
			}
		}
		if n != 2 {
			t.Errorf("run %d: %d per-agent series, want the top 2", i, n)
		}
	}
}

func TestEPOServerMissingLogFails(t *testing.T) {
	c, err := newEPOServerCollectorWith(testEnv(t, t.TempDir()),
		epoServerConfig{globs: []string{filepath.Join(t.TempDir(), "Server.log")}, window: time.Hour, top: 20})
	if err != nil {
		t.Fatal(err)
	}
	wantSamples(t, collectOnce(t, "epo_server", c), map[string]float64{
		`secagent_source_success{collector="epo_server",source="epo_server_log"}`: 0,
		`secagent_collector_success{collector="epo_server"}`:                      0,
		`epo_server_sequence_errors_total`:                                        0,
	})
	for _, cfg := range []epoServerConfig{{globs: []string{"x"}, window: 0, top: 1}, {globs: []string{"x"}, window: time.Hour, top: -1}, {window: time.Hour}} {
		if _, err := newEPOServerCollectorWith(testEnv(t, ""), cfg); err == nil {
			t.Errorf("config %+v accepted", cfg)
		}
	}
}
