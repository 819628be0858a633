package qualys

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/procfs"

	"github.com/secagent-exporter/secagent_exporter/internal/fixturegen"
)

// hostTree is the tree of a fixture host: committed, or expanded from its spec into a
// temporary directory of t.
func hostTree(t testing.TB, name string) string {
	t.Helper()
	return fixturegen.TestHost(t, "../fixtures", name)
}

// fixtureHost is what the collector would derive from one fixture tree, reduced to values
// the scenario READMEs promise. Message texts are deliberately absent.
type fixtureHost struct {
	confFound   bool
	conf        AgentConf
	hostID      string
	proxy       ProxyConfig
	processes   []string // sorted
	conflict    bool
	reason      string
	lastSuccess time.Time
	events      map[string]int
	severities  map[string]int
}

func loadFixtureHost(t *testing.T, root string) fixtureHost {
	t.Helper()
	h := fixtureHost{events: map[string]int{}, severities: map[string]int{}}
	read := func(rel string) ([]byte, bool) {
		b, err := os.ReadFile(filepath.Join(root, rel))
		if errors.Is(err, fs.ErrNotExist) {
			return nil, false
		}
		if err != nil {
			t.Fatal(err)
		}
		return b, true
	}
	for _, p := range AgentConfPaths {
		if b, ok := read(p); ok {
			c, err := ParseAgentConf(b)
			if err != nil {
				t.Fatal(err)
			}
			h.confFound, h.conf = true, c
			break
		}
	}
	if b, ok := read(HostIDPath); ok {
		id, err := ParseHostID(b)
		if err != nil {
			t.Fatal(err)
		}
		h.hostID = id
	}
	for _, p := range ProxyEnvPaths {
		if b, ok := read(p); ok {
			pc, err := ParseProxyEnv(b)
			if err != nil {
				t.Fatal(err)
			}
			h.proxy = pc
			break
		}
	}

	procFS, err := procfs.NewFS(filepath.Join(root, "proc"))
	if err != nil {
		t.Fatal(err)
	}
	all, err := procFS.AllProcs()
	if err != nil {
		t.Fatal(err)
	}
	names := map[int]string{}
	parents := map[int]int{}
	for _, pr := range all {
		comm, _ := pr.Comm()
		cmdline, _ := pr.CmdLine()
		st, err := pr.Stat()
		if err != nil {
			t.Fatalf("proc/%d/stat: %v", pr.PID, err)
		}
		parents[pr.PID] = st.PPID
		if name, ok := MatchAgentProcess(comm, cmdline); ok {
			names[pr.PID] = name
			h.processes = append(h.processes, name)
		}
	}
	slices.Sort(h.processes)
	auditdRunning := slices.Contains(h.processes, ProcAuditd)
	edrPluginChild := EDRPluginUnderAuditd(names, func(pid int) (int, bool) {
		ppid, ok := parents[pid]
		return ppid, ok
	})
	if h.confFound {
		h.conflict, h.reason = FIMAuditConflict(h.conf.UseAuditDispatcher, auditdRunning, edrPluginChild, false)
	}

	for _, name := range []string{LogFileName + ".1", LogFileName} {
		b, ok := read(filepath.Join(LogDirs[0], name))
		if !ok {
			continue
		}
		for i, r := range splitRecords(string(b)) {
			l, ok := ParseLogLine(r, time.UTC)
			if !ok {
				t.Fatalf("%s record %d not parsed: %q", name, i, r)
			}
			h.severities[l.Severity]++
			m, ok := logClassifier.Classify(l.Message)
			if !ok {
				continue
			}
			h.events[m.Event]++
			if m.Event == EventPlatformSuccess && l.Time.After(h.lastSuccess) {
				h.lastSuccess = l.Time
			}
		}
	}
	return h
}

