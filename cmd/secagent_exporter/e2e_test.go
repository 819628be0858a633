package main

// End-to-end tests: the built binary runs against fixture host trees, is scraped over
// HTTP on a loopback port, and its /metrics is compared with a reviewed golden file and
// checked by promtool. `make golden` regenerates the goldens deliberately.

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
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

var updateGolden = flag.Bool("update", false, "rewrite the end-to-end golden files")

// pinnedTime is the clock every fixture scenario is written against.
const pinnedTime = "2026-11-20T12:00:00Z"

var exporterBinary string

func TestMain(m *testing.M) {
	flag.Parse()
	setMaxProcs = func(int) {} // runContext in this process must not slow the other tests down
	dir, err := os.MkdirTemp("", "secagent-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	exporterBinary = filepath.Join(dir, exporterName)
	build := exec.Command("go", "build", "-o", exporterBinary, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building the exporter:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func fixturesDir(t testing.TB) string {
	t.Helper()
	abs, err := filepath.Abs(filepath.Join("..", "..", "collector", "fixtures"))
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

// exporterProcess is one running exporter.
type exporterProcess struct {
	URL    string
	cmd    *exec.Cmd
	mu     sync.Mutex
	stderr bytes.Buffer
	exited chan struct{}
}

func (p *exporterProcess) Log() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stderr.String()
}

func (p *exporterProcess) Running() bool {
	select {
	case <-p.exited:
		return false
	default:
		return true
	}
}

// startExporter runs the binary on an ephemeral loopback port and waits until it listens.
func startExporter(t testing.TB, scheme string, args ...string) *exporterProcess {
	t.Helper()
	return startExporterWith(t, scheme, exporterBinary, nil, args...)
}

// startExporterWith is startExporter for another build of the binary (binary) and with
// prepare adjusting the command before it starts (credentials, environment).
func startExporterWith(t testing.TB, scheme, binary string, prepare func(*exec.Cmd), args ...string) *exporterProcess {
	t.Helper()
	args = append([]string{"--web.listen-address=127.0.0.1:0"}, args...)
	cmd := exec.Command(binary, args...)
	cmd.Env = append(os.Environ(), "TZ=UTC")
	if prepare != nil {
		prepare(cmd)
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &exporterProcess{cmd: cmd, exited: make(chan struct{})}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		re := regexp.MustCompile(`msg="Listening on" address=(\S+)`)
		for sc.Scan() {
			line := sc.Text()
			p.mu.Lock()
			p.stderr.WriteString(line + "\n")
			p.mu.Unlock()
			if m := re.FindStringSubmatch(line); m != nil {
				select {
				case addr <- m[1]:
				default:
				}
			}
		}
	}()
	go func() { _ = cmd.Wait(); close(p.exited) }()
	t.Cleanup(func() {
		if p.Running() {
			_ = cmd.Process.Kill()
			<-p.exited
		}
	})
	select {
	case a := <-addr:
		p.URL = scheme + "://" + a
	case <-p.exited:
		t.Fatalf("exporter exited before listening:\n%s", p.Log())
	case <-time.After(15 * time.Second):
		t.Fatalf("exporter did not start listening:\n%s", p.Log())
	}
	return p
}

func scrape(t testing.TB, client *http.Client, url string, scrapeTimeout string) (string, time.Duration) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if scrapeTimeout != "" {
		req.Header.Set("X-Prometheus-Scrape-Timeout-Seconds", scrapeTimeout)
	}
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("scrape %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("scrape %s: %s\n%s", url, resp.Status, body)
	}
	return string(body), time.Since(start)
}

// scenarioArgs reads collector/fixtures/e2e/<name>.args: one flag per line, # comments,
// {{fixtures}}, {{state}} and {{host:<name>}} (a host tree, expanded from its spec when it
// has no committed tree) placeholders.
func scenarioArgs(t testing.TB, path, fixtures, state string) []string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	args := []string{
		"--web.disable-exporter-metrics",
		"--state.dir=" + state,
	}
	hosts := &fixturegen.Hosts{Fixtures: fixtures, Dir: t.TempDir()}
	// A scenario may pin its own clock or time zone; otherwise the shared ones apply.
	if !strings.Contains(string(raw), "--testing.time") {
		args = append(args, "--testing.time="+pinnedTime)
	}
	if !strings.Contains(string(raw), "--collector.timezone") {
		args = append(args, "--collector.timezone=UTC")
	}
	for _, line := range strings.Split(string(raw), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		line = strings.ReplaceAll(line, "{{fixtures}}", fixtures)
		line = strings.ReplaceAll(line, "{{state}}", state)
		line, err = hosts.Replace(line)
		if err != nil {
			t.Fatal(err)
		}
		args = append(args, line)
	}
	return args
}

var (
	durationLine  = regexp.MustCompile(`(?m)^(secagent_collector_duration_seconds\{[^}]*\}) .*$`)
	buildInfoLine = regexp.MustCompile(`(?m)^secagent_exporter_build_info\{[^}]*\} 1$`)
)

// normalize removes what legitimately differs between runs: timings and build labels.
func normalize(metrics string) string {
	metrics = durationLine.ReplaceAllString(metrics, "$1 <duration>")
	return buildInfoLine.ReplaceAllString(metrics, "secagent_exporter_build_info{<build labels>} 1")
}

func promtoolCheck(t testing.TB, metrics string) {
	t.Helper()
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		if os.Getenv("SECAGENT_REQUIRE_TOOLS") != "" {
			t.Fatal("promtool not found but SECAGENT_REQUIRE_TOOLS is set (make test installs it)")
		}
		t.Log("promtool not found: skipping promtool check metrics")
		return
	}
	cmd := exec.Command(promtool, "check", "metrics")
	cmd.Stdin = strings.NewReader(metrics)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Errorf("promtool check metrics: %v\n%s", err, out)
	}
}

