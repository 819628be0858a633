//go:build !windows

package hosttest

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// WaitProcessGone waits up to 5 s for the process whose pid the script wrote to pidFile
// to be gone: no such process, or a zombie waiting for init to reap it.
func WaitProcessGone(t testing.TB, pidFile, what string) {
	t.Helper()
	raw, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(raw)))
	deadline := time.Now().Add(5 * time.Second)
	for {
		if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
			return
		}
		if st, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat"); err == nil && strings.Contains(string(st), ") Z ") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: process %d still alive", what, pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
