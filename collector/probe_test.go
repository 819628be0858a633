//go:build !windows

package collector

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/secagent-exporter/secagent_exporter/collector/cisco"
	"github.com/secagent-exporter/secagent_exporter/collector/probe"
	"github.com/secagent-exporter/secagent_exporter/collector/probe/probetest"
)

// syncBuffer is a log sink the background loop and the test can share.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func writeFixture(t *testing.T, root, rel, content string, mode os.FileMode) {
	t.Helper()
	path := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
}

// probePolicyXML is the shape of the cisco-win-stale-proxy-auth fixture's policy.xml
// (sources.md S6), with the TETRA server and proxy pointed at loopback test servers.
const probePolicyXML = `<?xml version="1.0" encoding="UTF-8"?>
<Signature xmlns="http://www.w3.org/2000/09/xmldsig#">
 <Object Id="amp">
  <config>
   <agent>
    <scansettings>
     <tetra>
      <enable>1</enable>
      <updater>
       <enable>1</enable>
       <server>tetra.probe.test</server>
       <interval>3600</interval>
      </updater>
     </tetra>
    </scansettings>
   </agent>
   <proxy>
    <server>127.0.0.1</server>
    <port>%d</port>
    <type>1</type>
    <authtype>1</authtype>
    <username>svc-amp</username>
    <password>S3cr3t-Pr0xy</password>
    <pacloc></pacloc>
   </proxy>
  </config>
 </Object>
</Signature>
`

// Credentials planted in the fixture tree and environment; none may reach /metrics or the log.
var probeFixtureSecrets = []string{"S3cr3t-Pr0xy", "svc-amp", "Q-S3cret-pass", "svc-qualys", "EnvS3cret", "envuser"}

