package alerts

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/secagent-exporter/secagent_exporter/internal/fixturegen"
)

// e2eHost is one exporter of the real-Prometheus check: a fixture scenario of
// collector/fixtures/e2e, scraped under job.
type e2eHost struct{ scenario, job string }

// e2eHosts cover every dashboard panel and the alerts below. mcafee-healthy runs twice:
// two hosts restored from one image share the agent GUID (McAfeeAgentDuplicateGUID). The
// ePO server is scraped by a job of its own, as the rules must not assume one job name.
var e2eHosts = []e2eHost{
	{"mcafee-healthy", "endpoints"},
	{"mcafee-healthy", "endpoints"},
	{"mcafee-upgrade-keyupdate", "endpoints"},
	{"mcafee-sequence-rejected", "endpoints"},
	{"cisco-win-healthy", "endpoints"},
	{"cisco-win-stale-proxy-auth", "endpoints"},
	{"cisco-linux-fault18", "endpoints"},
	{"cisco-linux-selinux-bpf-missing", "endpoints"},
	{"qualys-healthy", "endpoints"},
	{"qualys-fim-audit-conflict", "endpoints"},
	{"linux-prereqs-ok", "endpoints"},
	{"mcafee-ensl-healthy", "endpoints"},
	{"epo-server-sequence-errors", "epo"},
}

// e2eAlerts must have data on these hosts. The exporters' clocks are pinned to November
// 2026 while Prometheus runs on the real clock, so age-based conditions only grow truer.
var e2eAlerts = []string{
	"McAfeeAgentASCIStale", "McAfeeAgentSequenceRejected", "McAfeeAgentASCIFailing",
	"McAfeeAgentDuplicateGUID", "McAfeeServerSequenceErrors", "McAfeeAVContentStale",
	"CiscoConnectorDisconnected", "CiscoConnectorDegraded", "CiscoConnectorEventMonitoringOverloaded",
	"CiscoConnectorSELinuxPolicyMissing", "CiscoSELinuxBPFModuleMissing",
	"CiscoTetraDefinitionsStale", "CiscoTetraUpdateProxyError",
	"CiscoTetraDefinitionsBehindFleet", "CiscoTetraDefinitionsStaleFleetWide",
	"QualysFIMAuditConflict", "QualysPlatformUnreachable", "SecagentFleetComplianceLow",
	"SecagentProbeFailing",
}

const e2eDeadline = 40 * time.Second

