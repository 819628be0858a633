package collector

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"
	"github.com/secagent-exporter/secagent_exporter/collector/qualys"
	"github.com/secagent-exporter/secagent_exporter/collector/winreg"
	"github.com/secagent-exporter/secagent_exporter/collector/winsvc"
	"github.com/secagent-exporter/secagent_exporter/internal/hostfs"
)

var qualysTestNow = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

// qualysTestEnv is an Env over a fixture tree whose logs go to buf at debug level.
func qualysTestEnv(t *testing.T, root, state string, buf *bytes.Buffer) Env {
	t.Helper()
	return Env{
		Logger:   slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Paths:    Paths{RootFS: root, ProcFS: filepath.Join(root, "proc"), SysFS: filepath.Join(root, "sys")},
		StateDir: state,
		Now:      func() time.Time { return qualysTestNow },
		Location: time.UTC,
	}
}

// scrapeText runs one scrape of c through the framework and renders it as /metrics would.
func scrapeText(t *testing.T, logger *slog.Logger, c Collector) string {
	t.Helper()
	reg := prometheus.NewRegistry()
	reg.MustRegister(NewSetFrom(logger, map[string]Collector{"qualys": c}).Scraper(10 * time.Second))
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, mf := range families {
		if mf.GetName() == "secagent_collector_duration_seconds" {
			continue
		}
		if _, err := expfmt.MetricFamilyToText(&b, mf); err != nil {
			t.Fatal(err)
		}
	}
	return b.String()
}

func wantSeries(t *testing.T, metrics string, series ...string) {
	t.Helper()
	for _, s := range series {
		if !strings.Contains(metrics, "\n"+s+"\n") {
			t.Errorf("missing %q in:\n%s", s, metrics)
		}
	}
}

// The planted secrets of the fixture trees (their READMEs list them).
var qualysPlantedSecrets = []string{"SECRET", "SECRETPROXYUSER", "SECRET-PROXY-PASSWORD-7c1e",
	"1d2c3b4a-5e6f-4a7b-8c9d-0e1f2a3b4c5d", "7e8f9a0b-1c2d-4e3f-9a4b-5c6d7e8f9a0b"}

func assertNoSecrets(t *testing.T, where, text string) {
	t.Helper()
	for _, secret := range qualysPlantedSecrets {
		if strings.Contains(text, secret) {
			t.Errorf("%s contains the secret %q:\n%s", where, secret, text)
		}
	}
}

