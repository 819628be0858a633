// Package hostfs is the one way the exporter, diagnose and the support bundle read files
// of the monitored host.
//
// The exporter reads with more rights than the files' owners (CAP_DAC_READ_SEARCH,
// LocalSystem), so a file under the host tree is untrusted input. Every access here:
//
//   - resolves the path with chroot semantics under the host tree (--path.rootfs): an
//     absolute symbolic link means a path under that tree, `..` stops at its top, and
//     nothing resolves outside it. Links are followed one component at a time, each
//     step through Go's os.Root, which refuses any name that would leave the tree, so a
//     link swapped in between two steps fails the read instead of escaping;
//   - opens without blocking (O_NONBLOCK where the OS has it) and checks the type of
//     the opened file before the first read: only regular files are read, so a FIFO or
//     a device (/dev/zero) in place of a file fails fast instead of hanging or filling
//     memory;
//   - bounds what is read: ReadFile takes a cap chosen per kind of file, ReadDir and
//     Glob a number of names, and Glob keeps the newest matches.
//
// Errors that refuse a file are *RefusedError values whose Reason is a closed set, so
// callers can count them (secagent_files_skipped_total).
package hostfs

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
)

// Read caps per kind of file.
const (
	// MaxSmall is the cap for identifiers and small configuration or status files
	// (Qualys HostID, qualys-cloud-agent.conf, SELinux/AppArmor status, audit rules).
	MaxSmall = 1 << 20
	// MaxXML is the cap for the Cisco connector's local.xml and policy.xml: large
	// policies stay far below 1 MiB, and a 16 MiB file must not cost half a gigabyte.
	MaxXML = 4 << 20
	// MaxBundleFile is the cap for one file copied into a support bundle.
	MaxBundleFile = 8 << 20
	// MaxDirEntries bounds the names read from one directory.
	MaxDirEntries = 100_000
	// maxLinks bounds the symbolic links followed in one resolution, as the kernel's
	// ELOOP limit does.
	maxLinks = 40
)

// Reasons a file is refused or skipped: the `reason` label of secagent_files_skipped_total.
const (
	ReasonNotRegular = "not_regular" // a FIFO, device, socket or directory where a file was expected
	ReasonTooLarge   = "too_large"   // larger than the cap for its kind
	ReasonGlobLimit  = "glob_limit"  // an older match beyond the number of files taken per glob
	ReasonLinkLoop   = "link_loop"   // more than 40 symbolic links, or a link to another volume
)

// Reasons lists every Reason, for documentation and tests.
var Reasons = []string{ReasonNotRegular, ReasonTooLarge, ReasonGlobLimit, ReasonLinkLoop}

// RefusedError is a file the layer would not read.
type RefusedError struct {
	Path   string
	Reason string
	Detail string
}

func (e *RefusedError) Error() string {
	return e.Path + ": " + e.Detail
}

// Reason returns the RefusedError reason in err's chain, or "".
func Reason(err error) string {
	var r *RefusedError
	if errors.As(err, &r) {
		return r.Reason
	}
	return ""
}

// FS is a host tree. Names given to its methods are paths as the exporter builds them:
// the tree's directory joined with the host's absolute path (what collector.Paths.Root
// returns), so the call sites keep their paths and only swap the read call.
type FS struct {
	dir string // "" means each name's own volume root (native Windows paths, or "/")
}

// New returns the host tree at dir; "" or "/" is the real root of this machine.
func New(dir string) FS {
	if dir == "/" {
		dir = ""
	}
	if dir != "" {
		dir = filepath.Clean(dir)
	}
	return FS{dir: dir}
}

// Dir is the tree's directory ("" for the machine's root).
func (f FS) Dir() string { return f.dir }

// split returns the directory to open as the os.Root and the host path relative to it.
func (f FS) split(name string) (root, rel string, err error) {
	if f.dir == "" {
		if !filepath.IsAbs(name) {
			// A path the operator gave (classify, a test) relative to the working directory.
			abs, err := filepath.Abs(name)
			if err != nil {
				return "", "", err
			}
			name = abs
		}
		vol := filepath.VolumeName(name)
		return vol + string(filepath.Separator), strings.TrimLeft(name[len(vol):], `\/`), nil
	}
	rel, err = filepath.Rel(f.dir, filepath.Clean(name))
	if err != nil || (rel != "." && !filepath.IsLocal(rel)) {
		return "", "", fmt.Errorf("%s: not a path under the host tree %s", name, f.dir)
	}
	return f.dir, rel, nil
}

// join is the inverse of split.
func join(root, rel string) string {
	if rel == "" || rel == "." {
		return filepath.Clean(root)
	}
	return filepath.Join(root, rel)
}

