package host

import (
	"path/filepath"
	"runtime"
	"strings"

	"github.com/secagent-exporter/secagent_exporter/internal/hostfs"
)

// Paths resolves the default locations of agent files and CLIs under --path.rootfs,
// --path.procfs and --path.sysfs, so a fixture tree (with fake CLIs) can stand in for a
// whole host. On Linux every default path goes through Root; on Windows the rootfs is
// not applied to native paths.
type Paths struct {
	RootFS string
	ProcFS string
	SysFS  string
	// GOOS is the operating system the paths are for; empty means runtime.GOOS.
	GOOS string
}

// OS is the operating system the paths are for: GOOS, or runtime.GOOS when empty.
func (p Paths) OS() string {
	if p.GOOS != "" {
		return p.GOOS
	}
	return runtime.GOOS
}

// Root resolves an absolute path of the monitored host.
//
// A Windows path such as `C:\Program Files\Cisco\AMP` on a non-Windows build resolves to
// <rootfs>/C/Program Files/Cisco/AMP: that is how the Windows parsers run end to end on
// Linux against fixture trees (--collector.cisco.platform=windows).
func (p Paths) Root(path string) string {
	if p.OS() == "windows" {
		return path
	}
	if IsWindowsPath(path) {
		drive := strings.ToUpper(path[:1])
		rest := strings.ReplaceAll(path[2:], `\`, "/")
		path = "/" + drive + "/" + strings.TrimLeft(rest, "/")
	}
	return join(p.RootFS, path)
}

// RootAll resolves host paths with Root.
func (p Paths) RootAll(paths []string) []string {
	out := make([]string, len(paths))
	for i, path := range paths {
		out[i] = p.Root(path)
	}
	return out
}

// Proc resolves a path under --path.procfs.
func (p Paths) Proc(elem ...string) string {
	return filepath.Join(append([]string{orDefault(p.ProcFS, "/proc")}, elem...)...)
}

// Sys resolves a path under --path.sysfs.
func (p Paths) Sys(elem ...string) string {
	return filepath.Join(append([]string{orDefault(p.SysFS, "/sys")}, elem...)...)
}

func join(root, path string) string {
	if root == "" || root == "/" {
		return filepath.Clean(path)
	}
	return filepath.Join(root, path)
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// IsAbsHostPath accepts a path read from an agent's output or configuration (cmdagent's
// LogLocation) only as an absolute path of either OS: it decides which files are globbed.
func IsAbsHostPath(p string) bool {
	return strings.HasPrefix(p, "/") || IsWindowsPath(p)
}

// IsWindowsPath reports whether path looks like `C:\...` or `C:/...`.
func IsWindowsPath(path string) bool {
	if len(path) < 3 || path[1] != ':' || (path[2] != '\\' && path[2] != '/') {
		return false
	}
	c := path[0] | 0x20
	return c >= 'a' && c <= 'z'
}

// Host is the monitored host's file tree (--path.rootfs; on Windows the native volumes).
// Every host file a collector reads goes through it: see package hostfs for the rules
// (chroot-semantics links, regular files only, read caps, bounded globs).
func (p Paths) Host() hostfs.FS {
	if p.OS() == "windows" {
		return hostfs.New("")
	}
	return hostfs.New(p.RootFS)
}

// ProcFiles and SysFiles are the --path.procfs and --path.sysfs trees, read through the
// same layer so a bind-mounted or faked tree cannot hand out a FIFO or an endless file.
func (p Paths) ProcFiles() hostfs.FS { return hostfs.New(orDefault(p.ProcFS, "/proc")) }

// SysFiles: see ProcFiles.
func (p Paths) SysFiles() hostfs.FS { return hostfs.New(orDefault(p.SysFS, "/sys")) }
