package mcafee

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC)

func at(min int) time.Time { return t0.Add(time.Duration(min) * time.Minute) }

func ev(min int, event string) AgentEvent {
	return AgentEvent{Time: at(min), Event: event, Reason: FailureReason(event)}
}

func TestASCIStateSequences(t *testing.T) {
	type want struct {
		attemptState        string
		lastAttempt         int // minutes after t0, -1 for zero time
		lastSuccess         int
		hasOutcome          bool
		lastSuccessful      bool
		consecutiveFailures uint64
		reason              string
		keyUpdatePending    bool
		restarts            uint64
	}
	cases := []struct {
		name   string
		events []AgentEvent
		want   want
	}{
		{
			name:   "nothing yet",
			events: nil,
			want:   want{attemptState: AttemptNone, lastAttempt: -1, lastSuccess: -1},
		},
		{
			name:   "healthy ASCI",
			events: []AgentEvent{ev(0, EventASCIStart), ev(0, EventASCISessionStart), ev(0, EventPropertiesSent), ev(1, EventASCISessionClosed)},
			want:   want{attemptState: AttemptSucceeded, lastAttempt: 0, lastSuccess: 0, hasOutcome: true, lastSuccessful: true},
		},
		{
			name:   "started, no outcome yet: previous outcome stands",
			events: []AgentEvent{ev(0, EventASCIStart), ev(1, EventASCISessionClosed), ev(60, EventASCIStart)},
			want:   want{attemptState: AttemptOpen, lastAttempt: 60, lastSuccess: 0, hasOutcome: true, lastSuccessful: true},
		},
		{
			name: "sources.md S1: refused with key update, then the second ASCI succeeds",
			events: []AgentEvent{
				ev(0, EventASCIStart), ev(0, EventASCISessionStart), ev(0, EventKeyUpdateRequired),
				ev(0, EventKeyUpdateRequired), ev(0, EventASCISessionClosed), ev(0, EventKeyUpdateRequired),
				ev(0, EventKeyUpdateProcessing), ev(1, EventServiceStop), ev(2, EventServiceStart),
				ev(60, EventASCIStart), ev(60, EventASCISessionStart), ev(61, EventASCISessionClosed),
			},
			want: want{attemptState: AttemptSucceeded, lastAttempt: 60, lastSuccess: 60, hasOutcome: true,
				lastSuccessful: true, reason: ReasonKeyUpdate, restarts: 1},
		},
		{
			name: "key update: the refused attempt's own session close does not clear it",
			events: []AgentEvent{
				ev(0, EventASCIStart), ev(0, EventKeyUpdateRequired), ev(0, EventASCISessionClosed),
			},
			want: want{attemptState: AttemptFailed, lastAttempt: 0, lastSuccess: -1, hasOutcome: true,
				consecutiveFailures: 1, reason: ReasonKeyUpdate, keyUpdatePending: true},
		},
		{
			name: "key update: an explicit success of the same attempt does not clear it",
			events: []AgentEvent{
				ev(0, EventASCIStart), ev(0, EventKeyUpdateRequired), ev(0, EventASCISuccess),
			},
			want: want{attemptState: AttemptSucceeded, lastAttempt: 0, lastSuccess: 0, hasOutcome: true,
				lastSuccessful: true, reason: ReasonKeyUpdate, keyUpdatePending: true},
		},
		{
			name: "failures accumulate and reset on success",
			events: []AgentEvent{
				ev(0, EventASCIStart), ev(0, EventNetworkError), ev(0, EventASCISessionClosed),
				ev(60, EventASCIStart), ev(60, EventSequenceRejected), ev(60, EventSequenceRejected),
				ev(120, EventASCIStart), ev(120, EventServerError),
			},
			want: want{attemptState: AttemptFailed, lastAttempt: 120, lastSuccess: -1, hasOutcome: true,
				consecutiveFailures: 3, reason: ReasonServerError},
		},
		{
			name: "a specific refusal replaces a vaguer reason in the same attempt",
			events: []AgentEvent{
				ev(0, EventASCIStart), ev(0, EventNetworkError), ev(0, EventSequenceRejected), ev(0, EventNetworkError),
			},
			want: want{attemptState: AttemptFailed, lastAttempt: 0, lastSuccess: -1, hasOutcome: true,
				consecutiveFailures: 1, reason: ReasonSequenceRejected},
		},
		{
			name:   "failure line without a start line (sources.md S2 excerpt)",
			events: []AgentEvent{ev(5, EventSequenceRejected), ev(5, EventSequenceRejected)},
			want: want{attemptState: AttemptFailed, lastAttempt: 5, lastSuccess: -1, hasOutcome: true,
				consecutiveFailures: 1, reason: ReasonSequenceRejected},
		},
		{
			name: "network error outside an attempt is only counted (KB96023 policy download)",
			events: []AgentEvent{
				ev(0, EventASCIStart), ev(1, EventASCISessionClosed), ev(10, EventNetworkError), ev(11, EventServerError),
			},
			want: want{attemptState: AttemptSucceeded, lastAttempt: 0, lastSuccess: 0, hasOutcome: true, lastSuccessful: true},
		},
		{
			name:   "session start without ASCI start opens an attempt",
			events: []AgentEvent{ev(3, EventASCISessionStart), ev(4, EventASCISessionClosed)},
			want:   want{attemptState: AttemptSucceeded, lastAttempt: 3, lastSuccess: 3, hasOutcome: true, lastSuccessful: true},
		},
		{
			name:   "session close without any start says nothing",
			events: []AgentEvent{ev(4, EventASCISessionClosed)},
			want:   want{attemptState: AttemptNone, lastAttempt: -1, lastSuccess: -1},
		},
		{
			name: "out-of-order line from a rotated file does not rewind the state",
			events: []AgentEvent{
				ev(60, EventASCIStart), ev(61, EventASCISessionClosed), ev(0, EventASCIStart), ev(0, EventKeyUpdateRequired),
			},
			want: want{attemptState: AttemptSucceeded, lastAttempt: 60, lastSuccess: 60, hasOutcome: true, lastSuccessful: true},
		},
		{
			name: "MA 5.x restart by pid change, per process name",
			events: []AgentEvent{
				{Time: at(0), Process: "masvc", PID: 100}, {Time: at(0), Process: "macmnsvc", PID: 200},
				{Time: at(1), Process: "masvc", PID: 100}, {Time: at(2), Process: "masvc", PID: 300},
				{Time: at(3), Process: "macmnsvc", PID: 200}, {Time: at(4), Event: EventServiceStart, Process: "masvc", PID: 300},
			},
			want: want{attemptState: AttemptNone, lastAttempt: -1, lastSuccess: -1, restarts: 1},
		},
		{
			name: "stop then new pid counts once",
			events: []AgentEvent{
				{Time: at(0), Process: "masvc", PID: 100}, {Time: at(1), Event: EventServiceStop, Process: "masvc", PID: 100},
				{Time: at(2), Process: "masvc", PID: 101}, {Time: at(2), Event: EventServiceStart, Process: "masvc", PID: 101},
			},
			want: want{attemptState: AttemptNone, lastAttempt: -1, lastSuccess: -1, restarts: 1},
		},
		{
			name: "MA 4.x stop/start without pids",
			events: []AgentEvent{
				ev(0, EventServiceStart), ev(1, EventServiceStop), ev(2, EventServiceStart), ev(2, EventServiceStart),
			},
			want: want{attemptState: AttemptNone, lastAttempt: -1, lastSuccess: -1, restarts: 1},
		},
	}
	toTime := func(min int) time.Time {
		if min < 0 {
			return time.Time{}
		}
		return at(min)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var s ASCIState
			for _, e := range tc.events {
				s.Apply(e)
			}
			got := want{
				attemptState: s.AttemptState, hasOutcome: s.HasOutcome, lastSuccessful: s.LastSuccessful,
				consecutiveFailures: s.ConsecutiveFailures, reason: s.LastFailureReason,
				keyUpdatePending: s.KeyUpdatePending, restarts: s.ServiceRestarts,
				lastAttempt: tc.want.lastAttempt, lastSuccess: tc.want.lastSuccess,
			}
			if got != tc.want {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
			if !s.LastAttempt.Equal(toTime(tc.want.lastAttempt)) {
				t.Errorf("LastAttempt %v, want %v", s.LastAttempt, toTime(tc.want.lastAttempt))
			}
			if !s.LastSuccess.Equal(toTime(tc.want.lastSuccess)) {
				t.Errorf("LastSuccess %v, want %v", s.LastSuccess, toTime(tc.want.lastSuccess))
			}
		})
	}
}

