//go:build !windows

package host

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/secagent-exporter/secagent_exporter/internal/host/hosttest"
)

func TestRunnerKillsHungCommandAndItsChildren(t *testing.T) {
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "child.pid")
	// The script starts a grandchild that would outlive a plain kill of the direct child.
	script := hosttest.WriteScript(t, dir, "hang", "sleep 300 &\necho $! > "+pidFile+"\necho started\nwait")
	r := &Runner{Timeout: 300 * time.Millisecond}
	start := time.Now()
	res, err := r.Run(context.Background(), script)
	elapsed := time.Since(start)
	var ce *CommandError
	if !errors.As(err, &ce) || !ce.TimedOut {
		t.Fatalf("want a timeout CommandError, got %v", err)
	}
	if elapsed > 2*time.Second {
		t.Fatalf("Run returned after %s; the kill did not take", elapsed)
	}
	if !strings.Contains(string(res.Stdout), "started") {
		t.Errorf("output before the kill was lost: %q", res.Stdout)
	}
	hosttest.WaitProcessGone(t, pidFile, "grandchild, after the timeout")
}

func TestRunnerCapsOutput(t *testing.T) {
	dir := t.TempDir()
	script := hosttest.WriteScript(t, dir, "chatty", "head -c 1000000 /dev/zero")
	r := &Runner{Timeout: 5 * time.Second, MaxOutput: 1000}
	start := time.Now()
	res, err := r.Run(context.Background(), script)
	// The output past the cap is read and dropped (the child never blocks on a full
	// pipe), and the run fails with a reason instead of handing on a cut answer.
	var ce *CommandError
	if !errors.As(err, &ce) || !ce.Truncated || !errors.Is(err, ErrOutputTruncated) {
		t.Fatalf("want a truncation error, got %v", err)
	}
	if !strings.Contains(err.Error(), "output truncated at 1000 bytes") || !strings.Contains(err.Error(), "--collector.command-max-output") {
		t.Errorf("error does not say why: %v", err)
	}
	if len(res.Stdout) != 0 || !res.Truncated {
		t.Fatalf("got %d bytes, truncated=%v; want none, true", len(res.Stdout), res.Truncated)
	}
	if time.Since(start) > 4*time.Second {
		t.Errorf("the capped run waited for the timeout")
	}
	// Output at the cap exactly is whole.
	script = hosttest.WriteScript(t, dir, "exact", "head -c 1000 /dev/zero")
	if res, err := r.Run(context.Background(), script); err != nil || len(res.Stdout) != 1000 || res.Truncated {
		t.Fatalf("output at the cap: %d bytes, truncated=%v, err=%v", len(res.Stdout), res.Truncated, err)
	}
}

func TestRunnerRefusesRelativeMissingAndDirectories(t *testing.T) {
	r := &Runner{Timeout: time.Second}
	if _, err := r.Run(context.Background(), "cmdagent", "-i"); err == nil || !strings.Contains(err.Error(), "not an absolute path") {
		t.Errorf("relative path: %v", err)
	}
	if _, err := r.Run(context.Background(), "/nonexistent/cmdagent", "-i"); !errors.Is(err, ErrCommandNotFound) {
		t.Errorf("missing command: %v", err)
	}
	if _, err := r.Run(context.Background(), t.TempDir()); err == nil {
		t.Errorf("directory: no error")
	}
}

func TestRunnerPassesArgumentsVerbatimWithoutShell(t *testing.T) {
	dir := t.TempDir()
	script := hosttest.WriteScript(t, dir, "echoargs", `for a in "$@"; do printf '[%s]' "$a"; done`)
	r := &Runner{Timeout: 5 * time.Second}
	res, err := r.Run(context.Background(), script, "-i", "$(touch pwned); `id`", "a b")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(res.Stdout), "[-i][$(touch pwned); `id`][a b]"; got != want {
		t.Fatalf("args = %q, want %q", got, want)
	}
	if _, err := os.Stat(filepath.Join(dir, "pwned")); err == nil {
		t.Fatal("an argument was interpreted by a shell")
	}
}

func TestRunnerReportsExitStatusWithOutput(t *testing.T) {
	dir := t.TempDir()
	script := hosttest.WriteScript(t, dir, "degraded", "echo 'Status: Disconnected'\necho 'daemon down' >&2\nexit 3")
	r := &Runner{Timeout: 5 * time.Second}
	res, err := r.Run(context.Background(), script)
	var ce *CommandError
	if !errors.As(err, &ce) || ce.ExitCode != 3 || ce.Stderr != "daemon down" {
		t.Fatalf("err = %#v", err)
	}
	if !strings.Contains(string(res.Stdout), "Disconnected") {
		t.Fatalf("stdout lost: %q", res.Stdout)
	}
	if strings.Contains(ce.Error(), dir) {
		t.Errorf("error message leaks the full path: %s", ce.Error())
	}
}

func TestRunnerDoesNotLeakEnvironment(t *testing.T) {
	t.Setenv("HTTPS_PROXY", "http://user:secret@proxy:8080")
	dir := t.TempDir()
	script := hosttest.WriteScript(t, dir, "env", "env")
	res, err := (&Runner{Timeout: 5 * time.Second}).Run(context.Background(), script)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(res.Stdout), "secret") {
		t.Fatalf("child saw the exporter's environment: %s", res.Stdout)
	}
}

// cappedBuffer.ReadFrom (the path os/exec takes) must keep and drop exactly what Write does.
func TestCappedBufferReadFromMatchesWrite(t *testing.T) {
	text := strings.Repeat("AgentMode: 1\nServer: epo.example.net\n", 200)
	for _, max := range []int{0, 1, 511, 512, 513, 4096, len(text), len(text) + 1} {
		var viaWrite, viaRead cappedBuffer
		viaWrite.max, viaRead.max = max, max
		if max == 0 {
			viaWrite.max, viaRead.max = -1, -1
		}
		viaWrite.Write([]byte(text))
		n, err := viaRead.ReadFrom(iotest.HalfReader(strings.NewReader(text)))
		if err != nil || n != int64(len(text)) {
			t.Fatalf("max %d: ReadFrom = %d, %v", max, n, err)
		}
		if viaRead.buf.String() != viaWrite.buf.String() || viaRead.dropped != viaWrite.dropped {
			t.Errorf("max %d: ReadFrom kept %d bytes (dropped %v), Write %d (dropped %v)",
				max, viaRead.buf.Len(), viaRead.dropped, viaWrite.buf.Len(), viaWrite.dropped)
		}
	}
}

// A CLI that prints a credential on stderr before failing: the error, which reaches the
// exporter's log and diagnose, carries the line without the secret.
func TestRunnerRedactsStderrInErrors(t *testing.T) {
	dir := t.TempDir()
	script := hosttest.WriteScript(t, dir, "leaky", `echo "connect failed: http://svc:Hunter2Secret@proxy.corp:8080 password=Hunter2Secret" >&2; exit 3`)
	r := &Runner{Timeout: 5 * time.Second}
	_, err := r.Run(context.Background(), script)
	if err == nil || !strings.Contains(err.Error(), "exit status 3") {
		t.Fatalf("want a failed run, got %v", err)
	}
	if strings.Contains(err.Error(), "Hunter2Secret") {
		t.Errorf("secret in the error: %v", err)
	}
	if !strings.Contains(err.Error(), "connect failed") {
		t.Errorf("the reason was lost: %v", err)
	}
}
