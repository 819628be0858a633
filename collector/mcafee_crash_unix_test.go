//go:build !windows

package collector

import (
	"strings"
	"testing"

	"github.com/secagent-exporter/secagent_exporter/internal/host/hosttest"
)

// A cmdagent killed part-way (a crash, or the command timeout) may have printed only the
// first keys: that output is not the agent's information, and the source fails.
func TestMcAfeeCmdAgentKilledPartWay(t *testing.T) {
	dir := t.TempDir()
	cmdagent := hosttest.WriteScript(t, dir, "cmdagent", "echo 'Component: McAfee Agent'; echo 'AgentMode: 1'; kill -SEGV $$")
	env := testEnv(t, t.TempDir())
	cfg := mcafeeConfig{cmdagent: cmdagent, logDir: t.TempDir(), logEncoding: "auto"}
	got := collectOnce(t, "mcafee", newMcAfeeCollectorWith(env, cfg))
	wantSamples(t, got, map[string]float64{
		`secagent_source_success{collector="mcafee",source="cmdagent"}`: 0,
		`secagent_collector_success{collector="mcafee"}`:                0,
	})
	for k := range got {
		if strings.HasPrefix(k, "epo_agent_info") || strings.HasPrefix(k, "epo_agent_managed") {
			t.Errorf("a crashed cmdagent's partial output was reported: %s", k)
		}
	}
}