func components(p string) []string {
	return strings.FieldsFunc(p, func(r rune) bool { return r == '/' || r == filepath.Separator })
}

// resolve follows name inside r with chroot semantics and returns a path relative to r
// that holds no symbolic link (the last component is one only when followLast is
// false). A component that does not exist ends the walk with fs.ErrNotExist.
func resolve(r *os.Root, vol, name string, followLast bool) (string, error) {
	w := walker{top: r, dirs: []*os.Root{r}}
	defer w.close()
	if err := w.walk(vol, name, followLast); err != nil {
		return "", err
	}
	if len(w.done) == 0 {
		return ".", nil
	}
	return filepath.Join(w.done...), nil
}

// walker resolves a name one component at a time. Each directory on the way is kept
// open (as an os.Root, opened without following a link), so a step is one lstat in an
// open directory: stat-ing every prefix from the top of the tree instead made a
// resolution quadratic in the depth of the path, and it was most of a scrape's system
// calls. Where a directory cannot be opened, the step falls back to that walk from the
// top, so errors read exactly as they did.
type walker struct {
	top  *os.Root
	done []string   // resolved components, no link among them
	dirs []*os.Root // dirs[i] is done[:i] opened (dirs[0] is top); opened on demand
}

func (w *walker) close() {
	for _, d := range w.dirs[1:] {
		d.Close()
	}
	w.dirs = w.dirs[:1]
}

// truncate drops resolved components down to n (a "..", an absolute link).
func (w *walker) truncate(n int) {
	w.done = w.done[:n]
	for len(w.dirs) > n+1 {
		w.dirs[len(w.dirs)-1].Close()
		w.dirs = w.dirs[:len(w.dirs)-1]
	}
}

// dirAt returns done[:n] opened, or nil when a directory on the way cannot be opened.
func (w *walker) dirAt(n int) *os.Root {
	for len(w.dirs) <= n {
		i := len(w.dirs)
		d, err := w.dirs[i-1].OpenRoot(w.done[i-1])
		if err != nil {
			return nil
		}
		w.dirs = append(w.dirs, d)
	}
	return w.dirs[n]
}

func (w *walker) walk(vol, name string, followLast bool) error {
	todo := components(name)
	links := 0
	for len(todo) > 0 {
		c := todo[0]
		todo = todo[1:]
		switch c {
		case ".":
			continue
		case "..":
			if len(w.done) > 0 {
				w.truncate(len(w.done) - 1)
			}
			continue
		}
		var fi fs.FileInfo
		var err error
		d := w.dirAt(len(w.done))
		if d != nil {
			fi, err = d.Lstat(c)
		} else {
			fi, err = w.top.Lstat(filepath.Join(append(w.done, c)...))
		}
		if err != nil {
			return err
		}
		if fi.Mode()&fs.ModeSymlink == 0 || (len(todo) == 0 && !followLast) {
			w.done = append(w.done, c)
			continue
		}
		cand := filepath.Join(append(w.done, c)...)
		if links++; links > maxLinks {
			return &RefusedError{Path: cand, Reason: ReasonLinkLoop, Detail: "too many levels of symbolic links"}
		}
		var target string
		if d != nil {
			target, err = d.Readlink(c)
		} else {
			target, err = w.top.Readlink(cand)
		}
		if err != nil {
			return err
		}
		if tvol := filepath.VolumeName(target); tvol != "" {
			if !strings.EqualFold(tvol, vol) {
				return &RefusedError{Path: cand, Reason: ReasonLinkLoop, Detail: "symbolic link to another volume"}
			}
			target = target[len(tvol):]
		}
		if strings.HasPrefix(target, "/") || strings.HasPrefix(target, string(filepath.Separator)) {
			// Absolute: it names a path of the host, that is under the tree.
			w.truncate(0)
		}
		todo = append(components(target), todo...)
	}
	return nil
}

// do opens the tree's os.Root for name, resolves name in it and calls fn with the
// directory holding the last component (opened during the resolution) and that
// component's name, so fn's own call does not walk the path again.
func (f FS) do(name string, followLast bool, fn func(r *os.Root, rel string) error) error {
	root, rel, err := f.split(name)
	if err != nil {
		return err
	}
	r, err := os.OpenRoot(root)
	if err != nil {
		return err
	}
	defer r.Close()
	w := walker{top: r, dirs: []*os.Root{r}}
	defer w.close()
	if err := w.walk(filepath.VolumeName(root), rel, followLast); err != nil {
		return withPath(err, name)
	}
	n := len(w.done)
	if n == 0 {
		return fn(r, ".")
	}
	if d := w.dirAt(n - 1); d != nil {
		return fn(d, w.done[n-1])
	}
	return fn(r, filepath.Join(w.done...))
}

