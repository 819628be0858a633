package collector

import (
	"github.com/secagent-exporter/secagent_exporter/collector/cisco"
	"github.com/secagent-exporter/secagent_exporter/collector/mcafee"
	"github.com/secagent-exporter/secagent_exporter/collector/qualys"
)

// AgentLayouts is where every agent lives on the monitored host, decided once from the
// flags by each vendor package's layout function. The collectors, the probe and the
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

// FlagLayouts returns the layouts the command line configures, for goos (the monitored
// host's system: runtime.GOOS, or Paths.GOOS in tests).
func FlagLayouts(goos string) AgentLayouts {
	return AgentLayouts{
		McAfee: mcafee.AgentLayout(goos, mcafeeFlags.Settings),
		Cisco:  cisco.AgentLayout(goos, *ciscoFlags),
		Qualys: qualys.AgentLayout(goos, *qualysFlags),
		MessagesFiles: map[string]string{
			"mcafee":     *mcafeeMessagesFileFlag,
			"epo_server": *epoServerMessagesFileFlag,
			"qualys":     *qualysMessagesFileFlag,
		},
	}
}

// layouts is env.Layouts, or the command line's layouts for the env's system.
func (env Env) layouts() AgentLayouts {
	if env.Layouts != nil {
		return *env.Layouts
	}
	return FlagLayouts(env.Paths.goos())
}
