//go:build linux

package main

// The attack suite: the built binary against a host tree prepared the way an attacker
// with write access to agent files (or a broken agent) would, one case per way the
// exporter was once broken (issue 15, docs/reliability.md "Hostile host input"). Each
// case asserts the right behaviour: the scrape is answered in time, memory and open
// files stay bounded, no secret reaches /metrics, the log or a bundle, nothing is read
// from outside --path.rootfs, and the collector is healthy again on the next scrape
// once the file is fixed. The exporter runs as nobody when the suite runs as root.

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// attackRSSLimit bounds the exporter's peak resident memory in every case: a few tens
// of MiB in practice; an unbounded read of /dev/zero or a 16 MiB XML document goes far
// beyond it.
const attackRSSLimit = 150 << 20

// peakRSS is the process' peak resident set (VmHWM) in bytes.
func peakRSS(t *testing.T, pid int) int64 {
	t.Helper()
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	t.Fatal("no VmHWM")
	return 0
}

func openFiles(pid int) int {
	entries, _ := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	return len(entries)
}

func wantRSSBounded(t *testing.T, p *exporterProcess) {
	t.Helper()
	if rss := peakRSS(t, p.cmd.Process.Pid); rss > attackRSSLimit {
		t.Errorf("peak RSS %d MiB, more than %d MiB", rss>>20, attackRSSLimit>>20)
	}
}

// withFlags returns h's arguments with the flags of extra replacing those of the same name.
func withFlags(h *faultHost, extra ...string) []string {
	all := append([]string(nil), extra...)
	for _, a := range h.args() {
		name, _, _ := strings.Cut(a, "=")
		if !slices.ContainsFunc(extra, func(x string) bool { return strings.HasPrefix(x, name+"=") }) {
			all = append(all, a)
		}
	}
	return all
}

// Cases whose point is a bound other than time (descriptors, log lines, truncation) run
// with roomier deadlines, so a loaded CI machine does not turn them into timeouts.
var roomy = []string{"--collector.command-timeout=8s", "--collector.timeout=15s"}

const roomyScrapeTimeout = "20"

func roomyScrape(t *testing.T, p *exporterProcess) series {
	t.Helper()
	body, _ := scrape(t, &http.Client{Timeout: 60 * time.Second}, p.URL+"/metrics", roomyScrapeTimeout)
	if !p.Running() {
		t.Fatalf("exporter exited:\n%s", p.Log())
	}
	return parseSeries(t, body)
}

// attackHost is a writable copy of the demo host with a state directory.
func attackHost(t *testing.T) *faultHost {
	return &faultHost{root: copyHost(t, "demo"), state: t.TempDir(), stateOwned: true}
}

func mkfifo(t *testing.T, path string) {
	t.Helper()
	os.Remove(path)
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	os.Remove(link)
	if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

// oneShot runs a command of the binary (diagnose, support-bundle) on h, unprivileged
// when the suite runs as root, and returns its output, exit code, wall time and peak RSS.
type oneShotResult struct {
	out  string
	code int
	took time.Duration
	rss  int64
}

func oneShot(t *testing.T, h *faultHost, during func(*exec.Cmd), args ...string) oneShotResult {
	t.Helper()
	// A flag given in args replaces the host's default of the same name.
	cmd := exec.Command(exporterBinary, withFlags(h, args...)...)
	cmd.Env = append(os.Environ(), "TZ=UTC", "LANG=C")
	cmd.Dir = t.TempDir()
	if prepare := unprivileged(t, []string{h.root}, []string{h.state, cmd.Dir}); prepare != nil {
		prepare(cmd)
	}
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	if during != nil {
		during(cmd)
	}
	var err error
	select {
	case err = <-done:
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		<-done
		t.Fatalf("%s did not finish within 60s:\n%s", args[0], out.String())
	}
	r := oneShotResult{out: out.String(), took: time.Since(start)}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		r.code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.rss = ru.Maxrss << 10
	}
	return r
}