func TestProbeCollectorAgainstFixtureTreeAndLoopbackServers(t *testing.T) {
	ca := probetest.NewCA(t, "probe collector test CA")
	epoCA := probetest.NewCA(t, "ePO private CA")
	now := time.Now()
	from, to := now.Add(-time.Hour), now.Add(30*24*time.Hour)
	backend := probetest.ServeTLS(t, ca.Issue(t, from, to, "qualys.probe.test", "tetra.probe.test", "viaenv.probe.test"))
	epo := probetest.ServeTLS(t, epoCA.Issue(t, from, to, "epo.probe.test"))
	backendPort := fmt.Sprint(probetest.Port(backend))

	qualysProxy := (&probetest.ConnectProxy{User: "svc-qualys", Password: "Q-S3cret-pass"}).Serve(t)
	// The Cisco policy's proxy wants credentials the exporter never reads from policy.xml.
	ciscoProxy := (&probetest.ConnectProxy{User: "svc-amp", Password: "S3cr3t-Pr0xy", PortMap: map[string]string{"443": backendPort}}).Serve(t)
	envProxy := (&probetest.ConnectProxy{PortMap: map[string]string{"443": backendPort}}).Serve(t)

	root := t.TempDir()
	writeFixture(t, root, "opt/McAfee/agent/bin/cmdagent", "#!/bin/sh\ncat \"$(dirname \"$0\")/cmdagent-i.txt\"\n", 0o755)
	writeFixture(t, root, "opt/McAfee/agent/bin/cmdagent-i.txt", fmt.Sprintf(
		"Component: McAfee Agent\nAgentMode: 1\nVersion: 5.7.9.139\nGUID: 3F2504E0-4F89-41D3-9A0C-0305E82C3301\n"+
			"EpoServerList: epo.probe.test\nEpoPortList: %d\nEpoServerLastUsed: epo.probe.test\n", probetest.Port(epo)), 0o644)
	writeFixture(t, root, "C/Program Files/Cisco/AMP/policy.xml", fmt.Sprintf(probePolicyXML, probetest.Port(ciscoProxy)), 0o644)
	writeFixture(t, root, "etc/qualys/cloud-agent/qualys-cloud-agent.conf",
		"ActivationId=SECRET-ACTIVATION\nServerUri=https://qualys.probe.test:"+backendPort+"/CloudAgent/\n", 0o644)
	writeFixture(t, root, "etc/sysconfig/qualys-cloud-agent",
		fmt.Sprintf("qualys_https_proxy=\"https://svc-qualys:Q-S3cret-pass@proxy.probe.test:%d\"\n", probetest.Port(qualysProxy)), 0o644)

	logs := &syncBuffer{}
	env := Env{
		Logger:   slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Paths:    Paths{RootFS: root, GOOS: "linux"},
		Runner:   &Runner{Timeout: 5 * time.Second},
		Now:      time.Now,
		Location: time.UTC,
	}
	viaEnv, _ := parseProbeTargetFlag("custom=viaenv.probe.test:443")
	unresolvable, _ := parseProbeTargetFlag("nx.probe.test:443")
	cfg := probeConfig{
		targets:    []probe.Target{viaEnv, unresolvable},
		fromAgents: true, interval: time.Hour, timeout: 2 * time.Second, concurrency: 2,
		roots: ca.Pool,
	}
	environment := map[string]string{
		"HTTPS_PROXY": fmt.Sprintf("http://envuser:EnvS3cret@127.0.0.1:%d", probetest.Port(envProxy)),
		"NO_PROXY":    "nx.probe.test",
	}
	c := newProbeCollectorWith(env, cfg, probeDeps{
		resolver: probetest.Resolver{"epo.probe.test": true, "proxy.probe.test": true},
		dial:     probetest.LoopbackDialer(nil),
		getenv:   func(k string) string { return environment[k] },
	})
	// This test drives the runs itself: no background loop.
	c.startOnce.Do(func() {})

	set := NewSetFrom(env.Logger, map[string]Collector{"probe": c})
	if out := gather(t, set, 5*time.Second); strings.Contains(out, "secagent_probe_") {
		t.Fatalf("a scrape before the first run reported probe results:\n%s", out)
	}

	c.runOnce(context.Background())
	out := gather(t, set, 5*time.Second)

	epoTarget := fmt.Sprintf("epo.probe.test:%d", probetest.Port(epo))
	qualysTarget := "qualys.probe.test:" + backendPort
	want := []string{
		// ePO: its private CA is not trusted by the host, but the agent pins it.
		"secagent_probe_success agent=mcafee_agent target=" + epoTarget + " 1",
		"secagent_probe_via_proxy agent=mcafee_agent target=" + epoTarget + " 1",
		// Cisco: TETRA server from policy.xml, through the policy proxy, which wants
		// credentials the exporter does not hold.
		"secagent_probe_success agent=cisco_secure_endpoint target=tetra.probe.test:443 0",
		"secagent_probe_failed_phase agent=cisco_secure_endpoint phase=proxy_auth target=tetra.probe.test:443 1",
		"secagent_probe_failed_phase agent=cisco_secure_endpoint phase=tls target=tetra.probe.test:443 0",
		"secagent_probe_via_proxy agent=cisco_secure_endpoint target=tetra.probe.test:443 1",
		// Qualys: ServerUri through the env file's proxy with its credentials.
		"secagent_probe_success agent=qualys_cloud_agent target=" + qualysTarget + " 1",
		"secagent_probe_via_proxy agent=qualys_cloud_agent target=" + qualysTarget + " 1",
		"secagent_probe_failed_phase agent=qualys_cloud_agent phase=proxy_auth target=" + qualysTarget + " 0",
		// Configured targets: through HTTPS_PROXY, and exempted by NO_PROXY.
		"secagent_probe_success agent=custom target=viaenv.probe.test:443 1",
		"secagent_probe_success agent=custom target=nx.probe.test:443 0",
		"secagent_probe_failed_phase agent=custom phase=dns target=nx.probe.test:443 1",
		"secagent_probe_via_proxy agent=custom target=nx.probe.test:443 0",
		"secagent_source_success collector=probe source=mcafee_cmdagent 1",
		"secagent_source_success collector=probe source=cisco_policy_xml 1",
		"secagent_source_success collector=probe source=qualys_agent_conf 1",
		"secagent_source_success collector=probe source=qualys_proxy_env 1",
		"secagent_collector_success collector=probe 1",
	}
	for _, line := range want {
		if !strings.Contains(out, line+"\n") {
			t.Errorf("missing %q", line)
		}
	}
	for _, pattern := range []string{
		`secagent_probe_duration_seconds agent=qualys_cloud_agent phase=proxy_connect target=` + regexp.QuoteMeta(qualysTarget) + ` `,
		`secagent_probe_duration_seconds agent=custom phase=dns target=nx\.probe\.test:443 `,
		`secagent_probe_tls_cert_not_after_timestamp_seconds agent=qualys_cloud_agent target=` + regexp.QuoteMeta(qualysTarget) + ` ` + regexp.QuoteMeta(fmt.Sprintf("%g", float64(to.Unix()))),
		`secagent_probe_last_run_timestamp_seconds [0-9.e+]+\n`,
	} {
		if !regexp.MustCompile(pattern).MatchString(out) {
			t.Errorf("no line matches %q", pattern)
		}
	}
	for _, absent := range []string{
		// No TLS reached: no certificate series; no DNS for an IP-literal proxy.
		"secagent_probe_tls_cert_not_after_timestamp_seconds agent=cisco_secure_endpoint",
		"secagent_probe_duration_seconds agent=cisco_secure_endpoint phase=dns",
	} {
		if strings.Contains(out, absent) {
			t.Errorf("unexpected %q", absent)
		}
	}
	if t.Failed() {
		t.Logf("scrape:\n%s\nlog:\n%s", out, logs.String())
	}
	for _, secret := range probeFixtureSecrets {
		if strings.Contains(out, secret) || strings.Contains(logs.String(), secret) {
			t.Errorf("credential %q leaked into the scrape or the log", secret)
		}
	}
	if !strings.Contains(logs.String(), "phase=proxy_auth") {
		t.Errorf("the Cisco proxy_auth failure was not logged:\n%s", logs.String())
	}
}

