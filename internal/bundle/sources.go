package bundle

import (
	"sync"
	"time"

	"github.com/secagent-exporter/secagent_exporter/collector/cisco"

	"github.com/secagent-exporter/secagent_exporter/collector/logtail"
	"github.com/secagent-exporter/secagent_exporter/collector/mcafee"
	"github.com/secagent-exporter/secagent_exporter/collector/qualys"
)

// The inventory of what a support bundle collects per agent: the places docs/metrics.md and the
// collector pages name. A flag the operator set for a collector (OverrideFlag) replaces
// the defaults, so the bundle reads what the exporter reads.

type commandSource struct {
	Name         string
	Paths        map[string][]string // by GOOS, first existing wins
	Args         []string            // read-only commands only
	OverrideFlag string
}

type fileSource struct {
	Name  string
	Paths map[string][]string
}

type logSource struct {
	Name         string
	Dirs         map[string][]string
	Patterns     []string
	OverrideFlag string // a directory flag
	// message extracts the message a classifier looks at; false means the line is not
	// a record start (continuation) and is skipped.
	message  func(line string, loc *time.Location) (string, bool)
	classify func() *logtail.Classifier
	// table names the collector whose --collector.<table>.messages-file adds site rows.
	table string
}

var commandSources = []commandSource{
	{Name: "mcafee_cmdagent_i", Args: []string{"-i"}, OverrideFlag: "collector.mcafee.cmdagent", Paths: map[string][]string{
		"linux":   mcafee.CmdAgentPaths["other"],
		"windows": mcafee.CmdAgentPaths["windows"],
	}},
	{Name: "cisco_ampcli_status", Args: []string{"status"}, OverrideFlag: "collector.cisco.ampcli", Paths: map[string][]string{
		"linux": {cisco.LinuxAmpcli},
	}},
}

var fileSources = []fileSource{
	{Name: "cisco_local_xml", Paths: map[string][]string{"linux": {cisco.LinuxLocalXML}, "windows": {cisco.DefaultInstallDir + `\local.xml`}}},
	{Name: "cisco_global_xml", Paths: map[string][]string{"linux": {cisco.LinuxGlobalXML}}},
	{Name: "cisco_policy_xml", Paths: map[string][]string{"linux": {cisco.LinuxPolicyXML}, "windows": {cisco.DefaultInstallDir + `\policy.xml`}}},
	{Name: "qualys_agent_conf", Paths: map[string][]string{"linux": rooted(qualys.AgentConfPaths)}},
	{Name: "qualys_hostid", Paths: map[string][]string{"linux": rooted([]string{qualys.HostIDPath})}},
	{Name: "qualys_proxy_env", Paths: map[string][]string{"linux": rooted(qualys.ProxyEnvPaths)}},
	{Name: "selinux_config", Paths: map[string][]string{"linux": {"/etc/selinux/config"}}},
}

var logSources = []logSource{
	{
		Name: "mcafee_agent", OverrideFlag: "collector.mcafee.log-dir",
		Dirs: map[string][]string{
			"linux":   mcafee.LogDirs["other"],
			"windows": mcafee.LogDirs["windows"],
		},
		Patterns: []string{"masvc_*.log", "macmnsvc_*.log", "Agent_*.log", "log"},
		message: func(line string, loc *time.Location) (string, bool) {
			l, ok := mcafee.ParseAgentLine(line, loc)
			return l.Message, ok
		},
		classify: mcafee.DefaultAgentClassifier,
		table:    "mcafee",
	},
	{
		Name: "qualys_cloud_agent", OverrideFlag: "collector.qualys.log-dir",
		Dirs: map[string][]string{
			"linux":   rooted(qualys.LogDirs),
			"windows": {qualys.WindowsLogDir},
		},
		Patterns: []string{"qualys-cloud-agent.log*", "Log.txt", "Archive.*.txt"},
		message: func(line string, loc *time.Location) (string, bool) {
			if l, ok := qualys.ParseLogLine(line, loc); ok {
				return l.Message, true
			}
			l, ok := qualys.ParseWindowsLogLine(line, loc)
			return l.Message, ok
		},
		classify: qualysClassifier,
		table:    "qualys",
	},
}

var qualysClassifier = sync.OnceValue(func() *logtail.Classifier {
	return logtail.MustClassifier(qualys.LogMessages)
})

// rooted turns the Qualys package's root-relative paths into host paths.
func rooted(paths []string) []string {
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = "/" + p
	}
	return out
}
