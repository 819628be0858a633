package collector

import (
	"errors"
	"io/fs"

	"github.com/alecthomas/kingpin/v2"
	"github.com/secagent-exporter/secagent_exporter/internal/hostfs"
)

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
