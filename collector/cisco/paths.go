package cisco

// Host paths of the connector (sources.md S6), shared by the cisco collector, the
// probe and the support bundle.
const (
	DefaultInstallDir = `C:\Program Files\Cisco\AMP`
	LinuxAmpcli       = "/opt/cisco/amp/bin/ampcli"
	LinuxAmpdaemon    = "/opt/cisco/amp/bin/ampdaemon"
	LinuxGlobalXML    = "/opt/cisco/amp/etc/global.xml"
	LinuxLocalXML     = "/opt/cisco/amp/etc/local.xml"
	LinuxPolicyXML    = "/opt/cisco/amp/etc/policy.xml"
	// LinuxClamavDir is where the fixtures keep the ClamAV databases; the vendor does not
	// document the location (sources.md S7, unverified).
	LinuxClamavDir = "/opt/cisco/amp/etc/clamav"
)

// PackageNames is the Linux connector's package name, the same in rpm and deb (sources.md
// S25).
var PackageNames = []string{"ciscoampconnector"}

// ConnectorServicePrefix names the connector's Windows service: `CiscoAMP` on 8.x,
// `CiscoAMP_<version>` on 7.x (sources.md S6), as collector/winsvc matches it.
const ConnectorServicePrefix = "CiscoAMP"
