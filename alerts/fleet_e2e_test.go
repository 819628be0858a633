package alerts

import (
	"bufio"
	"bytes"
	"crypto/md5"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// The reference layout of docs/deployment.md: these files are what the fleet test runs.
const (
	layoutDir      = "../docs/deployment"
	shardConfig    = layoutDir + "/prometheus-shard.yml"
	vmFlagsFile    = layoutDir + "/victoria-metrics.flags"
	vmalertFlags   = layoutDir + "/vmalert.flags"
	fleetShards    = 2
	fleetRulesFile = "fleet.yml" // compares hosts: global engine only
)

// fleetHost is one exporter of the fleet test, placed on a shard by its address.
type fleetHost struct {
	scenario string
	shard    int
}

// The two clones sharing a McAfee agent GUID sit on different shards, and so does the one
// Cisco host whose TETRA definitions are 76 h old (cisco-win-stale-proxy-auth) from the
// two fresh ones (3 h): no shard alone sees the duplicate, nor that one host is behind
// its peers, and the fleet-wide stale ratio is 1/3 only with both shards together.
var fleetHosts = []fleetHost{
	{"mcafee-healthy", 0},
	{"mcafee-healthy", 1},
	{"cisco-win-healthy", 0},
	{"cisco-win-healthy", 0},
	{"cisco-win-stale-proxy-auth", 1},
}

const fleetDeadline = 100 * time.Second

// fleetTools finds the Debian binaries of the fleet test (prometheus, victoria-metrics).
func fleetTools(t *testing.T, names ...string) map[string]string {
	t.Helper()
	paths := map[string]string{}
	for _, n := range names {
		p, err := exec.LookPath(n)
		if err != nil {
			if os.Getenv("SECAGENT_REQUIRE_TOOLS") != "" {
				t.Fatalf("%s not found but SECAGENT_REQUIRE_TOOLS is set (make tools installs the Debian packages)", n)
			}
			t.Skipf("%s not installed (apt-get install prometheus victoria-metrics)", n)
		}
		paths[n] = p
	}
	return paths
}

// hashmodBucket is Prometheus' hashmod relabel action for one source label: the last 8
// bytes of the MD5 of the value, big-endian, modulo the modulus.
func hashmodBucket(value string, modulus uint64) int {
	sum := md5.Sum([]byte(value))
	return int(binary.BigEndian.Uint64(sum[8:]) % modulus)
}

// TestHashmodBucket pins the hashmod arithmetic against Prometheus' own answer: the
// fleet test checks each shard's active targets against hashmodBucket.
func TestHashmodBucket(t *testing.T) {
	counts := make([]int, fleetShards)
	for i := 2; i < 200; i++ {
		counts[hashmodBucket(fmt.Sprintf("127.0.0.%d:9847", i), fleetShards)]++
	}
	for b, n := range counts {
		if n < 60 {
			t.Errorf("bucket %d holds %d of 198 addresses: not a hash", b, n)
		}
	}
}

// TestFleetSharded runs the reference layout on loopback: exporters on fixture hosts, two
// Prometheus shards (docs/deployment/prometheus-shard.yml) splitting them with hashmod
// and remote-writing into VictoriaMetrics single-node, and vmalert evaluating every file
// of rules/ against it. The fleet alerts must be active on the global engine and absent
// on both shards; every rule must evaluate without error on both engines. vmalert sends
// to the Alertmanager HA pair (alertmanager.flags) running alertmanager.example.yml's
// routing tree with its receivers posting to a loopback webhook: McAfeeAgentDuplicateGUID
// (its for: shortened in vmalert's copy of the rules) must arrive once for its group,
// through the receiver the example routes it to, although both Alertmanagers hold it.
func TestFleetSharded(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Prometheus, VictoriaMetrics and vmalert")
	}
	tools := fleetTools(t, "prometheus", "victoria-metrics", "vmalert", "prometheus-alertmanager")
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	binary := buildExporter(t, root, tmp)
	start := time.Now()

	// Each exporter listens on its own loopback address (instance = that address, as a
	// host name would be) with the port shared; the address picks the shard.
	port := freeLoopbackPort(t)[len("127.0.0.1:"):]
	next := 2
	shardOf := map[string]int{}
	var targets []string
	for i, h := range fleetHosts {
		var addr string
		for ; ; next++ {
			addr = fmt.Sprintf("127.0.0.%d:%s", next, port)
			if hashmodBucket(addr, fleetShards) == h.shard {
				next++
				break
			}
		}
		state := filepath.Join(tmp, fmt.Sprintf("state-%d", i))
		if err := os.Mkdir(state, 0o755); err != nil {
			t.Fatal(err)
		}
		args := e2eScenarioArgs(t, filepath.Join(root, "collector/fixtures/e2e", h.scenario+".args"),
			filepath.Join(root, "collector/fixtures"), state)
		startExporterAt(t, binary, addr, args)
		shardOf[addr] = h.shard
		targets = append(targets, addr)
	}
	sdFile := filepath.Join(tmp, "secagent-test.json")
	sd, _ := json.Marshal([]map[string]any{{"targets": targets, "labels": map[string]string{"site": "loopback"}}})
	if err := os.WriteFile(sdFile, sd, 0o644); err != nil {
		t.Fatal(err)
	}

	// Rules: the shards get every file but fleet.yml, vmalert every file.
	hostRules := filepath.Join(tmp, "host-rules")
	if err := os.Mkdir(hostRules, 0o755); err != nil {
		t.Fatal(err)
	}
	ruleFiles, _ := filepath.Glob(filepath.Join(root, "alerts/rules/*.yml"))
	for _, f := range ruleFiles {
		if filepath.Base(f) == fleetRulesFile {
			continue
		}
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(hostRules, filepath.Base(f)), raw, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// The pair runs the example's routing tree with every receiver posting to the webhook.
	hook := startWebhook(t)
	amConfig := filepath.Join(tmp, "alertmanager.yml")
	if err := os.WriteFile(amConfig, alertmanagerConfigFor(t, filepath.Join(root, "alerts/alertmanager.example.yml"), hook.URL), 0o644); err != nil {
		t.Fatal(err)
	}
	ams := startAlertmanagerPair(t, tools["prometheus-alertmanager"], tmp, amConfig)

	vmAddr := freeLoopbackPort(t)
	vm := "http://" + vmAddr
	startVictoriaMetrics(t, tools["victoria-metrics"], tmp, vmAddr)

	var shards []string
	for s := 0; s < fleetShards; s++ {
		cfg := shardConfigFor(t, s, sdFile, filepath.Join(hostRules, "*.yml"), vm+"/api/v1/write", ams)
		path := filepath.Join(tmp, fmt.Sprintf("shard-%d.yml", s))
		if err := os.WriteFile(path, cfg, 0o644); err != nil {
			t.Fatal(err)
		}
		dir := filepath.Join(tmp, fmt.Sprintf("shard-%d", s))
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		shards = append(shards, startPrometheusConfig(t, tools["prometheus"], dir, path))
	}

	vmalertAddr := freeLoopbackPort(t)
	var amURLs []string
	for _, a := range ams {
		amURLs = append(amURLs, "http://"+a)
	}
	globalRules := globalRulesFor(t, root, filepath.Join(tmp, "global-rules"), deliveredAlert, deliveredFor)
	vmalertBase := startVMAlert(t, tools["vmalert"], vmalertAddr, globalRules, vm, amURLs)
	delivery := &deliveryCheck{hook: hook, ams: ams, severity: ruleLabel(t, deliveredAlert, "severity")}
	for i, h := range fleetHosts {
		if h.scenario == "mcafee-healthy" { // the clones sharing one agent GUID
			delivery.instances = append(delivery.instances, targets[i][:strings.LastIndexByte(targets[i], ':')])
		}
	}
	sort.Strings(delivery.instances)

	deadline := time.Now().Add(fleetDeadline + 6*latencyOffsetDuration(t))
	var failures []string
	last := ""
	delays := newDelayTracker(start)
	for {
		failures = append(alertmanagerChecks(shards, ams), fleetChecks(t, shards, shardOf, vm, vmalertBase)...)
		failures = append(failures, delivery.check()...)
		delays.poll(t, shards[0], vm, vmalertBase)
		if len(failures) == 0 && delays.done() || delivery.final || time.Now().After(deadline) {
			break
		}
		if testing.Verbose() && len(failures) > 0 && failures[0] != last {
			t.Logf("%5.1fs %s", time.Since(start).Seconds(), failures[0])
			last = failures[0]
		}
		time.Sleep(time.Second)
	}
	for _, f := range failures {
		t.Error(f)
	}
	if len(failures) == 0 {
		t.Logf("%d exporters on %d shards: every check passed after %s", len(targets), fleetShards,
			time.Since(start).Round(time.Second))
	}
	delays.report(t)
}

// fleetChecks returns what is not yet (or not) right in the sharded layout.
func fleetChecks(t *testing.T, shards []string, shardOf map[string]int, vm, vmalert string) []string {
	var bad []string
	// Every exporter is up on the shard hashmod assigns it to, and only there.
	for s, api := range shards {
		got, err := activeTargets(api)
		if err != nil {
			return []string{fmt.Sprintf("shard %d targets: %v", s, err)}
		}
		var want []string
		for addr, sh := range shardOf {
			if sh == s {
				want = append(want, addr)
			}
		}
		sort.Strings(want)
		if strings.Join(got, " ") != strings.Join(want, " ") {
			return []string{fmt.Sprintf("shard %d scrapes %v, hashmod assigns %v", s, got, want)}
		}
		if n := resultCount(t, api, `up == 1`); n != len(want) {
			return []string{fmt.Sprintf("shard %d: %d of %d targets up: %s", s, n, len(want), targetErrors(api))}
		}
		bad = append(bad, ruleHealth(t, api)...)
		// The shard has no fleet rules; the fleet expressions evaluated on the shard
		// itself find nothing: each shard holds one clone and one side of the lag.
		for _, alert := range []string{"McAfeeAgentDuplicateGUID", "CiscoTetraDefinitionsBehindFleet"} {
			expr := ruleExpr(t, alert)
			if n, err := queryCount(api, expr); err != nil || n != 0 {
				bad = append(bad, fmt.Sprintf("shard %d: %s expression gives %d results (%v), want none", s, alert, n, err))
			}
		}
		if n := resultCount(t, api, `ALERTS{alertname=~"McAfeeAgentDuplicateGUID|CiscoTetraDefinitionsBehindFleet|CiscoTetraDefinitionsStaleFleetWide"}`); n != 0 {
			bad = append(bad, fmt.Sprintf("shard %d evaluates fleet rules (%d fleet alerts)", s, n))
		}
	}
	if len(bad) > 0 {
		return bad
	}

	// The global store holds every host of both shards and no shard's recorded series.
	if v := firstValue(t, vm+"/api/v1", `count(up == 1)`); v != strconv.Itoa(len(shardOf)) {
		return []string{fmt.Sprintf("VictoriaMetrics: count(up == 1) = %q, want %d", v, len(shardOf))}
	}
	groups, err := vmalertGroups(vmalert)
	if err != nil {
		return []string{"vmalert groups: " + err.Error()}
	}
	wantRules := loadRules(t)
	if n := countRules(groups); n != len(wantRules) {
		bad = append(bad, fmt.Sprintf("vmalert loaded %d rules, rules/ has %d", n, len(wantRules)))
	}
	for _, g := range groups {
		for _, r := range g.Rules {
			if r.LastError != "" {
				bad = append(bad, fmt.Sprintf("vmalert rule %s: %s", r.Name, r.LastError))
			}
		}
	}
	alerts, err := vmalertAlerts(vmalert)
	if err != nil {
		return append(bad, "vmalert alerts: "+err.Error())
	}
	// One duplicate-GUID alert per clone, across the shards.
	var dupShards []int
	for _, a := range alerts["McAfeeAgentDuplicateGUID"] {
		dupShards = append(dupShards, shardOf[a.Labels["instance"]+":"+portOf(shardOf)])
		if a.Value != "2" && a.Value != "2.0" {
			bad = append(bad, fmt.Sprintf("McAfeeAgentDuplicateGUID on %s: value %s, want 2 hosts", a.Labels["instance"], a.Value))
		}
	}
	sort.Ints(dupShards)
	if fmt.Sprint(dupShards) != "[0 1]" {
		bad = append(bad, fmt.Sprintf("McAfeeAgentDuplicateGUID active for hosts on shards %v, want one clone on each of [0 1]", dupShards))
	}
	behind := alerts["CiscoTetraDefinitionsBehindFleet"]
	if len(behind) != 1 || shardOf[behind[0].Labels["instance"]+":"+portOf(shardOf)] != 1 {
		bad = append(bad, fmt.Sprintf("CiscoTetraDefinitionsBehindFleet: %v, want the one stale host of shard 1", behind))
	} else if v, _ := strconv.ParseFloat(behind[0].Value, 64); v != 273600-10800 {
		bad = append(bad, fmt.Sprintf("CiscoTetraDefinitionsBehindFleet value %s, want %d s", behind[0].Value, 273600-10800))
	}
	stale := alerts["CiscoTetraDefinitionsStaleFleetWide"]
	if len(stale) != 1 {
		bad = append(bad, fmt.Sprintf("CiscoTetraDefinitionsStaleFleetWide: %d alerts, want 1", len(stale)))
	} else if v, _ := strconv.ParseFloat(stale[0].Value, 64); math.Abs(v-1.0/3) > 1e-6 {
		bad = append(bad, fmt.Sprintf("CiscoTetraDefinitionsStaleFleetWide value %s, want 1/3 (one of three Cisco hosts, both shards)", stale[0].Value))
	}
	// The recorded ratio in the global store has one writer: vmalert.
	if n, err := queryCount(vm+"/api/v1", `job:tetra_definitions_stale:ratio`); err != nil || n != 1 {
		bad = append(bad, fmt.Sprintf("VictoriaMetrics: job:tetra_definitions_stale:ratio has %d series (%v), want 1", n, err))
	}
	return bad
}

func portOf(shardOf map[string]int) string {
	for addr := range shardOf {
		return addr[strings.LastIndexByte(addr, ':')+1:]
	}
	return ""
}

func ruleLabel(t *testing.T, alert, label string) string {
	for _, r := range loadRules(t) {
		if r.Alert == alert && r.Labels[label] != "" {
			return r.Labels[label]
		}
	}
	t.Fatalf("no alert %s with label %s in rules/", alert, label)
	return ""
}

func ruleExpr(t *testing.T, alert string) string {
	for _, r := range loadRules(t) {
		if r.Alert == alert {
			return r.Expr
		}
	}
	t.Fatalf("no alert %s in rules/", alert)
	return ""
}

// shardConfigFor is the reference shard configuration with this machine's paths: the
// relabelling (hashmod, bucket, instance) is used exactly as documented.
func shardConfigFor(t *testing.T, shard int, sdFile, rules, remoteWrite string, alertmanagers []string) []byte {
	raw, err := os.ReadFile(shardConfig)
	if err != nil {
		t.Fatal(err)
	}
	var cfg map[string]any
	if err := yaml.Unmarshal(raw, &cfg); err != nil {
		t.Fatalf("%s: %v", shardConfig, err)
	}
	get := func(m any, key string) any {
		mm, ok := m.(map[string]any)
		if !ok || mm[key] == nil {
			t.Fatalf("%s: no %q", shardConfig, key)
		}
		return mm[key]
	}
	global := get(cfg, "global").(map[string]any)
	global["scrape_interval"], global["scrape_timeout"], global["evaluation_interval"] = "1s", "900ms", "1s"
	cfg["rule_files"] = []string{rules}
	ams := get(get(cfg, "alerting"), "alertmanagers").([]any)
	if len(ams) != 1 || len(get(ams[0], "static_configs").([]any)) != 1 {
		t.Fatalf("%s: want one static Alertmanager list (the HA pair)", shardConfig)
	}
	get(ams[0], "static_configs").([]any)[0].(map[string]any)["targets"] = alertmanagers
	jobs := get(cfg, "scrape_configs").([]any)
	if len(jobs) != 1 {
		t.Fatalf("%s: want one scrape job", shardConfig)
	}
	job := jobs[0].(map[string]any)
	sds := get(job, "file_sd_configs").([]any)
	sds[0].(map[string]any)["files"] = []string{sdFile}
	sds[0].(map[string]any)["refresh_interval"] = "1s"
	var sawHashmod, sawKeep bool
	for _, r := range get(job, "relabel_configs").([]any) {
		rc := r.(map[string]any)
		switch rc["action"] {
		case "hashmod":
			if rc["modulus"] != fleetShards {
				t.Fatalf("%s: hashmod modulus %v, the test runs %d shards", shardConfig, rc["modulus"], fleetShards)
			}
			sawHashmod = true
		case "keep":
			if rc["regex"] != "0" {
				t.Fatalf("%s: the reference file is shard 0, keeps %v", shardConfig, rc["regex"])
			}
			rc["regex"] = strconv.Itoa(shard)
			sawKeep = true
		}
	}
	if !sawHashmod || !sawKeep {
		t.Fatalf("%s: no hashmod + keep relabelling", shardConfig)
	}
	rws := get(cfg, "remote_write").([]any)
	rw := rws[0].(map[string]any)
	rw["url"] = remoteWrite
	get(rw, "queue_config").(map[string]any)["batch_send_deadline"] = "1s"
	out, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// readFlags reads a one-flag-per-line file of the reference layout, # for comments.
func readFlags(t *testing.T, path string) [][2]string {
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var flags [][2]string
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, value, ok := strings.Cut(line, "=")
		if !ok || !strings.HasPrefix(name, "-") {
			t.Fatalf("%s: %q is not -flag=value", path, line)
		}
		flags = append(flags, [2]string{name, value})
	}
	return flags
}

// layoutArgs turns a flags file into arguments, replacing the values of the flags in
// replace (a flag mapped to "" is dropped) and failing on a replaced flag the file lacks.
func layoutArgs(t *testing.T, path string, replace map[string][]string) []string {
	var args []string
	done := map[string]bool{}
	for _, f := range readFlags(t, path) {
		vals, ok := replace[f[0]]
		if !ok {
			args = append(args, f[0]+"="+f[1])
			continue
		}
		if !done[f[0]] {
			for _, v := range vals {
				args = append(args, f[0]+"="+v)
			}
		}
		done[f[0]] = true
	}
	for name := range replace {
		if !done[name] {
			t.Fatalf("%s has no %s", path, name)
		}
	}
	return args
}

// latencyOffset is VictoriaMetrics' -search.latencyOffset in the fleet test; FLEET_LATENCY_OFFSET
// overrides it to measure the delay of the rules on the global engine (docs/deployment.md).
func latencyOffset() string {
	if v := os.Getenv("FLEET_LATENCY_OFFSET"); v != "" {
		return v
	}
	return "1s"
}

func latencyOffsetDuration(t *testing.T) time.Duration {
	d, err := time.ParseDuration(latencyOffset())
	if err != nil {
		t.Fatalf("FLEET_LATENCY_OFFSET: %v", err)
	}
	return d
}

// delayTracker notes when each level of the compliance chain (and each fleet alert)
// first shows on the global engine: the delay docs/deployment.md reports. Level 0 is a
// raw series; every recording rule reads the level below it from VictoriaMetrics.
type delayTracker struct {
	start time.Time
	seen  map[string]time.Duration
}

var delaySteps = []struct{ name, query string }{
	{"raw series on a shard (up)", "shard:up"},
	{"raw series in VictoriaMetrics (up)", "vm:up"},
	{"level 1 instance:secagent_target:bool", "vm:instance:secagent_target:bool"},
	{"level 2 instance:secagent_check_up:bool", "vm:instance:secagent_check_up:bool"},
	{"level 3 instance:secagent_compliant:bool", "vm:instance:secagent_compliant:bool"},
	{"level 4 job:secagent_compliant:ratio", "vm:job:secagent_compliant:ratio"},
	{"SecagentFleetComplianceLow pending", "alert:SecagentFleetComplianceLow"},
	{"McAfeeAgentDuplicateGUID pending", "alert:McAfeeAgentDuplicateGUID"},
	{"CiscoTetraDefinitionsBehindFleet pending", "alert:CiscoTetraDefinitionsBehindFleet"},
	{"CiscoTetraDefinitionsStaleFleetWide pending", "alert:CiscoTetraDefinitionsStaleFleetWide"},
}

func newDelayTracker(start time.Time) *delayTracker {
	return &delayTracker{start: start, seen: map[string]time.Duration{}}
}

func (d *delayTracker) poll(t *testing.T, shard, vm, vmalert string) {
	alerts, _ := vmalertAlerts(vmalert)
	for _, s := range delaySteps {
		if _, ok := d.seen[s.query]; ok {
			continue
		}
		kind, q, _ := strings.Cut(s.query, ":")
		var n int
		switch kind {
		case "shard":
			n, _ = queryCount(shard, q)
		case "vm":
			n, _ = queryCount(vm+"/api/v1", q)
		case "alert":
			n = len(alerts[q])
		}
		if n > 0 {
			d.seen[s.query] = time.Since(d.start)
		}
	}
}

func (d *delayTracker) done() bool { return len(d.seen) == len(delaySteps) }

func (d *delayTracker) report(t *testing.T) {
	base, ok := d.seen["vm:up"]
	var b strings.Builder
	fmt.Fprintf(&b, "delays on the global engine (-search.latencyOffset=%s, evaluation and flush every 1s), after the raw series are queryable there:\n", latencyOffset())
	for _, s := range delaySteps {
		at, seen := d.seen[s.query]
		switch {
		case !seen:
			fmt.Fprintf(&b, "  %-45s never\n", s.name)
		case ok:
			fmt.Fprintf(&b, "  %-45s %+6.1fs\n", s.name, (at - base).Seconds())
		}
	}
	t.Log(b.String())
}

func startVictoriaMetrics(t *testing.T, binary, dir, listen string) {
	args := layoutArgs(t, vmFlagsFile, map[string][]string{
		"-storageDataPath":      {filepath.Join(dir, "vm")},
		"-httpListenAddr":       {listen},
		"-search.latencyOffset": {latencyOffset()},
	})
	startDaemon(t, "victoria-metrics", binary, append(args, "-loggerLevel=WARN"), "http://"+listen+"/health")
}

func startVMAlert(t *testing.T, binary, listen, rules, vm string, notifiers []string) string {
	args := layoutArgs(t, vmalertFlags, map[string][]string{
		"-rule":                      {rules},
		"-datasource.url":            {vm},
		"-remoteWrite.url":           {vm},
		"-remoteWrite.flushInterval": {"1s"},
		"-remoteRead.url":            {vm},
		"-notifier.url":              notifiers,
		"-evaluationInterval":        {"1s"},
		"-httpListenAddr":            {listen},
	})
	startDaemon(t, "vmalert", binary, append(args, "-loggerLevel=WARN"), "http://"+listen+"/health")
	return "http://" + listen
}

// startDaemon starts a server and waits until health answers 200.
func startDaemon(t *testing.T, name, binary string, args []string, health string) {
	var log bytes.Buffer
	cmd := exec.Command(binary, args...)
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
		if t.Failed() {
			t.Logf("%s log:\n%s", name, log.String())
		}
	})
	for begin := time.Now(); ; time.Sleep(200 * time.Millisecond) {
		select {
		case <-exited:
			t.Fatalf("%s %v exited:\n%s", name, args, log.String())
		default:
		}
		if resp, err := http.Get(health); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Since(begin) > 20*time.Second {
			t.Fatalf("%s not healthy:\n%s", name, log.String())
		}
	}
}

