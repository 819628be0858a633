package host

import (
	"errors"
	"os/exec"
	"syscall"

	"golang.org/x/sys/unix"
)

// runCommand runs cmd and, as soon as the CLI itself has exited, kills what is left of
// its process group: a daemon child that kept the output pipe open would otherwise hold
// the scrape until WaitDelay and outlive it, one orphan per scrape. waitid with WNOWAIT
// sees the exit without reaping, so the group id cannot yet be reused when it is killed.
func runCommand(cmd *exec.Cmd) error {
	if err := cmd.Start(); err != nil {
		return err
	}
	pid := cmd.Process.Pid
	var info unix.Siginfo
	for {
		err := unix.Waitid(unix.P_PID, pid, &info, unix.WEXITED|unix.WNOWAIT, nil)
		if !errors.Is(err, unix.EINTR) {
			break
		}
	}
	_ = syscall.Kill(-pid, syscall.SIGKILL)
	return cmd.Wait()
}
