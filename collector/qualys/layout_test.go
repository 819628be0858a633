package qualys

import (
	"slices"
	"testing"
)

func TestAgentLayoutLogDirs(t *testing.T) {
	l := AgentLayout("linux", Settings{})
	for _, tc := range []struct {
		logFileDir string
		want       []string
		ok         bool
	}{
		{"", LogDirs, true},
		{"/srv/qualys", append([]string{"/srv/qualys"}, LogDirs...), true},
		// A default named in the conf is not searched twice.
		{"/var/opt/qualys/cloud-agent/log", []string{"/var/opt/qualys/cloud-agent/log", "/var/log/qualys"}, true},
		{"relative/dir", LogDirs, false},
	} {
		got, ok := l.LogDirs(tc.logFileDir)
		if !slices.Equal(got, tc.want) || ok != tc.ok {
			t.Errorf("LogDirs(%q) = %v, %v; want %v, %v", tc.logFileDir, got, ok, tc.want, tc.ok)
		}
	}
	fixed := AgentLayout("linux", Settings{LogDir: "/opt/logs", Config: "/opt/agent.conf"})
	if got, _ := fixed.LogDirs("/srv/qualys"); !slices.Equal(got, []string{"/opt/logs"}) || !fixed.LogDirsFixed() {
		t.Errorf("fixed log dir: %v", got)
	}
	if !slices.Equal(fixed.ConfPaths, []string{"/opt/agent.conf"}) {
		t.Errorf("config override: %v", fixed.ConfPaths)
	}
	w := AgentLayout("windows", Settings{})
	if got, _ := w.LogDirs("/ignored"); !slices.Equal(got, []string{WindowsLogDir}) || w.LogPatterns[0] != WindowsLogFileName {
		t.Errorf("windows: %v %v", got, w.LogPatterns)
	}
	// The package's defaults are not aliased by a layout.
	l.ConfPaths[0] = "changed"
	if AgentConfPaths[0] == "changed" {
		t.Error("AgentLayout aliases AgentConfPaths")
	}
}