func TestFixtureHosts(t *testing.T) {
	cases := []struct {
		scenario    string
		confFound   bool
		hostID      string
		dispatcher  *bool
		proxies     [2]int // https_proxy, qualys_https_proxy
		auth        bool
		processes   []string // sorted
		conflict    bool
		reason      string
		lastSuccess time.Time
		events      map[string]int
	}{
		{
			scenario: "qualys-healthy", confFound: true, hostID: "6f1c2d3e-4b5a-4c6d-9e8f-0a1b2c3d4e5f", dispatcher: boolp(true),
			processes: []string{ProcAuditd, ProcEDRPlugin, ProcCEP, ProcAgent, ProcEDR}, reason: FIMAuditOK,
			lastSuccess: time.Date(2026, 11, 20, 11, 45, 3, 112e6, time.UTC),
			events: map[string]int{EventAgentStarted: 2, EventAgentStopped: 1, EventPlatformSuccess: 15,
				EventManifestDownloaded: 2, EventHTTPError: 1},
		},
		{
			scenario: "qualys-proxy-unreachable", confFound: true, hostID: "0b7e4a52-93c1-4f0d-a8e6-2c5d9f1b3e47", dispatcher: boolp(true),
			proxies: [2]int{1, 2}, auth: true,
			processes: []string{ProcAuditd, ProcEDRPlugin, ProcCEP, ProcAgent, ProcEDR}, reason: FIMAuditOK,
			lastSuccess: time.Date(2026, 11, 16, 23, 40, 0, 500e6, time.UTC),
			events: map[string]int{EventAgentStarted: 1, EventPlatformSuccess: 1, EventProxyError: 13,
				EventPlatformFailure: 14, EventHTTPError: 1},
		},
		{
			scenario: "qualys-fim-audit-conflict", confFound: true, hostID: "c4d5e6f7-a8b9-4c0d-8e1f-2a3b4c5d6e7f", dispatcher: boolp(false),
			proxies:   [2]int{0, 1},
			processes: []string{ProcAuditd, ProcCEP, ProcAgent, ProcEDR}, conflict: true, reason: FIMAuditAuditdRunning,
			lastSuccess: time.Date(2026, 11, 20, 11, 30, 3, 0, time.UTC),
			events: map[string]int{EventAgentStarted: 1, EventPlatformSuccess: 2, EventManifestDownloaded: 1,
				EventFIMEventLoss: 6},
		},
		{
			scenario:  "qualys-absent",
			processes: []string{ProcAuditd},
			events:    map[string]int{},
		},
	}
	for _, tc := range cases {
		t.Run(tc.scenario, func(t *testing.T) {
			root := hostTree(t, tc.scenario)
			if _, err := os.Stat(filepath.Join(root, "README.md")); err != nil {
				t.Fatalf("scenario without README: %v", err)
			}
			h := loadFixtureHost(t, root)
			if h.confFound != tc.confFound || h.hostID != tc.hostID || !reflect.DeepEqual(h.conf.UseAuditDispatcher, tc.dispatcher) {
				t.Errorf("conf %v %+v host id %q", h.confFound, h.conf, h.hostID)
			}
			if tc.confFound && (!h.conf.ActivationIDPresent || !h.conf.CustomerIDPresent ||
				h.conf.ServerURI != "qagpublic.qg3.apps.qualys.com:443" || len(h.conf.UnknownKeys)+len(h.conf.InvalidKeys) != 0) {
				t.Errorf("conf %+v", h.conf)
			}
			if got := [2]int{h.proxy.Count(ProxyKindHTTPS), h.proxy.Count(ProxyKindQualysHTTPS)}; got != tc.proxies || h.proxy.AuthConfigured != tc.auth {
				t.Errorf("proxy %+v", h.proxy)
			}
			if !slices.Equal(h.processes, tc.processes) {
				t.Errorf("processes %q, want %q", h.processes, tc.processes)
			}
			if tc.confFound && (h.conflict != tc.conflict || h.reason != tc.reason) {
				t.Errorf("FIM/audit %v %q, want %v %q", h.conflict, h.reason, tc.conflict, tc.reason)
			}
			if !h.lastSuccess.Equal(tc.lastSuccess) {
				t.Errorf("last platform success %v, want %v", h.lastSuccess, tc.lastSuccess)
			}
			if !reflect.DeepEqual(h.events, tc.events) {
				t.Errorf("events %v, want %v", h.events, tc.events)
			}
			// Everything derived from the tree is free of the planted secrets.
			assertNoSecret(t, h)
		})
	}
}

// The planted secrets must really be in the trees, or the leak test proves nothing.
func TestFixtureHostsPlantSecrets(t *testing.T) {
	for file, markers := range map[string][]string{
		"qualys-healthy/etc/qualys/cloud-agent/qualys-cloud-agent.conf":            {"SECRET-ACTIVATION-1d2c", "SECRET-CUSTOMER-"},
		"qualys-proxy-unreachable/etc/sysconfig/qualys-cloud-agent":                {"SECRETPROXYUSER", "SECRET-PROXY-PASSWORD-7c1e"},
		"qualys-proxy-unreachable/var/log/qualys/qualys-cloud-agent.log.1":         {"SECRET-PROXY-PASSWORD-7c1e"},
		"qualys-fim-audit-conflict/etc/qualys/cloud-agent/qualys-cloud-agent.conf": {"SECRET-ACTIVATION-1d2c"},
	} {
		host, rel, _ := strings.Cut(file, "/")
		b, err := os.ReadFile(filepath.Join(hostTree(t, host), rel))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range markers {
			if !strings.Contains(string(b), m) {
				t.Errorf("%s lacks %q", file, m)
			}
		}
	}
}
