package mcafee

// Default agent locations as host paths, by platform ("windows", or "other" for Linux and
// macOS), shared by the mcafee collector, the probe and the support bundle (sources.md S12,
// S13).
var (
	// CmdAgentPaths: MA 5.x first, then the legacy MA 4.x locations (on 64-bit Windows the
	// 32-bit MA 4.x lives under Program Files (x86)).
	CmdAgentPaths = map[string][]string{
		"windows": {`C:\Program Files\McAfee\Agent\cmdagent.exe`, `C:\Program Files\McAfee\Common Framework\cmdagent.exe`, `C:\Program Files (x86)\McAfee\Common Framework\cmdagent.exe`},
		"other":   {"/opt/McAfee/agent/bin/cmdagent", "/opt/McAfee/cma/bin/cmdagent"},
	}
	// LogDirs: MA 5.x data path, then MA 4.x Common Framework ([T] the DB subfolder) on
	// Windows; MA 5.x, then MA 4.x (single file "log", plus3it) elsewhere.
	LogDirs = map[string][]string{
		"windows": {`C:\ProgramData\McAfee\Agent\logs`, `C:\ProgramData\McAfee\Common Framework\DB`},
		"other":   {"/var/McAfee/agent/logs", "/opt/McAfee/cma/scratch/etc"},
	}
)

// PackageNames are the McAfee/Trellix Agent's package names on Linux: MFEcma as rpm
// installs it, and its lower-case form, the only one a deb package name can take
// (sources.md S25). MFErt, the runtime package, carries its own version and is not asked.
var PackageNames = []string{"MFEcma", "mfecma"}

// PlatformKey maps a GOOS to the key of CmdAgentPaths and LogDirs.
func PlatformKey(goos string) string {
	if goos == "windows" {
		return "windows"
	}
	return "other"
}
