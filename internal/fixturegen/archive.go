// Package fixturegen reads and writes text archives of fixture host trees:
// one plain-text file that holds many files, directories and symlinks, with
// their modes, in the spirit of node_exporter's ttar. Binary content is
// base64-encoded so the archive stays reviewable in a diff.
//
// Format, one entry after another:
//
//	== dir  <mode> <path>
//	== link <target> <path>
//	== file <mode> text <n> <path>   followed by exactly n bytes, then "\n"
//	== file <mode> b64 <n> <path>    followed by n base64 characters, then "\n"
//
// Paths are slash-separated, relative, and may not contain "..". Lines
// starting with "#" between entries are comments.
package fixturegen

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Kind is the type of an archive entry.
type Kind string

// Entry kinds.
const (
	Dir  Kind = "dir"
	File Kind = "file"
	Link Kind = "link"
)

// Entry is one file, directory or symlink of a host tree.
type Entry struct {
	Kind   Kind
	Path   string
	Mode   fs.FileMode // permission bits (files and dirs)
	Target string      // symlink target
	Data   []byte      // file content
}

const maxEntrySize = 64 << 20

func checkPath(p string) error {
	if p == "" || strings.HasPrefix(p, "/") || path.Clean(p) != p || p == "." ||
		p == ".." || strings.HasPrefix(p, "../") || strings.ContainsAny(p, "\n\x00") {
		return fmt.Errorf("fixturegen: bad path %q", p)
	}
	return nil
}