func TestASCIStateCountersAndStale(t *testing.T) {
	var s ASCIState
	for _, e := range []AgentEvent{
		ev(0, EventASCIStart), ev(30, EventASCIStart), ev(31, EventASCISessionClosed),
		ev(10, EventASCIStart), // stale
	} {
		s.Apply(e)
	}
	if s.Abandoned != 1 || s.Successes != 1 || s.StaleEvents != 1 || s.EventCounts[EventASCIStart] != 3 {
		t.Errorf("abandoned %d successes %d stale %d counts %v", s.Abandoned, s.Successes, s.StaleEvents, s.EventCounts)
	}
	if s.InProgress() {
		t.Error("InProgress after the session closed")
	}
}

// The state is persisted across exporter restarts: a round trip must not change behaviour.
func TestASCIStateJSONRoundTrip(t *testing.T) {
	var s ASCIState
	for _, e := range []AgentEvent{
		{Time: at(0), Event: EventASCIStart, Process: "masvc", PID: 10},
		{Time: at(0), Event: EventKeyUpdateRequired, Reason: ReasonKeyUpdate, Process: "masvc", PID: 10},
		{Time: at(1), Event: EventServiceStop, Process: "masvc", PID: 10},
	} {
		s.Apply(e)
	}
	raw, err := json.Marshal(&s)
	if err != nil {
		t.Fatal(err)
	}
	var restored ASCIState
	if err := json.Unmarshal(raw, &restored); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(normaliseTimes(s), normaliseTimes(restored)) {
		t.Fatalf("round trip changed the state:\n%+v\n%+v", s, restored)
	}
	next := []AgentEvent{
		{Time: at(60), Event: EventASCIStart, Process: "masvc", PID: 11},
		{Time: at(61), Event: EventASCISessionClosed, Process: "masvc", PID: 11},
	}
	for _, e := range next {
		s.Apply(e)
		restored.Apply(e)
	}
	if restored.KeyUpdatePending || restored.ServiceRestarts != 1 || !restored.LastSuccessful {
		t.Errorf("restored state after a second ASCI: %+v", restored)
	}
	if !reflect.DeepEqual(normaliseTimes(s), normaliseTimes(restored)) {
		t.Errorf("restored state diverged:\n%+v\n%+v", s, restored)
	}
}

