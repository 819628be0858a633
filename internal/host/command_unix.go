//go:build !windows

package host

import (
	"os/exec"
	"syscall"
)

// prepareCommand puts the child in its own process group so a timeout kills the whole
// tree (a wrapper script and what it started), not only the direct child.
func prepareCommand(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		if cmd.Process == nil {
			return nil
		}
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}

// defaultEnv is the fixed environment of agent CLIs when Runner.Env is nil.
func defaultEnv() []string {
	return []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C"}
}
