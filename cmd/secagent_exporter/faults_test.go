//go:build linux

package main

// Fault injection against the built binary: the faults endpoints really show (a wedged or
// crashing agent CLI, logs rotated, replaced or unreadable, a full disk under the state
// directory, a corrupt state file) are made on a copy of the demo host between scrapes.
// For every case the scrape answers within its deadline, the broken source says so in
// secagent_source_success and in the log, the other collectors keep reporting success,
// no log line is counted twice and the process keeps running. docs/reliability.md lists
// the cases and what they showed.

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf16"
)

const (
	// The scrape timeout Prometheus would send, and what a scrape may take at most: the
	// collector deadline (--collector.timeout=3s, below the header minus the margin)
	// plus the time to encode the answer.
	faultScrapeTimeout = "4"
	faultScrapeLimit   = 4 * time.Second
)

// faultHost is a writable copy of the demo host (all three agents and the Linux
// prerequisites) with its state directory.
type faultHost struct {
	root, state string
	// stateOwned is false when the state directory must stay unwritable to the exporter.
	stateOwned bool
}

func (h *faultHost) path(hostPath string) string {
	return filepath.Join(h.root, filepath.FromSlash(hostPath))
}

var (
	mcafeeAgentLog = "/var/McAfee/agent/logs/masvc_web01.log"
	mcafeeCmdAgent = "/opt/McAfee/agent/bin/cmdagent"
	ciscoAmpcli    = "/opt/cisco/amp/bin/ampcli"
	qualysLogDir   = "/var/log/qualys"
	qualysLog      = qualysLogDir + "/qualys-cloud-agent.log"
)

func (h *faultHost) args() []string {
	return []string{
		"--collector.disable-defaults",
		"--collector.cisco", "--collector.linux_security", "--collector.mcafee", "--collector.qualys",
		"--collector.linux_security.kernel-module=ampfsm",
		"--path.rootfs=" + h.root, "--path.procfs=" + h.path("/proc"), "--path.sysfs=" + h.path("/sys"),
		"--state.dir=" + h.state,
		"--testing.time=" + pinnedTime, "--collector.timezone=UTC",
		"--collector.command-timeout=1s", "--collector.timeout=3s",
		// Faults are injected between two scrapes: at interval 0 every scrape runs the
		// agent CLIs, so the next scrape shows the fault. Background refreshes serve the
		// same results later (TestCLIRunsIndependentOfScrapers).
		"--collector.mcafee.cmdagent-interval=0", "--collector.cisco.ampcli-interval=0",
		"--log.level=debug",
	}
}

func (h *faultHost) start(t *testing.T) *exporterProcess {
	t.Helper()
	var writable []string
	if h.stateOwned {
		writable = append(writable, h.state)
	}
	return startExporterWith(t, "http", exporterBinary, unprivileged(t, []string{h.root}, writable), h.args()...)
}

// faultScrape scrapes once and checks the deadline and that the process still runs.
func faultScrape(t *testing.T, p *exporterProcess) series {
	t.Helper()
	body, took := scrape(t, &http.Client{Timeout: 30 * time.Second}, p.URL+"/metrics", faultScrapeTimeout)
	if took > faultScrapeLimit {
		t.Errorf("scrape took %s, more than %s", took, faultScrapeLimit)
	}
	if !p.Running() {
		t.Fatalf("exporter exited:\n%s", p.Log())
	}
	return parseSeries(t, body)
}

// agentScript replaces an agent CLI of the fixture host by a shell script.
func agentScript(t *testing.T, h *faultHost, hostPath, body string) {
	t.Helper()
	path := h.path(hostPath)
	os.Remove(path)
	writeFile(t, path, []byte("#!/bin/sh\n"+body+"\n"), 0o755)
}

// replaceFile swaps in new content the way a writer that renames a temporary file does:
// a new inode under the old name.
func replaceFile(t *testing.T, path string, content []byte) {
	t.Helper()
	tmp := path + ".new"
	writeFile(t, tmp, content, 0o644)
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// processWithArgs reports whether a process whose command line is exactly argv runs.
func processWithArgs(argv ...string) bool {
	want := strings.Join(argv, "\x00") + "\x00"
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		raw, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err == nil && string(raw) == want {
			return true
		}
	}
	return false
}

