package qualys

import "strings"

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

// maxAncestorHops is how far up from an edr-plugin EDRPluginUnderAuditd looks for auditd:
// auditd -> audispd -> edr-plugin is the deepest documented chain (sources.md S10), one
// more hop allows for a wrapper.
const maxAncestorHops = 3

// EDRPluginUnderAuditd tells whether an edr-plugin descends from auditd: directly (auditd
// 3.x runs its plugins itself) or through audispd (sources.md S10 sample). names holds
// the watched processes by PID (MatchAgentProcess); parent gives a PID's parent, false
// when unknown. PID 1 and 0 end the walk, and so does a loop in a faked process tree.
func EDRPluginUnderAuditd(names map[int]string, parent func(pid int) (int, bool)) bool {
	for pid, name := range names {
		if name != ProcEDRPlugin {
			continue
		}
		ancestor, ok := parent(pid)
		for hops := 0; ok && ancestor > 1 && ancestor != pid && hops < maxAncestorHops; hops++ {
			if names[ancestor] == ProcAuditd {
				return true
			}
			ancestor, ok = parent(ancestor)
		}
	}
	return false
}