const alertmanagerFlags = layoutDir + "/alertmanager.flags"

// startAlertmanagerPair starts the Alertmanager HA pair of alertmanager.flags on
// loopback with config, each naming the other as its peer; returns their addresses.
func startAlertmanagerPair(t *testing.T, binary, dir, config string) []string {
	web := []string{freeLoopbackPort(t), freeLoopbackPort(t)}
	cluster := []string{freeLoopbackPort(t), freeLoopbackPort(t)}
	for i := range web {
		args := layoutArgs(t, alertmanagerFlags, map[string][]string{
			"--config.file":            {config},
			"--storage.path":           {filepath.Join(dir, fmt.Sprintf("alertmanager-%d", i))},
			"--web.listen-address":     {web[i]},
			"--cluster.listen-address": {cluster[i]},
			"--cluster.peer":           {cluster[1-i]},
		})
		// loopback is not a private address: memberlist needs to be told what to advertise
		args = append(args, "--cluster.advertise-address="+cluster[i], "--cluster.peer-timeout="+amPeerTimeout.String(),
			"--cluster.gossip-interval=200ms", "--cluster.pushpull-interval=1s", "--log.level=warn")
		startDaemon(t, fmt.Sprintf("alertmanager-%d", i), binary, args, "http://"+web[i]+"/-/ready")
	}
	return web
}