func withPath(err error, name string) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		// os.Root names its calls openat, statat...: the operator reads the plain verb
		// and the path as configured, not the resolved relative one.
		op := pe.Op
		switch op {
		case "openat":
			op = "open"
		case "statat", "fstatat":
			op = "stat"
		case "readlinkat":
			op = "readlink"
		}
		return &fs.PathError{Op: op, Path: name, Err: pe.Err}
	}
	var re *RefusedError
	if errors.As(err, &re) {
		return &RefusedError{Path: name, Reason: re.Reason, Detail: re.Detail}
	}
	return err
}

// Resolve returns the real path name stands for: under the tree, with no symbolic link.
// The file itself need not exist, but its directory must.
func (f FS) Resolve(name string) (string, error) {
	root, rel, err := f.split(name)
	if err != nil {
		return "", err
	}
	r, err := os.OpenRoot(root)
	if err != nil {
		return "", err
	}
	defer r.Close()
	dir, base := filepath.Split(rel)
	res, err := resolve(r, filepath.VolumeName(root), dir, true)
	if err != nil {
		return "", withPath(err, name)
	}
	if base == "" || base == "." || base == ".." {
		res, err = resolve(r, filepath.VolumeName(root), rel, true)
		if err != nil {
			return "", withPath(err, name)
		}
		return join(root, res), nil
	}
	full, err := resolve(r, filepath.VolumeName(root), filepath.Join(res, base), true)
	if errors.Is(err, fs.ErrNotExist) {
		return join(root, filepath.Join(res, base)), nil
	}
	if err != nil {
		return "", withPath(err, name)
	}
	return join(root, full), nil
}

// Stat describes the file name resolves to (links followed inside the tree).
func (f FS) Stat(name string) (fi fs.FileInfo, err error) {
	err = f.do(name, true, func(r *os.Root, rel string) error {
		fi, err = r.Stat(rel)
		return err
	})
	return fi, withPath(err, name)
}

// Lstat describes name itself: a final symbolic link is not followed.
func (f FS) Lstat(name string) (fi fs.FileInfo, err error) {
	err = f.do(name, false, func(r *os.Root, rel string) error {
		fi, err = r.Lstat(rel)
		return err
	})
	return fi, withPath(err, name)
}

// Readlink returns the target of the symbolic link name, unresolved.
func (f FS) Readlink(name string) (target string, err error) {
	err = f.do(name, false, func(r *os.Root, rel string) error {
		target, err = r.Readlink(rel)
		return err
	})
	return target, withPath(err, name)
}

// Open opens the regular file name resolves to for reading, without blocking on a FIFO,
// and refuses anything that is not a regular file before any byte is read. On Windows
// the file is opened with read, write and delete sharing, so an agent can keep
// rotating it. The caller closes the file.
func (f FS) Open(name string) (file *os.File, err error) {
	err = f.do(name, true, func(r *os.Root, rel string) error {
		file, err = openRegular(r, rel)
		return err
	})
	if err != nil {
		return nil, withPath(err, name)
	}
	fi, err := file.Stat()
	if err != nil {
		file.Close()
		return nil, withPath(err, name)
	}
	if !fi.Mode().IsRegular() {
		file.Close()
		return nil, &RefusedError{Path: name, Reason: ReasonNotRegular, Detail: "not a regular file (" + fileKind(fi.Mode()) + ")"}
	}
	return file, nil
}

func fileKind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "directory"
	case m&fs.ModeNamedPipe != 0:
		return "named pipe"
	case m&fs.ModeCharDevice != 0:
		return "character device"
	case m&fs.ModeDevice != 0:
		return "device"
	case m&fs.ModeSocket != 0:
		return "socket"
	}
	return "irregular file"
}

// ReadFile reads the regular file name resolves to. A file larger than max bytes is
// refused (ReasonTooLarge) rather than cut: a truncated configuration or XML document
// would parse into something the host does not say.
func (f FS) ReadFile(name string, max int64) ([]byte, error) {
	file, err := f.Open(name)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	if fi, err := file.Stat(); err == nil && fi.Size() > max {
		return nil, &RefusedError{Path: name, Reason: ReasonTooLarge, Detail: fmt.Sprintf("%d bytes, more than the %d allowed", fi.Size(), max)}
	}
	// Sizes of procfs/sysfs files are 0, and a file may grow while read: the reader is
	// bounded in any case.
	b, err := io.ReadAll(io.LimitReader(file, max+1))
	if err != nil {
		return nil, withPath(err, name)
	}
	if int64(len(b)) > max {
		return nil, &RefusedError{Path: name, Reason: ReasonTooLarge, Detail: fmt.Sprintf("more than the %d bytes allowed", max)}
	}
	return b, nil
}