func TestEndToEndGolden(t *testing.T) {
	fixtures := fixturesDir(t)
	scenarios, err := filepath.Glob(filepath.Join(fixtures, "e2e", "*.args"))
	if err != nil || len(scenarios) == 0 {
		t.Fatalf("no scenarios under %s/e2e: %v", fixtures, err)
	}
	sort.Strings(scenarios)
	for _, argsFile := range scenarios {
		name := strings.TrimSuffix(filepath.Base(argsFile), ".args")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			state := t.TempDir()
			p := startExporter(t, "http", scenarioArgs(t, argsFile, fixtures, state)...)
			body, _ := scrape(t, http.DefaultClient, p.URL+"/metrics", "10")
			// A second scrape reads incrementally from the persisted offsets and must
			// report the same state as the first.
			again, _ := scrape(t, http.DefaultClient, p.URL+"/metrics", "10")
			promtoolCheck(t, body)
			got := normalize(body)
			if normalize(again) != got {
				t.Errorf("second scrape differs from the first:\n%s", lineDiff(got, normalize(again)))
			}
			golden := strings.TrimSuffix(argsFile, ".args") + ".metrics"
			if *updateGolden {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run `make golden` to create it)", err)
			}
			if got != string(want) {
				t.Errorf("/metrics differs from %s (run `make golden` after reviewing):\n%s\nexporter log:\n%s",
					filepath.Base(golden), lineDiff(string(want), got), p.Log())
			}
		})
	}
}

// lineDiff lists the lines only in want (-) or only in got (+).
func lineDiff(want, got string) string {
	count := map[string]int{}
	for _, l := range strings.Split(want, "\n") {
		count[l]++
	}
	for _, l := range strings.Split(got, "\n") {
		count[l]--
	}
	var b strings.Builder
	for _, l := range strings.Split(want, "\n") {
		if count[l] > 0 {
			b.WriteString("- " + l + "\n")
			count[l]--
		}
	}
	for _, l := range strings.Split(got, "\n") {
		if count[l] < 0 {
			b.WriteString("+ " + l + "\n")
			count[l]++
		}
	}
	return b.String()
}

