package collector

import (
	"github.com/secagent-exporter/secagent_exporter/collector/cisco"
	"github.com/secagent-exporter/secagent_exporter/collector/mcafee"
	"github.com/secagent-exporter/secagent_exporter/collector/qualys"
	"github.com/secagent-exporter/secagent_exporter/internal/host"
)

// AgentLayouts is host.AgentLayouts: where every agent lives on the monitored host.
type AgentLayouts = host.AgentLayouts

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
	return FlagLayouts(env.Paths.OS())
}
