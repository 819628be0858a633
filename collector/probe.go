package collector

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/alecthomas/kingpin/v2"

	"github.com/secagent-exporter/secagent_exporter/collector/cisco"
	"github.com/secagent-exporter/secagent_exporter/collector/probe"
)

// The probe collector checks, from this host, the network path each agent needs to its
// back end (ePO server / agent handler, Cisco TETRA definition server, Qualys platform):
// the most common reasons the agents go silent are on that path (sources.md S3: name not
// resolved, TLS/CRL failures, proxy connect and proxy authentication failures; sources.md S4:
// no HTTPS/443 to the platform, wrong proxy). Probes touch the network, so they run in
// the background (docs/metrics.md) and a scrape only reads the latest results.
var probeFlags = func() *probeFlagValues {
	f := &probeFlagValues{}
	kingpin.Flag("collector.probe.target",
		"Extra endpoint to probe, as agent=host:port or host:port (agent \"custom\"); repeatable. The agent name is a label value: lower-case letters, digits and _.").
		StringsVar(&f.Targets)
	kingpin.Flag("collector.probe.agent-targets",
		"Derive targets from the agents' own configuration (cmdagent ePO server list, Cisco policy.xml TETRA server, Qualys ServerUri).").
		Default("true").BoolVar(&f.AgentTargets)
	kingpin.Flag("collector.probe.interval",
		"How often the probes run in the background (each run is jittered by ±10%).").
		Default("5m").DurationVar(&f.Interval)
	kingpin.Flag("collector.probe.timeout",
		"Deadline for one target's probe, all phases together.").
		Default("10s").DurationVar(&f.Timeout)
	kingpin.Flag("collector.probe.concurrency",
		"Targets probed at the same time.").
		Default("4").IntVar(&f.Concurrency)
	kingpin.Flag("collector.probe.tls-ca-file",
		"PEM file of extra CAs trusted when verifying server certificates (private PKI, TLS-inspecting proxies).").
		StringVar(&f.CAFile)
	return f
}()

type probeFlagValues struct {
	Targets      []string
	AgentTargets bool
	Interval     time.Duration
	Timeout      time.Duration
	Concurrency  int
	CAFile       string
}

func init() {
	registerCollector("probe", false, newProbeCollector)
}

var (
	probeSuccessDesc = NewDesc("secagent_probe_success",
		"1 if the last background probe of the agent's back-end endpoint completed every phase (DNS, TCP connect, proxy CONNECT when the agent uses a proxy, TLS handshake with a verified certificate).",
		"agent", "target")
	probeDurationDesc = NewDesc("secagent_probe_duration_seconds",
		"Time the last probe spent in each phase that ran (dns, connect, proxy_connect, tls); with a proxy, dns and connect are the hops to the proxy.",
		"agent", "target", "phase")
	probeFailedPhaseDesc = NewDesc("secagent_probe_failed_phase",
		"1 for the phase the last probe failed in (dns, connect, proxy_connect, proxy_auth, tls), 0 for the others; all 0 on success. A timeout is charged to the phase that was running.",
		"agent", "target", "phase")
	probeCertNotAfterDesc = NewDesc("secagent_probe_tls_cert_not_after_timestamp_seconds",
		"End of validity of the server certificate chain seen by the last probe, also when verification failed (expired, unknown CA).",
		"agent", "target")
	probeViaProxyDesc = NewDesc("secagent_probe_via_proxy",
		"1 if the last probe went through an HTTP proxy (the agent's own, or HTTPS_PROXY where the agent's is not readable).",
		"agent", "target")
	probeLastRunDesc = NewDesc("secagent_probe_last_run_timestamp_seconds",
		"When the last background probe run finished; absent until the first run has finished.")
)

// Bounds on what one run probes: the ePO server list can name many agent handlers, and
// every target is a set of label values.
const (
	maxProbeTargetsPerAgent = 8
	maxProbeTargets         = 32
	// probeAgentCustom is the agent label of a configured target that names none.
	probeAgentCustom = "custom"
)

var probeAgentName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)

type probeConfig struct {
	targets     []probe.Target
	fromAgents  bool
	interval    time.Duration
	timeout     time.Duration
	concurrency int
	roots       *x509.CertPool
}

// probeDeps are the seams tests replace: name resolution, dialling and the environment.
type probeDeps struct {
	resolver probe.Resolver
	dial     probe.DialFunc
	getenv   func(string) string
	// ciscoRegistry gives the Windows connector's InstallDir; nil reads none.
	ciscoRegistry cisco.RegistryReader
}

