package mcafee

import "time"

// Attempt states of the current agent-to-server communication interval (ASCI).
const (
	AttemptNone      = ""          // no attempt seen yet
	AttemptOpen      = "open"      // started, no outcome yet
	AttemptSucceeded = "succeeded" // its session closed without a failure
	AttemptFailed    = "failed"    // a failure line was seen inside it
)

// Bounds that keep a persisted state small whatever the log contains.
const (
	maxTrackedProcesses = 16
	maxEventKinds       = 64
)

// ASCIState follows agent-to-server communication through the classified log events of one
// log family (masvc_, or MA 4.x Agent_). It is persisted as JSON across exporter restarts,
// so every field is exported and a zero or freshly unmarshalled value is ready to use.
//
// Rules, and the documented behaviour behind them:
//   - asci_start opens an attempt; asci_session_start opens one when no attempt is open
//     (the start line fell before the tail window or is in an unknown locale).
//   - The first failure inside an attempt decides it: the attempt fails once, however many
//     trace lines repeat the error (sources.md S1 logs -96 three times for one refusal).
//   - asci_session_closed completes an open attempt as a success. It is also logged after a
//     refused session (sources.md S1), which is why a failed attempt stays failed.
//   - A key-update or sequence refusal with no open attempt opens one implicitly and fails
//     it; network and server errors outside an attempt are only counted, because MA 5.x
//     logs curl errors for repository downloads as well (KB96023).
//   - KeyUpdatePending is set by key_update_required and cleared only by the success of a
//     later attempt: after an MA 4.5 -> 4.6/4.8 upgrade the first ASCI is refused while the
//     2048-bit key is fetched and the second succeeds (sources.md S1).
//   - Events older than the newest event already applied are counted in EventCounts and
//     StaleEvents but do not move the state: feed rotated files oldest first.
type ASCIState struct {
	// Attempt is the number of the current attempt (1-based, counting implicit ones).
	Attempt uint64 `json:"attempt"`
	// AttemptState is one of the Attempt* constants.
	AttemptState string `json:"attempt_state"`
	// LastAttempt is the start of the most recent attempt.
	LastAttempt time.Time `json:"last_attempt"`
	// LastSuccess is the start of the most recent successful attempt.
	LastSuccess time.Time `json:"last_success"`
	// LastFailure is the start of the most recent failed attempt.
	LastFailure time.Time `json:"last_failure"`
	// HasOutcome is true once an attempt completed; LastSuccessful means nothing before.
	HasOutcome bool `json:"has_outcome"`
	// LastSuccessful is the outcome of the last completed attempt.
	LastSuccessful      bool   `json:"last_successful"`
	ConsecutiveFailures uint64 `json:"consecutive_failures"`
	// LastFailureReason is the reason of the most recent failed attempt (kept after a later
	// success; LastSuccessful tells whether it is current).
	LastFailureReason string `json:"last_failure_reason,omitempty"`

	KeyUpdatePending bool      `json:"key_update_pending"`
	KeyUpdateSince   time.Time `json:"key_update_since"`
	// KeyUpdateAttempt is the attempt that reported the key refusal; only a success of a
	// higher-numbered attempt clears KeyUpdatePending.
	KeyUpdateAttempt uint64 `json:"key_update_attempt"`

	Successes uint64 `json:"successes"`
	Failures  uint64 `json:"failures"`
	// Abandoned counts attempts superseded by a new start before any outcome.
	Abandoned uint64 `json:"abandoned"`

	ServiceRestarts uint64 `json:"service_restarts"`
	// ServiceStopped is set by service_stop until the next run is seen.
	ServiceStopped bool `json:"service_stopped"`
	// PIDs is the last PID per process name (MA 5.x masvc, macmnsvc, or "" on Linux).
	PIDs map[string]int `json:"pids,omitempty"`

	EventCounts   map[string]uint64 `json:"event_counts,omitempty"`
	LastEventTime time.Time         `json:"last_event_time"`
	StaleEvents   uint64            `json:"stale_events"`
}

// InProgress reports an attempt that started and has no outcome yet.
func (s *ASCIState) InProgress() bool { return s.AttemptState == AttemptOpen }