// alertmanagerChecks: the pair is one cluster, and every shard sends to both.
func alertmanagerChecks(shards []string, ams []string) []string {
	var bad []string
	for _, a := range ams {
		resp, err := http.Get("http://" + a + "/api/v2/status")
		if err != nil {
			return []string{err.Error()}
		}
		var st struct {
			Cluster struct {
				Status string `json:"status"`
				Peers  []any  `json:"peers"`
			} `json:"cluster"`
		}
		err = json.NewDecoder(resp.Body).Decode(&st)
		resp.Body.Close()
		if err != nil || st.Cluster.Status != "ready" || len(st.Cluster.Peers) != len(ams) {
			bad = append(bad, fmt.Sprintf("alertmanager %s: cluster %q with %d peers (%v), want ready with %d",
				a, st.Cluster.Status, len(st.Cluster.Peers), err, len(ams)))
		}
	}
	for s, api := range shards {
		data, err := promGet(api, "/alertmanagers", url.Values{})
		var r struct {
			Active []any `json:"activeAlertmanagers"`
		}
		if err == nil {
			err = json.Unmarshal(data, &r)
		}
		if err != nil || len(r.Active) != len(ams) {
			bad = append(bad, fmt.Sprintf("shard %d sends to %d Alertmanagers (%v), want %d", s, len(r.Active), err, len(ams)))
		}
	}
	return bad
}