// probeSnapshot is what the last background run found; scrapes read it under the lock.
type probeSnapshot struct {
	finished time.Time
	results  []probe.Result
	// sources are the agent configuration files and CLIs read to derive targets, in
	// order, each with its error (nil when read).
	sources []probeSource
}

type probeSource struct {
	name string
	err  error
}

type probeCollector struct {
	env           Env
	cfg           probeConfig
	ciscoRegistry cisco.RegistryReader
	prober        *probe.Prober
	getenv        func(string) string

	startOnce sync.Once
	stop      context.CancelFunc

	mu     sync.Mutex
	latest *probeSnapshot
}

func newProbeCollector(env Env) (Collector, error) {
	cfg, err := probeConfigFromFlags()
	if err != nil {
		return nil, err
	}
	deps := probeDeps{getenv: os.Getenv}
	if env.Paths.OS() == "windows" {
		deps.ciscoRegistry = cisco.NewRegistryReader()
	}
	return newProbeCollectorWith(env, cfg, deps), nil
}

func probeConfigFromFlags() (probeConfig, error) {
	cfg := probeConfig{
		fromAgents:  probeFlags.AgentTargets,
		interval:    probeFlags.Interval,
		timeout:     probeFlags.Timeout,
		concurrency: probeFlags.Concurrency,
	}
	if cfg.interval <= 0 || cfg.timeout <= 0 || cfg.concurrency < 1 {
		return cfg, errors.New("--collector.probe.interval and --collector.probe.timeout must be positive, --collector.probe.concurrency at least 1")
	}
	for _, spec := range probeFlags.Targets {
		t, err := parseProbeTargetFlag(spec)
		if err != nil {
			return cfg, err
		}
		cfg.targets = append(cfg.targets, t)
	}
	if probeFlags.CAFile != "" {
		pem, err := os.ReadFile(probeFlags.CAFile)
		if err != nil {
			return cfg, fmt.Errorf("--collector.probe.tls-ca-file: %w", err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return cfg, fmt.Errorf("--collector.probe.tls-ca-file %s: no PEM certificate found", probeFlags.CAFile)
		}
		cfg.roots = pool
	}
	return cfg, nil
}

// parseProbeTargetFlag reads agent=host:port or host:port. The proxy is decided at each
// run from the environment, like the derived targets'.
func parseProbeTargetFlag(spec string) (probe.Target, error) {
	agent, name := probeAgentCustom, strings.TrimSpace(spec)
	if a, n, ok := strings.Cut(name, "="); ok {
		agent, name = strings.TrimSpace(a), strings.TrimSpace(n)
	}
	if !probeAgentName.MatchString(agent) {
		return probe.Target{}, fmt.Errorf("--collector.probe.target %q: agent %q must be lower-case letters, digits and _", spec, agent)
	}
	host, port, err := probe.SplitName(name)
	if err != nil {
		return probe.Target{}, fmt.Errorf("--collector.probe.target %q: want agent=host:port: %w", spec, err)
	}
	// An ePO server named by hand has the same private CA as one cmdagent lists.
	return probe.Target{Agent: agent, Name: probe.JoinName(host, port), SkipChainVerify: agent == AgentMcAfee}, nil
}

func newProbeCollectorWith(env Env, cfg probeConfig, deps probeDeps) *probeCollector {
	if deps.getenv == nil {
		deps.getenv = func(string) string { return "" }
	}
	now := env.Now
	if now == nil {
		now = time.Now
	}
	return &probeCollector{
		env:           env,
		cfg:           cfg,
		ciscoRegistry: deps.ciscoRegistry,
		prober: &probe.Prober{
			Resolver: deps.resolver,
			Dial:     deps.dial,
			Roots:    cfg.roots,
			Now:      now,
			Timeout:  cfg.timeout,
		},
		getenv: deps.getenv,
	}
}

// Update starts the background loop on the first scrape (a collector that is never
// scraped never touches the network) and reports the latest finished run.
func (c *probeCollector) Update(ctx context.Context, s *Scrape) error {
	c.startOnce.Do(func() {
		// The loop lives as long as the process; stop exists for tests.
		loopCtx, cancel := context.WithCancel(context.Background())
		c.stop = cancel
		go c.loop(loopCtx)
	})
	c.mu.Lock()
	snap := c.latest
	c.mu.Unlock()
	if snap == nil {
		return nil
	}
	for _, src := range snap.sources {
		s.SourceOptional(src.name, src.err)
	}
	for _, r := range snap.results {
		s.Bool(probeSuccessDesc, r.Success, r.Agent, r.Name)
		s.Bool(probeViaProxyDesc, r.ViaProxy, r.Agent, r.Name)
		for _, phase := range probe.TimedPhases {
			if d, ok := r.Durations[phase]; ok {
				s.Gauge(probeDurationDesc, d.Seconds(), r.Agent, r.Name, string(phase))
			}
		}
		for _, phase := range probe.FailurePhases {
			s.Bool(probeFailedPhaseDesc, r.FailedPhase == phase, r.Agent, r.Name, string(phase))
		}
		if !r.CertNotAfter.IsZero() {
			s.Gauge(probeCertNotAfterDesc, float64(r.CertNotAfter.Unix()), r.Agent, r.Name)
		}
	}
	s.Gauge(probeLastRunDesc, float64(snap.finished.UnixNano())/1e9)
	return nil
}

func (c *probeCollector) loop(ctx context.Context) {
	for {
		c.runOnce(ctx)
		// ±10% so a fleet started together does not probe the ePO server in lock-step.
		wait := time.Duration(float64(c.cfg.interval) * (0.9 + 0.2*rand.Float64()))
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-timer.C:
		}
	}
}

