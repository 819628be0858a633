package collector

import (
	"context"
	"sort"
	"sync"

	"github.com/secagent-exporter/secagent_exporter/collector/probe"
)

// Each agent's collector file registers how the probe derives that agent's targets
// (registerProbeAgent in its init), from the layout the collector reads.
var (
	probeAgentsMu sync.Mutex
	probeAgentFns = map[string]probeAgentFunc{}
)

type probeAgentFunc func(c *probeCollector, ctx context.Context) ([]probe.Target, []probeSource)

func registerProbeAgent(name string, f probeAgentFunc) {
	probeAgentsMu.Lock()
	defer probeAgentsMu.Unlock()
	probeAgentFns[name] = f
}

// probeAgents are the registered target derivations in name order.
func probeAgents() []probeAgentFunc {
	probeAgentsMu.Lock()
	defer probeAgentsMu.Unlock()
	names := make([]string, 0, len(probeAgentFns))
	for n := range probeAgentFns {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make([]probeAgentFunc, len(names))
	for i, n := range names {
		out[i] = probeAgentFns[n]
	}
	return out
}

// agentTargets reads each installed agent's configuration. An absent agent adds no
// target and no source; a source that cannot be read is reported (degraded) and, where a
// documented default exists, the default is probed instead.
func (c *probeCollector) agentTargets(ctx context.Context) ([]probe.Target, []probeSource) {
	var targets []probe.Target
	var sources []probeSource
	for _, derive := range probeAgents() {
		t, s := derive(c, ctx)
		targets = append(targets, t...)
		sources = append(sources, s...)
	}
	return targets, sources
}

func (c *probeCollector) goos() string {
	if c.env.Paths.OS() == "windows" {
		return "windows"
	}
	return "linux"
}

// environmentProxy is HTTPS_PROXY / NO_PROXY of the exporter's environment for name. A
// malformed value is logged (without the value: it may hold credentials) and ignored.
func (c *probeCollector) environmentProxy(name string) *probe.ProxySpec {
	host, port, err := probe.SplitName(name)
	if err != nil {
		return nil
	}
	p, err := probe.ProxyFromEnvironment(c.getenv, host, port)
	if err != nil && c.env.Logger != nil {
		c.env.Logger.Warn("ignoring the environment proxy", "err", err)
	}
	return p
}
