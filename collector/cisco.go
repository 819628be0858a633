package collector

import (
	"context"
	"errors"
	"regexp"
	"runtime"
	"strings"

	"github.com/alecthomas/kingpin/v2"

	"github.com/secagent-exporter/secagent_exporter/collector/cisco"
	"github.com/secagent-exporter/secagent_exporter/collector/pkgdb"
	"github.com/secagent-exporter/secagent_exporter/collector/winsvc"
	"github.com/secagent-exporter/secagent_exporter/internal/bundle"
	"github.com/secagent-exporter/secagent_exporter/internal/hostfs"
)

// The cisco collector reports the Cisco Secure Endpoint (formerly AMP for Endpoints)
// connector. The Windows connector is read from its install directory (AmpCLI posture,
// local.xml, policy.xml), the registry and the service manager; the Linux connector from
// `ampcli status`, global.xml, local.xml, the ClamAV database headers and procfs.
// docs/sources.md lists every source; Cisco 214787 (TETRA
// updates) and 214523 (Linux faults) are the KBs the metrics answer.
//
// The flags fill ciscoFlags; cisco.AgentLayout (collector/cisco/layout.go) turns them into paths.
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
	c := newCiscoCollectorWith(env, ciscoConfig{
		platform:   ciscoFlags.Platform,
		installDir: ciscoFlags.InstallDir,
		ampcli:     ciscoFlags.Ampcli,
		clamavDir:  ciscoFlags.ClamavDir,
		registry:   cisco.NewRegistryReader(),
		services:   winsvc.New(),
	})
	if c.layout.Platform == ciscoPlatformWindows && runtime.GOOS != "windows" {
		env.Logger.Info("reading the Windows connector from files only: registry and service state are not applicable on this OS",
			"rootfs", env.Paths.RootFS)
	}
	return c, nil
}

func newCiscoCollectorWith(env Env, cfg ciscoConfig) *ciscoCollector {
	layout := cisco.AgentLayout(env.Paths.OS(), cisco.Settings{
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

func init() { registerBundleAgent("cisco", ciscoBundleAgent) }

// ciscoBundleAgent: `ampcli status` on Linux, and the connector's XML files (redacted by
// the bundle); on Windows from the install root the collector finds.
func ciscoBundleAgent(goos string) bundle.Agent {
	l := cisco.AgentLayout(goos, *ciscoFlags)
	ag := bundle.Agent{Name: "cisco"}
	if l.Platform == cisco.PlatformLinux && l.Ampcli != "" {
		ag.Commands = []bundle.Command{{Name: "cisco_ampcli_status", Paths: []string{l.Ampcli}, Args: []string{"status"}}}
	}
	ag.Files = func(h bundle.Host) []bundle.File {
		if h.GOOS == "windows" {
			regInstallDir := ""
			if st, err := cisco.ReadRegistryState(cisco.NewRegistryReader()); err == nil {
				regInstallDir = st.InstallDir
			}
			root := l.InstallRoot(regInstallDir)
			return []bundle.File{
				{Name: "cisco_local_xml", Paths: []string{cisco.WindowsFile(root, "local.xml")}},
				{Name: "cisco_policy_xml", Paths: []string{cisco.WindowsFile(root, "policy.xml")}},
			}
		}
		return []bundle.File{
			{Name: "cisco_local_xml", Paths: []string{l.LocalXML}},
			{Name: "cisco_global_xml", Paths: []string{l.GlobalXML}},
			{Name: "cisco_policy_xml", Paths: []string{l.PolicyXML}},
		}
	}
	return ag
}
