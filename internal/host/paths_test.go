package host

import (
	"path/filepath"
	"testing"
)

func TestPathsRoot(t *testing.T) {
	cases := []struct {
		p    Paths
		in   string
		want string
	}{
		{Paths{RootFS: "/", GOOS: "linux"}, "/opt/McAfee/agent/bin/cmdagent", "/opt/McAfee/agent/bin/cmdagent"},
		{Paths{RootFS: "/host", GOOS: "linux"}, "/etc/qualys/hostid", "/host/etc/qualys/hostid"},
		{Paths{RootFS: "", GOOS: "linux"}, "/etc/passwd", "/etc/passwd"},
		{Paths{RootFS: "/fx", GOOS: "linux"}, `C:\Program Files\Cisco\AMP\local.xml`, "/fx/C/Program Files/Cisco/AMP/local.xml"},
		{Paths{RootFS: "/fx", GOOS: "linux"}, `c:/ProgramData/Qualys`, "/fx/C/ProgramData/Qualys"},
		{Paths{RootFS: "/fx", GOOS: "windows"}, `C:\Program Files\Cisco\AMP`, `C:\Program Files\Cisco\AMP`},
	}
	// Paths for another OS (fixture trees) are joined with the running OS's separator.
	for _, tc := range cases {
		if tc.p.GOOS != "windows" {
			tc.want = filepath.FromSlash(tc.want)
		}
		if got := tc.p.Root(tc.in); got != tc.want {
			t.Errorf("%+v.Root(%q) = %q, want %q", tc.p, tc.in, got, tc.want)
		}
	}
	p := Paths{ProcFS: "/fx/proc", SysFS: "/fx/sys"}
	if got := p.Proc("1", "comm"); got != filepath.FromSlash("/fx/proc/1/comm") {
		t.Errorf("Proc = %q", got)
	}
	if got := p.Sys("kernel", "btf", "vmlinux"); got != filepath.FromSlash("/fx/sys/kernel/btf/vmlinux") {
		t.Errorf("Sys = %q", got)
	}
	if got := (Paths{}).Proc("modules"); got != filepath.FromSlash("/proc/modules") {
		t.Errorf("default Proc = %q", got)
	}
}
