package mcafee

import (
	"slices"
	"testing"
)

func TestAgentLayout(t *testing.T) {
	l := AgentLayout("linux", Settings{})
	if !slices.Equal(l.CmdAgent, CmdAgentPaths["other"]) || l.RegistryKeys != nil {
		t.Errorf("linux defaults: %+v", l)
	}
	if got := l.LogDirs("/srv/ma/logs"); !slices.Equal(got, append([]string{"/srv/ma/logs"}, LogDirs["other"]...)) {
		t.Errorf("LogLocation first: %v", got)
	}
	// LogLocation naming a default directory (other case, trailing separator) is not
	// searched twice.
	w := AgentLayout("windows", Settings{})
	if got := w.LogDirs(`c:\programdata\mcafee\agent\logs\`); len(got) != len(LogDirs["windows"]) || got[0] != `c:\programdata\mcafee\agent\logs\` {
		t.Errorf("windows LogLocation dedup: %v", got)
	}
	if len(w.RegistryKeys) == 0 {
		t.Error("windows layout without registry keys")
	}
	o := AgentLayout("linux", Settings{CmdAgent: "/usr/local/ma/cmdagent", LogDir: "/srv/logs"})
	if !slices.Equal(o.CmdAgent, []string{"/usr/local/ma/cmdagent"}) || !slices.Equal(o.LogDirs("/ignored"), []string{"/srv/logs"}) {
		t.Errorf("overrides: %+v %v", o, o.LogDirs("/ignored"))
	}
}
