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
		got, ok := MatchAgentProcess(tc.comm, SplitCmdline([]byte(tc.cmdline)))
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("MatchAgentProcess(%q, %q) = %q, %v; want %q", tc.comm, tc.cmdline, got, ok, tc.want)
		}
	}
}

func TestSplitCmdline(t *testing.T) {
	if got := SplitCmdline(nil); got != nil {
		t.Errorf("empty: %q", got)
	}
	if got := SplitCmdline([]byte("a\x00b c\x00\x00")); len(got) != 2 || got[1] != "b c" {
		t.Errorf("got %q", got)
	}
}

func TestParseProcStat(t *testing.T) {
	const edrPlugin = "28469 (edr-plugin) S 28467 28465 28465 0 -1 4194560 310 0 0 0 2 1 0 0 20 0 1 0 5012 13094912 620 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n"
	st, err := ParseProcStat([]byte(edrPlugin))
	if err != nil || st.PID != 28469 || st.Comm != "edr-plugin" || st.State != 'S' || st.PPID != 28467 || st.StartTicks != 5012 {
		t.Fatalf("got %+v, %v", st, err)
	}
	tricky := "77 (a) S 1 (b) R 9 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 42 0 0\n"
	st, err = ParseProcStat([]byte(tricky))
	if err != nil || st.Comm != "a) S 1 (b" || st.State != 'R' || st.PPID != 9 || st.StartTicks != 42 {
		t.Fatalf("tricky comm: %+v, %v", st, err)
	}
	for _, bad := range []string{"", "12", "x (a) S 1", "1 (a) S 1 2 3", "1 (a) SS 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 42"} {
		if _, err := ParseProcStat([]byte(bad)); err == nil {
			t.Errorf("ParseProcStat(%q) accepted", bad)
		}
	}
}

func FuzzMatchAgentProcess(f *testing.F) {
	f.Add("edr-plugin\n", []byte("/usr/local/qualys/cloud-agent/bin/edr-plugin\x00/usr/local/qualys/cloud-agent/sock/audit_disp.sock\x00"))
	f.Add("qualys-cloud-ag\n", []byte(""))
	f.Add("auditd\n", []byte("/sbin/auditd\x00"))
	f.Fuzz(func(t *testing.T, comm string, cmdline []byte) {
		name, ok := MatchAgentProcess(comm, SplitCmdline(cmdline))
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

func FuzzParseProcStat(f *testing.F) {
	f.Add([]byte("28465 (auditd) S 1 28465 28465 0 -1 4194624 200 0 0 0 5 9 0 0 16 -4 2 0 4900 0 0\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		st, err := ParseProcStat(b)
		if err != nil {
			return
		}
		if st.PID < 0 || st.PPID < 0 || strings.ContainsRune(st.Comm, '\n') && !strings.Contains(string(b), "\n") {
			t.Fatalf("bad %+v", st)
		}
	})
}
