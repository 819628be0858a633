package collector

import (
	"strings"
	"testing"

	"github.com/alecthomas/kingpin/v2"
)

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
