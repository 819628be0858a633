package collector

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"

	"github.com/alecthomas/kingpin/v2"

	"github.com/secagent-exporter/secagent_exporter/collector/cisco"
	"github.com/secagent-exporter/secagent_exporter/collector/pkgdb"
	"github.com/secagent-exporter/secagent_exporter/collector/winsvc"
	"github.com/secagent-exporter/secagent_exporter/internal/hostfs"
)

// The cisco collector reports the Cisco Secure Endpoint (formerly AMP for Endpoints)
// connector. The Windows connector is read from its install directory (AmpCLI posture,
// local.xml, policy.xml), the registry and the service manager; the Linux connector from
// `ampcli status`, global.xml, local.xml, the ClamAV database headers and procfs.
// docs/sources.md lists every source; Cisco 214787 (TETRA
// updates) and 214523 (Linux faults) are the KBs the metrics answer.
//
// The flags fill ciscoFlags; the layout (collector/layouts.go) turns them into paths.
var ciscoFlags = func() *cisco.Settings {
	f := &cisco.Settings{}
	kingpin.Flag("collector.cisco.platform",
		"Which connector to read: windows, linux, or auto (windows on Windows, linux elsewhere). windows also runs on Linux against a fixture tree under --path.rootfs, reading files only.").
		Default("auto").EnumVar(&f.Platform, "auto", "linux", "windows")
	kingpin.Flag("collector.cisco.install-dir",
		`Install root of the Windows connector (a host path, resolved under --path.rootfs off Windows). Left at its default, the registry value HKLM\SOFTWARE\Immunet Protect\InstallDir wins when set.`).
		Default(ciscoDefaultInstallDir).StringVar(&f.InstallDir)
	kingpin.Flag("collector.cisco.ampcli",
		"Connector CLI (a host path, resolved under --path.rootfs off Windows). Default: AmpCLI.exe in the newest version directory holding sfc.exe on Windows, "+ciscoLinuxAmpcli+" on Linux.").
		Default("").StringVar(&f.Ampcli)
	LinuxOnlyFlag(runtime.GOOS, kingpin.Flag("collector.cisco.clamav-dir",
		"Directory of the Linux connector's ClamAV databases (main, daily, bytecode .cvd/.cld); its location is not documented by the vendor.")).
		Default(ciscoLinuxClamavDir).StringVar(&f.ClamavDir)
	return f
}()

// Flag defaults; every other location is in cisco.AgentLayout.
const (
	ciscoDefaultInstallDir = cisco.DefaultInstallDir
	ciscoLinuxAmpcli       = cisco.LinuxAmpcli
	ciscoLinuxClamavDir    = cisco.LinuxClamavDir
	// ciscoDaemonComm is the Linux daemon's process name (sources.md S7); the cisco-amp
	// unit runs it, so its presence in procfs is the unit's state without systemctl.
	ciscoDaemonComm = "ampdaemon"
)

// clamavDatabases is the closed set of clamav_definitions_*{database} values: the three
// databases freshclam maintains. Any other file in the directory is ignored.
var clamavDatabases = []string{"main", "daily", "bytecode"}

// maxUnknownFaults bounds the connector_fault_*{name="unknown"} series one host can
// create from ids outside cisco.LinuxFaults.
const maxUnknownFaults = 16

const (
	ciscoPlatformLinux   = cisco.PlatformLinux
	ciscoPlatformWindows = cisco.PlatformWindows
	unknownFaultName     = "unknown"
)

func init() {
	registerCollector("cisco", true, newCiscoCollector)
}