// Parse reads an archive.
func Parse(r io.Reader) ([]Entry, error) {
	br := bufio.NewReader(r)
	var out []Entry
	line := 0
	for {
		s, err := br.ReadString('\n')
		if err == io.EOF && s == "" {
			return out, nil
		}
		if err != nil && err != io.EOF {
			return nil, err
		}
		line++
		s = strings.TrimSuffix(s, "\n")
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		f := strings.SplitN(s, " ", 6)
		if f[0] != "==" || len(f) < 4 {
			return nil, fmt.Errorf("fixturegen: line %d: expected entry header", line)
		}
		var e Entry
		switch Kind(f[1]) {
		case Dir:
			f = strings.SplitN(s, " ", 4)
			m, err := strconv.ParseUint(f[2], 8, 32)
			if err != nil || m > 0o777 {
				return nil, fmt.Errorf("fixturegen: line %d: bad mode", line)
			}
			e = Entry{Kind: Dir, Mode: fs.FileMode(m), Path: f[3]}
		case Link:
			f = strings.SplitN(s, " ", 4)
			if f[2] == "" {
				return nil, fmt.Errorf("fixturegen: line %d: empty link target", line)
			}
			e = Entry{Kind: Link, Target: f[2], Path: f[3]}
		case File:
			if len(f) != 6 {
				return nil, fmt.Errorf("fixturegen: line %d: short file header", line)
			}
			m, err := strconv.ParseUint(f[2], 8, 32)
			if err != nil || m > 0o777 {
				return nil, fmt.Errorf("fixturegen: line %d: bad mode", line)
			}
			n, err := strconv.ParseInt(f[4], 10, 64)
			if err != nil || n < 0 || n > maxEntrySize {
				return nil, fmt.Errorf("fixturegen: line %d: bad size", line)
			}
			buf := make([]byte, n+1)
			if _, err := io.ReadFull(br, buf); err != nil || buf[n] != '\n' {
				return nil, fmt.Errorf("fixturegen: line %d: truncated content", line)
			}
			buf = buf[:n]
			line += bytes.Count(buf, []byte("\n")) + 1
			switch f[3] {
			case "text":
			case "b64":
				d, err := base64.StdEncoding.DecodeString(string(buf))
				if err != nil {
					return nil, fmt.Errorf("fixturegen: line %d: %v", line, err)
				}
				buf = d
			default:
				return nil, fmt.Errorf("fixturegen: line %d: unknown encoding %q", line, f[3])
			}
			e = Entry{Kind: File, Mode: fs.FileMode(m), Path: f[5], Data: buf}
		default:
			return nil, fmt.Errorf("fixturegen: line %d: unknown kind %q", line, f[1])
		}
		if err := checkPath(e.Path); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
}

// Format writes entries as an archive; Parse(Format(x)) == x.
func Format(w io.Writer, entries []Entry) error {
	bw := bufio.NewWriter(w)
	for _, e := range entries {
		if err := checkPath(e.Path); err != nil {
			return err
		}
		switch e.Kind {
		case Dir:
			fmt.Fprintf(bw, "== dir %04o %s\n", e.Mode.Perm(), e.Path)
		case Link:
			if e.Target == "" || strings.ContainsAny(e.Target, " \n") {
				return fmt.Errorf("fixturegen: bad link target %q", e.Target)
			}
			fmt.Fprintf(bw, "== link %s %s\n", e.Target, e.Path)
		case File:
			enc, body := "text", e.Data
			if !utf8.Valid(body) || bytes.IndexByte(body, 0) >= 0 || bytes.Contains(body, []byte("\r")) {
				enc, body = "b64", []byte(base64.StdEncoding.EncodeToString(body))
			}
			fmt.Fprintf(bw, "== file %04o %s %d %s\n", e.Mode.Perm(), enc, len(body), e.Path)
			bw.Write(body)
			bw.WriteByte('\n')
		default:
			return fmt.Errorf("fixturegen: unknown kind %q", e.Kind)
		}
	}
	return bw.Flush()
}

// Pack reads the tree under root into entries, sorted by path. Only
// directories, regular files and symlinks are allowed.
func Pack(root string) ([]Entry, error) {
	var out []Entry
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil || rel == "." {
			return err
		}
		rel = filepath.ToSlash(rel)
		info, err := os.Lstat(p)
		if err != nil {
			return err
		}
		switch {
		case info.Mode()&fs.ModeSymlink != 0:
			t, err := os.Readlink(p)
			if err != nil {
				return err
			}
			out = append(out, Entry{Kind: Link, Path: rel, Target: filepath.ToSlash(t)})
		case info.IsDir():
			out = append(out, Entry{Kind: Dir, Path: rel, Mode: info.Mode().Perm()})
		case info.Mode().IsRegular():
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			out = append(out, Entry{Kind: File, Path: rel, Mode: info.Mode().Perm(), Data: b})
		default:
			return fmt.Errorf("fixturegen: %s: unsupported file type %v", rel, info.Mode().Type())
		}
		return nil
	})
	sort.SliceStable(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, err
}

// Expand writes entries under dir (which must exist). Later entries for the
// same path override earlier ones, so a scenario can include shared pieces
// and then replace single files.
func Expand(dir string, entries []Entry) error {
	var dirs []Entry
	for _, e := range entries {
		if err := checkPath(e.Path); err != nil {
			return err
		}
		p := filepath.Join(dir, filepath.FromSlash(e.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if e.Kind != Dir {
			if err := os.RemoveAll(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
		switch e.Kind {
		case Dir:
			if err := os.MkdirAll(p, 0o755); err != nil {
				return err
			}
			dirs = append(dirs, e)
		case Link:
			if err := os.Symlink(filepath.FromSlash(e.Target), p); err != nil {
				return err
			}
		case File:
			if err := os.WriteFile(p, e.Data, 0o600); err != nil {
				return err
			}
			if err := os.Chmod(p, e.Mode.Perm()); err != nil {
				return err
			}
		default:
			return fmt.Errorf("fixturegen: unknown kind %q", e.Kind)
		}
	}
	// Directory modes last (deepest first), so a read-only dir does not
	// block writing its children.
	for i := len(dirs) - 1; i >= 0; i-- {
		p := filepath.Join(dir, filepath.FromSlash(dirs[i].Path))
		if err := os.Chmod(p, dirs[i].Mode.Perm()); err != nil {
			return err
		}
	}
	return nil
}
