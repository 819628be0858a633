package collector

import (
	"context"
	"errors"
	"strconv"

	"github.com/secagent-exporter/secagent_exporter/collector/cisco"
)

// The Linux connector: ampdaemon, global.xml, local.xml, ampcli status and its faults
// (sources.md S5, S7, S8).

func (c *ciscoCollector) updateLinux(ctx context.Context, s *Scrape) error {
	p := c.env.Paths
	if !pathExists(p.Host(), p.Root(c.layout.Ampdaemon)) && !pathExists(p.Host(), p.Root(c.layout.GlobalXML)) {
		s.AgentInstalled(AgentCisco, false)
		return nil
	}
	s.AgentInstalled(AgentCisco, true)

	running, err := s.processRunning(ctx, p, ciscoDaemonComm)
	if s.Source("procfs_processes", err) {
		s.Bool(ciscoRunningDesc, running)
	}

	global, err := readParsed(p.Host(), "cisco.global_xml", p.Root(c.layout.GlobalXML), cisco.ParseGlobalXML)
	s.Source("global_xml", err)
	local, err := readParsed(p.Host(), "cisco.local_xml", p.Root(c.layout.LocalXML), cisco.ParseLocalXML)
	s.Source("local_xml", err)
	// global.xml is the connector's own word; the package database when it gives none.
	version, reason := global.Version, ""
	if version == "" {
		version, reason = packageVersion(c.packages, c.layout.Packages)
	}
	emitVersionMissing(s, ciscoVersionMissingDesc, version, reason)
	s.Gauge(ciscoInfoDesc, 1, s.VersionLabel("version", version), uuidLabel(s, local.AgentUUID), ciscoPlatformLinux)

	c.ampcliStatus(ctx, s)
	c.clamavDefinitions(s)
	return nil
}

// ampcliStatus runs `ampcli status` (sources.md S8) for connection, mode, policy, last
// scan and the active faults.
func (c *ciscoCollector) ampcliStatus(ctx context.Context, s *Scrape) {
	path := c.env.Paths.Root(c.layout.Ampcli)
	res, memo, runErr := c.env.runCLIMemo(ctx, s, cliCiscoAmpcli, "ampcli_status", path, "status")
	var cmdErr *CommandError
	if runErr != nil && !(errors.As(runErr, &cmdErr) && !cmdErr.TimedOut && len(res.Stdout) > 0) {
		s.Source("ampcli_status", runErr)
		return
	}
	st, err := parseCLI(memo, cliParseKey{"cisco.ampcli_status", c.env.Location}, func() (cisco.AmpcliStatus, error) {
		return cisco.ParseAmpcliStatus(res.Stdout, c.env.Location)
	})
	if errors.Is(err, cisco.ErrDaemonUnreachable) {
		// ampcli ran but ampdaemon did not answer: the connector is down, which
		// connector_running already shows; faults are unknown, not absent.
		s.SourceOptional("ampcli_status", err)
		s.Bool(ciscoConnectedDesc, false)
		return
	}
	if err != nil && runErr != nil {
		err = runErr
	}
	if !s.Source("ampcli_status", err) {
		return
	}
	s.Bool(ciscoConnectedDesc, st.Connected)
	s.Bool(ciscoDegradedDesc, st.Degraded)
	if st.PolicySerial != nil {
		s.Gauge(ciscoPolicySerialDesc, float64(*st.PolicySerial))
	}
	if !st.LastScan.IsZero() {
		s.Gauge(ciscoLastScanDesc, unixSeconds(st.LastScan))
	}

	active := map[int]cisco.ActiveFault{}
	for _, f := range st.Faults {
		active[f.ID] = f
	}
	for _, f := range cisco.LinuxFaults {
		id := strconv.Itoa(f.ID)
		af, on := active[f.ID]
		s.Bool(ciscoFaultActiveDesc, on, id, f.Name)
		severity := cisco.SeverityNone
		if on {
			severity = af.Severity
		}
		if severity >= cisco.SeverityNone {
			s.Gauge(ciscoFaultSeverityDesc, float64(severity), id, f.Name)
		}
	}
	unknown, skipped := 0, 0
	for _, f := range st.Faults {
		if f.Known {
			continue
		}
		if unknown++; unknown > maxUnknownFaults {
			skipped++
			continue
		}
		id := strconv.Itoa(f.ID)
		s.Bool(ciscoFaultActiveDesc, true, id, unknownFaultName)
		if f.Severity >= cisco.SeverityNone {
			s.Gauge(ciscoFaultSeverityDesc, float64(f.Severity), id, unknownFaultName)
		}
	}
	if skipped > 0 {
		// One line per scrape, however many lines ampcli printed.
		c.env.Logger.Warn("more undocumented connector faults than exported", "max", maxUnknownFaults, "skipped", skipped)
	}
}
