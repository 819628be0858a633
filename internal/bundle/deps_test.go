package bundle

import (
	"os/exec"
	"strings"
	"testing"
)

// The bundle reads the host through internal/host and the vendor packages only: it must
// not pull in the collector package, whose init functions register every collector and
// its flags.
func TestBundleDoesNotImportTheCollectors(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		if dep == "github.com/secagent-exporter/secagent_exporter/collector" {
			t.Fatal("internal/bundle imports the collector package")
		}
	}
}
