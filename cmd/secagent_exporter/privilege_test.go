//go:build linux

package main

import (
	"net/http"
	"os"
	"strings"
	"testing"
)

// The exporter run as nobody on a host whose agent files carry the owners and modes the
// vendors install them with: every root-only source reports secagent_source_success 0
// (failing or degrading its collector as docs/reliability.md lists), everything else is
// still reported, and nothing crashes. The table in the docs is this test's expectations.
func TestUnprivilegedOnRootOnlyHost(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("needs root to hand files to root and run the exporter as nobody")
	}
	h := &faultHost{root: copyHost(t, "demo"), state: t.TempDir(), stateOwned: true}
	for path, mode := range map[string]os.FileMode{
		"/var/McAfee/agent/logs":                          0o700,
		"/etc/qualys/cloud-agent/qualys-cloud-agent.conf": 0o600,
		"/var/log/qualys":                                 0o700,
		"/etc/audit/rules.d":                              0o750,
		"/etc/audit/rules.d/audit.rules":                  0o640,
		"/etc/audit/rules.d/99-finalize.rules":            0o640,
		"/var/lib/selinux/targeted/active":                0o700,
		"/var/McAfee/agent/logs/masvc_web01.log":          0o600,
		"/var/log/qualys/qualys-cloud-agent.log":          0o600,
	} {
		if err := os.Chmod(h.path(path), mode); err != nil {
			t.Fatal(err)
		}
	}
	p := h.start(t)
	body, _ := scrape(t, &http.Client{}, p.URL+"/metrics", faultScrapeTimeout)
	s := parseSeries(t, body)
	for key, want := range map[string]float64{
		sourceSuccess("mcafee", "cmdagent"):                     1,
		sourceSuccess("mcafee", "mcafee_agent_log"):             0,
		collectorSuccess("mcafee"):                              0,
		sourceSuccess("qualys", "agent_conf"):                   0,
		sourceSuccess("qualys", "log"):                          0,
		sourceSuccess("qualys", "audit_rules"):                  0,
		sourceSuccess("qualys", "host_id"):                      1,
		sourceSuccess("qualys", "procfs"):                       1,
		collectorSuccess("qualys"):                              1,
		sourceSuccess("linux_security", "selinux_policy_store"): 0,
		sourceSuccess("linux_security", "audit_rules"):          0,
		sourceSuccess("linux_security", "proc_modules"):         1,
		collectorSuccess("linux_security"):                      0,
		sourceSuccess("cisco", "ampcli_status"):                 1,
		sourceSuccess("cisco", "local_xml"):                     1,
		collectorSuccess("cisco"):                               1,
		`secagent_agent_installed{agent="mcafee_agent"}`:        1,
		`secagent_agent_installed{agent="qualys_cloud_agent"}`:  1,
	} {
		wantValue(t, s, key, want)
	}
	for key := range s {
		if strings.HasPrefix(key, "secagent_source_success") && s[key] == 0 {
			t.Logf("%s 0", key)
		}
	}
	if !p.Running() {
		t.Fatalf("exporter exited:\n%s", p.Log())
	}
}
