package mcafee

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/japanese"

	"github.com/secagent-exporter/secagent_exporter/internal/fixturegen"
)

// The fixture hosts (committed under collector/fixtures/hosts or expanded from
// collector/fixtures/specs) drive the end-to-end tests; this test keeps them honest: each
// host must parse to the situation its README describes.

// hostTree is the tree of the fixture host name, expanded from its spec into a temporary
// directory of t when it has no committed tree.
func hostTree(t testing.TB, name string) string {
	t.Helper()
	return fixturegen.TestHost(t, "../fixtures", name)
}

// scenarioClock is the fixed "now" the end-to-end tests pin; times are wall clock read in
// the zone the test sets.
var scenarioClock = time.Date(2026, 11, 16, 10, 0, 0, 0, time.UTC)

func replayHostLog(t *testing.T, path string, shiftJIS bool) ASCIState {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if shiftJIS {
		if raw, err = japanese.ShiftJIS.NewDecoder().Bytes(raw); err != nil {
			t.Fatal(err)
		}
	}
	var s ASCIState
	for _, line := range strings.Split(string(raw), "\n") {
		l, ok := ParseAgentLine(line, time.UTC)
		if !ok {
			if strings.TrimSpace(line) != "" {
				t.Errorf("%s: unparsed line %q", path, line)
			}
			continue
		}
		ev, ok := EventFromLine(DefaultAgentClassifier(), l)
		if !ok {
			ev = AgentEvent{Time: l.Time, Process: l.Process, PID: l.PID}
		}
		s.Apply(ev)
	}
	return s
}

func hostCmdAgent(t *testing.T, scenario, bin string) CmdAgentInfo {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(hostTree(t, scenario), bin, "cmdagent-i.txt"))
	if err != nil {
		t.Fatal(err)
	}
	info, err := ParseCmdAgentInfo(raw, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	return info
}

func TestScenarioHealthy(t *testing.T) {
	for _, sc := range []struct{ dir, log string }{
		{"mcafee-healthy", "masvc_web01.log"},
		{"mcafee-cmdagent-hangs", "masvc_web02.log"},
	} {
		s := replayHostLog(t, filepath.Join(hostTree(t, sc.dir), "var/McAfee/agent/logs", sc.log), false)
		last := time.Date(2026, 11, 16, 9, 0, 1, 215e3, time.UTC)
		if !s.LastSuccessful || !s.LastSuccess.Equal(last) || s.ConsecutiveFailures != 0 || s.Successes != 2 || s.KeyUpdatePending {
			t.Errorf("%s: %+v", sc.dir, s)
		}
		if age := scenarioClock.Sub(s.LastSuccess); age > 2*time.Hour {
			t.Errorf("%s: last success %v old at the pinned clock", sc.dir, age)
		}
	}
	info := hostCmdAgent(t, "mcafee-healthy", "opt/McAfee/agent/bin")
	if !info.Mode.Managed || info.GUID == "" || len(info.EPOServers) != 1 ||
		!info.LastASCTime.Equal(time.Date(2026, 11, 16, 9, 0, 1, 0, time.UTC)) {
		t.Errorf("cmdagent: %+v", info)
	}
	if _, err := os.Stat(filepath.Join(hostTree(t, "mcafee-cmdagent-hangs"), "opt/McAfee/agent/bin/cmdagent-i.txt")); err == nil {
		t.Error("the hanging cmdagent must have no captured output")
	}
}

func TestScenarioUnmanaged(t *testing.T) {
	info := hostCmdAgent(t, "mcafee-unmanaged", "opt/McAfee/agent/bin")
	if info.Mode.Managed || info.Mode.Value != 0 || info.GUID != "" || info.EPOServers != nil ||
		!info.LastASCTime.IsZero() || !info.LastPolicyUpdateTime.IsZero() {
		t.Errorf("cmdagent: %+v", info)
	}
	s := replayHostLog(t, filepath.Join(hostTree(t, "mcafee-unmanaged"), "var/McAfee/agent/logs/masvc_web03.log"), false)
	if s.Attempt != 0 || s.HasOutcome {
		t.Errorf("an unmanaged agent has no ASCI: %+v", s)
	}
}

