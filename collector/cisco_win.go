package collector

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"

	"github.com/secagent-exporter/secagent_exporter/collector/cisco"
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