func TestProbeCollectorUnreadablePolicyProbesTheDefaultTetraServer(t *testing.T) {
	root := t.TempDir()
	// A directory where the file should be: a read error, like Administrators-only ACLs.
	if err := os.MkdirAll(filepath.Join(root, "C", "Program Files", "Cisco", "AMP", "policy.xml"), 0o755); err != nil {
		t.Fatal(err)
	}
	c := newProbeCollectorWith(Env{Logger: discardLogger(), Paths: Paths{RootFS: root, GOOS: "linux"}, Now: time.Now},
		probeConfig{fromAgents: true, interval: time.Hour, timeout: time.Second, concurrency: 1},
		probeDeps{resolver: probetest.Resolver{}, dial: probetest.LoopbackDialer(nil)})
	c.startOnce.Do(func() {})
	c.runOnce(context.Background())
	out := gather(t, NewSetFrom(discardLogger(), map[string]Collector{"probe": c}), 5*time.Second)
	for _, line := range []string{
		"secagent_probe_failed_phase agent=cisco_secure_endpoint phase=dns target=tetra-defs.amp.cisco.com:443 1",
		"secagent_source_success collector=probe source=cisco_policy_xml 0",
		// A degraded source does not fail the collector.
		"secagent_collector_success collector=probe 1",
	} {
		if !strings.Contains(out, line+"\n") {
			t.Errorf("missing %q in\n%s", line, out)
		}
	}
	for _, absent := range []string{"mcafee", "qualys"} {
		if strings.Contains(out, absent) {
			t.Errorf("an absent agent (%s) was reported:\n%s", absent, out)
		}
	}
}