// normaliseTimes drops the monotonic and location details JSON does not keep.
func normaliseTimes(s ASCIState) ASCIState {
	for _, p := range []*time.Time{&s.LastAttempt, &s.LastSuccess, &s.LastFailure, &s.KeyUpdateSince, &s.LastEventTime} {
		*p = p.UTC()
	}
	return s
}

func TestPreferNewer(t *testing.T) {
	cases := []struct{ log, cmd, want time.Time }{
		{time.Time{}, time.Time{}, time.Time{}},
		{at(1), time.Time{}, at(1)},
		{time.Time{}, at(2), at(2)},
		{at(3), at(2), at(3)},
		{at(3), at(4), at(4)},
	}
	for _, tc := range cases {
		if got := PreferNewer(tc.log, tc.cmd); !got.Equal(tc.want) {
			t.Errorf("PreferNewer(%v, %v) = %v, want %v", tc.log, tc.cmd, got, tc.want)
		}
	}
}

// FuzzASCIState drives the machine with arbitrary event sequences, each input byte pair an
// event and a time step, and checks the invariants the metrics rely on.
func FuzzASCIState(f *testing.F) {
	f.Add([]byte{0, 1, 5, 0, 2, 0, 0, 60, 2, 1})
	f.Add([]byte{0, 0, 5, 0, 7, 0, 0, 30, 2, 1, 18, 3, 17, 0})
	f.Add([]byte{7, 0, 7, 0, 8, 0, 0, 1, 2, 0})
	f.Fuzz(func(t *testing.T, program []byte) {
		events := append([]string{""}, AgentEvents...)
		var s ASCIState
		now := t0
		for i := 0; i+1 < len(program); i += 2 {
			event := events[int(program[i])%len(events)]
			step := int(int8(program[i+1])) // negative steps model out-of-order lines
			now = now.Add(time.Duration(step) * time.Second)
			pid := 0
			if program[i]&0x80 != 0 {
				pid = int(program[i+1]%4) + 1
			}
			before := s
			s.Apply(AgentEvent{Time: now, Event: event, Reason: FailureReason(event), Process: "masvc", PID: pid})

			succeeded := s.Successes > before.Successes
			if succeeded && (s.ConsecutiveFailures != 0 || !s.LastSuccessful) {
				t.Fatalf("success left %d consecutive failures", s.ConsecutiveFailures)
			}
			if s.ConsecutiveFailures > before.ConsecutiveFailures+1 {
				t.Fatal("one event counted more than one failure")
			}
			if before.KeyUpdatePending && !s.KeyUpdatePending {
				if !succeeded || s.Attempt <= before.KeyUpdateAttempt {
					t.Fatalf("key update cleared by %q without a later success", event)
				}
			}
			if !before.KeyUpdatePending && s.KeyUpdatePending && event != EventKeyUpdateRequired {
				t.Fatalf("key update set by %q", event)
			}
			if s.LastSuccess.Before(before.LastSuccess) || s.LastEventTime.Before(before.LastEventTime) {
				t.Fatal("a timestamp went backwards")
			}
			if s.HasOutcome && s.LastSuccessful == (s.AttemptState == AttemptFailed) && s.AttemptState != AttemptOpen {
				t.Fatalf("outcome %v disagrees with attempt state %s", s.LastSuccessful, s.AttemptState)
			}
			// Each attempt fails or is abandoned at most once and succeeds at most once (an
			// explicit success may follow a failure of the same attempt).
			if s.Failures+s.Abandoned > s.Attempt || s.Successes > s.Attempt {
				t.Fatalf("attempts %d, failures %d, abandoned %d, successes %d", s.Attempt, s.Failures, s.Abandoned, s.Successes)
			}
			if len(s.PIDs) > maxTrackedProcesses || len(s.EventCounts) > maxEventKinds {
				t.Fatal("state grew past its bounds")
			}
		}
	})
}