func TestScenarioUpgradeKeyUpdate(t *testing.T) {
	s := replayHostLog(t, filepath.Join(hostTree(t, "mcafee-upgrade-keyupdate"), "opt/McAfee/cma/scratch/etc/log"), true)
	second := time.Date(2026, 11, 16, 9, 40, 3, 473e6, time.UTC)
	if s.Attempt != 2 || s.Failures != 1 || s.Successes != 1 || !s.LastSuccessful || !s.LastSuccess.Equal(second) {
		t.Errorf("attempts: %+v", s)
	}
	if s.KeyUpdatePending || s.LastFailureReason != ReasonKeyUpdate || s.ServiceRestarts != 1 || s.EventCounts[EventKeyUpdateRequired] != 5 {
		t.Errorf("key update: %+v", s)
	}
	info := hostCmdAgent(t, "mcafee-upgrade-keyupdate", "opt/McAfee/cma/bin")
	if info.Version != "4.8.0.1938" || !info.Mode.Managed || !info.LastASCTime.Equal(time.Date(2026, 11, 16, 9, 40, 3, 0, time.UTC)) {
		t.Errorf("cmdagent: %+v", info)
	}
}

func TestScenarioSequenceRejected(t *testing.T) {
	s := replayHostLog(t, filepath.Join(hostTree(t, "mcafee-sequence-rejected"), "opt/McAfee/cma/scratch/etc/log"), false)
	if s.Attempt != 5 || s.ConsecutiveFailures != 3 || s.LastSuccessful || s.LastFailureReason != ReasonSequenceRejected ||
		!s.LastSuccess.Equal(time.Date(2026, 11, 15, 22, 0, 2, 0, time.UTC)) ||
		!s.LastAttempt.Equal(time.Date(2026, 11, 16, 9, 0, 2, 0, time.UTC)) {
		t.Errorf("%+v", s)
	}
	info := hostCmdAgent(t, "mcafee-sequence-rejected", "opt/McAfee/cma/bin")
	if info.GUID != "91EEA947-D3FB-4CC2-AEC7-05D15CDB5C6A" {
		t.Errorf("cmdagent: %+v", info)
	}
}

func TestScenarioEPOServerSequenceErrors(t *testing.T) {
	path := filepath.Join(hostTree(t, "epo-server-sequence-errors"), "C/Program Files/McAfee/ePolicy Orchestrator/DB/Logs/Server.log")
	w := NewSequenceErrorWindow(24*time.Hour, 0)
	for _, line := range readLines(t, path) {
		l, ok := ParseServerLine(line, time.UTC)
		if !ok {
			t.Errorf("unparsed %q", line)
			continue
		}
		if l.Event == ServerEventSequenceInvalid {
			w.Add(l.AgentGUID, l.Time)
		}
	}
	want := []GUIDCount{
		{"5E1C3A7B-0D2F-4E55-9B61-7C8D9E0F1A2B", 5},
		{"91EEA947-D3FB-4CC2-AEC7-05D15CDB5C6A", 3},
		{"C0FFEE00-1111-4222-8333-944455566677", 1},
		{"D15EA5E0-AAAA-4BBB-8CCC-DDDDEEEEFFFF", 1},
	}
	top := w.Top(scenarioClock, 24*time.Hour, 20)
	if len(top) != len(want) {
		t.Fatalf("Top = %v, want %v", top, want)
	}
	for i := range want {
		if top[i] != want[i] {
			t.Errorf("Top[%d] = %v, want %v", i, top[i], want[i])
		}
	}
	if w.Total() != 11 || w.Distinct(scenarioClock, 24*time.Hour) != 4 ||
		!w.Last().Equal(time.Date(2026, 11, 16, 9, 45, 0, 0, time.UTC)) {
		t.Errorf("total %d distinct %d last %v", w.Total(), w.Distinct(scenarioClock, 24*time.Hour), w.Last())
	}
}
