package collector

import (
	"bytes"
	"context"
	"io"
	"os"
	"strconv"
	"sync"
)

// procEntry is one process of the host as <procfs>/<pid>/stat tells it.
type procEntry struct {
	PID, PPID int
	Comm      string
	// HasStat: read from stat; false when only <pid>/comm could be read (fixture trees
	// that give a name only), which leaves PPID unknown.
	HasStat bool
}

// procTable is the one /proc scan of a scrape, shared by every collector that needs the
// process list (cisco, linux_security, qualys): a host with a thousand processes costs a
// thousand small reads per scrape, not three thousand.
type procTable struct {
	once  sync.Once
	procs []procEntry
	err   error
}

func (t *procTable) get(ctx context.Context, p Paths) ([]procEntry, error) {
	t.once.Do(func() { t.procs, t.err = scanProcs(ctx, p) })
	return t.procs, t.err
}

// scanProcs reads <procfs>/<pid>/stat of every process, one read into a reused buffer
// each, falling back to <pid>/comm where stat is missing.
func scanProcs(ctx context.Context, p Paths) ([]procEntry, error) {
	dir, err := os.Open(p.Proc())
	if err != nil {
		return nil, err
	}
	names, err := dir.Readdirnames(-1)
	dir.Close()
	if err != nil {
		return nil, err
	}
	procs := make([]procEntry, 0, len(names))
	buf := make([]byte, 1024)
	for _, name := range names {
		if err := ctx.Err(); err != nil {
			return procs, err
		}
		if name == "" || name[0] < '1' || name[0] > '9' {
			continue
		}
		pid, err := strconv.Atoi(name)
		if err != nil || pid <= 0 {
			continue
		}
		if raw, ok := readSmall(p.Proc(name, "stat"), buf); ok {
			if comm, ppid, ok := parseStatCommPPID(raw); ok {
				procs = append(procs, procEntry{PID: pid, PPID: ppid, Comm: comm, HasStat: true})
			}
			continue
		}
		if raw, ok := readSmall(p.Proc(name, "comm"), buf); ok {
			procs = append(procs, procEntry{PID: pid, Comm: string(bytes.TrimSpace(raw))})
		}
		// Neither: the process exited while we scanned.
	}
	return procs, nil
}

// readSmall reads a procfs file of at most len(buf) bytes into buf.
func readSmall(path string, buf []byte) ([]byte, bool) {
	f, err := os.Open(path)
	if err != nil {
		return nil, false
	}
	defer f.Close()
	n, err := io.ReadFull(f, buf)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return nil, false
	}
	return buf[:n], true
}

// parseStatCommPPID takes the comm (between the first '(' and the last ')', since a comm
// may itself hold parentheses and spaces) and the parent PID (the second field after it)
// from a /proc/<pid>/stat line.
func parseStatCommPPID(b []byte) (string, int, bool) {
	open := bytes.IndexByte(b, '(')
	closing := bytes.LastIndexByte(b, ')')
	if open <= 0 || closing < open {
		return "", 0, false
	}
	rest := b[closing+1:]
	// " S 1 ..." : state, then ppid.
	fields := 0
	start := -1
	for i := 0; i <= len(rest); i++ {
		space := i == len(rest) || rest[i] == ' ' || rest[i] == '\t' || rest[i] == '\n'
		switch {
		case !space && start < 0:
			start = i
		case space && start >= 0:
			fields++
			if fields == 1 && i-start != 1 {
				return "", 0, false
			}
			if fields == 2 {
				ppid, err := strconv.Atoi(string(rest[start:i]))
				if err != nil || ppid < 0 {
					return "", 0, false
				}
				return string(b[open+1 : closing]), ppid, true
			}
			start = -1
		}
	}
	return "", 0, false
}

// processes is the process list of this scrape, read once for all its collectors.
func (s *Scrape) processes(ctx context.Context, p Paths) ([]procEntry, error) {
	return s.shared.procs.get(ctx, p)
}

// processRunning reports whether a process with exactly this comm runs.
func (s *Scrape) processRunning(ctx context.Context, p Paths, comm string) (bool, error) {
	procs, err := s.processes(ctx, p)
	if err != nil {
		return false, err
	}
	for _, pr := range procs {
		if pr.Comm == comm {
			return true, nil
		}
	}
	return false, nil
}