// runOnce derives the targets afresh (agent configuration changes with policy), probes
// them and publishes the results.
func (c *probeCollector) runOnce(ctx context.Context) {
	var targets []probe.Target
	var sources []probeSource
	if c.cfg.fromAgents {
		targets, sources = c.agentTargets(ctx)
	}
	for _, t := range c.cfg.targets {
		t.Proxy = c.environmentProxy(t.Name)
		targets = append(targets, t)
	}
	targets = boundProbeTargets(targets, c.env.Logger)

	results := c.prober.ProbeAll(ctx, targets, c.cfg.concurrency)
	if ctx.Err() != nil {
		return
	}

	c.mu.Lock()
	previous := c.latest
	c.latest = &probeSnapshot{finished: c.env.Now(), results: results, sources: sources}
	c.mu.Unlock()
	c.logTransitions(previous, results, targets)
}

// logTransitions logs a target when its outcome changes (and every failure at debug),
// so a persistent failure does not write a line every few minutes. Targets are logged
// by agent, host:port and the proxy's String, which never holds credentials.
func (c *probeCollector) logTransitions(previous *probeSnapshot, results []probe.Result, targets []probe.Target) {
	logger := c.env.Logger
	if logger == nil {
		return
	}
	before := map[string]probe.Phase{}
	if previous != nil {
		for _, r := range previous.results {
			before[r.Agent+"|"+r.Name] = r.FailedPhase
		}
	}
	for i, r := range results {
		was, known := before[r.Agent+"|"+r.Name]
		attrs := []any{"agent", r.Agent, "target", r.Name, "path", targets[i].Proxy.String()}
		switch {
		case !r.Success && (!known || was != r.FailedPhase):
			logger.Warn("probe failed", append(attrs, "phase", string(r.FailedPhase), "err", r.Err)...)
		case r.Success && known && was != "":
			logger.Info("probe recovered", attrs...)
		case !r.Success:
			logger.Debug("probe still failing", append(attrs, "phase", string(r.FailedPhase), "err", r.Err)...)
		}
	}
}

// boundProbeTargets drops duplicates (the same endpoint listed twice, or configured and
// derived) and caps the count per agent and overall, keeping derived targets first.
func boundProbeTargets(targets []probe.Target, logger *slog.Logger) []probe.Target {
	seen := map[string]bool{}
	perAgent := map[string]int{}
	var out []probe.Target
	dropped := 0
	for _, t := range targets {
		key := t.Agent + "|" + t.Name
		if seen[key] {
			continue
		}
		seen[key] = true
		if perAgent[t.Agent] == maxProbeTargetsPerAgent || len(out) == maxProbeTargets {
			dropped++
			continue
		}
		perAgent[t.Agent]++
		out = append(out, t)
	}
	if dropped > 0 && logger != nil {
		logger.Warn("probe targets over the limit were skipped", "skipped", dropped,
			"per_agent_limit", maxProbeTargetsPerAgent, "limit", maxProbeTargets)
	}
	return out
}
