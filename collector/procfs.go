package collector

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/prometheus/procfs"
)

// procEntry is one process of the host: its PID and its name (<pid>/comm). The parent and
// the command line are read on demand (stat, cmdline), by the one collector that needs
// them, for the few processes it looks at.
type procEntry struct {
	PID  int
	Comm string
	proc procfs.Proc
}

// Bounds of one scan. A real /proc lists at most pid_max processes and a comm of at most
// 15 bytes (TASK_COMM_LEN); a faked or bind-mounted --path.procfs can hold anything, so
// the scan takes at most maxScanProcs processes (more fails the source instead of
// growing the list without end) and keeps at most maxCommLen bytes of a name, which
// still holds every name a collector looks for.
var maxScanProcs = 1 << 17 // a variable for the tests

const maxCommLen = 64

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

// scanProcs lists the processes with prometheus/procfs: the PIDs under --path.procfs and
// the name of each from <pid>/comm, or from <pid>/stat where comm is missing. A process that
// exits during the scan, or whose files cannot be read, is left out; it does not fail the
// scan. comm is one short read per process; stat would cost its 52 fields parsed per
// process, for a parent only the qualys collector asks for, of a handful of them.
//
// procfs opens these files by path: unlike internal/hostfs it follows symbolic links out
// of the tree, opens without O_NONBLOCK (a named pipe in a fake tree blocks that read
// until the scrape deadline gives up on it) and reads up to 1 MiB of each file. On a
// real procfs mount none of that can happen (every entry is a kernel file); the other
// /proc files the collectors read (osrelease, modules) stay on hostfs. See
// docs/reliability.md, "Hostile host input".
func scanProcs(ctx context.Context, p Paths) ([]procEntry, error) {
	fs, err := procfs.NewFS(p.Proc())
	if err != nil {
		return nil, err
	}
	all, err := fs.AllProcs()
	if err != nil {
		return nil, err
	}
	if len(all) > maxScanProcs {
		return nil, fmt.Errorf("%s lists %d processes, more than the %d a scan takes", p.Proc(), len(all), maxScanProcs)
	}
	procs := make([]procEntry, 0, len(all))
	for _, pr := range all {
		if err := ctx.Err(); err != nil {
			return procs, err
		}
		if pr.PID <= 0 {
			continue // "0", "-1" or "+0" in a fake tree
		}
		comm, err := pr.Comm()
		if err != nil {
			st, serr := pr.Stat()
			if serr != nil {
				continue // the process exited while we scanned, or hides its files
			}
			comm = st.Comm
		}
		procs = append(procs, procEntry{PID: pr.PID, Comm: boundComm(comm), proc: pr})
	}
	return procs, nil
}

// boundComm keeps at most maxCommLen bytes of a name, copied, so that the list does not
// hold on to a longer string.
func boundComm(s string) string {
	if len(s) > maxCommLen {
		return strings.Clone(s[:maxCommLen])
	}
	return s
}

// parent is the parent PID from <pid>/stat; false when stat cannot be read or does not
// have the kernel's layout (a fixture process that gives a name only).
func (e procEntry) parent() (int, bool) {
	st, err := e.proc.Stat()
	if err != nil || st.PPID < 0 {
		return 0, false
	}
	return st.PPID, true
}

// cmdline is the process's NUL-split command line (procfs reads at most 1 MiB of it);
// nil when it cannot be read.
func (e procEntry) cmdline() []string {
	args, err := e.proc.CmdLine()
	if err != nil {
		return nil
	}
	return args
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
