package bundle

import (
	"sync"
	"time"

	"github.com/secagent-exporter/secagent_exporter/collector/msgtable"

	"github.com/secagent-exporter/secagent_exporter/collector/cisco"
	"github.com/secagent-exporter/secagent_exporter/collector/mcafee"
	"github.com/secagent-exporter/secagent_exporter/collector/qualys"
	"github.com/secagent-exporter/secagent_exporter/internal/hostfs"
)

// The inventory of what a support bundle collects per agent. Every location comes from
// Options.Layouts, the answer the collectors read, so the bundle reads what the exporter
// reads, including the operator's --collector.<vendor>.* paths.

type commandSource struct {
	Name  string
	Paths []string // first existing wins
	Args  []string // read-only commands only
}

type fileSource struct {
	Name  string
	Paths []string // every existing one is taken
}

type logSource struct {
	Name     string
	Dirs     []string
	Patterns []string
	// message extracts the message a classifier looks at; false means the line is not
	// a record start (continuation) and is skipped.
	message  func(line string, loc *time.Location) (string, bool)
	classify func() *msgtable.Classifier
	// table names the collector whose messages-file adds site rows.
	table string
}

func (o Options) commandSources() []commandSource {
	l := o.Layouts
	out := []commandSource{{Name: "mcafee_cmdagent_i", Args: []string{"-i"}, Paths: l.McAfee.CmdAgent}}
	if l.Cisco.Platform == cisco.PlatformLinux && l.Cisco.Ampcli != "" {
		out = append(out, commandSource{Name: "cisco_ampcli_status", Args: []string{"status"}, Paths: []string{l.Cisco.Ampcli}})
	}
	return out
}

func (o Options) fileSources() []fileSource {
	l := o.Layouts
	if o.GOOS == "windows" {
		root := l.Cisco.InstallRoot(o.ciscoRegistryInstallDir())
		return []fileSource{
			{Name: "cisco_local_xml", Paths: []string{cisco.WindowsFile(root, "local.xml")}},
			{Name: "cisco_policy_xml", Paths: []string{cisco.WindowsFile(root, "policy.xml")}},
		}
	}
	conf := o.qualysConf()
	hostID, _ := l.Qualys.HostIDFile(conf.HostIDSearchDir)
	return []fileSource{
		{Name: "cisco_local_xml", Paths: []string{l.Cisco.LocalXML}},
		{Name: "cisco_global_xml", Paths: []string{l.Cisco.GlobalXML}},
		{Name: "cisco_policy_xml", Paths: []string{l.Cisco.PolicyXML}},
		{Name: "qualys_agent_conf", Paths: l.Qualys.ConfPaths},
		{Name: "qualys_hostid", Paths: []string{hostID}},
		{Name: "qualys_proxy_env", Paths: l.Qualys.ProxyEnvPaths},
		{Name: "selinux_config", Paths: []string{"/etc/selinux/config"}},
	}
}

func (o Options) logSources() []logSource {
	l := o.Layouts
	qualysDirs, _ := l.Qualys.LogDirs(o.qualysConf().LogFileDir)
	qualysMessage := qualys.ParseLogLine
	if o.GOOS == "windows" {
		qualysMessage = qualys.ParseWindowsLogLine
	}
	return []logSource{
		{
			Name:     "mcafee_agent",
			Dirs:     l.McAfee.LogDirs(o.mcafeeLogLocation),
			Patterns: append(append([]string{}, l.McAfee.AgentLogNames...), l.McAfee.MacmnsvcLogNames...),
			message: func(line string, loc *time.Location) (string, bool) {
				l, ok := mcafee.ParseAgentLine(line, loc)
				return l.Message, ok
			},
			classify: mcafee.DefaultAgentClassifier,
			table:    "mcafee",
		},
		{
			Name:     "qualys_cloud_agent",
			Dirs:     qualysDirs,
			Patterns: l.Qualys.LogPatterns,
			message: func(line string, loc *time.Location) (string, bool) {
				l, ok := qualysMessage(line, loc)
				return l.Message, ok
			},
			classify: qualysClassifier,
			table:    "qualys",
		},
	}
}

// qualysConf is the agent conf the qualys collector reads (for LogFileDir and
// HostIdSearchDir); zero when there is none or it cannot be parsed.
func (o Options) qualysConf() qualys.AgentConf {
	if o.GOOS == "windows" {
		return qualys.AgentConf{}
	}
	for _, p := range o.Layouts.Qualys.ConfPaths {
		raw, err := o.Paths.Host().ReadFile(o.Paths.Root(p), hostfs.MaxSmall)
		if err != nil {
			continue
		}
		conf, _ := qualys.ParseAgentConf(raw)
		return conf
	}
	return qualys.AgentConf{}
}

// ciscoRegistryInstallDir is the Windows connector's InstallDir registry value, "" when
// unknown.
func (o Options) ciscoRegistryInstallDir() string {
	if o.CiscoRegistry == nil {
		return ""
	}
	st, err := cisco.ReadRegistryState(o.CiscoRegistry)
	if err != nil {
		return ""
	}
	return st.InstallDir
}

var qualysClassifier = sync.OnceValue(func() *msgtable.Classifier {
	return msgtable.MustClassifier(qualys.LogMessages)
})
