//go:build windows

package collector

import (
	"os/exec"
	"syscall"
)

// prepareCommand hides the console window of agent CLIs. On timeout exec kills the
// direct child; the agent CLIs used here (cmdagent.exe, AmpCLI.exe) do not spawn helpers.
func prepareCommand(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{HideWindow: true}
}
