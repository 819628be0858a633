package mcafee

import (
	"github.com/secagent-exporter/secagent_exporter/collector/msgtable"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestAgentMessagesTableIsWellFormed(t *testing.T) {
	if _, err := msgtable.NewClassifier(AgentMessages); err != nil {
		t.Fatal(err)
	}
	byEventLang := map[string]map[string]bool{}
	for i, r := range AgentMessages {
		if !slices.Contains(AgentEvents, r.Event) {
			t.Errorf("row %d: event %q is not in AgentEvents", i, r.Event)
		}
		if r.Source == "" {
			t.Errorf("row %d (%s): no source", i, r.Event)
		}
		switch r.Lang {
		case "", "en", "ja":
		default:
			t.Errorf("row %d: unexpected Lang %q", i, r.Lang)
		}
		// Every row either quotes a seed or public source, or says it is unverified.
		if !strings.Contains(r.Source, "[V]") && !strings.Contains(r.Source, "[T]") &&
			!strings.Contains(r.Source, "[I]") && !strings.Contains(r.Source, "[?]") {
			t.Errorf("row %d (%s): source %q carries no confidence tag", i, r.Event, r.Source)
		}
		if byEventLang[r.Event] == nil {
			byEventLang[r.Event] = map[string]bool{}
		}
		byEventLang[r.Event][r.Lang] = true
	}
	// A localized message needs its other language, or the exporter goes blind on one locale.
	for event, langs := range byEventLang {
		if langs["en"] != langs["ja"] {
			t.Errorf("event %s has en=%v ja=%v rows", event, langs["en"], langs["ja"])
		}
	}
	for _, reason := range failureEventReasons {
		if !slices.Contains(FailureReasons, reason) {
			t.Errorf("reason %q not in FailureReasons", reason)
		}
	}
}

func TestClassifyAgentMessages(t *testing.T) {
	c := DefaultAgentClassifier()
	cases := []struct {
		msg    string
		event  string
		fields map[string]string
	}{
		// sources.md S1 (MA 4.8 on a ja-JP host)
		{"スケジューラー: タスク [AgentWakeupCall] を呼び出しています...", EventWakeupTaskStart, nil},
		{"ASCI の実行を開始しました。", EventASCIStart, nil},
		{"エージェントが通信セッションを開始しました。", EventASCISessionStart, nil},
		{"ePOサーバーに PROPS VERSION パッケージを送信しています。", EventPropertiesSent, nil},
		{"Forwarding all events", EventEventsForwarded, nil},
		{"ePO server reports access denied;agent to update keys", EventKeyUpdateRequired, nil},
		{"NaInet library returned code == -96", EventKeyUpdateRequired, nil},
		{"ThenaInetlibrary returned an error. [Parent error: NaInet library returned code == -96]", EventKeyUpdateRequired, nil},
		{"エージェントが通信セッションを終了しました。", EventASCISessionClosed, nil},
		{"Package typeisKeyUpdate", EventKeyUpdateRequired, nil},
		{"Package type is KeyUpdate", EventKeyUpdateRequired, nil},
		{"Processing [KeyUpdate] fromserver", EventKeyUpdateProcessing, nil},
		{"Processing key update package", EventKeyUpdateProcessing, nil},
		{"Invokingmsaconfigto update keys", EventKeyUpdateProcessing, nil},
		{"スケジューラー: タスク [AgentWakeupCall] が完了しました。", EventWakeupTaskDone, nil},
		{"SERVICE_CONTROL_STOP", EventServiceStop, nil},
		// sources.md S2 / KB60776
		{"Failed to get acknowledgement from Server", EventSequenceRejected, nil},
		{"NaInet library returned code == -14", EventSequenceRejected, nil},
		{"NaInet library returned code == -3", EventASCIFailure, map[string]string{"naInet_code": "-3"}},
		{"NaInet library returned code == -960", EventASCIFailure, map[string]string{"naInet_code": "-960"}},
		{"NaInet library returned code == -140", EventASCIFailure, map[string]string{"naInet_code": "-140"}},
		// KB90603 / KB96023 / DISA STIG (MA 5.x)
		{"Agent started performing ASCI", EventASCIStart, nil},
		{"Agent is sending PROPS VERSION package to McAfee ePO server", EventPropertiesSent, nil},
		{"Finished Collecting Properties", EventPropertiesCollected, nil},
		{"Agent communication session closed", EventASCISessionClosed, nil},
		{"Enforcing Policies for ENDP_AM_1070", EventPolicyEnforced, nil},
		{"po_id: 2103 pso_id: 68290, pso validation failed", EventPolicyError, nil},
		{"Assignment validation failed obj_id: 2103 product: ENDP_FW_1070 method: (null) param: (null)", EventPolicyError, nil},
		{"Policy service start db validation failed, generating event for EPOAGENT3000", EventPolicyError, nil},
		{"Due to Hash Validation failure, calling policy handler stop rc - <1612>", EventPolicyError, nil},
		{"Length doesnot matches", EventPolicyError, nil},
		{"mapolicy.db:ROLLBACK TRANSACTION:1", EventPolicyError, nil},
		{"URL(https://0.0.0.0:443/policy/po.2103.ed16b6732eab48377ea8d18651a1fcea8511a0e0cb161axxxxxx) request failed with curl error <56>, response code <200>, http connect code 0",
			EventNetworkError, map[string]string{"curl_error": "56", "response_code": "200", "http_connect_code": "0"}},
		{"URL(https://epo01:443/spipe/pkg) request failed with curl error <22>, response code <503>, http connect code 0",
			EventServerError, map[string]string{"curl_error": "22", "response_code": "503"}},
		{"URL(https://epo01:443/spipe/pkg) request failed with curl error <7>",
			EventNetworkError, map[string]string{"curl_error": "7", "response_code": "", "http_connect_code": ""}},
		// not events
		{"Collecting Properties", "", nil},
		{"Signature validation failed", "", nil},
		{"Tryingwithsite: 192.168.0.***:80", "", nil},
		{"タスク AgentWakeupCall が正常に終了しました。", "", nil},
	}
	for _, tc := range cases {
		m, ok := c.Classify(tc.msg)
		if tc.event == "" {
			if ok {
				t.Errorf("Classify(%q) = %s, want no event", tc.msg, m.Event)
			}
			continue
		}
		if !ok || m.Event != tc.event {
			t.Errorf("Classify(%q) = %q, %v; want %q", tc.msg, m.Event, ok, tc.event)
			continue
		}
		for k, v := range tc.fields {
			if m.Fields[k] != v {
				t.Errorf("Classify(%q) field %s = %q, want %q", tc.msg, k, m.Fields[k], v)
			}
		}
	}
}

// sources.md S1, verbatim: the first ASCI after the MA 4.5 -> 4.8 upgrade is refused with a key
// update, the session still "closes", and the service stops to load the 2048-bit key.
func TestUpgradeTipsFirstASCIAfterUpgradeIsRefused(t *testing.T) {
	s, counts := replay(t, "ma_upgrade_tips_agent_excerpt.log")
	want := map[string]uint64{
		EventWakeupTaskStart: 1, EventASCIStart: 1, EventASCISessionStart: 1, EventPropertiesSent: 1,
		EventEventsForwarded: 1, EventKeyUpdateRequired: 5, EventASCISessionClosed: 1,
		EventKeyUpdateProcessing: 3, EventWakeupTaskDone: 1, EventServiceStop: 1,
	}
	if !mapsEqual(counts, want) {
		t.Errorf("event counts %v, want %v", counts, want)
	}
	start := time.Date(2014, 4, 24, 19, 35, 3, 473e6, tokyo)
	if s.Attempt != 1 || s.AttemptState != AttemptFailed || !s.LastAttempt.Equal(start) || !s.LastFailure.Equal(start) {
		t.Errorf("attempt %d %s at %v (failure %v), want 1 failed at %v", s.Attempt, s.AttemptState, s.LastAttempt, s.LastFailure, start)
	}
	if !s.HasOutcome || s.LastSuccessful || s.ConsecutiveFailures != 1 || s.LastFailureReason != ReasonKeyUpdate {
		t.Errorf("outcome %+v", s)
	}
	if !s.KeyUpdatePending || !s.ServiceStopped || s.ServiceRestarts != 0 {
		t.Errorf("key update pending %v, stopped %v, restarts %d", s.KeyUpdatePending, s.ServiceStopped, s.ServiceRestarts)
	}
}

// sources.md S2 / KB60776 agent side: an agent restored from a snapshot gets no acknowledgement.
func TestKB60776SequenceRejected(t *testing.T) {
	for _, file := range []string{"kb60776_ja_agent.log", "kb60776_agent.log"} {
		s, _ := replay(t, file)
		if s.Attempt != 1 || s.LastSuccessful || s.ConsecutiveFailures != 1 || s.LastFailureReason != ReasonSequenceRejected {
			t.Errorf("%s: state %+v", file, s)
		}
		if s.KeyUpdatePending {
			t.Errorf("%s: key update pending on a sequence rejection", file)
		}
	}
}

func TestKB96023PolicyFailureIsNotAnASCIFailure(t *testing.T) {
	s, counts := replay(t, "kb96023_masvc.log")
	if counts[EventPolicyError] != 7 || counts[EventNetworkError] != 1 {
		t.Errorf("counts %v", counts)
	}
	// The curl error is a policy download outside any ASCI; the pid change 5096 -> 5456 is a restart.
	if s.Attempt != 0 || s.HasOutcome || s.ServiceRestarts != 1 {
		t.Errorf("state %+v", s)
	}
}

func replay(t *testing.T, file string) (ASCIState, map[string]uint64) {
	t.Helper()
	var s ASCIState
	for _, line := range readLines(t, filepath.Join("testdata", file)) {
		l, ok := ParseAgentLine(line, tokyo)
		if !ok {
			continue
		}
		if ev, ok := EventFromLine(DefaultAgentClassifier(), l); ok {
			s.Apply(ev)
		} else {
			// Unclassified lines still carry the pid the restart counter watches.
			s.Apply(AgentEvent{Time: l.Time, Process: l.Process, PID: l.PID})
		}
	}
	counts := map[string]uint64{}
	for k, v := range s.EventCounts {
		counts[k] = v
	}
	return s, counts
}

func mapsEqual(a, b map[string]uint64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func FuzzClassifyAgentMessage(f *testing.F) {
	agentLogSeeds(f)
	c := DefaultAgentClassifier()
	f.Fuzz(func(t *testing.T, line string) {
		l, ok := ParseAgentLine(line, tokyo)
		if !ok {
			l.Message = line
		}
		ev, ok := EventFromLine(c, l)
		if !ok {
			return
		}
		if !slices.Contains(AgentEvents, ev.Event) {
			t.Fatalf("event %q outside the closed set", ev.Event)
		}
		if ev.Reason != "" && !slices.Contains(FailureReasons, ev.Reason) {
			t.Fatalf("reason %q outside the closed set", ev.Reason)
		}
	})
}
