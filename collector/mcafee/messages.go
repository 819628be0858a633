package mcafee

import (
	"github.com/secagent-exporter/secagent_exporter/collector/msgtable"
	"sync"
	"time"
)

// Agent log events; the closed set is documented in doc.go.
const (
	EventASCIStart           = "asci_start"
	EventASCISessionStart    = "asci_session_start"
	EventASCISessionClosed   = "asci_session_closed"
	EventASCISuccess         = "asci_success"
	EventASCIFailure         = "asci_failure"
	EventKeyUpdateRequired   = "key_update_required"
	EventKeyUpdateProcessing = "key_update_processing"
	EventSequenceRejected    = "sequence_rejected"
	EventNetworkError        = "network_error"
	EventServerError         = "server_error"
	EventPropertiesCollected = "properties_collected"
	EventPropertiesSent      = "properties_sent"
	EventPolicyEnforced      = "policy_enforced"
	EventPolicyError         = "policy_error"
	EventEventsForwarded     = "events_forwarded"
	EventWakeupTaskStart     = "wakeup_task_start"
	EventWakeupTaskDone      = "wakeup_task_done"
	EventServiceStop         = "service_stop"
	EventServiceStart        = "service_start"
)

// AgentEvents is the closed set of events AgentMessages may produce, in documentation order.
var AgentEvents = []string{
	EventASCIStart, EventASCISessionStart, EventASCISessionClosed, EventASCISuccess,
	EventASCIFailure, EventKeyUpdateRequired, EventKeyUpdateProcessing, EventSequenceRejected,
	EventNetworkError, EventServerError, EventPropertiesCollected, EventPropertiesSent,
	EventPolicyEnforced, EventPolicyError, EventEventsForwarded, EventWakeupTaskStart,
	EventWakeupTaskDone, EventServiceStop, EventServiceStart,
}

// ASCI failure reasons (closed set, the values of epo_last_asci_failure_reason{reason}).
const (
	ReasonKeyUpdate        = "key_update"
	ReasonSequenceRejected = "sequence_rejected"
	ReasonNetwork          = "network"
	ReasonServerError      = "server_error"
	ReasonOther            = "other"
)

// FailureReasons lists every reason FailureReason can return.
var FailureReasons = []string{ReasonKeyUpdate, ReasonSequenceRejected, ReasonNetwork, ReasonServerError, ReasonOther}

// failureEventReasons maps the events that report a failed agent-to-server exchange to the
// reason they stand for; events absent here are not failures.
var failureEventReasons = map[string]string{
	EventKeyUpdateRequired: ReasonKeyUpdate,
	EventSequenceRejected:  ReasonSequenceRejected,
	EventNetworkError:      ReasonNetwork,
	EventServerError:       ReasonServerError,
	EventASCIFailure:       ReasonOther,
}

// FailureReason returns the failure reason an event stands for, or "" when the event is not
// a failure.
func FailureReason(event string) string {
	return failureEventReasons[event]
}

// Source tags follow sources.md: [V] verified in the cited public source,
// [T] known only from a translated KB or support post, [I] inferred, [?] unverified (a plausible text,
// kept so the row exists; correct it from a real host). Rows with Lang "" are logged in
// English on every locale: sources.md S1 is a ja-JP host whose naInet/imsite/Agent lines for
// these messages are English.
//
// Order matters: the first matching row wins, so specific rows precede general ones.