func sameCounters(t *testing.T, what string, before, after series) {
	t.Helper()
	b, a := before.counters(), after.counters()
	for k, v := range b {
		if a[k] != v {
			t.Errorf("%s: %s went from %v to %v", what, k, v, a[k])
		}
	}
}

func wantGrowth(t *testing.T, before, after series, source string, want float64) {
	t.Helper()
	if got := after.logLines(source) - before.logLines(source); got != want {
		t.Errorf("log lines of %s grew by %v, want %v (each new line exactly once)", source, got, want)
	}
}

func qualysLine(clock, msg string) string {
	return "2026-11-20 " + clock + " [qualys-cloud-agent][2101]:[Information]:" + msg + "\n"
}

// utf16LE encodes lines as UTF-16LE with a byte order mark; a surrogate code point is
// written as it is, a lone surrogate that no UTF-16 text may contain.
func utf16LE(lines ...[]rune) []byte {
	var b bytes.Buffer
	b.Write([]byte{0xFF, 0xFE})
	for _, l := range lines {
		for _, r := range l {
			units := utf16.Encode([]rune{r})
			if utf16.IsSurrogate(r) {
				units = []uint16{uint16(r)} // utf16.Encode would write U+FFFD
			}
			binary.Write(&b, binary.LittleEndian, units)
		}
		binary.Write(&b, binary.LittleEndian, uint16('\n'))
	}
	return b.Bytes()
}

type faultCase struct {
	name string
	// before breaks the host before the exporter starts; inject between the first and
	// the second scrape.
	before, inject func(t *testing.T, h *faultHost)
	collector      string // where the fault is
	source         string // the source that must report 0; "" when the fault is data, not a failure
	degraded       bool   // a failure that degrades the collector without failing it
	logLine        string // what the exporter's log must say (regexp)
	// check compares the first scrape (before injection) with the second (after).
	check func(t *testing.T, h *faultHost, before, after series)
}