var (
	ciscoInfoDesc = NewDesc("connector_info",
		"Cisco Secure Endpoint connector: always 1, labelled with the connector version, its UUID and the platform read (windows or linux).",
		"version", "uuid", "platform")
	ciscoVersionMissingDesc = NewDesc("connector_version_missing_reason",
		"1 for why the connector_info version is empty, 0 for the other reasons; all 0 when the version is known (Linux; global.xml first, then the ciscoampconnector package in dpkg or rpm): not_in_package_db, no_package_db, package_db_unreadable, package_db_unsupported.",
		"reason")
	ciscoRunningDesc = NewDesc("connector_running",
		"1 if the connector runs: the CiscoAMP service (Windows; AmpCLI posture when the service manager is not available) or the ampdaemon process (Linux).")
	ciscoConnectedDesc = NewDesc("connector_connected",
		"1 if the connector reports a connection to the Secure Endpoint cloud (AmpCLI posture `connected`, ampcli `Status: Connected`).")
	ciscoDegradedDesc = NewDesc("connector_degraded",
		"1 if the Linux connector reports `Mode: Degraded` (faults such as 11 and 18 put it there).")
	ciscoIsolatedDesc = NewDesc("connector_isolated",
		"1 if the endpoint is isolated by the console (registry value unlock_code present, Windows).")
	ciscoRebootPendingDesc = NewDesc("connector_reboot_pending",
		"1 if a connector upgrade or uninstall waits for a reboot (registry Reboot under Immunet Protect, Windows).")
	ciscoFaultActiveDesc = NewDesc("connector_fault_active",
		"1 if the Linux connector reports the fault as active, 0 if not. Every fault id the vendor documents is listed, so no fault is an explicit 0; other ids seen get name=\"unknown\".",
		"id", "name")
	ciscoFaultSeverityDesc = NewDesc("connector_fault_severity",
		"Severity of the Linux connector fault: 0 none (inactive), 1 minor, 2 major, 3 critical.",
		"id", "name")
	ciscoPolicySerialDesc = NewDesc("connector_policy_serial",
		"Serial number of the policy the connector applies (policy.xml on Windows, ampcli `Policy: … (#N)` on Linux).")
	ciscoLastScanDesc = NewDesc("connector_last_scan_timestamp_seconds",
		"When the connector's last scan ran, Unix seconds.")
	ciscoLastScanSuccessDesc = NewDesc("connector_last_scan_success",
		"1 if the connector's last scan succeeded (AmpCLI posture last_scan_status, Windows).")
	ciscoHeartbeatDesc = NewDesc("connector_heartbeat_interval_seconds",
		"Heartbeat interval the policy gives the connector (policy.xml agent/hb/interval).")
	tetraAgeDesc = NewDesc("tetra_definitions_age_seconds",
		"Seconds since the installed TETRA definitions were built (now minus their AmpCLI posture timestamp). Absent when TETRA is not installed (skiptetra) or no time is known. Cisco releases about 4 updates a day.")
	tetraTimestampDesc = NewDesc("tetra_definitions_timestamp_seconds",
		"When the installed TETRA definitions were built, Unix seconds (AmpCLI posture).")
	tetraVersionDesc = NewDesc("tetra_definitions_version",
		"Version of the installed TETRA definitions (AmpCLI posture, else local.xml); compare with the console's AV Definition Summary.")
	tetraLastUpdateSuccessDesc = NewDesc("tetra_definitions_last_update_success_timestamp_seconds",
		"When the connector last updated its TETRA definitions successfully, Unix seconds (AmpCLI posture last_successful_update).")
	tetraLastErrorDesc = NewDesc("tetra_update_last_error",
		"1 for the reason of the last TETRA update error in local.xml //tetra/lasterror, 0 for the others: none, proxy_connect (4294965193), proxy_auth (4294965196), proxy_download (4294965187), other.",
		"reason")
	tetraLastErrorCodeDesc = NewDesc("tetra_update_last_error_code",
		"local.xml //tetra/lasterror as a signed 32-bit integer (0 = no error; -2100 = proxy authentication failed).")
	tetraUpdateIntervalDesc = NewDesc("tetra_update_interval_seconds",
		"TETRA update interval the policy gives the connector (policy.xml agent/scansettings/tetra/updater/interval).")
	clamavTimestampDesc = NewDesc("clamav_definitions_timestamp_seconds",
		"When the Linux connector's ClamAV database was built, Unix seconds (.cvd/.cld header).",
		"database")
	clamavVersionDesc = NewDesc("clamav_definitions_version",
		"Version of the Linux connector's ClamAV database (.cvd/.cld header).",
		"database")
)

// ciscoConfig is the collector's settings and OS readers; tests build it directly. The
// location fields are cisco.Settings, which cisco.AgentLayout turns into c.layout.
type ciscoConfig struct {
	platform   string // linux, windows, or "" / auto for the host's system
	installDir string
	ampcli     string // "" = the platform default
	clamavDir  string
	registry   cisco.RegistryReader
	services   winsvc.Querier
}

type ciscoCollector struct {
	env    Env
	cfg    ciscoConfig
	layout cisco.Layout
	// packages gives the Linux connector's version when global.xml does not.
	packages *pkgdb.Finder
}

func newCiscoCollector(env Env) (Collector, error) {
	l := env.layouts().Cisco
	if l.Platform == ciscoPlatformWindows && runtime.GOOS != "windows" {
		env.Logger.Info("reading the Windows connector from files only: registry and service state are not applicable on this OS",
			"rootfs", env.Paths.RootFS)
	}
	c := newCiscoCollectorWith(env, ciscoConfig{
		registry: cisco.NewRegistryReader(),
		services: winsvc.New(),
	})
	c.layout = l
	return c, nil
}

