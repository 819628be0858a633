package collector

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/secagent-exporter/secagent_exporter/collector/cisco"
	"github.com/secagent-exporter/secagent_exporter/collector/probe"
	"github.com/secagent-exporter/secagent_exporter/internal/hostfs"
)

// The Windows connector: install directory, AmpCLI posture, local.xml, policy.xml,
// registry and service (sources.md S3, S6).

func (c *ciscoCollector) updateWindows(ctx context.Context, s *Scrape) error {
	var (
		reg    cisco.RegistryState
		regOK  bool
		regErr error
	)
	if c.cfg.registry != nil {
		reg, regErr = cisco.ReadRegistryState(c.cfg.registry)
		regOK = regErr == nil
		if notApplicable(regErr) {
			regErr = nil
		}
	}

	regInstallDir := ""
	if regOK {
		regInstallDir = reg.InstallDir
	}
	installDir := c.layout.InstallRoot(regInstallDir)
	root := c.env.Paths.Root(installDir)
	hfs := c.env.Paths.Host()
	entries, dirErr := hfs.ReadDir(root)
	// Absent means no install root and no registry key; an unreadable registry leaves
	// the question open, so the connector is then reported and the registry failed.
	if errors.Is(dirErr, fs.ErrNotExist) && !(regOK && reg.KeyPresent) && regErr == nil {
		s.AgentInstalled(AgentCisco, false)
		return nil
	}
	s.AgentInstalled(AgentCisco, true)
	if regErr != nil {
		s.Source("registry", regErr)
	} else if regOK {
		s.Source("registry", nil)
		s.Bool(ciscoIsolatedDesc, reg.Isolated)
		s.Bool(ciscoRebootPendingDesc, reg.RebootPending)
	}

	var versionDir string
	if dirErr == nil {
		names := make([]string, 0, len(entries))
		for _, e := range entries {
			if e.IsDir() {
				names = append(names, e.Name())
			}
		}
		dir, ok := cisco.NewestVersionDir(names, func(name string) bool {
			fi, err := hfs.Stat(filepath.Join(root, name, "sfc.exe"))
			return err == nil && !fi.IsDir()
		})
		if ok {
			versionDir = dir
		} else {
			dirErr = fmt.Errorf("no version directory holding sfc.exe in %s", installDir)
		}
	}
	s.Source("install_dir", dirErr)

	var running *bool
	if c.cfg.services != nil {
		svc, err := c.cfg.services.State(cisco.ConnectorServicePrefix)
		switch {
		case notApplicable(err):
		case s.Source("service", err):
			r := svc.Running()
			running = &r
		}
	}

	posture, postureOK := c.readPosture(ctx, s, root, versionDir)
	if running == nil && postureOK {
		running = posture.Running
	}
	if running != nil {
		s.Bool(ciscoRunningDesc, *running)
	}
	if postureOK {
		if posture.Connected != nil {
			s.Bool(ciscoConnectedDesc, *posture.Connected)
		}
		if !posture.LastScan.IsZero() {
			s.Gauge(ciscoLastScanDesc, unixSeconds(posture.LastScan))
		}
		if posture.LastScanStatus != nil {
			s.Bool(ciscoLastScanSuccessDesc, *posture.LastScanStatus)
		}
	}

	local, localErr := readParsed(hfs, "cisco.local_xml", filepath.Join(root, "local.xml"), cisco.ParseLocalXML)
	localOK := s.Source("local_xml", localErr)

	policy, policyErr := readParsed(hfs, "cisco.policy_xml", filepath.Join(root, "policy.xml"), cisco.ParsePolicyXML)
	if s.SourceOptional("policy_xml", policyErr) {
		if policy.Serial != nil {
			s.Gauge(ciscoPolicySerialDesc, float64(*policy.Serial))
		}
		if policy.TetraUpdateInterval > 0 {
			s.Gauge(tetraUpdateIntervalDesc, policy.TetraUpdateInterval.Seconds())
		}
		if policy.HeartbeatInterval > 0 {
			s.Gauge(ciscoHeartbeatDesc, policy.HeartbeatInterval.Seconds())
		}
	}

	version := versionDir
	if version == "" && postureOK {
		version = posture.ConnectorVersion
	}
	uuid := firstNonEmpty(local.AgentUUID, posture.AgentUUID, reg.GUID)
	s.Gauge(ciscoInfoDesc, 1, s.VersionLabel("version", version), uuidLabel(s, uuid), ciscoPlatformWindows)

	c.tetraMetrics(s, posture, postureOK, local, localOK)
	return nil
}

