package qualys

import (
	"slices"
	"strings"
)

// Settings are the operator's overrides (--collector.qualys.config,
// --collector.qualys.log-dir); "" keeps the defaults.
type Settings struct {
	Config string
	LogDir string
}

// Layout is where the Qualys Cloud Agent lives on one host, as host paths: the answer
// the collector, the probe and the support bundle all read.
type Layout struct {
	Windows bool
	// ConfPaths are the qualys-cloud-agent.conf candidates (Linux), first existing wins.
	ConfPaths []string
	// ProxyEnvPaths are the env files with the agent's proxy (Linux), first existing wins.
	ProxyEnvPaths []string
	// SyslogFiles hold the agent's records when LogDestType=syslog (Linux).
	SyslogFiles []string
	// logDir is the operator's log directory, "" for LogFileDir and the defaults.
	logDir      string
	defaultDirs []string
	// LogPatterns are the log file names in a log directory.
	LogPatterns []string
	// ServiceName and RegistryKey are the Windows agent's service and key.
	ServiceName, RegistryKey string
	// Packages are the Linux package names (dpkg, rpm).
	Packages []string
}

// AgentLayout returns the layout for goos and the settings.
func AgentLayout(goos string, s Settings) Layout {
	l := Layout{
		Windows:       goos == "windows",
		ConfPaths:     slices.Clone(AgentConfPaths),
		ProxyEnvPaths: ProxyEnvPaths,
		SyslogFiles:   SyslogFiles,
		logDir:        s.LogDir,
		defaultDirs:   slices.Clone(LogDirs),
		LogPatterns:   []string{LogFileName, LogFileName + ".[0-9]", LogFileName + ".[0-9][0-9]"},
		ServiceName:   WindowsServiceName,
		RegistryKey:   RegistryKeyPath,
		Packages:      PackageNames,
	}
	if s.Config != "" {
		l.ConfPaths = []string{s.Config}
	}
	if l.Windows {
		l.defaultDirs = []string{WindowsLogDir}
		l.LogPatterns = []string{WindowsLogFileName, WindowsArchiveFileGlob}
	}
	return l
}

// LogDirsFixed reports whether the operator named the log directory, so the conf's
// LogFileDir is not followed.
func (l Layout) LogDirsFixed() bool { return l.logDir != "" }

// LogDirs returns the log directories for the conf's LogFileDir ("" when unset): the
// operator's directory alone when set; else an absolute LogFileDir first and then the
// defaults, which keep archives written before a change. ok is false for a LogFileDir
// that is set but not an absolute path (it is not followed).
func (l Layout) LogDirs(logFileDir string) (dirs []string, ok bool) {
	if l.logDir != "" {
		return []string{l.logDir}, true
	}
	dirs = slices.Clone(l.defaultDirs)
	if logFileDir == "" || l.Windows {
		return dirs, true
	}
	if !strings.HasPrefix(logFileDir, "/") || strings.ContainsRune(logFileDir, 0) {
		return dirs, false
	}
	return append([]string{logFileDir}, slices.DeleteFunc(dirs, func(d string) bool { return d == logFileDir })...), true
}

// HostIDFile is the host id file for the conf's HostIdSearchDir (see HostIDFile).
func (Layout) HostIDFile(searchDir string) (string, bool) { return HostIDFile(searchDir) }