// Apply advances the state by one classified event. Feed unclassified records too, with
// Event "", so the PID of every line is watched for service restarts.
func (s *ASCIState) Apply(ev AgentEvent) {
	if ev.Event != "" {
		s.countEvent(ev.Event)
	}
	if !ev.Time.IsZero() {
		if ev.Time.Before(s.LastEventTime) {
			s.StaleEvents++
			return
		}
		s.LastEventTime = ev.Time
	}
	s.trackService(ev)

	switch ev.Event {
	case EventASCIStart:
		s.startAttempt(ev.Time)
	case EventASCISessionStart:
		if s.AttemptState != AttemptOpen {
			s.startAttempt(ev.Time)
		}
	case EventASCISessionClosed:
		if s.AttemptState == AttemptOpen {
			s.succeed()
		}
	case EventASCISuccess:
		// An explicit success text outranks an earlier failure of the same attempt: the
		// agent retried (IP, FQDN, NetBIOS name) and got through.
		switch s.AttemptState {
		case AttemptOpen, AttemptFailed:
			s.succeed()
		case AttemptNone, AttemptSucceeded:
			s.startAttempt(ev.Time)
			s.succeed()
		}
	}

	reason := ev.Reason
	if reason == "" {
		reason = FailureReason(ev.Event)
	}
	if reason != "" {
		s.applyFailure(ev, reason)
	}
}

func (s *ASCIState) applyFailure(ev AgentEvent, reason string) {
	switch s.AttemptState {
	case AttemptOpen:
		s.fail(reason)
	case AttemptFailed:
		if reasonRank(reason) > reasonRank(s.LastFailureReason) {
			s.LastFailureReason = reason
		}
	default:
		if !asciOnlyFailure(ev.Event) {
			return
		}
		s.startAttempt(ev.Time)
		s.fail(reason)
	}
	if ev.Event == EventKeyUpdateRequired {
		if !s.KeyUpdatePending {
			s.KeyUpdateSince = ev.Time
		}
		s.KeyUpdatePending = true
		s.KeyUpdateAttempt = s.Attempt
	}
}

// asciOnlyFailure tells the failures that can only come from an agent-to-server exchange.
func asciOnlyFailure(event string) bool {
	switch event {
	case EventKeyUpdateRequired, EventSequenceRejected, EventASCIFailure:
		return true
	}
	return false
}

// reasonRank lets a specific refusal replace a vaguer reason logged earlier in the same
// attempt (a network-level trace before the server's key or sequence verdict).
func reasonRank(reason string) int {
	switch reason {
	case ReasonKeyUpdate, ReasonSequenceRejected:
		return 3
	case ReasonServerError:
		return 2
	case ReasonNetwork:
		return 1
	}
	return 0
}

func (s *ASCIState) startAttempt(t time.Time) {
	if s.AttemptState == AttemptOpen {
		s.Abandoned++
	}
	s.Attempt++
	s.AttemptState = AttemptOpen
	s.LastAttempt = t
}

func (s *ASCIState) succeed() {
	if s.AttemptState != AttemptSucceeded {
		s.Successes++
	}
	s.AttemptState = AttemptSucceeded
	s.HasOutcome = true
	s.LastSuccessful = true
	s.ConsecutiveFailures = 0
	if s.LastAttempt.After(s.LastSuccess) {
		s.LastSuccess = s.LastAttempt
	}
	if s.KeyUpdatePending && s.Attempt > s.KeyUpdateAttempt {
		s.KeyUpdatePending = false
		s.KeyUpdateSince = time.Time{}
	}
}

func (s *ASCIState) fail(reason string) {
	s.AttemptState = AttemptFailed
	s.HasOutcome = true
	s.LastSuccessful = false
	s.Failures++
	s.ConsecutiveFailures++
	s.LastFailureReason = reason
	if s.LastAttempt.After(s.LastFailure) {
		s.LastFailure = s.LastAttempt
	}
}

// trackService counts a restart when a process name logs under a new PID (MA 5.x), or when
// a start follows a stop without one (MA 4.x logs no PID; sources.md S1 FrmSvc).
func (s *ASCIState) trackService(ev AgentEvent) {
	restarted := false
	if ev.PID != 0 {
		prev, known := s.PIDs[ev.Process]
		if known && prev != ev.PID {
			restarted = true
		}
		if known || len(s.PIDs) < maxTrackedProcesses {
			if s.PIDs == nil {
				s.PIDs = make(map[string]int)
			}
			s.PIDs[ev.Process] = ev.PID
		}
	}
	if !restarted && ev.Event == EventServiceStart && s.ServiceStopped {
		restarted = true
	}
	if restarted {
		s.ServiceRestarts++
		s.ServiceStopped = false
	}
	if ev.Event == EventServiceStop {
		s.ServiceStopped = true
	}
}

func (s *ASCIState) countEvent(event string) {
	if s.EventCounts == nil {
		s.EventCounts = make(map[string]uint64)
	}
	if _, ok := s.EventCounts[event]; !ok && len(s.EventCounts) >= maxEventKinds {
		return
	}
	s.EventCounts[event]++
}

// PreferNewer picks the newer of the last-ASCI time read from the log and the one cmdagent
// reports (LastASCTime); either may be zero when its source is missing or says N/A.
func PreferNewer(logTime, cmdagentTime time.Time) time.Time {
	if cmdagentTime.After(logTime) {
		return cmdagentTime
	}
	return logTime
}