// readPosture runs `AmpCLI.exe posture` from the connector's version directory (Cisco
// 214787) and reports it as source ampcli_posture.
func (c *ciscoCollector) readPosture(ctx context.Context, s *Scrape, root, versionDir string) (cisco.Posture, bool) {
	path := ""
	switch {
	case c.layout.Ampcli != "":
		path = c.env.Paths.Root(c.layout.Ampcli)
	case versionDir != "":
		path = filepath.Join(root, versionDir, "AmpCLI.exe")
	default:
		return cisco.Posture{}, false // install_dir already failed: nothing to run
	}
	res, memo, runErr := c.env.runCLIMemo(ctx, s, cliCiscoAmpcli, "ampcli_posture", path, "posture")
	if errors.Is(runErr, ErrCommandNotFound) {
		// Connectors before 8.x may ship without AmpCLI (sources.md S6): the files
		// still tell most of the story, so this degrades rather than fails.
		s.SourceOptional("ampcli_posture", runErr)
		return cisco.Posture{}, false
	}
	var cmdErr *CommandError
	if errors.As(runErr, &cmdErr) && cmdErr.TimedOut {
		s.Source("ampcli_posture", runErr)
		return cisco.Posture{}, false
	}
	p, err := parseCLI(memo, "cisco.posture", func() (cisco.Posture, error) { return cisco.ParsePosture(res.Stdout) })
	if err != nil && runErr != nil {
		err = runErr
	}
	if err == nil && runErr != nil {
		// A non-zero exit with a readable posture is still a posture.
		c.env.Logger.Debug("AmpCLI posture exited with an error but printed a posture", "err", runErr)
	}
	return p, s.Source("ampcli_posture", err)
}

// tetraMetrics maps the TETRA definition state. skiptetra=1 (sources.md S6) or a posture
// showing the Tetra engine disabled means TETRA is not installed: then no definition
// time, age or last error is exported, so staleness alerts stay silent there.
func (c *ciscoCollector) tetraMetrics(s *Scrape, posture cisco.Posture, postureOK bool, local cisco.LocalXML, localOK bool) {
	installed := !(localOK && local.SkipTetra)
	if engine, ok := posture.Engine("tetra"); postureOK && ok && engine.Enabled != nil && !*engine.Enabled {
		installed = false
	}
	if !installed {
		return
	}
	def, haveDef := posture.TetraDefinitions()
	haveDef = haveDef && postureOK
	switch {
	case haveDef && def.Version != nil:
		s.Gauge(tetraVersionDesc, float64(*def.Version))
	case localOK:
		if v, ok := local.TetraVersion(); ok {
			s.Gauge(tetraVersionDesc, float64(v))
		}
	}
	if haveDef && !def.Timestamp.IsZero() {
		s.Gauge(tetraTimestampDesc, unixSeconds(def.Timestamp))
		s.Gauge(tetraAgeDesc, c.env.Now().Sub(def.Timestamp).Seconds())
	}
	if haveDef && !def.LastSuccessfulUpdate.IsZero() {
		s.Gauge(tetraLastUpdateSuccessDesc, unixSeconds(def.LastSuccessfulUpdate))
	}
	if !localOK || (local.TetraLastErrorRaw == "" && !local.HasTetraLastError) {
		// No lasterror element: nothing is known about the last update attempt.
		return
	}
	reason := cisco.TetraReasonOther
	if local.HasTetraLastError {
		reason = cisco.TetraErrorReason(local.TetraLastError)
		s.Gauge(tetraLastErrorCodeDesc, float64(local.TetraLastError))
	}
	for _, r := range cisco.TetraErrorReasons {
		s.Bool(tetraLastErrorDesc, r == reason, r)
	}
}

func init() { registerProbeAgent("cisco", ciscoProbeTargets) }

// The TETRA port; the default server (sources.md S3: Resolve-DnsName / curl against
// tetra-defs.amp.cisco.com) is in cisco.Layout.
const probeTetraPort = 443

// ciscoTargets probes the Windows connector's TETRA update server through the policy's
// proxy. policy.xml is readable by SYSTEM and Administrators only since 7.5.7 / 8.1.3
// (CSCwc05323): unreadable, the default server is probed with the environment proxy and
// the source is reported degraded. The policy keeps proxy credentials the exporter does
// not read (docs/metrics.md); an authenticating policy proxy is probed without them, and
// answers proxy_auth. The Linux connector has no TETRA engine and no derived target.
func ciscoProbeTargets(c *probeCollector, _ context.Context) ([]probe.Target, []probeSource) {
	// The install root as the cisco collector finds it: --collector.cisco.install-dir,
	// else the registry's InstallDir, else the default. On Linux it is looked up under
	// --path.rootfs too, which is how fixture trees of Windows hosts run.
	layout := cisco.AgentLayout(c.goos(), *ciscoFlags)
	regInstallDir := ""
	if c.ciscoRegistry != nil {
		if reg, err := cisco.ReadRegistryState(c.ciscoRegistry); err == nil {
			regInstallDir = reg.InstallDir
		}
	}
	root := c.env.Paths.Root(layout.InstallRoot(regInstallDir))
	if !dirExists(c.env.Paths.Host(), root) {
		return nil, nil
	}
	server := layout.TetraDefaultServer
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
