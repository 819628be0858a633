//go:build !windows

package collector

import (
	"testing"
	"time"

	"github.com/secagent-exporter/secagent_exporter/collector/mcafee"
	"github.com/secagent-exporter/secagent_exporter/internal/host/hosttest"
)

// The fake cmdagent is a shell script, so this runs where the Runner tests run.

// On Windows a failing cmdagent falls back to the agent's registry key: the collector is
// degraded, not failed, and the GUID and last ASCI still come through.
func TestMcAfeeWindowsRegistryFallback(t *testing.T) {
	dir := t.TempDir()
	cmdagent := hosttest.WriteScript(t, dir, "cmdagent.exe", "echo 'service not running' >&2; exit 3")
	env := testEnv(t, t.TempDir())
	env.Paths = Paths{GOOS: "windows"}
	lastASC := time.Date(2026, 11, 16, 9, 0, 1, 0, time.UTC)
	cfg := mcafeeConfig{
		cmdagent: cmdagent, logDir: t.TempDir(), logEncoding: "auto",
		registry: mcafee.FakeRegistry{mcafee.AgentRegistryKeys[0]: {
			mcafee.RegistryAgentGUID:     "{3f2504e0-4f89-41d3-9a0c-0305e82c3301}",
			mcafee.RegistryLastASCTime:   "20261116090001",
			mcafee.RegistryEPOServerList: "epo01.example.com;epo02.example.com",
		}},
	}
	got := collectOnce(t, "mcafee", newMcAfeeCollectorWith(env, cfg))
	wantSamples(t, got, map[string]float64{
		`epo_agent_info{epo_server="epo01.example.com",guid="3F2504E0-4F89-41D3-9A0C-0305E82C3301",mode="",version=""}`: 1,
		`epo_last_asci_success_timestamp_seconds`:                       float64(lastASC.Unix()),
		`secagent_source_success{collector="mcafee",source="cmdagent"}`: 0,
		`secagent_source_success{collector="mcafee",source="registry"}`: 1,
		`secagent_collector_success{collector="mcafee"}`:                1,
	})
	if _, ok := got[`epo_agent_managed`]; ok {
		t.Error("epo_agent_managed needs cmdagent's AgentMode; the registry does not tell it")
	}

	// Without the registry key the cmdagent failure fails the collector.
	cfg.registry = mcafee.FakeRegistry{}
	got = collectOnce(t, "mcafee", newMcAfeeCollectorWith(env, cfg))
	wantSamples(t, got, map[string]float64{
		`secagent_source_success{collector="mcafee",source="cmdagent"}`: 0,
		`secagent_collector_success{collector="mcafee"}`:                0,
	})
}