// TestQualysSecretsNeverLeave scrapes the qualys-proxy-unreachable tree (proxy
// credentials in the env file AND in a log line, ActivationId/CustomerId in the conf)
// twice, at debug log level, and greps the output, the exporter's log and the persisted
// state for the planted secrets. A second tree adds a host id file holding a secret-looking
// junk value, whose parse error is logged.
func TestQualysSecretsNeverLeave(t *testing.T) {
	root := fixtureHost(t, "qualys-proxy-unreachable")
	for _, f := range []string{"etc/sysconfig/qualys-cloud-agent", "var/log/qualys/qualys-cloud-agent.log.1",
		"etc/qualys/cloud-agent/qualys-cloud-agent.conf"} {
		raw, err := os.ReadFile(filepath.Join(root, f))
		if err != nil || !bytes.Contains(raw, []byte("SECRET")) {
			t.Fatalf("%s must plant a secret for this test to mean anything: %v", f, err)
		}
	}
	junk := t.TempDir()
	copyTree(t, root, junk)
	writeFile(t, filepath.Join(junk, "etc/qualys/hostid"), "SECRET-PROXY-PASSWORD-7c1e\n", 0o644)

	for _, tree := range []string{root, junk} {
		var logs bytes.Buffer
		state := t.TempDir()
		env := qualysTestEnv(t, tree, state, &logs)
		c := newQualysCollectorFor(env, "linux", nil, nil)
		first := scrapeText(t, env.Logger, c)
		second := scrapeText(t, env.Logger, c)
		wantSeries(t, first, "qualys_proxy_configured 1", "qualys_proxy_auth_configured 1",
			"qualys_activation_id_configured 1", `qualys_log_events_total{event="proxy_error"} 13`)
		assertNoSecrets(t, "/metrics", first+second)
		assertNoSecrets(t, "exporter log", logs.String())
		err := filepath.WalkDir(state, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			raw, err := os.ReadFile(path)
			assertNoSecrets(t, "state file "+d.Name(), string(raw))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if tree == junk && !strings.Contains(logs.String(), "host_id") {
			t.Errorf("the junk host id was not reported:\n%s", logs.String())
		}
	}
}

// A restarted exporter resumes from the persisted offsets (nothing is re-read) and still
// reports the last platform contact it had derived.
func TestQualysLastSuccessSurvivesRestart(t *testing.T) {
	state := t.TempDir()
	var logs bytes.Buffer
	env := qualysTestEnv(t, fixtureHost(t, "qualys-healthy"), state, &logs)
	before := scrapeText(t, env.Logger, newQualysCollectorFor(env, "linux", nil, nil))
	wantSeries(t, before, "qualys_last_platform_success_timestamp_seconds 1.795175103112e+09",
		`secagent_log_lines_total{result="classified",source="qualys_cloud_agent"} 21`)

	after := scrapeText(t, env.Logger, newQualysCollectorFor(env, "linux", nil, nil))
	wantSeries(t, after, "qualys_last_platform_success_timestamp_seconds 1.795175103112e+09",
		"qualys_last_platform_failure_timestamp_seconds 1.7951562e+09",
		"qualys_manifest_last_download_timestamp_seconds 1.795132815e+09",
		`qualys_agent_info{host_id="6f1c2d3e-4b5a-4c6d-9e8f-0a1b2c3d4e5f",version="6.1.0.28"} 1`,
		`secagent_log_lines_total{result="classified",source="qualys_cloud_agent"} 0`,
		`qualys_log_events_total{event="platform_success"} 0`)
}

// An appended record is read at the next scrape and moves the last success forward; a
// continuation line written later is kept with its record.
func TestQualysIncrementalLog(t *testing.T) {
	root := t.TempDir()
	copyTree(t, fixtureHost(t, "qualys-healthy"), root)
	var logs bytes.Buffer
	env := qualysTestEnv(t, root, t.TempDir(), &logs)
	c := newQualysCollectorFor(env, "linux", nil, nil)
	scrapeText(t, env.Logger, c)
	appendFile(t, filepath.Join(root, "var/log/qualys/qualys-cloud-agent.log"),
		"2026-11-20 11:55:00.000 [qualys-cloud-agent][2101]:[Information]:CAPI request: POST /CloudAgent/ca/provision\n"+
			"{\n  \"agentUuid\": \"6f1c2d3e-4b5a-4c6d-9e8f-0a1b2c3d4e5f\",\n  \"version\": \"6.2.0.5\"\n}\n"+
			"2026-11-20 11:55:01.250 [qualys-cloud-agent][2101]:[Information]:CAPI event successfully completed\n")
	got := scrapeText(t, env.Logger, c)
	wantSeries(t, got, "qualys_last_platform_success_timestamp_seconds 1.79517570125e+09",
		`qualys_log_events_total{event="platform_success"} 16`,
		`secagent_log_lines_total{result="unclassified",source="qualys_cloud_agent"} 4`,
		`qualys_agent_info{host_id="6f1c2d3e-4b5a-4c6d-9e8f-0a1b2c3d4e5f",version="6.2.0.5"} 1`)
}

// Version from the package documentation directory when the log names none.
func TestQualysVersionFromDocDir(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "etc/qualys/hostid"), "", 0o644)
	for _, d := range []string{"qualys-cloud-agent-6.0.1.9", "qualys-cloud-agent-6.1.0.28", "qualys-cloud-agent-x"} {
		if err := os.MkdirAll(filepath.Join(root, "usr/share/doc", d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	os.MkdirAll(filepath.Join(root, "proc"), 0o755)
	var logs bytes.Buffer
	env := qualysTestEnv(t, root, t.TempDir(), &logs)
	got := scrapeText(t, env.Logger, newQualysCollectorFor(env, "linux", nil, nil))
	// Installed (host id file), not activated (no conf), not running, no log yet.
	wantSeries(t, got, `qualys_agent_info{host_id="",version="6.1.0.28"} 1`, "qualys_agent_running 0",
		"qualys_activation_id_configured 0", "qualys_last_platform_success_timestamp_seconds 0",
		`secagent_collector_success{collector="qualys"} 1`)
	if strings.Contains(got, "qualys_audit_dispatcher_enabled") {
		t.Errorf("dispatcher reported without a conf:\n%s", got)
	}
}

// The Windows path runs on Linux with fake registry and service readers and Log.txt in a
// tree laid out as C:\ProgramData\Qualys\QualysAgent maps under --path.rootfs.
func TestQualysWindows(t *testing.T) {
	winLog, err := os.ReadFile(filepath.Join("qualys", "testdata", "winlog", "log-txt-heuristic.txt"))
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	logDir := filepath.Join(root, "C", "ProgramData", "Qualys", "QualysAgent")
	writeFile(t, filepath.Join(logDir, "Archive.1.txt"), "2026-11-19 08:00:00 [Error] CAPI request failed, error 12007\n", 0o644)
	writeFile(t, filepath.Join(logDir, "Log.txt"), string(winLog), 0o644)

	installed := winreg.Fake{qualys.RegistryKeyPath: {"HostID": " {6F1C2D3E-4B5A-4C6D-9E8F-0A1B2C3D4E5F} ",
		"ActivationID": "SECRET-ACTIVATION", "CustomerID": "SECRET-CUSTOMER"}}
	running := winsvc.Fake{Services: []winsvc.Status{{Name: qualys.WindowsServiceName, State: "running", StartType: "auto", PID: 4242}}}

	t.Run("installed", func(t *testing.T) {
		var logs bytes.Buffer
		env := qualysTestEnv(t, root, t.TempDir(), &logs)
		got := scrapeText(t, env.Logger, newQualysCollectorFor(env, "windows", installed, running))
		wantSeries(t, got,
			`secagent_agent_installed{agent="qualys_cloud_agent"} 1`,
			`qualys_agent_info{host_id="6f1c2d3e-4b5a-4c6d-9e8f-0a1b2c3d4e5f",version="5.9.0.12"} 1`,
			"qualys_agent_running 1", "qualys_activation_id_configured 1",
			"qualys_last_platform_success_timestamp_seconds 1.7951658e+09",
			"qualys_last_platform_failure_timestamp_seconds 1.7951655015e+09",
			`qualys_winhttp_errors_total{reason="connect"} 1`, `qualys_winhttp_errors_total{reason="dns"} 1`,
			`qualys_winhttp_errors_total{reason="tls"} 0`,
			`qualys_log_events_total{event="winhttp_error"} 0`,
			`qualys_log_events_total{event="platform_failure"} 2`,
			`secagent_source_success{collector="qualys",source="registry"} 1`,
			`secagent_source_success{collector="qualys",source="service"} 1`,
			`secagent_collector_success{collector="qualys"} 1`)
		for _, linuxOnly := range []string{"qualys_proxy_configured", "qualys_fim_audit_conflict", "qualys_agent_process_running"} {
			if strings.Contains(got, linuxOnly) {
				t.Errorf("Linux-only %s on Windows:\n%s", linuxOnly, got)
			}
		}
	})
	t.Run("stopped service, registry denied", func(t *testing.T) {
		var logs bytes.Buffer
		env := qualysTestEnv(t, root, t.TempDir(), &logs)
		denied := winreg.Fake{qualys.RegistryKeyPath: {"HostID": &fs.PathError{Op: "open", Path: `HKLM\SOFTWARE\Qualys`, Err: syscall.EACCES}}}
		stopped := winsvc.Fake{Services: []winsvc.Status{{Name: qualys.WindowsServiceName, State: "stopped", StartType: "auto"}}}
		got := scrapeText(t, env.Logger, newQualysCollectorFor(env, "windows", denied, stopped))
		wantSeries(t, got, "qualys_agent_running 0", `qualys_agent_info{host_id="",version="5.9.0.12"} 1`,
			`secagent_source_success{collector="qualys",source="registry"} 0`,
			`secagent_collector_success{collector="qualys"} 1`)
		if strings.Contains(got, "qualys_activation_id_configured") {
			t.Errorf("activation reported from an unreadable registry:\n%s", got)
		}
	})
	t.Run("absent", func(t *testing.T) {
		var logs bytes.Buffer
		env := qualysTestEnv(t, root, t.TempDir(), &logs)
		got := scrapeText(t, env.Logger, newQualysCollectorFor(env, "windows", winreg.Fake{},
			winsvc.Fake{Services: []winsvc.Status{{Name: "QualysAgentHelper", State: "running"}}}))
		wantSeries(t, got, `secagent_agent_installed{agent="qualys_cloud_agent"} 0`, `secagent_collector_success{collector="qualys"} 1`)
		if strings.Contains(got, "\nqualys_") || strings.Contains(got, "secagent_source_success") {
			t.Errorf("series reported for an absent agent:\n%s", got)
		}
	})
}

// Permission problems degrade (the exporter may run unprivileged), anything else fails.
func TestQualysSourceResult(t *testing.T) {
	s := newScrape("qualys")
	denied := &fs.PathError{Op: "open", Path: "/var/log/qualys", Err: syscall.EACCES}
	if sourceResult(s, "log", denied) || !sourceResult(s, "procfs", nil) || sourceResult(s, "agent_conf", errors.New("boom")) {
		t.Fatal("sourceResult must return err == nil")
	}
	sealed := s.seal()
	if len(sealed.degraded) != 1 || !errors.Is(sealed.degraded[0], fs.ErrPermission) {
		t.Errorf("degraded %v", sealed.degraded)
	}
	if sealed.failures == nil || errors.Is(sealed.failures, fs.ErrPermission) {
		t.Errorf("failures %v", sealed.failures)
	}
}

func TestCheckLogDirs(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	writeFile(t, file, "x", 0o644)
	if _, err := checkLogDirs(hostfs.New(""), []string{dir, filepath.Join(dir, "missing")}); err != nil {
		t.Errorf("existing and missing dirs: %v", err)
	}
	if _, err := checkLogDirs(hostfs.New(""), []string{file}); err == nil {
		t.Error("a file as log dir must fail")
	}
	if os.Geteuid() != 0 {
		locked := filepath.Join(dir, "locked")
		os.Mkdir(locked, 0o700)
		os.Chmod(locked, 0)
		defer os.Chmod(locked, 0o700)
		if _, err := checkLogDirs(hostfs.New(""), []string{locked}); !errors.Is(err, fs.ErrPermission) {
			t.Errorf("unreadable dir: %v", err)
		}
	}
}

func appendFile(t *testing.T, path, content string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(content); err != nil {
		t.Fatal(err)
	}
}

// copyTree copies a fixture tree so a test can change it; modification times are kept
// so the tailer orders archives as in the original.
func copyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, path)
		target := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if err := os.WriteFile(target, raw, 0o644); err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		return os.Chtimes(target, info.ModTime(), info.ModTime())
	})
	if err != nil {
		t.Fatal(err)
	}
}