func TestFaultInjection(t *testing.T) {
	var corruptReference series // metrics of a fresh start, for the corrupt-state case
	cases := []faultCase{
		{
			name: "agent CLI hangs",
			inject: func(t *testing.T, h *faultHost) {
				agentScript(t, h, mcafeeCmdAgent, "exec sleep 617")
			},
			collector: "mcafee", source: "cmdagent",
			logLine: `level=ERROR .*msg="collector failed" collector=mcafee .*source cmdagent: cmdagent: killed after timeout`,
			check: func(t *testing.T, h *faultHost, before, after series) {
				sameCounters(t, "hung cmdagent", before, after)
				deadline := time.Now().Add(2 * time.Second)
				for processWithArgs("sleep", "617") {
					if time.Now().After(deadline) {
						t.Fatal("the hung cmdagent's process outlived the scrape")
					}
					time.Sleep(50 * time.Millisecond)
				}
			},
		},
		{
			name: "agent CLI crashes",
			inject: func(t *testing.T, h *faultHost) {
				agentScript(t, h, mcafeeCmdAgent, "echo 'Component: McAfee Agent'\nkill -SEGV $$")
			},
			collector: "mcafee", source: "cmdagent",
			logLine: `level=ERROR .*msg="collector failed" collector=mcafee .*source cmdagent: cmdagent: signal: segmentation fault`,
			check: func(t *testing.T, h *faultHost, before, after series) {
				sameCounters(t, "crashing cmdagent", before, after)
			},
		},
		{
			name: "agent CLI prints garbage",
			inject: func(t *testing.T, h *faultHost) {
				agentScript(t, h, mcafeeCmdAgent, `i=0
while [ $i -lt 300 ]; do printf '\377\376\000\033[2J%d=;:\r\n' $i; i=$((i+1)); done`)
			},
			collector: "mcafee", source: "cmdagent",
			logLine: `level=ERROR .*msg="collector failed" collector=mcafee .*source cmdagent: `,
			check: func(t *testing.T, h *faultHost, before, after series) {
				sameCounters(t, "garbage from cmdagent", before, after)
				for k := range after {
					if strings.HasPrefix(k, "epo_agent_info{") {
						t.Errorf("garbage became agent information: %s", k)
					}
				}
			},
		},
		{
			name: "agent CLI prints 100 MiB",
			inject: func(t *testing.T, h *faultHost) {
				agentScript(t, h, mcafeeCmdAgent, "yes 'no key, no value, only noise' | head -c 104857600")
			},
			collector: "mcafee", source: "cmdagent",
			logLine: `level=ERROR .*msg="collector failed" collector=mcafee .*source cmdagent: `,
			check: func(t *testing.T, h *faultHost, before, after series) {
				sameCounters(t, "100 MiB from cmdagent", before, after)
				// The runner keeps 4 MiB of output (--collector.command-max-output).
				rss := after["process_resident_memory_bytes"]
				t.Logf("resident memory after 100 MiB of CLI output: %.1f MiB", rss/(1<<20))
				if rss > 96<<20 {
					t.Errorf("resident memory %v MiB after 100 MiB of CLI output", rss/(1<<20))
				}
			},
		},
		{
			name: "connector CLI hangs",
			inject: func(t *testing.T, h *faultHost) {
				agentScript(t, h, ciscoAmpcli, "exec sleep 618")
			},
			collector: "cisco", source: "ampcli_status",
			logLine: `level=ERROR .*msg="collector failed" collector=cisco .*source ampcli_status: ampcli: killed after timeout`,
			check: func(t *testing.T, h *faultHost, before, after series) {
				if processWithArgs("sleep", "618") {
					time.Sleep(time.Second)
					if processWithArgs("sleep", "618") {
						t.Error("the hung ampcli's process outlived the scrape")
					}
				}
			},
		},
		{
			name: "log deleted",
			inject: func(t *testing.T, h *faultHost) {
				if err := os.Remove(h.path(mcafeeAgentLog)); err != nil {
					t.Fatal(err)
				}
			},
			collector: "mcafee",
			logLine:   `level=DEBUG .*msg="collector succeeded" collector=mcafee `,
			check: func(t *testing.T, h *faultHost, before, after series) {
				wantValue(t, after, `epo_agent_log_files{source="mcafee_agent_log"}`, 0)
				sameCounters(t, "deleted log", before, after)
			},
		},
		{
			name: "log truncated",
			inject: func(t *testing.T, h *faultHost) {
				// copytruncate without the copy, then the agent writes on.
				writeFile(t, h.path(mcafeeAgentLog), []byte(
					mcafeeLine("09:30:00.000001", "ahclient.Info: Agent communication session closed")+
						mcafeeLine("09:30:01.000001", "policy.Info: Enforcing Policies for EPOAGENT3000")), 0o644)
			},
			collector: "mcafee",
			logLine:   `level=DEBUG .*msg="log truncated or replaced in place" collector=mcafee logged_source=mcafee_agent_log`,
			check: func(t *testing.T, h *faultHost, before, after series) {
				wantValue(t, after, sourceSuccess("mcafee", "mcafee_agent_log"), 1)
				wantGrowth(t, before, after, "mcafee_agent_log", 2)
			},
		},
		{
			name: "log rotated twice between scrapes",
			inject: func(t *testing.T, h *faultHost) {
				rotate := func(lines string) {
					// Poco's numbered archives: .log.1 -> .log.2 ..., .log -> .log.1.
					base := h.path(qualysLog)
					for n := 8; n >= 1; n-- {
						from := fmt.Sprintf("%s.%d", base, n)
						if _, err := os.Stat(from); err == nil {
							if err := os.Rename(from, fmt.Sprintf("%s.%d", base, n+1)); err != nil {
								t.Fatal(err)
							}
						}
					}
					if err := os.Rename(base, base+".1"); err != nil {
						t.Fatal(err)
					}
					writeFile(t, base, []byte(lines), 0o644)
				}
				rotate(qualysLine("11:51:00.000", "CAPI event successfully completed") +
					qualysLine("11:52:00.000", "CAPI event successfully completed"))
				rotate(qualysLine("11:53:00.000", "CAPI event successfully completed") +
					qualysLine("11:54:00.000", "CAPI event successfully completed"))
			},
			collector: "qualys",
			logLine:   `level=DEBUG .*msg="collector succeeded" collector=qualys `,
			check: func(t *testing.T, h *faultHost, before, after series) {
				wantGrowth(t, before, after, "qualys_cloud_agent", 4)
				key := `qualys_log_events_total{event="platform_success"}`
				if after[key]-before[key] != 4 {
					t.Errorf("%s grew by %v, want 4", key, after[key]-before[key])
				}
				wantValue(t, after, "qualys_last_platform_success_timestamp_seconds",
					float64(time.Date(2026, 11, 20, 11, 54, 0, 0, time.UTC).Unix()))
			},
		},
		{
			name: "log replaced by a directory",
			inject: func(t *testing.T, h *faultHost) {
				os.Remove(h.path(mcafeeAgentLog))
				if err := os.Mkdir(h.path(mcafeeAgentLog), 0o755); err != nil {
					t.Fatal(err)
				}
			},
			collector: "mcafee", source: "mcafee_agent_log",
			logLine: `level=ERROR .*msg="collector failed" collector=mcafee .*source mcafee_agent_log: .*masvc_web01.log: not a regular file`,
			check: func(t *testing.T, h *faultHost, before, after series) {
				sameCounters(t, "log replaced by a directory", before, after)
			},
		},
		{
			name: "log replaced by a named pipe",
			inject: func(t *testing.T, h *faultHost) {
				os.Remove(h.path(mcafeeAgentLog))
				if err := syscall.Mkfifo(h.path(mcafeeAgentLog), 0o644); err != nil {
					t.Fatal(err)
				}
			},
			collector: "mcafee", source: "mcafee_agent_log",
			logLine: `level=ERROR .*msg="collector failed" collector=mcafee .*source mcafee_agent_log: .*masvc_web01.log: not a regular file`,
			check: func(t *testing.T, h *faultHost, before, after series) {
				wantValue(t, after, `secagent_collector_timeout{collector="mcafee"}`, 0)
			},
		},
		{
			name: "log is a symlink loop",
			inject: func(t *testing.T, h *faultHost) {
				log := h.path(mcafeeAgentLog)
				os.Remove(log)
				if err := os.Symlink(filepath.Base(log), log); err != nil {
					t.Fatal(err)
				}
			},
			collector: "mcafee", source: "mcafee_agent_log",
			logLine: `level=ERROR .*msg="collector failed" collector=mcafee .*source mcafee_agent_log: .*too many levels of symbolic links`,
			check: func(t *testing.T, h *faultHost, before, after series) {
				sameCounters(t, "symlink loop", before, after)
			},
		},
		{
			name: "log permission denied",
			inject: func(t *testing.T, h *faultHost) {
				appendFile(t, h.path(mcafeeAgentLog), mcafeeLine("09:40:00.000001", "ahclient.Info: Agent communication session closed"))
				if err := os.Chmod(h.path(mcafeeAgentLog), 0); err != nil {
					t.Fatal(err)
				}
			},
			collector: "mcafee", source: "mcafee_agent_log",
			logLine: `level=ERROR .*msg="collector failed" collector=mcafee .*source mcafee_agent_log: open .*masvc_web01.log: permission denied`,
			check: func(t *testing.T, h *faultHost, before, after series) {
				sameCounters(t, "unreadable log", before, after)
			},
		},
		{
			name: "log directory permission denied",
			inject: func(t *testing.T, h *faultHost) {
				if err := os.Chmod(h.path(qualysLogDir), 0); err != nil {
					t.Fatal(err)
				}
			},
			// The Qualys log is root-only on most installs: an unprivileged exporter
			// degrades (docs/collectors/qualys.md).
			collector: "qualys", source: "log", degraded: true,
			logLine: `level=WARN .*msg="source degraded" collector=qualys .*source log: open .*/var/log/qualys: permission denied`,
			check: func(t *testing.T, h *faultHost, before, after series) {
				sameCounters(t, "unreadable log directory", before, after)
				if _, ok := after.value("qualys_last_platform_success_timestamp_seconds"); ok {
					t.Error("an unreadable log still reports the last platform contact as current")
				}
			},
		},
		{
			name: "10 MiB single line",
			inject: func(t *testing.T, h *faultHost) {
				appendFile(t, h.path(mcafeeAgentLog),
					strings.TrimSuffix(mcafeeLine("09:50:00.000001", "ahclient.Info: "), "\n")+strings.Repeat("x", 10<<20)+"\n"+
						mcafeeLine("09:50:01.000001", "ahclient.Info: Agent communication session closed"))
			},
			collector: "mcafee",
			logLine:   `level=DEBUG .*msg="collector succeeded" collector=mcafee `,
			check: func(t *testing.T, h *faultHost, before, after series) {
				wantValue(t, after, sourceSuccess("mcafee", "mcafee_agent_log"), 1)
				wantGrowth(t, before, after, "mcafee_agent_log", 2)
				rss := after["process_resident_memory_bytes"]
				t.Logf("resident memory after a 10 MiB line: %.1f MiB", rss/(1<<20))
				if rss > 96<<20 {
					t.Errorf("resident memory %v MiB after a 10 MiB line", rss/(1<<20))
				}
			},
		},
		{
			name: "invalid UTF-16",
			inject: func(t *testing.T, h *faultHost) {
				replaceFile(t, h.path(mcafeeAgentLog), utf16LE(
					[]rune(strings.TrimSuffix(mcafeeLine("09:55:00.000001", "ahclient.Info: Agent communication session closed"), "\n")),
					append([]rune(strings.TrimSuffix(mcafeeLine("09:55:01.000001", "ahclient.Info: broken "), "\n")), 0xD800, 'x'),
					[]rune(strings.TrimSuffix(mcafeeLine("09:55:02.000001", "policy.Info: Enforcing Policies for EPOAGENT3000"), "\n")),
				))
			},
			collector: "mcafee",
			logLine:   `level=DEBUG .*msg="collector succeeded" collector=mcafee `,
			check: func(t *testing.T, h *faultHost, before, after series) {
				wantValue(t, after, sourceSuccess("mcafee", "mcafee_agent_log"), 1)
				wantGrowth(t, before, after, "mcafee_agent_log", 3)
				key := `secagent_log_lines_total{result="undecodable",source="mcafee_agent_log"}`
				if after[key]-before[key] != 1 {
					t.Errorf("%s grew by %v, want 1", key, after[key]-before[key])
				}
			},
		},
		{
			name:   "disk full under the state directory",
			before: fillableStateDir,
			inject: func(t *testing.T, h *faultHost) {
				fillDisk(t, h.state)
				appendFile(t, h.path(mcafeeAgentLog), mcafeeLine("10:00:00.000001", "ahclient.Info: Agent communication session closed"))
				appendFile(t, h.path(qualysLog), qualysLine("11:56:00.000", "CAPI event successfully completed"))
			},
			collector: "mcafee",
			logLine:   `level=WARN .*(log state not saved|state directory not writable).*`,
			check: func(t *testing.T, h *faultHost, before, after series) {
				wantGrowth(t, before, after, "mcafee_agent_log", 1)
				wantGrowth(t, before, after, "qualys_cloud_agent", 1)
				leftovers, _ := filepath.Glob(filepath.Join(h.state, "*.tmp-*"))
				if len(leftovers) > 0 {
					t.Errorf("half-written state files left behind: %v", leftovers)
				}
			},
		},
		{
			name: "state file corrupted",
			before: func(t *testing.T, h *faultHost) {
				// A first run writes the state; the corrupt copy replaces it.
				p := h.start(t)
				corruptReference = faultScrape(t, p)
				p.cmd.Process.Kill()
				<-p.exited
				states, _ := filepath.Glob(filepath.Join(h.state, "logtail-*.json"))
				if len(states) != 3 {
					t.Fatalf("want the state of three log sources, got %v", states)
				}
				for _, path := range states {
					raw, err := os.ReadFile(path)
					if err != nil {
						t.Fatal(err)
					}
					writeFile(t, path, raw[:len(raw)/2], 0o644)
				}
			},
			inject:    func(t *testing.T, h *faultHost) {},
			collector: "mcafee",
			logLine:   `level=WARN .*msg="log state corrupt; starting with a bounded backfill".* logged_source=mcafee_agent_log`,
			check: func(t *testing.T, h *faultHost, before, after series) {
				// Started again from the bounded backfill: the same as a fresh start, the
				// lost state's counts not added on top.
				for k, v := range corruptReference {
					if strings.HasPrefix(k, "epo_") || strings.HasPrefix(k, "qualys_") || strings.HasPrefix(k, "secagent_log_lines_total") {
						if before[k] != v {
							t.Errorf("after the corrupt state %s = %v, a fresh start said %v", k, before[k], v)
						}
					}
				}
				if _, err := os.Stat(filepath.Join(h.state, "logtail-mcafee_agent_log.json.corrupt")); err != nil {
					t.Errorf("corrupt state not kept aside for diagnosis: %v", err)
				}
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := &faultHost{root: copyHost(t, "demo"), state: t.TempDir(), stateOwned: true}
			if tc.before != nil {
				tc.before(t, h)
			}
			p := h.start(t)
			first := faultScrape(t, p)
			tc.inject(t, h)
			second := faultScrape(t, p)
			// A scrape with nothing new must not count anything again.
			third := faultScrape(t, p)
			sameCounters(t, "scrape with nothing new", second, third)

			for _, c := range faultCollectors {
				want := 1.0
				if c == tc.collector && tc.source != "" && !tc.degraded {
					want = 0
				}
				wantValue(t, second, collectorSuccess(c), want)
				wantValue(t, second, `secagent_collector_timeout{collector="`+c+`"}`, 0)
			}
			if tc.source != "" {
				wantValue(t, second, sourceSuccess(tc.collector, tc.source), 0)
			}
			if line := regexp.MustCompile(tc.logLine + ".*").FindString(p.Log()); line == "" {
				t.Errorf("log lacks %q:\n%s", tc.logLine, tail(p.Log(), 40))
			} else {
				t.Logf("log: %s", line)
			}
			for k, v := range first.counters() {
				if second[k] < v {
					t.Errorf("counter %s went back from %v to %v", k, v, second[k])
				}
			}
			tc.check(t, h, first, second)
			if strings.Contains(p.Log(), "panic") {
				t.Errorf("panic in the log:\n%s", p.Log())
			}
			if !p.Running() {
				t.Fatalf("exporter exited:\n%s", p.Log())
			}
		})
	}
}

