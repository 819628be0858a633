// Package mcafee parses what the McAfee / Trellix Agent (MA 4.x, MA 5.x, TA 5.7+) and the
// ePolicy Orchestrator server leave on a host: the output of `cmdagent -i`, the agent service
// logs (MA 5.x masvc_/macmnsvc_ and MA 4.x Agent_<host>.log) and the ePO Server.log.
//
// Everything here is a pure function or a plain, JSON-serialisable state type; the mapping to
// Prometheus metrics lives in the collector. Vendor knowledge (message texts in English and
// Japanese, NaInet return codes) is data in messages.go, one row per message with its source.
//
// # Agent log events (closed set)
//
// The classifier table AgentMessages maps messages to these events; ASCIState.Apply consumes them.
//
//	asci_start            the agent began an agent-to-server communication interval (ASCI)
//	asci_session_start    the communication session of an ASCI opened
//	asci_session_closed   the session closed; an ASCI with no failure before this line succeeded
//	asci_success          an explicit success text (none verified yet; Apply honours it)
//	asci_failure          an explicit failure text; the reason comes from the NaInet code if any
//	key_update_required   ePO refused the agent key ("access denied;agent to update keys",
//	                      KeyUpdate package, NaInet -96) — sources.md S1, MA 4.5 -> 4.6/4.8 upgrade
//	key_update_processing the agent is installing the key it received (sources.md S1)
//	sequence_rejected     ePO refused the sequence number ("Failed to get acknowledgement",
//	                      NaInet -14) — sources.md S2 / KB60776, snapshot-restored or cloned agents
//	network_error         libcurl error or NaInet connection failure
//	server_error          the server answered with an HTTP 5xx
//	properties_collected  property collection finished
//	properties_sent       the PROPS VERSION package is being sent
//	policy_enforced       policies are being enforced for a product
//	policy_error          policy validation / policy database failure (KB96023)
//	events_forwarded      the agent forwards its event queue to ePO
//	wakeup_task_start     the AgentWakeupCall task was invoked
//	wakeup_task_done      the AgentWakeupCall task finished
//	service_stop          the agent service is stopping
//	service_start         the agent service is starting
//
// Failure reasons (closed set): key_update, sequence_rejected, network, server_error, other.
package mcafee
