package collector

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/secagent-exporter/secagent_exporter/collector/cisco"
	"github.com/secagent-exporter/secagent_exporter/collector/mcafee"
	"github.com/secagent-exporter/secagent_exporter/collector/probe"
	"github.com/secagent-exporter/secagent_exporter/collector/qualys"
	"github.com/secagent-exporter/secagent_exporter/internal/hostfs"
)

const (
	// ePO's agent-to-server port when cmdagent prints none: 443 since ePO 5.x
	// (sources.md S14: "the agent otherwise uses HTTP(S) 80/443").
	probeEPODefaultPort = 443
	// The TETRA port; the default server (sources.md S3: Resolve-DnsName / curl against
	// tetra-defs.amp.cisco.com) is in cisco.Layout.
	probeTetraPort = 443
)

// agentTargets reads each installed agent's configuration. An absent agent adds no
// target and no source; a source that cannot be read is reported (degraded) and, where a
// documented default exists, the default is probed instead.
func (c *probeCollector) agentTargets(ctx context.Context) ([]probe.Target, []probeSource) {
	var targets []probe.Target
	var sources []probeSource
	for _, derive := range []func(context.Context) ([]probe.Target, []probeSource){
		c.mcafeeTargets, c.ciscoTargets, c.qualysTargets,
	} {
		t, s := derive(ctx)
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

// mcafeeTargets runs `cmdagent -i` (read-only; -c/-e/-p would make the agent call the
// server) and probes every ePO server / agent handler it lists. The agent's proxy is part
// of ePO policy and not readable on the host, so the exporter's environment proxy applies.
func (c *probeCollector) mcafeeTargets(ctx context.Context) ([]probe.Target, []probeSource) {
	cli := ""
	// The mcafee collector's layout: an operator's --collector.mcafee.cmdagent applies here.
	for _, p := range c.layouts.McAfee.CmdAgent {
		if resolved := c.env.Paths.Root(p); fileExists(c.env.Paths.Host(), resolved) {
			cli = resolved
			break
		}
	}
	if cli == "" || c.env.Runner == nil {
		return nil, nil
	}
	// The same background run as the mcafee collector's (one cmdagent per interval for
	// both); its freshness is reported there.
	res, err := c.env.runCLI(ctx, nil, cliMcAfeeCmdAgent, "mcafee_cmdagent", cli, "-i")
	if err != nil && len(res.Stdout) == 0 {
		return nil, []probeSource{{"mcafee_cmdagent", err}}
	}
	info, perr := mcafee.ParseCmdAgentInfo(res.Stdout, c.env.Location)
	if perr != nil {
		return nil, []probeSource{{"mcafee_cmdagent", perr}}
	}
	var targets []probe.Target
	for _, srv := range info.EPOServers {
		port := srv.Port
		if port == 0 {
			port = probeEPODefaultPort
		}
		if _, _, err := probe.SplitName(probe.JoinName(srv.Host, port)); err != nil {
			continue
		}
		name := probe.JoinName(srv.Host, port)
		targets = append(targets, probe.Target{
			Agent: AgentMcAfee, Name: name, Proxy: c.environmentProxy(name), SkipChainVerify: true,
		})
	}
	return targets, []probeSource{{"mcafee_cmdagent", nil}}
}

// ciscoTargets probes the Windows connector's TETRA update server through the policy's
// proxy. policy.xml is readable by SYSTEM and Administrators only since 7.5.7 / 8.1.3
// (CSCwc05323): unreadable, the default server is probed with the environment proxy and
// the source is reported degraded. The policy keeps proxy credentials the exporter does
// not read (docs/metrics.md); an authenticating policy proxy is probed without them, and
// answers proxy_auth. The Linux connector has no TETRA engine and no derived target.
func (c *probeCollector) ciscoTargets(_ context.Context) ([]probe.Target, []probeSource) {
	// The install root as the cisco collector finds it: --collector.cisco.install-dir,
	// else the registry's InstallDir, else the default. On Linux it is looked up under
	// --path.rootfs too, which is how fixture trees of Windows hosts run.
	regInstallDir := ""
	if c.ciscoRegistry != nil {
		if reg, err := cisco.ReadRegistryState(c.ciscoRegistry); err == nil {
			regInstallDir = reg.InstallDir
		}
	}
	root := c.env.Paths.Root(c.layouts.Cisco.InstallRoot(regInstallDir))
	if !dirExists(c.env.Paths.Host(), root) {
		return nil, nil
	}
	server := c.layouts.Cisco.TetraDefaultServer
	var proxy *probe.ProxySpec
	raw, err := c.env.Paths.Host().ReadFile(filepath.Join(root, "policy.xml"), hostfs.MaxXML)
	if err == nil {
		var pol cisco.Policy
		if pol, err = cisco.ParsePolicyXML(raw); err == nil {
			if (pol.TetraEnabled != nil && !*pol.TetraEnabled) || (pol.TetraUpdateEnabled != nil && !*pol.TetraUpdateEnabled) {
				return nil, []probeSource{{"cisco_policy_xml", nil}}
			}
			if pol.TetraUpdateServer != "" {
				server = pol.TetraUpdateServer
			}
			proxy, err = ciscoPolicyProxy(pol.Proxy)
		}
	}
	name, nerr := tetraTargetName(server)
	if nerr != nil {
		return nil, []probeSource{{"cisco_policy_xml", nerr}}
	}
	if proxy == nil {
		// No policy proxy (or none readable): the connector then goes direct or through
		// the system proxy (UNVERIFIED), of which HTTPS_PROXY is the part a service sees.
		proxy = c.environmentProxy(name)
	}
	return []probe.Target{{Agent: AgentCisco, Name: name, Proxy: proxy}}, []probeSource{{"cisco_policy_xml", err}}
}

// ciscoPolicyProxy turns the policy proxy into a probe proxy. A PAC file cannot be
// evaluated here; a proxy without a port has no documented default.
func ciscoPolicyProxy(p cisco.PolicyProxy) (*probe.ProxySpec, error) {
	if !p.Configured || p.HostPort == "" {
		if p.PACConfigured {
			return nil, errors.New("policy proxy is a PAC file, which the probe does not evaluate; using the environment proxy")
		}
		return nil, nil
	}
	host, port, err := probe.SplitName(p.HostPort)
	if err != nil {
		return nil, fmt.Errorf("policy proxy %q: %w", p.HostPort, err)
	}
	return &probe.ProxySpec{Address: probe.JoinName(host, port)}, nil
}

// tetraTargetName accepts the policy's server as a host name (sources.md S6) or, should a
// console ever write one, host:port or a URL.
func tetraTargetName(server string) (string, error) {
	s := strings.TrimSpace(server)
	if _, after, ok := strings.Cut(s, "://"); ok {
		s = after
	}
	if i := strings.IndexAny(s, "/?#"); i >= 0 {
		s = s[:i]
	}
	if host, port, err := probe.SplitName(s); err == nil {
		return probe.JoinName(host, port), nil
	}
	if _, _, err := probe.SplitName(probe.JoinName(s, probeTetraPort)); err != nil {
		return "", fmt.Errorf("policy.xml TETRA update server is not a host name: %w", err)
	}
	return probe.JoinName(s, probeTetraPort), nil
}

// qualysTargets probes the platform named by ServerUri through the proxy of the agent's
// env file: qualys_https_proxy (platform traffic only) before https_proxy (all traffic),
// the first of up to five, with its credentials. The env file is the only proxy setting
// the Linux agent's service reads, so no other proxy is assumed. The Windows agent keeps
// both in the registry (value names UNVERIFIED, sources.md S9) and is not derived.
func (c *probeCollector) qualysTargets(_ context.Context) ([]probe.Target, []probeSource) {
	if c.goos() == "windows" {
		return nil, nil
	}
	// The qualys collector's layout: --collector.qualys.config applies here.
	confPath, conf, err := readFirst(c.env.Paths.Host(), "qualys.agent_conf", c.env.Paths.RootAll(c.layouts.Qualys.ConfPaths), qualys.ParseAgentConf)
	if confPath == "" {
		return nil, nil
	}
	if err == nil && conf.ServerURI == "" {
		err = errors.New("ServerUri is missing or not a URL")
	}
	sources := []probeSource{{"qualys_agent_conf", err}}
	if err != nil {
		return nil, sources
	}
	host, port, err := probe.SplitName(conf.ServerURI)
	if err != nil {
		sources[0].err = err
		return nil, sources
	}
	target := probe.Target{Agent: AgentQualys, Name: probe.JoinName(host, port)}

	// The logins hold the proxy password: read every run, never cached.
	envPath, logins, err := readFirstIn(nil, c.env.Paths.Host(), "", c.env.Paths.RootAll(c.layouts.Qualys.ProxyEnvPaths), qualys.ParseProxyLogins)
	if envPath == "" {
		return []probe.Target{target}, sources
	}
	if err == nil {
		target.Proxy, err = qualysProxy(logins)
	}
	sources = append(sources, probeSource{"qualys_proxy_env", err})
	return []probe.Target{target}, sources
}

func qualysProxy(logins []qualys.ProxyLogin) (*probe.ProxySpec, error) {
	for _, kind := range []string{qualys.ProxyKindQualysHTTPS, qualys.ProxyKindHTTPS} {
		for _, l := range logins {
			if l.Kind != kind {
				continue
			}
			host, port, err := probe.SplitName(l.HostPort)
			if err != nil {
				return nil, fmt.Errorf("%s %s has no port; the agent's default is undocumented", l.Kind, l.HostPort)
			}
			return &probe.ProxySpec{Address: probe.JoinName(host, port), Username: l.Username, Password: l.Password}, nil
		}
	}
	return nil, nil
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
