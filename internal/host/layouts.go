package host

import (
	"github.com/secagent-exporter/secagent_exporter/collector/cisco"
	"github.com/secagent-exporter/secagent_exporter/collector/mcafee"
	"github.com/secagent-exporter/secagent_exporter/collector/qualys"
)

// AgentLayouts is where every agent lives on the monitored host, decided once from the
// flags (collector.FlagLayouts) by each vendor package's layout function. The collectors, the probe and the
// support bundle all read this one answer, so an operator's --collector.<vendor>.* path
// applies to all three.
type AgentLayouts struct {
	McAfee mcafee.Layout
	Cisco  cisco.Layout
	Qualys qualys.Layout
	// MessagesFiles are the site message tables by collector name (mcafee, epo_server,
	// qualys); "" for none.
	MessagesFiles map[string]string
}
