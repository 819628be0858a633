package collector

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/alecthomas/kingpin/v2"
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

// Linux-only flags are hidden from --help on Windows but still parse there.
func TestLinuxOnlyFlagHiddenOnWindows(t *testing.T) {
	for _, goos := range []string{"windows", "linux"} {
		app := kingpin.New("x", "")
		v := LinuxOnlyFlag(goos, app.Flag("path.procfs", "procfs mount point.")).Default("/proc").String()
		var help strings.Builder
		app.UsageWriter(&help)
		app.Usage(nil)
		shown := strings.Contains(help.String(), "--path.procfs")
		if shown == (goos == "windows") {
			t.Errorf("%s: --path.procfs shown in help = %v\n%s", goos, shown, help.String())
		}
		if _, err := app.Parse([]string{"--path.procfs=/x"}); err != nil || *v != "/x" {
			t.Errorf("%s: flag does not parse: %v, %q", goos, err, *v)
		}
	}
}