func TestHealthAndLandingPage(t *testing.T) {
	p := startExporter(t, "http", "--collector.disable-defaults", "--state.dir="+t.TempDir())
	for path, want := range map[string]string{"/health": "OK", "/": "secagent_exporter"} {
		resp, err := http.Get(p.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(body), want) {
			t.Errorf("GET %s = %s %q", path, resp.Status, body)
		}
	}
}

// The exporter runs its Go code on one CPU unless told otherwise, as node_exporter does.
func TestRuntimeGOMAXPROCS(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  string
		args []string
		want string
	}{
		{"default", "", nil, "1"},
		{"flag", "", []string{"--runtime.gomaxprocs=3"}, "3"},
		{"environment", "GOMAXPROCS=2", nil, "2"},
		{"flag wins", "GOMAXPROCS=2", []string{"--runtime.gomaxprocs=4"}, "4"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"--collector.disable-defaults", "--state.dir=" + t.TempDir()}, tc.args...)
			p := startExporterWith(t, "http", exporterBinary, func(cmd *exec.Cmd) {
				if tc.env != "" {
					cmd.Env = append(cmd.Env, tc.env)
				}
			}, args...)
			body, _ := scrape(t, http.DefaultClient, p.URL+"/metrics", "")
			if want := "\ngo_sched_gomaxprocs_threads " + tc.want + "\n"; !strings.Contains(body, want) {
				t.Errorf("want %q in\n%s", strings.TrimSpace(want), body)
			}
		})
	}
}

func TestStartupErrorsAreOneLineAndNonZero(t *testing.T) {
	busy := startExporter(t, "http", "--collector.disable-defaults", "--state.dir="+t.TempDir())
	port := busy.URL[strings.LastIndex(busy.URL, ":")+1:]
	badYAML := filepath.Join(t.TempDir(), "bad.yml")
	os.WriteFile(badYAML, []byte("collector.timeout: [1, 2\n"), 0o644)
	unknownKey := filepath.Join(t.TempDir(), "unknown.yml")
	os.WriteFile(unknownKey, []byte("collector.tiemout: 5s\n"), 0o644)
	cases := map[string][]string{
		"unknown flag":       {"--no-such-flag"},
		"unreadable config":  {"--config.file=" + filepath.Join(t.TempDir(), "missing.yml")},
		"malformed config":   {"--config.file=" + badYAML},
		"unknown config key": {"--config.file=" + unknownKey},
		"busy port":          {"--web.listen-address=127.0.0.1:" + port, "--collector.disable-defaults", "--state.dir=" + t.TempDir()},
		"bad timeout":        {"--collector.timeout=-1s"},
		"bad timezone":       {"--collector.timezone=Mars/Olympus"},
		"bad gomaxprocs":     {"--runtime.gomaxprocs=-1"},
		"relative telemetry": {"--web.telemetry-path=metrics"},
		"unknown collector":  {"--collector.nonexistent"},
		"web config missing": {"--web.config.file=" + filepath.Join(t.TempDir(), "none.yml"), "--collector.disable-defaults", "--state.dir=" + t.TempDir()},
	}
	for name, args := range cases {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, exporterBinary, args...)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			if err == nil {
				t.Fatalf("exit status 0; stderr:\n%s", stderr.String())
			}
			if ctx.Err() != nil {
				t.Fatal("did not exit")
			}
			if strings.Contains(stderr.String(), "goroutine ") || strings.Contains(stderr.String(), "panic:") {
				t.Fatalf("panic trace on bad input:\n%s", stderr.String())
			}
			var errorLines []string
			for _, l := range strings.Split(stderr.String(), "\n") {
				if strings.HasPrefix(l, exporterName+": error:") {
					errorLines = append(errorLines, l)
				}
			}
			if len(errorLines) != 1 {
				t.Fatalf("want exactly one '%s: error:' line, got:\n%s", exporterName, stderr.String())
			}
		})
	}
}

func execExporter(args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, exporterBinary, args...).CombinedOutput()
	return string(out), err
}
