package collector

import (
	"github.com/alecthomas/kingpin/v2"
	"github.com/secagent-exporter/secagent_exporter/collector/mcafee"
	"github.com/secagent-exporter/secagent_exporter/collector/msgfile"
	"github.com/secagent-exporter/secagent_exporter/collector/msgtable"
	"github.com/secagent-exporter/secagent_exporter/collector/qualys"
)

// messagesFileFlag registers --collector.<collector>.messages-file into dst, with the
// collector's other flags. A site messages-file adds rows to the built-in message table
// (docs/classify.md). It is read once, when the collector is built, so a bad file stops the
// start-up (and --config.check) with an error naming the file and the row.
func messagesFileFlag(collector, table string, dst *string) {
	kingpin.Flag("collector."+collector+".messages-file",
		"YAML file of site rows added to the "+table+" message table (docs/classify.md). Built-in rows win on conflict unless a row says override: true. Not resolved under --path.rootfs.").
		Default("").StringVar(dst)
}

// MessageTable returns the built-in table of a collector that has one (mcafee,
// epo_server, qualys) and whether it exists.
func MessageTable(collector string) (msgfile.Table, bool) {
	switch collector {
	case "mcafee":
		return msgfile.Table{Collector: "mcafee", Builtin: mcafee.AgentMessages, Events: mcafee.AgentEvents, Outcome: mcafeeEventOutcome}, true
	case "epo_server":
		return msgfile.Table{Collector: "epo_server", Builtin: mcafee.ServerMessages, Events: mcafee.ServerEvents}, true
	case "qualys":
		events := make([]string, len(qualys.LogEvents))
		for i, e := range qualys.LogEvents {
			events[i] = e.Name
		}
		return msgfile.Table{Collector: "qualys", Builtin: qualys.LogMessages, Events: events,
			Outcome: func(e string) string { return qualysEventOutcome[e] }}, true
	}
	return msgfile.Table{}, false
}

// MessageTableCollectors lists the collectors MessageTable knows.
var MessageTableCollectors = []string{"mcafee", "epo_server", "qualys"}

// mcafeeEventOutcome is the ASCI outcome an agent log event moves: success for the
// events ASCIState.Apply completes an attempt with, failure for the failure events.
func mcafeeEventOutcome(event string) string {
	switch {
	case event == mcafee.EventASCISuccess || event == mcafee.EventASCISessionClosed:
		return "success"
	case mcafee.FailureReason(event) != "":
		return "failure"
	}
	return ""
}

// LoadClassifier builds a collector's classifier (mcafee, epo_server, qualys) from its
// built-in table and the site messages-file (path "" for none).
func LoadClassifier(collector, path string) (*msgtable.Classifier, error) {
	return loadClassifier(collector, path)
}

func loadClassifier(collector, path string) (*msgtable.Classifier, error) {
	t, _ := MessageTable(collector)
	rules, err := msgfile.Load(path, t)
	if err != nil {
		return nil, err
	}
	return msgtable.NewClassifier(rules)
}