// TestRealPrometheus builds the exporter, serves the fixture scenarios on loopback, lets
// a real Prometheus scrape them every second with the rules loaded, and then runs every
// dashboard query (once per real instance for the host dashboard), every recording rule
// and the expressions of e2eAlerts. A query that errors or returns nothing fails, unless
// tests/e2e-allowlist.txt gives the reason; a listed query that returns data fails too.
func TestRealPrometheus(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a real Prometheus")
	}
	prometheus, err := exec.LookPath("prometheus")
	if err != nil {
		if os.Getenv("SECAGENT_REQUIRE_TOOLS") != "" {
			t.Fatal("prometheus not found but SECAGENT_REQUIRE_TOOLS is set (make tools installs the Debian package)")
		}
		t.Skip("prometheus not installed (apt-get install prometheus)")
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	binary := buildExporter(t, root, tmp)

	jobs := map[string][]string{}
	var instances []string
	for i, h := range e2eHosts {
		state := filepath.Join(tmp, fmt.Sprintf("state-%d", i))
		if err := os.Mkdir(state, 0o755); err != nil {
			t.Fatal(err)
		}
		args := e2eScenarioArgs(t, filepath.Join(root, "collector/fixtures/e2e", h.scenario+".args"),
			filepath.Join(root, "collector/fixtures"), state)
		addr := startLoopbackExporter(t, binary, args)
		jobs[h.job] = append(jobs[h.job], addr)
		instances = append(instances, addr)
	}

	// The probe collector runs in the background, so it has no golden scenario: one more
	// exporter probes a TLS server of the test's own on loopback, whose self-signed
	// certificate fails verification (a failing probe with a certificate to report).
	tlsServer := httptest.NewTLSServer(http.NotFoundHandler())
	t.Cleanup(tlsServer.Close)
	probeAddr := startLoopbackExporter(t, binary, []string{
		"--web.disable-exporter-metrics", "--state.dir=" + t.TempDir(),
		"--collector.disable-defaults", "--collector.probe", "--no-collector.probe.agent-targets",
		"--collector.probe.target=custom=" + strings.TrimPrefix(tlsServer.URL, "https://"),
		"--collector.probe.interval=1s", "--collector.probe.timeout=2s",
	})
	jobs["endpoints"] = append(jobs["endpoints"], probeAddr)
	instances = append(instances, probeAddr)

	api := startPrometheus(t, prometheus, tmp, filepath.Join(root, "alerts/rules"), jobs)
	allow := readAllowList(t)
	checks := e2eChecks(t, jobs, instances)

	// Retry until every check passes or the deadline: targets come up, rate() needs two
	// samples, rule groups evaluate in their own rhythm.
	deadline := time.Now().Add(e2eDeadline)
	var failures []string
	for {
		failures = failures[:0]
		if n := resultCount(t, api, `count(up == 1)`); n != 1 || firstValue(t, api, `count(up == 1)`) != fmt.Sprint(len(instances)) {
			failures = append(failures, "not every exporter is up yet")
		} else {
			failures = append(failures, ruleHealth(t, api)...)
			for _, c := range checks {
				if f := c.run(t, api, allow); f != "" {
					failures = append(failures, f)
				}
			}
		}
		if len(failures) == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Second)
	}
	for _, f := range failures {
		t.Error(f)
	}
	for key, used := range allow.used {
		if !used {
			t.Errorf("e2e-allowlist.txt: %q matches no query", key)
		}
	}
	t.Logf("%d queries against %d exporters in %d jobs", len(checks), len(instances), len(jobs))
}

// e2eCheck is one query: it passes when any of its variants returns data.
type e2eCheck struct {
	key      string // "source|title", the allow-list key
	variants []string
}

func (c e2eCheck) run(t *testing.T, api string, allow *allowList) string {
	for _, q := range c.variants {
		n, err := queryCount(api, q)
		if err != nil {
			return fmt.Sprintf("%s: %s: %v", c.key, q, err)
		}
		if n > 0 {
			if allow.has(c.key) {
				return fmt.Sprintf("%s returns data but e2e-allowlist.txt says it may not: remove the line", c.key)
			}
			return ""
		}
	}
	if allow.has(c.key) {
		return ""
	}
	return fmt.Sprintf("%s returns no data: %s", c.key, c.variants[0])
}