func activeTargets(api string) ([]string, error) {
	data, err := promGet(api, "/targets", url.Values{"state": {"active"}})
	if err != nil {
		return nil, err
	}
	var r struct {
		ActiveTargets []struct {
			Labels map[string]string `json:"labels"`
			URL    string            `json:"scrapeUrl"`
		} `json:"activeTargets"`
	}
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, err
	}
	var out []string
	for _, tg := range r.ActiveTargets {
		u, err := url.Parse(tg.URL)
		if err != nil {
			return nil, err
		}
		out = append(out, u.Host)
	}
	sort.Strings(out)
	return out, nil
}

// targetErrors lists the last scrape errors of a Prometheus' targets.
func targetErrors(api string) string {
	data, err := promGet(api, "/targets", url.Values{"state": {"active"}})
	if err != nil {
		return err.Error()
	}
	var r struct {
		ActiveTargets []struct {
			URL       string `json:"scrapeUrl"`
			LastError string `json:"lastError"`
		} `json:"activeTargets"`
	}
	_ = json.Unmarshal(data, &r)
	var out []string
	for _, tg := range r.ActiveTargets {
		if tg.LastError != "" {
			out = append(out, tg.URL+": "+tg.LastError)
		}
	}
	return strings.Join(out, "; ")
}

