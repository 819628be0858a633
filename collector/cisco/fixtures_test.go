package cisco

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/secagent-exporter/secagent_exporter/internal/fixturegen"
)

// The end-to-end fixture hosts must stay parseable by these parsers; this test pins the
// facts each scenario's README promises.

// hostTree is the tree of the fixture host name: committed, or expanded from its spec
// into a temporary directory of t.
func hostTree(t testing.TB, name string) string {
	t.Helper()
	return fixturegen.TestHost(t, "../fixtures", name)
}

func readFixture(t *testing.T, scenario string, parts ...string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(append([]string{hostTree(t, scenario)}, parts...)...))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestFixtureWindowsHosts(t *testing.T) {
	for _, tc := range []struct {
		scenario   string
		versionDir string
		tetra      int64
		tetraTime  time.Time
		reason     string
		connected  bool
		proxyAuth  bool
	}{
		{"cisco-win-healthy", "8.4.2.30302", 95740, time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC), TetraReasonNone, true, false},
		{"cisco-win-stale-proxy-auth", "8.1.7.21417", 95728, time.Date(2026, 11, 17, 8, 0, 0, 0, time.UTC), TetraReasonProxyAuth, false, true},
	} {
		t.Run(tc.scenario, func(t *testing.T) {
			root := filepath.Join(hostTree(t, tc.scenario), "C", "Program Files", "Cisco", "AMP")
			entries, err := os.ReadDir(root)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, e := range entries {
				names = append(names, e.Name())
			}
			dir, ok := NewestVersionDir(names, func(n string) bool {
				_, err := os.Stat(filepath.Join(root, n, "sfc.exe"))
				return err == nil
			})
			if !ok || dir != tc.versionDir {
				t.Fatalf("version dir = %q, %v", dir, ok)
			}
			p, err := ParsePosture(readFixture(t, tc.scenario, "C", "Program Files", "Cisco", "AMP", dir, "posture.json"))
			if err != nil {
				t.Fatal(err)
			}
			d, ok := p.TetraDefinitions()
			if !ok || *d.Version != tc.tetra || !d.Timestamp.Equal(tc.tetraTime) || *p.Connected != tc.connected {
				t.Errorf("posture = %+v, TETRA %+v", p, d)
			}
			l, err := ParseLocalXML(readFixture(t, tc.scenario, "C", "Program Files", "Cisco", "AMP", "local.xml"))
			if err != nil {
				t.Fatal(err)
			}
			if v, _ := l.TetraVersion(); v != tc.tetra || TetraErrorReason(l.TetraLastError) != tc.reason || l.AgentUUID != p.AgentUUID {
				t.Errorf("local.xml = %+v", l)
			}
			pol, err := ParsePolicyXML(readFixture(t, tc.scenario, "C", "Program Files", "Cisco", "AMP", "policy.xml"))
			if err != nil {
				t.Fatal(err)
			}
			if pol.Proxy.AuthConfigured != tc.proxyAuth || pol.TetraUpdateInterval != time.Hour {
				t.Errorf("policy = %+v", pol)
			}
		})
	}
}

func TestFixtureLinuxHosts(t *testing.T) {
	for _, tc := range []struct {
		scenario string
		faultID  int
	}{
		{"cisco-linux-fault18", 18},
		{"cisco-linux-selinux-bpf-missing", 19},
	} {
		t.Run(tc.scenario, func(t *testing.T) {
			st, err := ParseAmpcliStatus(readFixture(t, tc.scenario, "opt", "cisco", "amp", "bin", "ampcli-status.txt"), time.UTC)
			if err != nil {
				t.Fatal(err)
			}
			if !st.Degraded || len(st.Faults) != 1 || st.Faults[0].ID != tc.faultID || st.Faults[0].Severity != SeverityMajor {
				t.Errorf("status = %+v", st)
			}
			if !st.LastScan.Equal(time.Date(2026, 11, 20, 2, 2, 3, 0, time.UTC)) || *st.PolicySerial != 57 {
				t.Errorf("last scan %v, serial %v", st.LastScan, st.PolicySerial)
			}
			g, err := ParseGlobalXML(readFixture(t, tc.scenario, "opt", "cisco", "amp", "etc", "global.xml"))
			if err != nil || g.Version != "1.24.1.1047" {
				t.Errorf("global.xml = %+v, %v", g, err)
			}
			h, err := ParseCVDHeader(readFixture(t, tc.scenario, "opt", "cisco", "amp", "etc", "clamav", "daily.cld"))
			if err != nil || h.Version != 28188 || !h.Time().Equal(time.Date(2026, 11, 20, 8, 40, 0, 0, time.UTC)) {
				t.Errorf("daily.cld = %+v, %v", h, err)
			}
			h, err = ParseCVDHeader(readFixture(t, tc.scenario, "opt", "cisco", "amp", "etc", "clamav", "main.cvd"))
			if err != nil || h.Version != 62 || !h.Time().Equal(time.Date(2021, 9, 16, 12, 32, 0, 0, time.UTC)) {
				t.Errorf("main.cvd = %+v, %v", h, err)
			}
		})
	}
	store := filepath.Join(hostTree(t, "cisco-linux-selinux-bpf-missing"), "var", "lib", "selinux", "targeted", "active", "modules")
	matches, err := filepath.Glob(filepath.Join(store, "*", "cisco-secure-bpf"))
	if err != nil || len(matches) != 0 {
		t.Errorf("module store must lack cisco-secure-bpf: %v %v", matches, err)
	}
	if _, err := os.Stat(filepath.Join(store, "100", "base", "cil")); err != nil {
		t.Errorf("module store has no base module: %v", err)
	}
}