// bundleIn runs support-bundle on h and returns the archive's files.
func bundleIn(t *testing.T, h *faultHost, extra ...string) map[string]string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "bundle.tar.gz")
	if os.Getuid() == 0 {
		openAncestors(t, filepath.Dir(out))
		if err := os.Chown(filepath.Dir(out), unprivilegedID, unprivilegedID); err != nil {
			t.Fatal(err)
		}
	}
	r := oneShot(t, h, nil, append([]string{"support-bundle", "--output=" + out}, extra...)...)
	if r.code != 0 {
		t.Fatalf("support-bundle exit %d:\n%s", r.code, r.out)
	}
	if r.took > 30*time.Second {
		t.Errorf("support-bundle took %s", r.took)
	}
	if r.rss > attackRSSLimit {
		t.Errorf("support-bundle peak RSS %d MiB", r.rss>>20)
	}
	return readArchive(t, out)
}

func wantAbsent(t *testing.T, where, text string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if strings.Contains(text, s) {
			t.Errorf("%s contains %q", where, s)
		}
	}
}

func TestAttackSuite(t *testing.T) {
	// A host file that is a link to /dev/zero: the Qualys host id, a state file, a log the
	// bundle reads. A link inside the host tree resolves under --path.rootfs, so where
	// the tree's /dev is a real device directory (root: a device node made in the tree)
	// the device is refused by type; otherwise the link names a missing file. Either way
	// nothing is read without bound.
	t.Run("link to /dev/zero", func(t *testing.T) {
		h := attackHost(t)
		device := false
		if os.Getuid() == 0 {
			_ = os.MkdirAll(h.path("/dev"), 0o755)
			device = syscall.Mknod(h.path("/dev/zero"), syscall.S_IFCHR|0o666, 1<<8|5) == nil
		}
		good, _ := os.ReadFile(h.path("/etc/qualys/hostid"))
		symlink(t, "/dev/zero", h.path("/etc/qualys/hostid"))
		symlink(t, "/dev/zero", filepath.Join(h.state, "logtail-qualys_log.json"))
		symlink(t, "../../../../../../../../../../dev/zero", h.path("/var/McAfee/agent/logs/macmnsvc_web01.log"))
		p := h.start(t)
		s := faultScrape(t, p)
		wantValue(t, s, sourceSuccess("qualys", "host_id"), 0)
		wantValue(t, s, `secagent_collector_timeout{collector="qualys"}`, 0)
		if v := s[`secagent_files_skipped_total{collector="qualys",reason="not_regular"}`]; device && v < 1 {
			t.Errorf("the device node is not counted as not_regular: %v", v)
		}
		wantRSSBounded(t, p)
		files := bundleIn(t, h)
		if len(files) == 0 {
			t.Fatal("empty bundle")
		}
		replaceFile(t, h.path("/etc/qualys/hostid"), good)
		s = faultScrape(t, p)
		wantValue(t, s, sourceSuccess("qualys", "host_id"), 1)
		wantRSSBounded(t, p)
	})

	// A FIFO in place of Cisco local.xml and of the Qualys host id: those sources fail at
	// once, every scrape is answered in time, and once the files are back the same
	// process is healthy again (no goroutine left blocked holding a collector). The
	// bundle on a FIFO log finishes; SIGINT, SIGTERM and --deadline stop it cleanly.
	t.Run("FIFO in place of a file", func(t *testing.T) {
		h := attackHost(t)
		localXML, _ := os.ReadFile(h.path("/opt/cisco/amp/etc/local.xml"))
		hostID, _ := os.ReadFile(h.path("/etc/qualys/hostid"))
		p := h.start(t)
		faultScrape(t, p)
		mkfifo(t, h.path("/opt/cisco/amp/etc/local.xml"))
		mkfifo(t, h.path("/etc/qualys/hostid"))
		for range 3 {
			s := faultScrape(t, p)
			wantValue(t, s, sourceSuccess("cisco", "local_xml"), 0)
			wantValue(t, s, sourceSuccess("qualys", "host_id"), 0)
			wantValue(t, s, `secagent_collector_timeout{collector="cisco"}`, 0)
			wantValue(t, s, `secagent_collector_timeout{collector="qualys"}`, 0)
			if v := s[`secagent_files_skipped_total{collector="cisco",reason="not_regular"}`]; v < 1 {
				t.Errorf("FIFO not counted in secagent_files_skipped_total: %v", v)
			}
		}
		if !regexp.MustCompile(`local.xml: not a regular file \(named pipe\)`).MatchString(p.Log()) {
			t.Errorf("log does not say why:\n%s", tail(p.Log(), 20))
		}
		replaceFile(t, h.path("/opt/cisco/amp/etc/local.xml"), localXML)
		replaceFile(t, h.path("/etc/qualys/hostid"), hostID)
		s := faultScrape(t, p)
		wantValue(t, s, collectorSuccess("cisco"), 1)
		wantValue(t, s, sourceSuccess("qualys", "host_id"), 1)

		mkfifo(t, h.path(mcafeeAgentLog))
		files := bundleIn(t, h)
		if !strings.Contains(files["logs/encodings.txt"], "not a regular file") {
			t.Errorf("bundle does not say the log is a FIFO:\n%s", files["logs/encodings.txt"])
		}

		// A CLI that never answers keeps the bundle busy: a signal or the deadline ends
		// it within seconds, with exit 2, no archive and no CLI left running.
		agentScript(t, h, mcafeeCmdAgent, "exec sleep 47.25")
		for _, stop := range []struct {
			name string
			args []string
			sig  os.Signal
		}{
			{"SIGINT", nil, os.Interrupt},
			{"SIGTERM", nil, syscall.SIGTERM},
			{"deadline", []string{"--deadline=2s"}, nil},
		} {
			out := filepath.Join(t.TempDir(), "bundle.tar.gz")
			if os.Getuid() == 0 {
				openAncestors(t, filepath.Dir(out))
				_ = os.Chown(filepath.Dir(out), unprivilegedID, unprivilegedID)
			}
			args := append([]string{"support-bundle", "--output=" + out}, stop.args...)
			args = append(args, "--collector.command-timeout=60s", "--collector.timeout=60s")
			r := oneShot(t, h, func(cmd *exec.Cmd) {
				if stop.sig != nil {
					time.Sleep(1500 * time.Millisecond)
					_ = cmd.Process.Signal(stop.sig)
				}
			}, args...)
			if r.code != 2 || r.took > 10*time.Second {
				t.Errorf("%s: exit %d after %s, want 2 within seconds:\n%s", stop.name, r.code, r.took, r.out)
			}
			if !strings.Contains(r.out, "stopped") {
				t.Errorf("%s: output does not say it stopped: %q", stop.name, r.out)
			}
			left, _ := filepath.Glob(filepath.Join(filepath.Dir(out), "*"))
			if len(left) != 0 {
				t.Errorf("%s: left %v behind", stop.name, left)
			}
			deadline := time.Now().Add(5 * time.Second)
			for processWithArgs("sleep", "47.25") && time.Now().Before(deadline) {
				time.Sleep(100 * time.Millisecond)
			}
			if processWithArgs("sleep", "47.25") {
				t.Errorf("%s: the agent CLI outlived the bundle", stop.name)
			}
		}
	})

	// Links out of the host tree, absolute and climbing, in every place the bundle
	// reads: the host's files (here a stand-in for /etc/shadow next to the tree, and the
	// machine's real /etc/shadow) never end up in the archive; an absolute link means
	// the file of that name inside the tree.
	t.Run("bundle follows no link out of the rootfs", func(t *testing.T) {
		h := attackHost(t)
		outside := filepath.Join(filepath.Dir(h.root), "shadow")
		writeFile(t, outside, []byte("root:SECRET-OUTSIDE-SHADOW:19000:0:99999:7:::\n"), 0o644)
		writeFile(t, h.path("/etc/shadow"), []byte("inside-shadow-marker\n"), 0o644)
		symlink(t, outside, h.path("/etc/qualys/hostid"))
		symlink(t, "../../../shadow", h.path("/etc/selinux/config"))
		symlink(t, "/etc/shadow", h.path(mcafeeAgentLog))
		symlink(t, "../../../../../../../../../../../../etc/shadow", h.path("/var/McAfee/agent/logs/macmnsvc_web01.log"))
		files := bundleIn(t, h)
		real, _ := os.ReadFile("/etc/shadow")
		realFirst, _, _ := strings.Cut(string(real), "\n")
		for name, content := range files {
			wantAbsent(t, name, content, "SECRET-OUTSIDE-SHADOW")
			if realFirst != "" && strings.Contains(content, realFirst) {
				t.Errorf("%s holds the machine's /etc/shadow", name)
			}
		}
		if !strings.Contains(files["logs/mcafee_agent/masvc_web01.log.tail.txt"], "inside-shadow-marker") {
			t.Errorf("absolute link not resolved inside the tree: %q %q", keys(files), files["logs/encodings.txt"])
		}
	})

	// Every redaction leak once found, planted in a log the bundle copies, in the Qualys
	// conf and in the proxy environment file: none reaches the archive, /metrics or the log.
	t.Run("redaction holds", func(t *testing.T) {
		h := attackHost(t)
		secrets := []string{"Pa55-AT@SIGN", "SECRET-NOSCHEME", "SECRET-SLASH", "SECRET-BEARER-TOKEN", "U0VDUkVULUJBU0lD",
			"SECRET-REG", "SECRET-TAB", "SECRET-XMLLINE", "SECRET-CDATA", "SECRET-ENTRY", "SECRET-TOKEN-1", "SECRET-TOKEN-2",
			"c2VjcmV0LWtleXBhaXItbm90LXBlbS0xMjM0NTY3ODkw", "SECRET-NESTED", "ab12cd34-ef56-4a78-9b01-c2d3e4f5a6b7"}
		planted := strings.Join([]string{
			"proxy=http://proxyuser:Pa55-AT@SIGN@proxy.example.com:8080",
			"https_proxy=proxyuser:SECRET-NOSCHEME@proxy.example.com:3128",
			`proxy=http://CORP\proxyuser:SECRET-SLASH/x@proxy.example.com:8080`,
			"Authorization: Bearer SECRET-BEARER-TOKEN",
			"Proxy-Authorization Basic U0VDUkVULUJBU0lD",
			`"ProxyPassword"="SECRET-REG"`,
			"password\tSECRET-TAB",
			"<password>", "SECRET-XMLLINE", "</password>",
			"<password><![CDATA[SECRET-CDATA]]></password>",
			`<entry key="proxy_password" value="SECRET-ENTRY"/>`,
			"<install_token>", "SECRET-TOKEN-1", "SECRET-TOKEN-2", "</install_token>",
			"client_keypair=c2VjcmV0LWtleXBhaXItbm90LXBlbS0xMjM0NTY3ODkw",
			`{"activation":{"ActivationId":"SECRET-NESTED"}}`,
			"activation id is ab12cd34-ef56-4a78-9b01-c2d3e4f5a6b7",
		}, "\n") + "\n"
		appendFile(t, h.path(mcafeeAgentLog), planted)
		appendFile(t, h.path("/etc/qualys/cloud-agent/qualys-cloud-agent.conf"), planted)
		appendFile(t, h.path("/etc/sysconfig/qualys-cloud-agent"), planted)
		p := h.start(t)
		body, _ := scrape(t, &http.Client{Timeout: 30 * time.Second}, p.URL+"/metrics", faultScrapeTimeout)
		wantAbsent(t, "/metrics", body, secrets...)
		wantAbsent(t, "exporter log", p.Log(), secrets...)
		files := bundleIn(t, h)
		for name, content := range files {
			wantAbsent(t, name, content, secrets...)
		}
		// The planted lines did go in, redacted.
		for _, name := range []string{"logs/mcafee_agent/masvc_web01.log.tail.txt", "files/qualys_agent_conf/qualys-cloud-agent.conf"} {
			if !strings.Contains(files[name], "proxy.example.com") || !strings.Contains(files[name], "install_token") {
				t.Errorf("%s lacks the planted lines:\n%s", name, files[name])
			}
		}
	})

	// Secrets and free text outside the bundle: ePO URL credentials never reach
	// epo_agent_info{epo_server}; a CLI's stderr credentials never reach the log; a
	// connector UUID of megabytes is no label, and slow readers holding every
	// --web.max-requests slot do not lock real scrapes out.
	t.Run("secrets and free text stay out of labels and logs", func(t *testing.T) {
		h := attackHost(t)
		info, _ := os.ReadFile(h.path("/opt/McAfee/agent/bin/cmdagent-i.txt"))
		info = []byte(strings.ReplaceAll(string(info), "EpoServerLastUsed: epo01.example.com",
			"EpoServerLastUsed: https://admin:SECRET-EPO-URL@epo01.example.com:8443/remote"))
		writeFile(t, h.path("/opt/McAfee/agent/bin/cmdagent-i.txt"), info, 0o644)
		agentScript(t, h, ciscoAmpcli, `echo "proxy login failed: password=SECRET-STDERR user=x" >&2; exit 3`)
		writeFile(t, h.path("/opt/cisco/amp/etc/local.xml"),
			[]byte("<config><agent><uuid>"+strings.Repeat("A", 3<<20)+"</uuid></agent></config>"), 0o644)
		args := append(h.args(), "--web.max-requests=2")
		p := startExporterWith(t, "http", exporterBinary, unprivileged(t, []string{h.root}, []string{h.state}), args...)
		// Two clients that send a request and never read the answer.
		for range 2 {
			c, err := net.Dial("tcp", strings.TrimPrefix(p.URL, "http://"))
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			fmt.Fprintf(c, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
		}
		// The stalled requests free their slots once collected and written (the answer
		// fits the socket buffers now that no label is megabytes; the write timeout bounds
		// the rest): a real scrape gets through within seconds, never 503 for ever.
		var body string
		deadline := time.Now().Add(20 * time.Second)
		for {
			req, _ := http.NewRequest(http.MethodGet, p.URL+"/metrics", nil)
			req.Header.Set("X-Prometheus-Scrape-Timeout-Seconds", faultScrapeTimeout)
			resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				body = string(raw)
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("behind two slow readers, /metrics still answers %s", resp.Status)
			}
			time.Sleep(250 * time.Millisecond)
		}
		if len(body) > 1<<20 {
			t.Errorf("/metrics is %d bytes", len(body))
		}
		s := parseSeries(t, body)
		wantValue(t, s, `epo_agent_info{epo_server="epo01.example.com",guid="3F2504E0-4F89-41D3-9A0C-0305E82C3301",mode="managed",version="5.7.9.139"}`, 1)
		wantValue(t, s, `connector_info{platform="linux",uuid="",version="1.24.1.1047"}`, 1)
		for k := range s {
			if strings.HasPrefix(k, "epo_agent_info{") && !strings.Contains(k, `epo_server="epo01.example.com"`) {
				t.Errorf("epo_server not host-only: %s", k)
			}
		}
		wantAbsent(t, "/metrics", body, "SECRET-EPO-URL", "admin", "SECRET-STDERR", "AAAAAAAA")
		wantAbsent(t, "exporter log", p.Log(), "SECRET-EPO-URL", "SECRET-STDERR")
		if s[`secagent_label_rejected_total{collector="cisco",label="uuid",reason="too_long"}`] < 1 {
			t.Errorf("the megabyte UUID is not counted as rejected")
		}
	})

	// 50,000 files matching the McAfee log glob: a bounded number of descriptors, the
	// newest files read, the rest counted, the collector healthy.
	t.Run("50000 log files", func(t *testing.T) {
		h := attackHost(t)
		dir := h.path("/var/McAfee/agent/logs")
		old := time.Now().Add(-48 * time.Hour)
		for i := range 50000 {
			p := filepath.Join(dir, fmt.Sprintf("masvc_web01_backup_%05d.log", i))
			if err := os.WriteFile(p, nil, 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.Chtimes(p, old, old); err != nil {
				t.Fatal(err)
			}
		}
		p := startExporterWith(t, "http", exporterBinary, unprivileged(t, []string{h.root}, []string{h.state}), withFlags(h, roomy...)...)
		stop := make(chan struct{})
		maxFDs := make(chan int, 1)
		go func() {
			m := 0
			for {
				select {
				case <-stop:
					maxFDs <- m
					return
				default:
					m = max(m, openFiles(p.cmd.Process.Pid))
					time.Sleep(2 * time.Millisecond)
				}
			}
		}()
		var s series
		for range 2 {
			s = roomyScrape(t, p)
		}
		close(stop)
		if m := <-maxFDs; m > 300 {
			t.Errorf("%d descriptors open during a scrape", m)
		}
		wantValue(t, s, collectorSuccess("mcafee"), 1)
		wantValue(t, s, sourceSuccess("mcafee", "mcafee_agent_log"), 1)
		if t.Failed() {
			t.Log(regexp.MustCompile(`.*level=(ERROR|WARN).*`).FindAllString(p.Log(), 5))
		}
		if v := s[`secagent_files_skipped_total{collector="mcafee",reason="glob_limit"}`]; v < 49000 {
			t.Errorf("glob_limit skips = %v", v)
		}
		wantRSSBounded(t, p)
	})

	// The rest of the unbounded or silent cases.
	t.Run("other unbounded or silent cases", func(t *testing.T) {
		h := attackHost(t)
		// kill -9 during a state save left a temporary file: removed at start.
		stale := filepath.Join(h.state, "logtail-mcafee_agent_log.json.tmp-123456")
		writeFile(t, stale, []byte("{"), 0o644)
		long := time.Now().Add(-time.Hour)
		_ = os.Chtimes(stale, long, long)
		// 100k undocumented fault lines, and a daemon child holding stdout.
		var status strings.Builder
		status.WriteString("Status: Connected\nMode: Degraded\nFaults: 1 Major\n")
		for i := range 100000 {
			fmt.Fprintf(&status, "ID %d - Major: Something new.\n", 1000+i)
		}
		writeFile(t, h.path("/opt/cisco/amp/bin/ampcli-status.txt"), []byte(status.String()), 0o644)
		agentScript(t, h, ciscoAmpcli, `sleep 38.5 & cat "$(dirname "$0")/ampcli-status.txt"`)
		// A 16 MiB local.xml.
		writeFile(t, h.path("/opt/cisco/amp/etc/local.xml"), []byte("<config>"+strings.Repeat("<x>y</x>", 2<<20)+"</config>"), 0o644)
		p := startExporterWith(t, "http", exporterBinary, unprivileged(t, []string{h.root}, []string{h.state}), withFlags(h, roomy...)...)
		if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("stale temporary state file not removed at start: %v", err)
		}
		var s series
		for range 2 {
			s = roomyScrape(t, p)
		}
		wantValue(t, s, sourceSuccess("cisco", "local_xml"), 0)
		wantValue(t, s, `secagent_collector_timeout{collector="cisco"}`, 0)
		if n := strings.Count(p.Log(), "level=WARN"); n > 50 {
			t.Errorf("%d WARN lines for two scrapes", n)
		}
		if !strings.Contains(p.Log(), "local.xml") || !strings.Contains(p.Log(), "more than the") {
			t.Errorf("the oversized local.xml is not reported:\n%s", tail(p.Log(), 20))
		}
		time.Sleep(200 * time.Millisecond)
		if processWithArgs("sleep", "38.5") {
			t.Errorf("the CLI's daemon child outlived the scrape")
		}
		wantRSSBounded(t, p)

		// A scrape-timeout header of 1e-300 still gives the collectors time.
		body, _ := scrape(t, &http.Client{Timeout: 30 * time.Second}, p.URL+"/metrics", "1e-300")
		wantValue(t, parseSeries(t, body), `secagent_collector_timeout{collector="linux_security"}`, 0)

		// Output cut at --collector.command-max-output fails the source and says so.
		h2 := attackHost(t)
		agentScript(t, h2, mcafeeCmdAgent, `yes "Component: McAfee Agent" | head -n 3000`)
		args := withFlags(h2, append([]string{"--collector.command-max-output=4096"}, roomy...)...)
		p2 := startExporterWith(t, "http", exporterBinary, unprivileged(t, []string{h2.root}, []string{h2.state}), args...)
		s2 := roomyScrape(t, p2)
		wantValue(t, s2, sourceSuccess("mcafee", "cmdagent"), 0)
		if !strings.Contains(p2.Log(), "truncated") {
			t.Errorf("truncation not reported:\n%s", tail(p2.Log(), 20))
		}
	})

	// --config.check refuses a web config whose certificate does not exist, and the
	// landing page links only what is served (TestLandingPageLinksOnlyServedPaths
	// follows every link; here: no pprof link, and /debug/pprof is not served).
	t.Run("config check and landing page", func(t *testing.T) {
		dir := t.TempDir()
		web := filepath.Join(dir, "web.yml")
		writeFile(t, web, []byte("tls_server_config:\n  cert_file: "+filepath.Join(dir, "missing.crt")+"\n  key_file: "+filepath.Join(dir, "missing.key")+"\n"), 0o644)
		if out, err := execExporter("--config.check", "--web.config.file="+web); err == nil {
			t.Errorf("--config.check accepted a missing certificate:\n%s", out)
		}
		p := startExporter(t, "http", "--collector.disable-defaults", "--state.dir="+t.TempDir())
		page, _ := scrape(t, http.DefaultClient, p.URL+"/", "")
		if m := regexp.MustCompile(`href="[^"]*pprof[^"]*"`).FindAllString(page, -1); m != nil {
			t.Errorf("landing page links pprof: %q", m)
		}
	})
}
