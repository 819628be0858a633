package cisco

import "path/filepath"

// Platforms the collector reads: the Windows connector or the Linux one.
const (
	PlatformLinux   = "linux"
	PlatformWindows = "windows"
)

// Settings are the operator's choices for the connector (--collector.cisco.*): platform
// "auto", "linux" or "windows"; InstallDir, Ampcli and ClamavDir "" for the defaults.
type Settings struct {
	Platform   string
	InstallDir string
	Ampcli     string
	ClamavDir  string
}

// Layout is where the connector lives on one host, as host paths: the answer the
// collector, the probe and the support bundle all read.
type Layout struct {
	// Platform is PlatformLinux or PlatformWindows, decided once.
	Platform string
	// installDir is the Windows install root the operator set, "" for the default (then
	// the registry's InstallDir wins, see InstallRoot).
	installDir string
	// Ampcli is the CLI the operator named; "" on Windows means AmpCLI.exe in the newest
	// version directory.
	Ampcli string
	// Linux files.
	Ampdaemon, GlobalXML, LocalXML, PolicyXML, ClamavDir string
	// RegistryKey and ServicePrefix are the Windows connector's key and service name.
	RegistryKey, ServicePrefix string
	// TetraDefaultServer is the TETRA definition server Cisco's KB names, probed when
	// policy.xml cannot be read (port 443).
	TetraDefaultServer string
	// Packages are the Linux package names (dpkg, rpm).
	Packages []string
}

// AgentLayout returns the layout for goos (the exporter's own system) and the settings.
func AgentLayout(goos string, s Settings) Layout {
	platform := s.Platform
	if platform == "" || platform == "auto" {
		platform = PlatformLinux
		if goos == "windows" {
			platform = PlatformWindows
		}
	}
	l := Layout{
		Platform:           platform,
		Ampcli:             s.Ampcli,
		Ampdaemon:          LinuxAmpdaemon,
		GlobalXML:          LinuxGlobalXML,
		LocalXML:           LinuxLocalXML,
		PolicyXML:          LinuxPolicyXML,
		ClamavDir:          s.ClamavDir,
		RegistryKey:        ImmunetProtectKey,
		ServicePrefix:      ConnectorServicePrefix,
		TetraDefaultServer: "tetra-defs.amp.cisco.com",
		Packages:           PackageNames,
	}
	if s.InstallDir != DefaultInstallDir {
		l.installDir = s.InstallDir
	}
	if l.Ampcli == "" && platform == PlatformLinux {
		l.Ampcli = LinuxAmpcli
	}
	if l.ClamavDir == "" {
		l.ClamavDir = LinuxClamavDir
	}
	return l
}

// InstallRoot is the Windows connector's install root: the operator's directory when
// set, else the registry's InstallDir ("" when unknown), else the default.
func (l Layout) InstallRoot(registryInstallDir string) string {
	switch {
	case l.installDir != "":
		return l.installDir
	case registryInstallDir != "":
		return registryInstallDir
	}
	return DefaultInstallDir
}

// WindowsFile is a file of the Windows connector's install root (local.xml, policy.xml).
func WindowsFile(root, name string) string {
	if filepath.Separator == '/' && len(root) > 1 && root[1] == ':' {
		return root + `\` + name // a Windows host path named off Windows
	}
	return filepath.Join(root, name)
}
