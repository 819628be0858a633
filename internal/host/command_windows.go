//go:build windows

package host

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"unsafe"

	"golang.org/x/sys/windows"
)

// prepareCommand hides the console window of agent CLIs.
func prepareCommand(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{HideWindow: true}
}

// runCommand runs cmd inside a Job object with JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE, so a
// timeout (or the end of the command) ends the whole process tree, not only the direct
// child: exec.CommandContext alone kills just the process it started. A process created
// by the child in the moment between Start and the assignment to the job escapes it.
func runCommand(cmd *exec.Cmd) error {
	job, err := newKillOnCloseJob()
	if err != nil {
		// No job (should not happen): fall back to killing the direct child.
		return cmd.Run()
	}
	defer windows.CloseHandle(job)
	cmd.Cancel = func() error {
		_ = windows.TerminateJobObject(job, 1)
		if cmd.Process != nil {
			return cmd.Process.Kill()
		}
		return nil
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	if h, err := windows.OpenProcess(windows.PROCESS_SET_QUOTA|windows.PROCESS_TERMINATE, false, uint32(cmd.Process.Pid)); err == nil {
		_ = windows.AssignProcessToJobObject(job, h)
		windows.CloseHandle(h)
	}
	err = cmd.Wait()
	// Helpers the CLI left behind die with the job.
	_ = windows.TerminateJobObject(job, 1)
	return err
}

func newKillOnCloseJob() (windows.Handle, error) {
	job, err := windows.CreateJobObject(nil, nil)
	if err != nil {
		return 0, err
	}
	var info windows.JOBOBJECT_EXTENDED_LIMIT_INFORMATION
	info.BasicLimitInformation.LimitFlags = windows.JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE
	if _, err := windows.SetInformationJobObject(job, windows.JobObjectExtendedLimitInformation,
		uintptr(unsafe.Pointer(&info)), uint32(unsafe.Sizeof(info))); err != nil {
		windows.CloseHandle(job)
		return 0, err
	}
	return job, nil
}

// defaultEnv is the minimal Windows environment of agent CLIs when Runner.Env is nil:
// what Windows programs expect to find (system directory, temp directory, ProgramData,
// the command interpreter), taken from the exporter's own environment, and nothing else
// of it (no proxy credentials or tokens).
func defaultEnv() []string {
	return windowsEnv(os.Getenv)
}

func windowsEnv(getenv func(string) string) []string {
	root := getenv("SystemRoot")
	if root == "" {
		root = getenv("windir")
	}
	if root == "" {
		root = `C:\Windows`
	}
	get := func(name, def string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return def
	}
	sys32 := filepath.Join(root, "System32")
	temp := get("TEMP", get("TMP", filepath.Join(root, "Temp")))
	env := []string{
		"SystemRoot=" + root,
		"windir=" + root,
		"SystemDrive=" + get("SystemDrive", filepath.VolumeName(root)),
		"TEMP=" + temp,
		"TMP=" + get("TMP", temp),
		"ProgramData=" + get("ProgramData", `C:\ProgramData`),
		"ProgramFiles=" + get("ProgramFiles", `C:\Program Files`),
		"ComSpec=" + get("ComSpec", filepath.Join(sys32, "cmd.exe")),
		"PATH=" + strings.Join([]string{sys32, root, filepath.Join(sys32, "Wbem")}, ";"),
	}
	if v := getenv("ProgramFiles(x86)"); v != "" {
		env = append(env, "ProgramFiles(x86)="+v)
	}
	return env
}
