package qualys

import (
	"errors"
	"strconv"
	"strings"
)

// Process names, the closed set MatchAgentProcess returns (sources.md S9).
const (
	ProcAgent     = "qualys-cloud-agent" // main agent, always running
	ProcCEP       = "qualys-cep"         // always running
	ProcEDR       = "qualys-edr"         // FIM and EDR since Linux agent 4.1 (replaced fimc)
	ProcEDRPlugin = "edr-plugin"         // audisp child when UseAuditDispatcher=1
	ProcAuditd    = "auditd"             // owner of the audit netlink socket unless the agent is
)

// AgentProcesses lists the closed set in a stable order.
var AgentProcesses = []string{ProcAgent, ProcCEP, ProcEDR, ProcEDRPlugin, ProcAuditd}

// taskCommLen is TASK_COMM_LEN-1: the kernel truncates /proc/<pid>/comm to 15 bytes, so
// "qualys-cloud-agent" shows up there as "qualys-cloud-ag".
const taskCommLen = 15

// MatchAgentProcess tells whether a process is one the collector watches, from its
// /proc/<pid>/comm (trailing newline allowed) and its NUL-split /proc/<pid>/cmdline.
//
// The executable's base name in argv[0] decides when there is a cmdline: comm alone
// cannot tell the agent binary from the qualys-cloud-agent.sh activation script (both
// truncate to "qualys-cloud-ag"), and a script run by a shell has the shell as argv[0].
// comm is used only when cmdline is empty (zombies, or a process hidden by hidepid), where
// it must equal the (truncated) name exactly; kernel threads such as "kauditd" never match.
func MatchAgentProcess(comm string, cmdline []string) (string, bool) {
	if len(cmdline) > 0 && cmdline[0] != "" {
		argv0 := cmdline[0]
		// A process that rewrote its title may leave "path arg arg" in argv[0].
		if i := strings.IndexAny(argv0, " \t"); i > 0 {
			argv0 = argv0[:i]
		}
		if i := strings.LastIndexByte(argv0, '/'); i >= 0 {
			argv0 = argv0[i+1:]
		}
		for _, name := range AgentProcesses {
			if argv0 == name {
				return name, true
			}
		}
		return "", false
	}
	comm = strings.TrimRight(comm, "\n")
	if comm == "" {
		return "", false
	}
	for _, name := range AgentProcesses {
		truncated := name
		if len(truncated) > taskCommLen {
			truncated = truncated[:taskCommLen]
		}
		if comm == truncated {
			return name, true
		}
	}
	return "", false
}

// SplitCmdline splits the raw bytes of /proc/<pid>/cmdline at NULs, dropping the
// terminating NUL; an empty file (kernel thread, zombie) gives nil.
func SplitCmdline(b []byte) []string {
	s := strings.TrimRight(string(b), "\x00")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\x00")
}

// ProcStat holds the fields of /proc/<pid>/stat the collector needs: the parent, to tell
// whether edr-plugin runs under auditd's dispatcher (sources.md S10 shows
// auditd -> audispd -> edr-plugin; with auditd 3.x plugins are auditd's own children), and
// the start time, to notice restarts.
type ProcStat struct {
	PID   int
	Comm  string
	State byte
	PPID  int
	// StartTicks is field 22, the start time in clock ticks after boot.
	StartTicks uint64
}

// ErrProcStat reports a /proc/<pid>/stat line that does not have the kernel's layout.
var ErrProcStat = errors.New("qualys: malformed /proc/<pid>/stat")

// ParseProcStat parses one /proc/<pid>/stat line. comm is taken up to the LAST ')'
// because the kernel does not escape it: a process may call itself "a) S 1 (".
func ParseProcStat(b []byte) (ProcStat, error) {
	s := string(b)
	open := strings.IndexByte(s, '(')
	closing := strings.LastIndexByte(s, ')')
	if open <= 0 || closing < open {
		return ProcStat{}, ErrProcStat
	}
	var st ProcStat
	pid, err := strconv.Atoi(strings.TrimSpace(s[:open]))
	if err != nil || pid < 0 {
		return ProcStat{}, ErrProcStat
	}
	st.PID = pid
	st.Comm = s[open+1 : closing]
	// Fields after comm start at field 3 (state).
	rest := strings.Fields(s[closing+1:])
	if len(rest) < 20 || len(rest[0]) != 1 {
		return ProcStat{}, ErrProcStat
	}
	st.State = rest[0][0]
	if st.PPID, err = strconv.Atoi(rest[1]); err != nil || st.PPID < 0 {
		return ProcStat{}, ErrProcStat
	}
	if st.StartTicks, err = strconv.ParseUint(rest[19], 10, 64); err != nil {
		return ProcStat{}, ErrProcStat
	}
	return st, nil
}
