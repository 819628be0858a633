package mcafee

import (
	"slices"
	"strings"
)

// Settings are the operator's overrides of where the agent lives
// (--collector.mcafee.cmdagent, --collector.mcafee.log-dir); "" keeps the defaults.
type Settings struct {
	CmdAgent string
	LogDir   string
}

// Layout is where the McAfee/Trellix Agent lives on one host, as host paths: the answer
// the collector, the probe and the support bundle all read.
type Layout struct {
	// CmdAgent are the cmdagent candidates, the first existing one wins.
	CmdAgent []string
	// logDir is the operator's directory, which replaces LogLocation and the defaults.
	logDir      string
	defaultDirs []string
	// AgentLogNames and MacmnsvcLogNames are the log file names read in each directory,
	// case-insensitively (sources.md S13): masvc_*.log (MA 5.x), Agent_*.log (MA 4.x)
	// and the single MA 4.x Linux file "log", which decide the ASCI metrics; and
	// macmnsvc_*.log. The rotated names (masvc_<host>_backup_<n>.log,
	// Agent_<host>_BACKUP.log) match too.
	AgentLogNames, MacmnsvcLogNames []string
	// RegistryKeys are the agent's registry keys on Windows, the 64-bit location first.
	RegistryKeys []string
	// Packages are the Linux package names (dpkg, rpm).
	Packages []string
}

// AgentLayout returns the layout for goos ("windows" or any other) and the settings.
func AgentLayout(goos string, s Settings) Layout {
	key := PlatformKey(goos)
	l := Layout{
		CmdAgent:         slices.Clone(CmdAgentPaths[key]),
		logDir:           s.LogDir,
		defaultDirs:      LogDirs[key],
		AgentLogNames:    []string{"masvc_*.log", "Agent_*.log", "log"},
		MacmnsvcLogNames: []string{"macmnsvc_*.log"},
		RegistryKeys:     AgentRegistryKeys,
		Packages:         PackageNames,
	}
	if s.CmdAgent != "" {
		l.CmdAgent = []string{s.CmdAgent}
	}
	if key != "windows" {
		l.RegistryKeys = nil
	}
	return l
}

// LogDirs returns the log directories to search: the operator's one alone when set,
// else the LogLocation cmdagent printed ("" when unknown) and then the defaults, each
// once (compared case- and separator-insensitively, as Windows paths are).
func (l Layout) LogDirs(logLocation string) []string {
	if l.logDir != "" {
		return []string{l.logDir}
	}
	var dirs []string
	seen := map[string]bool{}
	for _, d := range append([]string{logLocation}, l.defaultDirs...) {
		key := strings.ToLower(strings.TrimRight(strings.ReplaceAll(d, `\`, "/"), "/"))
		if d == "" || seen[key] {
			continue
		}
		seen[key] = true
		dirs = append(dirs, d)
	}
	return dirs
}
