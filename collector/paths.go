package collector

import (
	"errors"
	"io/fs"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/alecthomas/kingpin/v2"

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

func (p Paths) goos() string {
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
	if p.goos() == "windows" {
		return path
	}
	if isWindowsPath(path) {
		drive := strings.ToUpper(path[:1])
		rest := strings.ReplaceAll(path[2:], `\`, "/")
		path = "/" + drive + "/" + strings.TrimLeft(rest, "/")
	}
	return join(p.RootFS, path)
}

// rootAll resolves host paths with Root.
func (p Paths) rootAll(paths []string) []string {
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
	return strings.HasPrefix(p, "/") || isWindowsPath(p)
}

// isWindowsPath reports whether path looks like `C:\...` or `C:/...`.
func isWindowsPath(path string) bool {
	if len(path) < 3 || path[1] != ':' || (path[2] != '\\' && path[2] != '/') {
		return false
	}
	c := path[0] | 0x20
	return c >= 'a' && c <= 'z'
}

// pathExists, fileExists and dirExists stat a resolved path through hfs (confined,
// links resolved inside the root): anything, a non-directory, a directory.
func pathExists(hfs hostfs.FS, path string) bool {
	_, err := hfs.Stat(path)
	return err == nil
}

func fileExists(hfs hostfs.FS, path string) bool {
	fi, err := hfs.Stat(path)
	return err == nil && !fi.IsDir()
}

func dirExists(hfs hostfs.FS, path string) bool {
	fi, err := hfs.Stat(path)
	return err == nil && fi.IsDir()
}

// readFirst reads and parses the first of the resolved paths that exists (kind names the
// parser; the parse is kept while the file's identity does not change, see fileCache).
// path is "" when none exists; err is the read or parse error of the one that does.
func readFirst[T any](hfs hostfs.FS, kind string, paths []string, parse func([]byte) (T, error)) (path string, v T, err error) {
	return readFirstIn(hostFileCache, hfs, kind, paths, parse)
}

// readFirstIn is readFirst through cache c; nil reads and parses every time (a file
// whose parse holds credentials is not kept).
func readFirstIn[T any](c *fileCache, hfs hostfs.FS, kind string, paths []string, parse func([]byte) (T, error)) (path string, v T, err error) {
	for _, p := range paths {
		v, err = cachedParse(c, kind, hfs, p, readSmall, parse)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		return p, v, err
	}
	var zero T
	return "", zero, nil
}

// LinuxOnlyFlag hides a flag that only means something on Linux from --help on other
// systems (goos is runtime.GOOS). The flag still parses there, so a config shared
// across a fleet keeps working.
func LinuxOnlyFlag(goos string, f *kingpin.FlagClause) *kingpin.FlagClause {
	if goos == "windows" {
		return f.Hidden()
	}
	return f
}