// BenchmarkQualysWarmScrape is one scrape on warm state (offsets at the end of the log),
// the steady-state cost on a host.
func BenchmarkQualysWarmScrape(b *testing.B) {
	var logs bytes.Buffer
	root := fixtureHost(b, "qualys-healthy")
	env := Env{
		Logger:   slog.New(slog.NewTextHandler(&logs, nil)),
		Paths:    Paths{RootFS: root, ProcFS: filepath.Join(root, "proc")},
		StateDir: b.TempDir(),
		Now:      func() time.Time { return qualysTestNow },
		Location: time.UTC,
	}
	c := newQualysCollectorFor(env, "linux", nil, nil)
	ctx := context.Background()
	if err := c.Update(ctx, newScrape("qualys")); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := c.Update(ctx, newScrape("qualys")); err != nil {
			b.Fatal(err)
		}
	}
}

// The log is read from qualys-cloud-agent.conf's LogFileDir, and the collector follows
// the key when the conf changes.
func TestQualysLogFileDir(t *testing.T) {
	root := t.TempDir()
	copyTree(t, fixtureHost(t, "qualys-healthy"), root)
	moved := filepath.Join(root, "srv/agent-logs")
	if err := os.MkdirAll(filepath.Dir(moved), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(root, "var/log/qualys"), moved); err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(root, "etc/qualys/cloud-agent/qualys-cloud-agent.conf")
	raw, err := os.ReadFile(conf)
	if err != nil {
		t.Fatal(err)
	}
	setDir := func(dir string) {
		t.Helper()
		out := strings.Replace(string(raw), "LogFileDir=/var/log/qualys", "LogFileDir="+dir, 1)
		if err := os.WriteFile(conf, []byte(out), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var logs bytes.Buffer
	env := qualysTestEnv(t, root, t.TempDir(), &logs)
	env.Paths.GOOS = "linux" // the Linux agent's tree, also when the test runs on Windows
	c := newQualysCollectorFor(env, "linux", nil, nil)

	setDir("/srv/agent-logs")
	got := scrapeText(t, env.Logger, c)
	wantSeries(t, got, `secagent_source_success{collector="qualys",source="log"} 1`,
		`qualys_log_events_total{event="platform_success"} 15`)

	// A relative LogFileDir is not followed: the defaults hold no log now.
	setDir("srv/agent-logs")
	appendFile(t, filepath.Join(moved, "qualys-cloud-agent.log"),
		"2026-11-20 11:55:01.250 [qualys-cloud-agent][2101]:[Information]:CAPI event successfully completed\n")
	got = scrapeText(t, env.Logger, c)
	wantSeries(t, got, `qualys_log_events_total{event="platform_success"} 15`)
	if !strings.Contains(logs.String(), "LogFileDir is not an absolute path") {
		t.Errorf("no log line about the relative LogFileDir:\n%s", logs.String())
	}

	// Back to the absolute directory: the appended line is read, nothing twice.
	setDir("/srv/agent-logs")
	got = scrapeText(t, env.Logger, c)
	wantSeries(t, got, `qualys_log_events_total{event="platform_success"} 16`)
}