func e2eChecks(t *testing.T, jobs map[string][]string, instances []string) []e2eCheck {
	var jobNames []string
	for j := range jobs {
		jobNames = append(jobNames, j)
	}
	sort.Strings(jobNames)
	expand := func(expr, job, instance string) string {
		r := strings.NewReplacer("$__rate_interval", "1m", "${__rate_interval}", "1m",
			"$__interval", "15s", "$__range", "1h",
			"${job}", job, "$job", job, "${instance}", instance, "$instance", instance)
		return r.Replace(expr)
	}
	var checks []e2eCheck
	allJobs := strings.Join(jobNames, "|")
	for _, q := range dashboardQueries(t) {
		// q.where is `file "title" #ref` or `file variable name`
		file, title, _ := strings.Cut(q.where, " ")
		title = strings.Replace(strings.Trim(strings.Replace(title, `" #`, "\x00", 1), `"`), "\x00", " #", 1)
		c := e2eCheck{key: file + "|" + title}
		if file == "host.json" {
			// one real host at a time, as the dashboard's single-value instance variable;
			// Grafana escapes regex metacharacters with a doubled backslash inside "..."
			for _, inst := range instances {
				c.variants = append(c.variants, expand(q.expr, allJobs, strings.ReplaceAll(regexp.QuoteMeta(inst), `\`, `\\`)))
			}
		} else {
			c.variants = []string{expand(q.expr, allJobs, ".+")}
		}
		checks = append(checks, c)
	}
	rulesByAlert := map[string][]string{}
	for _, r := range loadRules(t) {
		if r.Record != "" {
			checks = append(checks, e2eCheck{key: "rules|" + r.Record, variants: []string{r.Expr}})
		} else {
			rulesByAlert[r.Alert] = append(rulesByAlert[r.Alert], r.Expr)
		}
	}
	for _, a := range e2eAlerts {
		if rulesByAlert[a] == nil {
			t.Fatalf("e2eAlerts names unknown alert %s", a)
		}
		checks = append(checks, e2eCheck{key: "alert|" + a, variants: rulesByAlert[a]})
	}
	return checks
}

type allowList struct {
	mu   sync.Mutex
	used map[string]bool
}

func (a *allowList) has(key string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	_, ok := a.used[key]
	if ok {
		a.used[key] = true
	}
	return ok
}

// readAllowList reads tests/e2e-allowlist.txt: source|title|reason per line.
func readAllowList(t *testing.T) *allowList {
	raw, err := os.ReadFile("tests/e2e-allowlist.txt")
	if err != nil {
		t.Fatal(err)
	}
	a := &allowList{used: map[string]bool{}}
	for _, line := range strings.Split(string(raw), "\n") {
		if line = strings.TrimSpace(line); line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.SplitN(line, "|", 3)
		if len(parts) != 3 || strings.TrimSpace(parts[2]) == "" {
			t.Errorf("e2e-allowlist.txt: %q is not source|title|reason", line)
			continue
		}
		a.used[parts[0]+"|"+parts[1]] = false
	}
	return a
}

func buildExporter(t *testing.T, root, dir string) string {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go tool is needed to build the exporter: %v", err)
	}
	binary := filepath.Join(dir, "secagent_exporter")
	cmd := exec.Command(goTool, "build", "-o", binary, "./cmd/secagent_exporter")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return binary
}

// e2eScenarioArgs turns a scenario file into flags the way the golden tests do.
func e2eScenarioArgs(t *testing.T, path, fixtures, state string) []string {
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"--web.disable-exporter-metrics", "--state.dir=" + state}
	hosts := &fixturegen.Hosts{Fixtures: fixtures, Dir: t.TempDir()}
	if !strings.Contains(string(raw), "--testing.time") {
		args = append(args, "--testing.time=2026-11-20T12:00:00Z")
	}
	if !strings.Contains(string(raw), "--collector.timezone") {
		args = append(args, "--collector.timezone=UTC")
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if line = strings.TrimSpace(line); line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		line = strings.ReplaceAll(line, "{{fixtures}}", fixtures)
		line, err = hosts.Replace(strings.ReplaceAll(line, "{{state}}", state))
		if err != nil {
			t.Fatal(err)
		}
		args = append(args, line)
	}
	return args
}

var listeningOn = regexp.MustCompile(`msg="Listening on" address=(\S+)`)

// startLoopbackExporter runs the exporter on an ephemeral loopback port, returns host:port.
func startLoopbackExporter(t *testing.T, binary string, args []string) string {
	return startExporterAt(t, binary, "127.0.0.1:0", args)
}

// startExporterAt runs the exporter listening on listen, returns the address it listens on.
func startExporterAt(t *testing.T, binary, listen string, args []string) string {
	cmd := exec.Command(binary, append([]string{"--web.listen-address=" + listen}, args...)...)
	cmd.Env = append(os.Environ(), "TZ=UTC")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := listeningOn.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case addr <- m[1]:
				default:
				}
			}
		}
	}()
	select {
	case a := <-addr:
		return a
	case <-time.After(15 * time.Second):
		t.Fatalf("exporter %v did not start listening", args)
		return ""
	}
}

func freeLoopbackPort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// startPrometheus writes a config scraping every job every second with the rules loaded,
// starts Prometheus on loopback and returns its API base URL once it is ready.
func startPrometheus(t *testing.T, binary, dir, rulesDir string, jobs map[string][]string) string {
	var cfg bytes.Buffer
	fmt.Fprintf(&cfg, "global: {scrape_interval: 1s, scrape_timeout: 900ms, evaluation_interval: 1s}\n")
	fmt.Fprintf(&cfg, "rule_files: [%q]\nscrape_configs:\n", filepath.Join(rulesDir, "*.yml"))
	var names []string
	for j := range jobs {
		names = append(names, j)
	}
	sort.Strings(names)
	for _, j := range names {
		targets, _ := json.Marshal(jobs[j])
		fmt.Fprintf(&cfg, "  - job_name: %q\n    static_configs: [{targets: %s}]\n", j, targets)
	}
	config := filepath.Join(dir, "prometheus.yml")
	if err := os.WriteFile(config, cfg.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return startPrometheusConfig(t, binary, dir, config)
}

// startPrometheusConfig starts Prometheus on loopback with config and its TSDB under dir,
// returns its API base URL once it is ready.
func startPrometheusConfig(t *testing.T, binary, dir, config string) string {
	listen := freeLoopbackPort(t)
	base := "http://" + listen
	startDaemon(t, "prometheus", binary, []string{"--config.file=" + config, "--storage.tsdb.path=" + filepath.Join(dir, "tsdb"),
		"--web.listen-address=" + listen, "--log.level=warn"}, base+"/-/ready")
	return base + "/api/v1"
}

type promResponse struct {
	Status string          `json:"status"`
	Error  string          `json:"error"`
	Data   json.RawMessage `json:"data"`
}

func promGet(api, path string, params url.Values) (json.RawMessage, error) {
	resp, err := http.Get(api + path + "?" + params.Encode())
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var r promResponse
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		return nil, fmt.Errorf("%s: %v", resp.Status, err)
	}
	if r.Status != "success" {
		return nil, fmt.Errorf("%s", r.Error)
	}
	return r.Data, nil
}

type vectorResult struct {
	ResultType string `json:"resultType"`
	Result     []struct {
		Value []any `json:"value"`
	} `json:"result"`
}

func instantQuery(api, q string) (vectorResult, error) {
	var v vectorResult
	data, err := promGet(api, "/query", url.Values{"query": {q}})
	if err != nil {
		return v, err
	}
	err = json.Unmarshal(data, &v)
	return v, err
}

func queryCount(api, q string) (int, error) {
	v, err := instantQuery(api, q)
	return len(v.Result), err
}

func resultCount(t *testing.T, api, q string) int {
	n, err := queryCount(api, q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func firstValue(t *testing.T, api, q string) string {
	v, err := instantQuery(api, q)
	if err != nil || len(v.Result) == 0 || len(v.Result[0].Value) < 2 {
		return ""
	}
	return fmt.Sprint(v.Result[0].Value[1])
}

// ruleHealth lists rules that failed or have not been evaluated yet.
func ruleHealth(t *testing.T, api string) []string {
	data, err := promGet(api, "/rules", url.Values{})
	if err != nil {
		return []string{"rules API: " + err.Error()}
	}
	var r struct {
		Groups []struct {
			Rules []struct {
				Name      string `json:"name"`
				Health    string `json:"health"`
				LastError string `json:"lastError"`
			} `json:"rules"`
		} `json:"groups"`
	}
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	var bad []string
	for _, g := range r.Groups {
		for _, rule := range g.Rules {
			if rule.Health != "ok" {
				bad = append(bad, fmt.Sprintf("rule %s: health %s %s", rule.Name, rule.Health, rule.LastError))
			}
		}
	}
	return bad
}
