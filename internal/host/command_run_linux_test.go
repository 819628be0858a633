package host

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/secagent-exporter/secagent_exporter/internal/host/hosttest"
)

// A CLI that leaves a daemon child holding its stdout: the run ends when the CLI does,
// with its output, and the child is killed instead of outliving the scrape.
func TestRunnerKillsLeftoverChildHoldingThePipe(t *testing.T) {
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "child.pid")
	script := hosttest.WriteScript(t, dir, "daemonizing", "sleep 60 & echo $! > "+pidFile+"; echo status: ok")
	r := &Runner{Timeout: 30 * time.Second}
	res, err := r.Run(context.Background(), script)
	if err != nil {
		t.Fatalf("run failed: %v", err)
	}
	if strings.TrimSpace(string(res.Stdout)) != "status: ok" {
		t.Errorf("output %q", res.Stdout)
	}
	hosttest.WaitProcessGone(t, pidFile, "daemon child, after the CLI exited")
}