// fillableStateDir puts the state directory on a 64 KiB tmpfs that the test can fill.
// Without the privilege to mount, the directory is made read-only instead, which the
// exporter reports the same way (state kept in memory, a warning).
func fillableStateDir(t *testing.T, h *faultHost) {
	t.Helper()
	if os.Getuid() == 0 {
		err := exec.Command("mount", "-t", "tmpfs", "-o", "size=64k,mode=0777", "tmpfs", h.state).Run()
		if err == nil {
			t.Cleanup(func() { exec.Command("umount", h.state).Run() })
			t.Log("state directory on a 64 KiB tmpfs")
			return
		}
		t.Logf("cannot mount a tmpfs (%v): using a read-only state directory", err)
	}
	h.stateOwned = false
	if err := os.Chmod(h.state, 0o555); err != nil {
		t.Fatal(err)
	}
}

// fillDisk writes into dir until the file system holding it is full; on a read-only
// directory it does nothing.
func fillDisk(t *testing.T, dir string) {
	t.Helper()
	f, err := os.Create(filepath.Join(dir, "filler"))
	if err != nil {
		return
	}
	defer f.Close()
	block := make([]byte, 4096)
	for i := 0; i < 1<<16; i++ {
		if _, err := f.Write(block); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("filling the state directory: %v", err)
			}
			return
		}
	}
	t.Fatal("the state directory's file system never filled up")
}

func tail(s string, lines int) string {
	all := strings.Split(s, "\n")
	if len(all) > lines {
		all = all[len(all)-lines:]
	}
	return strings.Join(all, "\n")
}