type vmalertGroup struct {
	Name  string `json:"name"`
	Rules []struct {
		Name           string  `json:"name"`
		LastError      string  `json:"lastError"`
		EvaluationTime float64 `json:"evaluationTime"`
	} `json:"rules"`
}

// vmalertGroups reads vmalert's Prometheus-compatible rules API.
func vmalertGroups(base string) ([]vmalertGroup, error) {
	data, err := promGet(base+"/api/v1", "/rules", url.Values{})
	if err != nil {
		return nil, err
	}
	var r struct {
		Groups []vmalertGroup `json:"groups"`
	}
	err = json.Unmarshal(data, &r)
	return r.Groups, err
}

func countRules(groups []vmalertGroup) int {
	n := 0
	for _, g := range groups {
		n += len(g.Rules)
	}
	return n
}

type vmalertAlert struct {
	Name   string            `json:"name"`
	State  string            `json:"state"`
	Value  string            `json:"value"`
	Labels map[string]string `json:"labels"`
}

func (a vmalertAlert) String() string { return fmt.Sprintf("%s%v=%s", a.State, a.Labels, a.Value) }

// vmalertAlerts returns vmalert's active (pending or firing) alerts by name.
func vmalertAlerts(base string) (map[string][]vmalertAlert, error) {
	resp, err := http.Get(base + "/api/v1/alerts")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var r struct {
		Data struct {
			Alerts []vmalertAlert `json:"alerts"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		return nil, err
	}
	out := map[string][]vmalertAlert{}
	for _, a := range r.Data.Alerts {
		if a.State == "pending" || a.State == "firing" {
			out[a.Name] = append(out[a.Name], a)
		}
	}
	return out, nil
}

// TestLayoutConfigs checks every Prometheus configuration of the reference layout with
// promtool, the example file_sd target file through the shard configuration, and that
// the discovery variants shard and remote-write exactly like prometheus-shard.yml.
func TestLayoutConfigs(t *testing.T) {
	promtool := fleetTools(t, "promtool")["promtool"]
	files, _ := filepath.Glob(layoutDir + "/prometheus-*.yml")
	if len(files) < 3 {
		t.Fatalf("want the file_sd, Consul and http_sd shard configurations, have %v", files)
	}
	sharding := func(path string, raw []byte) string {
		var cfg struct {
			ScrapeConfigs []struct {
				Relabel []map[string]any `yaml:"relabel_configs"`
			} `yaml:"scrape_configs"`
			RemoteWrite []struct {
				WriteRelabel []map[string]any `yaml:"write_relabel_configs"`
			} `yaml:"remote_write"`
		}
		if err := yaml.Unmarshal(raw, &cfg); err != nil || len(cfg.ScrapeConfigs) != 1 || len(cfg.RemoteWrite) != 1 {
			t.Fatalf("%s: want one scrape job and one remote_write (%v)", path, err)
		}
		var keep []map[string]any
		for _, r := range cfg.ScrapeConfigs[0].Relabel {
			if r["action"] == "hashmod" || r["action"] == "keep" {
				keep = append(keep, r)
			}
		}
		out, _ := json.Marshal([]any{keep, cfg.RemoteWrite[0].WriteRelabel})
		return string(out)
	}
	dir := t.TempDir()
	var want string
	for _, f := range append([]string{shardConfig}, files...) {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if want == "" {
			want = sharding(f, raw)
		} else if got := sharding(f, raw); got != want {
			t.Errorf("%s shards or remote-writes differently from %s:\n%s\n%s", f, shardConfig, got, want)
		}
		check := raw
		if bytes.Contains(raw, []byte("consul_sd_configs:")) {
			// Debian's prometheus is built without Consul discovery: check the rest.
			var cfg map[string]any
			if err := yaml.Unmarshal(raw, &cfg); err != nil {
				t.Fatal(err)
			}
			job := cfg["scrape_configs"].([]any)[0].(map[string]any)
			delete(job, "consul_sd_configs")
			job["static_configs"] = []any{map[string]any{"targets": []string{"ws-0001.example.net:9847"}}}
			check, _ = yaml.Marshal(cfg)
		}
		if filepath.Base(f) == filepath.Base(shardConfig) {
			// the example target file through the documented file_sd job
			targets, _ := filepath.Abs(layoutDir + "/targets/secagent-tokyo.json")
			check = bytes.ReplaceAll(check, []byte("/etc/prometheus/targets/secagent-*.json"), []byte(targets))
		}
		path := filepath.Join(dir, filepath.Base(f))
		if err := os.WriteFile(path, check, 0o644); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command(promtool, "check", "config", path).CombinedOutput(); err != nil ||
			bytes.Contains(out, []byte("WARNING")) && !bytes.Contains(out, []byte("/etc/prometheus/")) {
			t.Errorf("promtool check config %s: %v\n%s", f, err, out)
		}
	}
}
