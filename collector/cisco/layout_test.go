package cisco

import "testing"

func TestAgentLayout(t *testing.T) {
	for _, tc := range []struct {
		goos     string
		s        Settings
		platform string
		ampcli   string
		reg      string
		root     string
	}{
		{goos: "linux", s: Settings{Platform: "auto"}, platform: PlatformLinux, ampcli: LinuxAmpcli, root: DefaultInstallDir},
		{goos: "windows", s: Settings{Platform: "auto", InstallDir: DefaultInstallDir}, platform: PlatformWindows, reg: `D:\AMP`, root: `D:\AMP`},
		// The operator's install dir wins over the registry; at the default the registry does.
		{goos: "windows", s: Settings{InstallDir: `E:\Cisco`}, platform: PlatformWindows, reg: `D:\AMP`, root: `E:\Cisco`},
		{goos: "linux", s: Settings{Platform: "windows", Ampcli: `C:\x\AmpCLI.exe`}, platform: PlatformWindows, ampcli: `C:\x\AmpCLI.exe`, root: DefaultInstallDir},
		{goos: "linux", s: Settings{Platform: "linux", Ampcli: "/usr/local/bin/ampcli"}, platform: PlatformLinux, ampcli: "/usr/local/bin/ampcli", root: DefaultInstallDir},
	} {
		l := AgentLayout(tc.goos, tc.s)
		if l.Platform != tc.platform || l.Ampcli != tc.ampcli || l.InstallRoot(tc.reg) != tc.root {
			t.Errorf("%s %+v: platform %q ampcli %q root %q", tc.goos, tc.s, l.Platform, l.Ampcli, l.InstallRoot(tc.reg))
		}
		if l.ClamavDir != LinuxClamavDir || l.TetraDefaultServer == "" || len(l.Packages) == 0 {
			t.Errorf("defaults missing: %+v", l)
		}
	}
	if got := WindowsFile(`C:\Program Files\Cisco\AMP`, "policy.xml"); got != `C:\Program Files\Cisco\AMP\policy.xml` {
		t.Errorf("WindowsFile = %q", got)
	}
}