func newCiscoCollectorWith(env Env, cfg ciscoConfig) *ciscoCollector {
	layout := cisco.AgentLayout(env.Paths.goos(), cisco.Settings{
		Platform: cfg.platform, InstallDir: cfg.installDir, Ampcli: cfg.ampcli, ClamavDir: cfg.clamavDir,
	})
	return &ciscoCollector{env: env, cfg: cfg, layout: layout, packages: newPackageFinder(env)}
}

func (c *ciscoCollector) Update(ctx context.Context, s *Scrape) error {
	if c.layout.Platform == ciscoPlatformWindows {
		return c.updateWindows(ctx, s)
	}
	return c.updateLinux(ctx, s)
}

// notApplicable reports an error of a Windows-only seam on another OS: the source is
// then left out rather than failed.
func notApplicable(err error) bool {
	return errors.Is(err, cisco.ErrRegistryUnsupported) || errors.Is(err, winsvc.ErrUnsupported)
}

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

// clamavDefinitions reads the header of each ClamAV database. Where the connector keeps
// them is UNVERIFIED (sources.md S7), so a missing directory is not a failure: the
// source is then not listed.
func (c *ciscoCollector) clamavDefinitions(s *Scrape) {
	dir := c.env.Paths.Root(c.layout.ClamavDir)
	hfs := c.env.Paths.Host()
	// One listing of the directory instead of a stat of each name: most of the six
	// names (.cvd and .cld of three databases) are absent on any host.
	entries, err := hfs.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		c.env.Logger.Debug("no ClamAV database directory", "dir", dir)
		return
	}
	var listed map[string]bool // nil: the listing failed, every name is tried as before
	if err == nil {
		listed = make(map[string]bool, len(entries))
		for _, e := range entries {
			listed[e.Name()] = true
		}
	}
	var errs []error
	for _, db := range clamavDatabases {
		var best *cisco.CVDHeader
		// freshclam keeps a database as .cvd (as downloaded) or .cld (after
		// incremental updates); if both linger, the newer version is the one loaded.
		for _, ext := range []string{".cvd", ".cld"} {
			if listed != nil && !listed[db+ext] {
				continue // as a missing file
			}
			h, err := readCVDHeader(hfs, filepath.Join(dir, db+ext))
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			if err != nil {
				errs = append(errs, fmt.Errorf("%s%s: %w", db, ext, err))
				continue
			}
			if best == nil || h.Version > best.Version {
				best = &h
			}
		}
		if best == nil {
			continue
		}
		s.Gauge(clamavVersionDesc, float64(best.Version), db)
		if t := best.Time(); !t.IsZero() {
			s.Gauge(clamavTimestampDesc, unixSeconds(t), db)
		}
	}
	s.Source("clamav_definitions", errors.Join(errs...))
}

// readCVDHeader parses the 512-byte header of a ClamAV database, read again only when
// the file's identity changed (freshclam replaces the file on an update).
func readCVDHeader(hfs hostfs.FS, path string) (cisco.CVDHeader, error) {
	return cachedParse(hostFileCache, "cisco.cvd_header", hfs, path, readCVDHead, cisco.ParseCVDHeader)
}

// readCVDHead reads the first 512 bytes of a database (hundreds of MiB).
func readCVDHead(hfs hostfs.FS, path string) ([]byte, error) {
	f, err := hfs.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	head := make([]byte, 512)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return head[:n], nil
}

// readParsed reads a connector file (local.xml, policy.xml, global.xml) through the
// host-file layer and parses it; kind names the parser. Real files are a few hundred KiB
// at most (policy.xml with long exclusion lists); one over hostfs.MaxXML is refused
// before it is read, so a 16 MiB file costs no memory, and a FIFO in its place fails at
// once. The parse is kept while the file's identity does not change (fileCache).
func readParsed[T any](hfs hostfs.FS, kind, path string, parse func([]byte) (T, error)) (T, error) {
	return cachedParse(hostFileCache, kind, hfs, path, readXML, parse)
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

// normaliseUUID gives the connector UUID one spelling whichever source it came from:
// lower case without braces, as local.xml writes it.
func normaliseUUID(s string) string {
	s = strings.ToLower(strings.Trim(strings.TrimSpace(s), "{}"))
	if !uuidFormat.MatchString(s) {
		return "" // not a UUID (raw XML text of any length): never a label value
	}
	return s
}

// uuidLabel is normaliseUUID with a dropped value counted.
func uuidLabel(s *Scrape, raw string) string {
	if u := normaliseUUID(raw); u != "" || strings.TrimSpace(raw) == "" {
		return u
	}
	reason := labelFormat
	if len(raw) > maxLabelBytes {
		reason = labelTooLong
	}
	return s.rejectLabel("uuid", reason)
}

var uuidFormat = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
