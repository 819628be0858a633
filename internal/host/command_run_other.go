//go:build !windows && !linux

package host

import "os/exec"

// runCommand runs cmd; off Linux a child holding the output pipe is bounded by WaitDelay.
func runCommand(cmd *exec.Cmd) error { return cmd.Run() }