// AgentMessages classifies agent log messages (MA 5.x masvc/macmnsvc and MA 4.x Agent_ logs).
var AgentMessages = []msgtable.Rule{
	// Key refused after the MA 4.5 -> 4.6/4.8 upgrade: the first ASCI fails until the
	// 2048-bit key is loaded (sources.md S1, community thread 76444 cited in sources.md S14).
	{Event: EventKeyUpdateRequired, Any: []string{"access denied;agent to update keys", "access denied; agent to update keys"},
		Source: "sources.md S1 [T] naInet \"ePO server reports access denied;agent to update keys\" (English on a ja-JP host)"},
	{Event: EventKeyUpdateRequired, Any: []string{"returned code == -96"}, Regexp: `returned code == -96(?:[^0-9]|$)`,
		Source: "sources.md S1 [T] imsite \"NaInet library returned code == -96\""},
	{Event: EventKeyUpdateRequired, Any: []string{"KeyUpdate"}, Regexp: `Package type\s*is\s*KeyUpdate`,
		Source: "sources.md S1 [T] Agent \"Package typeisKeyUpdate\" (the KB copy lost the spaces of \"Package type is KeyUpdate\")"},
	{Event: EventKeyUpdateProcessing, Any: []string{"Processing key update package"},
		Source: "sources.md S1 [T] Agent \"Processing key update package\""},
	{Event: EventKeyUpdateProcessing, Any: []string{"msaconfig"}, Regexp: `Invoking\s*msaconfig\s*to update keys`,
		Source: "sources.md S1 [T] Agent \"Invokingmsaconfigto update keys\" (spaces lost in the KB copy)"},
	{Event: EventKeyUpdateProcessing, Any: []string{"[KeyUpdate]"}, Regexp: `Processing \[KeyUpdate\]`,
		Source: "sources.md S1 [T] Agent \"Processing [KeyUpdate] fromserver\""},

	// Sequence number refused by ePO: snapshot-restored, imaged, Deep Freeze or GUID-sharing
	// agents (KB60776, sources.md S2). The agent only sees an empty acknowledgement.
	{Event: EventSequenceRejected, Any: []string{"Failed to get acknowledgement from Server"},
		Source: "sources.md S13 [V] KB60776 naihttp; sources.md S2 (the ja-JP KB keeps the line in English)"},
	{Event: EventSequenceRejected, Any: []string{"returned code == -14"}, Regexp: `returned code == -14(?:[^0-9]|$)`,
		Source: "sources.md S2 [T] KB60776 imsite \"NaInet library returned code == -14\""},
	// Any other NaInet return code: no public table of the codes exists (sources.md S13), so a
	// new code gets its own row above this one once its meaning is known.
	{Event: EventASCIFailure, Any: []string{"returned code =="}, Regexp: `NaInet library returned code == (?P<naInet_code>-?[0-9]+)`,
		Source: "sources.md S1/001 [T] imsite NaInet return codes other than -96 and -14 [?] meaning unknown"},

	// MA 5.x uses libcurl: CURLcode, HTTP response code and proxy CONNECT code (KB96023). An
	// HTTP error status means the server answered, so it is a server error, not the network.
	{Event: EventServerError, Any: []string{"request failed with curl error"},
		Regexp: `curl error <(?P<curl_error>[0-9]+)>, response code <(?P<response_code>[45][0-9][0-9])>`,
		Source: "sources.md S13 [V] KB96023 line format; 4xx/5xx -> server_error [I]"},
	{Event: EventNetworkError, Any: []string{"request failed with curl error"},
		Regexp: `curl error <(?P<curl_error>[0-9]+)>(?:, response code <(?P<response_code>[0-9]+)>)?(?:, http connect code (?P<http_connect_code>[0-9]+))?`,
		Source: "sources.md S13 [V] KB96023 network.Notice \"request failed with curl error <56>, response code <200>, http connect code 0\""},

	{Event: EventASCIStart, Any: []string{"Agent started performing ASCI"}, Lang: "en",
		Source: "sources.md S13 [V] KB90603 property.Info"},
	{Event: EventASCIStart, Any: []string{"ASCI の実行を開始しました"}, Lang: "ja",
		Source: "sources.md S1 [T] Agent \"ASCI の実行を開始しました。\""},

	{Event: EventASCISessionStart, Any: []string{"Agent communication session started"}, Lang: "en",
		Source: "sources.md S13 [I] English of the sources.md S1 line; [?] unverified text"},
	{Event: EventASCISessionStart, Any: []string{"エージェントが通信セッションを開始しました"}, Lang: "ja",
		Source: "sources.md S1 [T] Agent \"エージェントが通信セッションを開始しました。\""},
	{Event: EventASCISessionClosed, Any: []string{"Agent communication session closed"}, Lang: "en",
		Source: "sources.md S13 [V] DISA STIG status-monitor strings of a good session"},
	{Event: EventASCISessionClosed, Any: []string{"エージェントが通信セッションを終了しました"}, Lang: "ja",
		Source: "sources.md S1 [T] Agent \"エージェントが通信セッションを終了しました。\" (logged after a refused session too)"},

	{Event: EventPropertiesCollected, Any: []string{"Finished Collecting Properties"}, Lang: "en",
		Source: "sources.md S13 [V] KB90603 property.Info"},
	{Event: EventPropertiesCollected, Any: []string{"プロパティの収集が完了しました"}, Lang: "ja",
		Source: "[?] unverified translation of \"Finished Collecting Properties\""},
	{Event: EventPropertiesSent, Any: []string{"Agent is sending PROPS VERSION package"}, Lang: "en",
		Source: "sources.md S13 [V] KB90603 property.Info"},
	{Event: EventPropertiesSent, Any: []string{"PROPS VERSION パッケージを送信しています"}, Lang: "ja",
		Source: "sources.md S1 [T] Agent \"ePOサーバーに PROPS VERSION パッケージを送信しています。\""},

	{Event: EventPolicyEnforced, Any: []string{"Enforcing Policies for"}, Lang: "en",
		Source: "sources.md S13 [V] DISA STIG status-monitor strings"},
	{Event: EventPolicyEnforced, Any: []string{"ポリシーを適用しています"}, Lang: "ja",
		Source: "[?] unverified translation of \"Enforcing Policies for\""},
	{Event: EventPolicyError, Any: []string{"validation failed", "Hash Validation failure", "Length doesnot matches"},
		Regexp: `(?:pso|po|Assignment|db) validation failed|Hash Validation failure|Length doesnot matches`,
		Source: "sources.md S13 [V] KB96023 policy.Error (pso/po/Assignment/db validation, hash validation)"},
	{Event: EventPolicyError, Any: []string{"ROLLBACK TRANSACTION"}, Regexp: `mapolicy\.db:ROLLBACK`,
		Source: "sources.md S13 [V] KB96023 sqlite.Error \"mapolicy.db:ROLLBACK TRANSACTION:1\""},

	{Event: EventEventsForwarded, Any: []string{"Forwarding all events"},
		Source: "sources.md S1 [T] Agent \"Forwarding all events\" (English on a ja-JP host)"},

	{Event: EventWakeupTaskStart, Any: []string{"タスク [AgentWakeupCall] を呼び出しています"}, Lang: "ja",
		Source: "sources.md S1 [T] Sched \"スケジューラー: タスク [AgentWakeupCall] を呼び出しています...\""},
	{Event: EventWakeupTaskStart, Any: []string{"Invoking task [AgentWakeupCall]"}, Lang: "en",
		Source: "[?] unverified English of the sources.md S1 Sched line"},
	{Event: EventWakeupTaskDone, Any: []string{"タスク [AgentWakeupCall] が完了しました"}, Lang: "ja",
		Source: "sources.md S1 [T] Sched \"スケジューラー: タスク [AgentWakeupCall] が完了しました。\""},
	{Event: EventWakeupTaskDone, Any: []string{"Task [AgentWakeupCall] completed"}, Lang: "en",
		Source: "[?] unverified English of the sources.md S1 Sched line"},

	{Event: EventServiceStop, Any: []string{"SERVICE_CONTROL_STOP", "SERVICE_CONTROL_SHUTDOWN"},
		Source: "sources.md S1 [T] FrmSvc \"SERVICE_CONTROL_STOP\"; SHUTDOWN is the same SCM control at system shutdown [I]"},
	{Event: EventServiceStart, Any: []string{"Starting Subsystem"},
		Source: "[?] unverified counterpart of sources.md S1 FrmSvc \"Stopping Subsystem <User Space Controller>\""},
}

// DefaultAgentClassifier returns the compiled AgentMessages table, built once.
var DefaultAgentClassifier = sync.OnceValue(func() *msgtable.Classifier {
	return msgtable.MustClassifier(AgentMessages)
})

// AgentEvent is one classified agent log record, the input of ASCIState.Apply.
type AgentEvent struct {
	Time  time.Time
	Event string
	// Reason is the failure reason for failure events, "" otherwise.
	Reason string
	// Process and PID identify the service run; a PID change within one process name is
	// a service restart.
	Process string
	PID     int
	// Fields holds the named groups of the matching rule (curl_error, response_code,
	// http_connect_code, naInet_code); the collector must bound them before using them
	// as labels.
	Fields map[string]string
}

// EventFromLine classifies a parsed agent line; false when no row matches, which the log
// engine counts as an unknown line.
func EventFromLine(c *msgtable.Classifier, l AgentLine) (AgentEvent, bool) {
	m, ok := c.Classify(l.Message)
	if !ok {
		return AgentEvent{}, false
	}
	return AgentEvent{
		Time:    l.Time,
		Event:   m.Event,
		Reason:  FailureReason(m.Event),
		Process: l.Process,
		PID:     l.PID,
		Fields:  m.Fields,
	}, true
}