// ReadDir lists the directory name resolves to, sorted by name; more than
// MaxDirEntries names is refused.
func (f FS) ReadDir(name string) (entries []fs.DirEntry, err error) {
	err = f.do(name, true, func(r *os.Root, rel string) error {
		entries, err = readDir(r, rel, MaxDirEntries)
		return err
	})
	if err != nil {
		return nil, withPath(err, name)
	}
	return entries, nil
}

// ReadDirN reads at most n entries of the directory name resolves to, in directory
// order: a cheap way to learn whether a directory can be listed.
func (f FS) ReadDirN(name string, n int) (entries []fs.DirEntry, err error) {
	err = f.do(name, true, func(r *os.Root, rel string) error {
		d, err := r.Open(rel)
		if err != nil {
			return err
		}
		defer d.Close()
		entries, err = d.ReadDir(n)
		if err == io.EOF {
			err = nil
		}
		return err
	})
	if err != nil {
		return nil, withPath(err, name)
	}
	return entries, nil
}

func readDir(r *os.Root, rel string, limit int) ([]fs.DirEntry, error) {
	d, err := r.Open(rel)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	var out []fs.DirEntry
	for {
		batch, err := d.ReadDir(1024)
		out = append(out, batch...)
		if len(out) > limit {
			return nil, &RefusedError{Path: rel, Reason: ReasonTooLarge, Detail: fmt.Sprintf("more than %d directory entries", limit)}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if len(batch) == 0 {
			break
		}
	}
	slices.SortFunc(out, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return out, nil
}

// Glob returns the names matching pattern (filepath.Match syntax in any component),
// newest modification first, at most max of them (max <= 0: no limit); skipped is how
// many older matches were left out. Matches are resolved inside the tree like any
// other name, and a directory listed on the way counts against MaxDirEntries.
func (f FS) Glob(pattern string, max int) (matches []string, skipped int, err error) {
	if _, err := filepath.Match(pattern, ""); err != nil {
		return nil, 0, err
	}
	root, rel, err := f.split(pattern)
	if err != nil {
		return nil, 0, err
	}
	r, err := os.OpenRoot(root)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, 0, nil
		}
		return nil, 0, err
	}
	defer r.Close()
	vol := filepath.VolumeName(root)
	// A candidate is a lexical match and, once known, the path it resolves to and its
	// description: a plain entry of a directory already resolved needs no new walk, so
	// 50,000 matching files cost one listing and one lstat each.
	type cand struct {
		lex, res string
		info     fs.FileInfo
	}
	cands := []cand{{lex: ".", res: "."}}
	for _, c := range components(rel) {
		var next []cand
		if !hasMeta(c) {
			for _, d := range cands {
				next = append(next, cand{lex: filepath.Join(d.lex, c)})
			}
			cands = next
			continue
		}
		for _, d := range cands {
			res := d.res
			if res == "" {
				if res, err = resolve(r, vol, d.lex, true); err != nil {
					continue // absent or unreadable directory: no match, as filepath.Glob
				}
			}
			entries, err := readDir(r, res, MaxDirEntries)
			if err != nil {
				if Reason(err) != "" {
					return nil, 0, withPath(err, join(root, d.lex))
				}
				continue
			}
			for _, e := range entries {
				if ok, _ := filepath.Match(c, e.Name()); !ok {
					continue
				}
				m := cand{lex: filepath.Join(d.lex, e.Name())}
				if e.Type()&fs.ModeSymlink == 0 {
					m.res = filepath.Join(res, e.Name())
					m.info, _ = e.Info()
				}
				next = append(next, m)
			}
		}
		cands = next
	}
	type match struct {
		name string
		mod  int64
	}
	found := make([]match, 0, len(cands))
	for _, c := range cands {
		fi := c.info
		if fi == nil {
			res, err := resolve(r, vol, c.lex, true)
			if err != nil {
				if Reason(err) != "" {
					// A link loop is a match the caller must hear about when it opens it.
					found = append(found, match{name: join(root, c.lex)})
				}
				continue
			}
			if fi, err = r.Stat(res); err != nil {
				continue
			}
		}
		found = append(found, match{name: join(root, c.lex), mod: fi.ModTime().UnixNano()})
	}
	slices.SortStableFunc(found, func(a, b match) int {
		if a.mod != b.mod {
			if a.mod > b.mod {
				return -1
			}
			return 1
		}
		return strings.Compare(a.name, b.name)
	})
	if max > 0 && len(found) > max {
		skipped = len(found) - max
		found = found[:max]
	}
	matches = make([]string, len(found))
	for i, m := range found {
		matches[i] = m.name
	}
	return matches, skipped, nil
}

func hasMeta(s string) bool {
	magic := `*?[`
	if runtime.GOOS != "windows" {
		magic = `*?[\`
	}
	return strings.ContainsAny(s, magic)
}
