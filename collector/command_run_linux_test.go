package collector

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A CLI that leaves a daemon child holding its stdout: the run ends when the CLI does,
// with its output, and the child is killed instead of outliving the scrape.
func TestRunnerKillsLeftoverChildHoldingThePipe(t *testing.T) {
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "child.pid")
	script := writeScript(t, dir, "daemonizing", "sleep 60 & echo $! > "+pidFile+"; echo status: ok")
	r := &Runner{Timeout: 30 * time.Second}
	res, err := r.Run(context.Background(), script)
	if err != nil {
		t.Fatalf("run failed: %v", err)
	}
	if strings.TrimSpace(string(res.Stdout)) != "status: ok" {
		t.Errorf("output %q", res.Stdout)
	}
	raw, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(raw)))
	deadline := time.Now().Add(5 * time.Second)
	for syscall.Kill(pid, 0) == nil {
		// A killed child of the exited script is reparented and reaped by init; until
		// then it is a zombie, which /proc shows as state Z.
		if st, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat"); err == nil && strings.Contains(string(st), ") Z ") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("child %d still alive after the CLI exited", pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