func TestProbeCollectorRunsInTheBackground(t *testing.T) {
	refused := probetest.RefusingPort(t)
	target, err := parseProbeTargetFlag(fmt.Sprintf("custom=127.0.0.1:%d", refused))
	if err != nil {
		t.Fatal(err)
	}
	var tick sync.Mutex
	clock := time.Unix(1_800_000_000, 0)
	now := func() time.Time {
		tick.Lock()
		defer tick.Unlock()
		clock = clock.Add(time.Second)
		return clock
	}
	c := newProbeCollectorWith(Env{Logger: discardLogger(), Paths: Paths{RootFS: t.TempDir(), GOOS: "linux"}, Now: now},
		probeConfig{targets: []probe.Target{target}, interval: 20 * time.Millisecond, timeout: time.Second, concurrency: 1},
		probeDeps{dial: probetest.LoopbackDialer(nil)})
	set := NewSetFrom(discardLogger(), map[string]Collector{"probe": c})
	defer func() { c.stop() }()

	lastRun := regexp.MustCompile(`secagent_probe_last_run_timestamp_seconds ([0-9.e+]+)\n`)
	seen := map[string]bool{}
	deadline := time.Now().Add(10 * time.Second)
	for len(seen) < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("the background loop did not complete two runs; runs seen: %v", seen)
		}
		out := gather(t, set, 5*time.Second)
		if m := lastRun.FindStringSubmatch(out); m != nil {
			seen[m[1]] = true
			if !strings.Contains(out, fmt.Sprintf("secagent_probe_failed_phase agent=custom phase=connect target=127.0.0.1:%d 1\n", refused)) {
				t.Fatalf("refused port not reported as a connect failure:\n%s", out)
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestParseProbeTargetFlag(t *testing.T) {
	cases := []struct {
		in    string
		agent string
		name  string
		skip  bool
		bad   bool
	}{
		{in: "qualys_cloud_agent=qagpublic.qg3.apps.qualys.com:443", agent: "qualys_cloud_agent", name: "qagpublic.qg3.apps.qualys.com:443"},
		{in: "mcafee_agent=EPO01.example.com:443", agent: "mcafee_agent", name: "epo01.example.com:443", skip: true},
		{in: "proxy.example:3128", agent: "custom", name: "proxy.example:3128"},
		{in: " crl = validation.identrust.com:80 ", agent: "crl", name: "validation.identrust.com:80"},
		{in: "custom=https://x.example/", bad: true},
		{in: "Custom=x.example:443", bad: true},
		{in: "x.example", bad: true},
		{in: "a b=x.example:443", bad: true},
	}
	for _, tc := range cases {
		got, err := parseProbeTargetFlag(tc.in)
		if tc.bad {
			if err == nil {
				t.Errorf("%q accepted as %+v", tc.in, got)
			}
			continue
		}
		if err != nil || got.Agent != tc.agent || got.Name != tc.name || got.SkipChainVerify != tc.skip {
			t.Errorf("%q = %+v %v", tc.in, got, err)
		}
	}
}

func TestBoundProbeTargets(t *testing.T) {
	var in []probe.Target
	for i := range 12 {
		in = append(in, probe.Target{Agent: AgentMcAfee, Name: fmt.Sprintf("epo%d.example:443", i)})
	}
	in = append(in, probe.Target{Agent: AgentMcAfee, Name: "epo0.example:443"}) // duplicate
	for i := range 40 {
		in = append(in, probe.Target{Agent: fmt.Sprintf("a%d", i), Name: "x.example:443"})
	}
	out := boundProbeTargets(in, discardLogger())
	if len(out) != maxProbeTargets {
		t.Fatalf("%d targets, want %d", len(out), maxProbeTargets)
	}
	n := 0
	for _, tg := range out {
		if tg.Agent == AgentMcAfee {
			n++
		}
	}
	if n != maxProbeTargetsPerAgent || out[0].Name != "epo0.example:443" {
		t.Errorf("%d ePO targets (want %d), first %s", n, maxProbeTargetsPerAgent, out[0].Name)
	}
}

// The probe reads where the collectors read: the Cisco install root the registry's
// InstallDir names, and the Qualys conf of --collector.qualys.config (both once ignored).
func TestProbeAgentTargetsFollowTheLayouts(t *testing.T) {
	root := t.TempDir()
	writeFixture(t, root, "D/Cisco/AMP/policy.xml",
		`<config><agent><scansettings><tetra><enable>1</enable><updater><enable>1</enable><server>tetra.site.test</server></updater></tetra></scansettings></agent></config>`, 0o644)
	writeFixture(t, root, "srv/qualys/agent.conf", "ServerUri=https://qualys.site.test/CloudAgent/\n", 0o644)
	// --collector.qualys.config, as the flag sets it.
	saved := *qualysFlags
	qualysFlags.Config = "/srv/qualys/agent.conf"
	t.Cleanup(func() { *qualysFlags = saved })
	env := Env{Logger: discardLogger(), Paths: Paths{RootFS: root, GOOS: "linux"}, Now: time.Now}
	c := newProbeCollectorWith(env,
		probeConfig{fromAgents: true, interval: time.Hour, timeout: time.Second, concurrency: 1},
		probeDeps{resolver: probetest.Resolver{}, dial: probetest.LoopbackDialer(nil),
			ciscoRegistry: cisco.FakeRegistry{cisco.ImmunetProtectKey: {cisco.RegistryInstallDir: `D:\Cisco\AMP`}}})
	targets, sources := c.agentTargets(context.Background())
	var names []string
	for _, tg := range targets {
		names = append(names, string(tg.Agent)+"="+tg.Name)
	}
	want := []string{AgentCisco + "=tetra.site.test:443", AgentQualys + "=qualys.site.test:443"}
	if strings.Join(names, " ") != strings.Join(want, " ") {
		t.Errorf("targets %v, want %v (sources %v)", names, want, sources)
	}
}
