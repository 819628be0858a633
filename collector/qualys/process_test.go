package qualys

import (
	"strings"
	"testing"
)

func TestMatchAgentProcess(t *testing.T) {
	cases := []struct {
		comm    string
		cmdline string // NUL-separated as in /proc/<pid>/cmdline
		want    string
	}{
		// sources.md S10, verbatim `systemctl status auditd` CGroup sample.
		{"auditd\n", "/sbin/auditd\x00", ProcAuditd},
		{"audispd\n", "/sbin/audispd\x00", ""},
		{"edr-plugin\n", "/usr/local/qualys/cloud-agent/bin/edr-plugin\x00/usr/local/qualys/cloud-agent/sock/audit_disp.sock\x00", ProcEDRPlugin},
		// sources.md S9 process list.
		{"qualys-cloud-ag\n", "/usr/local/qualys/cloud-agent/bin/qualys-cloud-agent\x00", ProcAgent},
		{"qualys-cep\n", "/usr/local/qualys/cloud-agent/bin/qualys-cep\x00", ProcCEP},
		{"qualys-edr\n", "/usr/local/qualys/cloud-agent/bin/qualys-edr\x00", ProcEDR},
		{"qualys-scan-uti\n", "/usr/local/qualys/cloud-agent/bin/qualys-scan-util\x00", ""},
		// The activation script (sources.md S9) truncates to the same comm as the agent.
		{"qualys-cloud-ag\n", "/bin/sh\x00/usr/local/qualys/cloud-agent/bin/qualys-cloud-agent.sh\x00ActivationId=SECRET\x00", ""},
		// A rewritten process title.
		{"qualys-cep\n", "/usr/local/qualys/cloud-agent/bin/qualys-cep --daemon", ProcCEP},
		// No cmdline (zombie, hidepid): comm decides, truncated form only.
		{"qualys-cloud-ag\n", "", ProcAgent},
		{"auditd", "", ProcAuditd},
		{"kauditd\n", "", ""},
		{"qualys-cloud-agent\n", "", ""},
		{"", "", ""},
		{"bash\n", "/bin/bash\x00-c\x00qualys-cloud-agent\x00", ""},
	}
	for _, tc := range cases {
		got, ok := MatchAgentProcess(tc.comm, argv(tc.cmdline))
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("MatchAgentProcess(%q, %q) = %q, %v; want %q", tc.comm, tc.cmdline, got, ok, tc.want)
		}
	}
}

// argv splits a /proc/<pid>/cmdline as procfs's Proc.CmdLine does.
func argv(cmdline string) []string {
	if cmdline == "" {
		return nil
	}
	return strings.Split(strings.TrimRight(cmdline, "\x00"), "\x00")
}

func TestEDRPluginUnderAuditd(t *testing.T) {
	for _, tc := range []struct {
		name    string
		names   map[int]string
		parents map[int]int
		want    bool
	}{
		// sources.md S10: auditd -> audispd -> edr-plugin.
		{"through audispd", map[int]string{28465: ProcAuditd, 28469: ProcEDRPlugin}, map[int]int{28469: 28467, 28467: 28465, 28465: 1}, true},
		// auditd 3.x runs its plugins itself.
		{"auditd child", map[int]string{900: ProcAuditd, 901: ProcEDRPlugin}, map[int]int{901: 900, 900: 1}, true},
		{"started by systemd", map[int]string{900: ProcAuditd, 2102: ProcEDRPlugin}, map[int]int{2102: 1, 900: 1}, false},
		{"parent unknown", map[int]string{900: ProcAuditd, 2102: ProcEDRPlugin}, map[int]int{}, false},
		{"too deep", map[int]string{10: ProcAuditd, 14: ProcEDRPlugin}, map[int]int{14: 13, 13: 12, 12: 11, 11: 10}, false},
		{"three hops", map[int]string{10: ProcAuditd, 13: ProcEDRPlugin}, map[int]int{13: 12, 12: 11, 11: 10}, true},
		{"no auditd", map[int]string{13: ProcEDRPlugin, 12: ProcCEP}, map[int]int{13: 12, 12: 1}, false},
		{"loop", map[int]string{13: ProcEDRPlugin, 900: ProcAuditd}, map[int]int{13: 12, 12: 13}, false},
		{"own parent", map[int]string{13: ProcEDRPlugin}, map[int]int{13: 13}, false},
	} {
		got := EDRPluginUnderAuditd(tc.names, mapParent(tc.parents))
		if got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}

func mapParent(m map[int]int) func(int) (int, bool) {
	return func(pid int) (int, bool) { ppid, ok := m[pid]; return ppid, ok }
}

// FuzzEDRPluginUnderAuditd: any process tree (a PID and its parent per byte pair, names
// from a third byte) ends the walk, asks for at most maxAncestorHops parents per
// edr-plugin, and finds auditd only where it is an ancestor within that reach.
func FuzzEDRPluginUnderAuditd(f *testing.F) {
	f.Add([]byte{5, 4, 3, 4, 2, 0, 2, 1, 4})
	f.Add([]byte{9, 9, 3, 8, 9, 4})
	f.Fuzz(func(t *testing.T, b []byte) {
		names := map[int]string{}
		parents := map[int]int{}
		for i := 0; i+2 < len(b); i += 3 {
			pid := int(b[i])
			parents[pid] = int(b[i+1])
			if n := int(b[i+2]); n < len(AgentProcesses) {
				names[pid] = AgentProcesses[n]
			}
		}
		calls := 0
		got := EDRPluginUnderAuditd(names, func(pid int) (int, bool) {
			calls++
			return mapParent(parents)(pid)
		})
		plugins := 0
		want := false
		for pid, name := range names {
			if name != ProcEDRPlugin {
				continue
			}
			plugins++
			for a, hops := parents[pid], 0; a > 1 && a != pid && hops < maxAncestorHops; a, hops = parents[a], hops+1 {
				if names[a] == ProcAuditd {
					want = true
				}
			}
		}
		if calls > plugins*maxAncestorHops {
			t.Fatalf("%d parent lookups for %d edr-plugins", calls, plugins)
		}
		if got != want {
			t.Fatalf("tree %v names %v: got %v, want %v", parents, names, got, want)
		}
	})
}

func FuzzMatchAgentProcess(f *testing.F) {
	f.Add("edr-plugin\n", []byte("/usr/local/qualys/cloud-agent/bin/edr-plugin\x00/usr/local/qualys/cloud-agent/sock/audit_disp.sock\x00"))
	f.Add("qualys-cloud-ag\n", []byte(""))
	f.Add("auditd\n", []byte("/sbin/auditd\x00"))
	f.Fuzz(func(t *testing.T, comm string, cmdline []byte) {
		name, ok := MatchAgentProcess(comm, argv(string(cmdline)))
		if ok != (name != "") {
			t.Fatalf("ok %v with name %q", ok, name)
		}
		if ok {
			for _, p := range AgentProcesses {
				if p == name {
					return
				}
			}
			t.Fatalf("%q outside the closed set", name)
		}
	})
}
