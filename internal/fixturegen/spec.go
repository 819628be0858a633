package fixturegen

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// A scenario spec describes one host tree in a few lines:
//
//	# comment
//	include: linux-prereqs-ok       # a host tree directory or a .ttar archive
//	include: common/mcafee.ttar     # (paths relative to the spec's base dir)
//	process: pid=2233 comm=qualys-edr ppid=1 threads=6 start=2600 cmdline=/usr/local/qualys/cloud-agent/bin/qualys-edr
//
// Pieces are applied in order; a later piece overrides files of an earlier
// one. A process line generates proc/<pid>/{stat,comm,cmdline} (and exe, a
// symlink, when exe= is given); cmdline= takes the rest of the line, its
// arguments separated by spaces.

// Process describes one /proc/<pid> directory.
type Process struct {
	PID, PPID, PGrp, Session int
	Comm, State, Exe         string
	Threads                  int
	Start, VSize, RSS        uint64
	Cmdline                  []string
}

// Entries returns the /proc/<pid> files of p, in the byte layout of the
// committed trees (proc(5) field order).
func (p Process) Entries() []Entry {
	comm := p.Comm
	if len(comm) > 15 {
		comm = comm[:15] // the kernel's TASK_COMM_LEN - 1
	}
	dir := "proc/" + strconv.Itoa(p.PID)
	stat := fmt.Sprintf("%d (%s) %s %d %d %d 0 -1 4194560 1200 0 3 0 45 20 0 0 20 0 %d 0 %d %d %d 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n",
		p.PID, comm, p.State, p.PPID, p.PGrp, p.Session, p.Threads, p.Start, p.VSize, p.RSS)
	var cmd []byte
	for _, a := range p.Cmdline {
		cmd = append(append(cmd, a...), 0)
	}
	out := []Entry{
		{Kind: File, Path: dir + "/cmdline", Mode: 0o644, Data: cmd},
		{Kind: File, Path: dir + "/comm", Mode: 0o644, Data: []byte(comm + "\n")},
		{Kind: File, Path: dir + "/stat", Mode: 0o644, Data: []byte(stat)},
	}
	if p.Exe != "" {
		out = append(out, Entry{Kind: Link, Path: dir + "/exe", Target: p.Exe})
	}
	return out
}

// ParseProcess reads the fields of a process: line.
func ParseProcess(s string) (Process, error) {
	p := Process{State: "S", Threads: 1, VSize: 52428800, RSS: 3100, PGrp: -1, Session: -1}
	if i := strings.Index(s, "cmdline="); i >= 0 {
		if c := strings.TrimSpace(s[i+len("cmdline="):]); c != "" {
			p.Cmdline = strings.Split(c, " ")
		}
		s = s[:i]
	}
	for _, kv := range strings.Fields(s) {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return p, fmt.Errorf("fixturegen: process: %q is not key=value", kv)
		}
		var err error
		switch k {
		case "pid":
			p.PID, err = strconv.Atoi(v)
		case "ppid":
			p.PPID, err = strconv.Atoi(v)
		case "pgrp":
			p.PGrp, err = strconv.Atoi(v)
		case "session":
			p.Session, err = strconv.Atoi(v)
		case "threads":
			p.Threads, err = strconv.Atoi(v)
		case "start":
			p.Start, err = strconv.ParseUint(v, 10, 64)
		case "vsize":
			p.VSize, err = strconv.ParseUint(v, 10, 64)
		case "rss":
			p.RSS, err = strconv.ParseUint(v, 10, 64)
		case "comm":
			p.Comm = v
		case "state":
			p.State = v
		case "exe":
			p.Exe = v
		default:
			return p, fmt.Errorf("fixturegen: process: unknown field %q", k)
		}
		if err != nil {
			return p, fmt.Errorf("fixturegen: process: %s: %v", k, err)
		}
	}
	if p.PID <= 0 || p.Comm == "" || strings.ContainsAny(p.Comm, "()") || len(p.State) != 1 {
		return p, fmt.Errorf("fixturegen: process: needs pid>0, comm without parentheses and a one-letter state")
	}
	if p.PGrp < 0 {
		p.PGrp = p.PID
	}
	if p.Session < 0 {
		p.Session = p.PID
	}
	return p, nil
}

// ExpandSpec reads a scenario spec and returns its entries, later pieces
// overriding earlier ones. include: names are resolved under base.
func ExpandSpec(r io.Reader, base string) ([]Entry, error) {
	var out []Entry
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		s := strings.TrimSpace(sc.Text())
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		k, v, ok := strings.Cut(s, ":")
		if !ok {
			return nil, fmt.Errorf("fixturegen: spec line %d: expected an include or process line", line)
		}
		v = strings.TrimSpace(v)
		switch k {
		case "include":
			if err := checkPath(filepath.ToSlash(v)); err != nil {
				return nil, fmt.Errorf("fixturegen: spec line %d: %v", line, err)
			}
			es, err := loadPiece(filepath.Join(base, filepath.FromSlash(v)))
			if err != nil {
				return nil, fmt.Errorf("fixturegen: spec line %d: %v", line, err)
			}
			out = append(out, es...)
		case "remove":
			// Drop what the pieces so far put at that path (and under it).
			if err := checkPath(v); err != nil {
				return nil, fmt.Errorf("fixturegen: spec line %d: %v", line, err)
			}
			kept := out[:0]
			for _, e := range out {
				if e.Path != v && !strings.HasPrefix(e.Path, v+"/") {
					kept = append(kept, e)
				}
			}
			out = kept
		case "process":
			p, err := ParseProcess(v)
			if err != nil {
				return nil, fmt.Errorf("fixturegen: spec line %d: %v", line, err)
			}
			out = append(out, p.Entries()...)
		default:
			return nil, fmt.Errorf("fixturegen: spec line %d: unknown key %q", line, k)
		}
	}
	return Merge(out), sc.Err()
}

func loadPiece(p string) ([]Entry, error) {
	if strings.HasSuffix(p, ".ttar") {
		f, err := os.Open(p)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		return Parse(f)
	}
	return Pack(p)
}

// Merge keeps the last entry for each path, in the order paths first appear.
func Merge(entries []Entry) []Entry {
	idx := map[string]int{}
	var out []Entry
	for _, e := range entries {
		if i, ok := idx[e.Path]; ok {
			out[i] = e
			continue
		}
		idx[e.Path] = len(out)
		out = append(out, e)
	}
	return out
}

// Diff returns what a spec adds to `include: base` to give tree: the entries tree
// holds that base lacks or holds differently, and the paths of base that tree lacks
// (`remove:` lines; a directory's entries are not listed under it again).
func Diff(base, tree []Entry) (added []Entry, removed []string) {
	in := map[string]Entry{}
	for _, e := range tree {
		in[e.Path] = e
	}
	for _, b := range base {
		if _, ok := in[b.Path]; ok {
			continue
		}
		if n := len(removed); n > 0 && strings.HasPrefix(b.Path, removed[n-1]+"/") {
			continue
		}
		removed = append(removed, b.Path)
	}
	old := map[string]Entry{}
	for _, b := range base {
		old[b.Path] = b
	}
	for _, e := range tree {
		b, ok := old[e.Path]
		if ok && b.Kind == e.Kind && b.Mode == e.Mode && b.Target == e.Target && bytes.Equal(b.Data, e.Data) {
			continue
		}
		added = append(added, e)
	}
	return added, removed
}
