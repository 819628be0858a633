package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func linuxPrereqsHostArgs(t *testing.T) []string {
	host := filepath.Join(fixturesDir(t), "hosts", "linux-prereqs-ok")
	return []string{
		"--collector.disable-defaults", "--collector.linux_security",
		"--path.rootfs=" + host, "--path.procfs=" + filepath.Join(host, "proc"), "--path.sysfs=" + filepath.Join(host, "sys"),
		"--state.dir=" + t.TempDir(), "--testing.time=" + pinnedTime, "--collector.timezone=UTC",
	}
}

func TestTextfileOutput(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "secagent.prom")
	// An older file is replaced whole, never appended to or left half-written.
	if err := os.WriteFile(out, []byte("stale_metric 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	log, err := execExporter(append(linuxPrereqsHostArgs(t), "--output.textfile="+out)...)
	if err != nil {
		t.Fatalf("%v\n%s", err, log)
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	body := string(raw)
	promtoolCheck(t, body)
	for _, want := range []string{
		`secagent_collector_success{collector="linux_security"} 1`,
		"selinux_bpf_module_loaded 1",
		"secagent_exporter_build_info{",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("textfile lacks %q", want)
		}
	}
	for _, unwanted := range []string{"stale_metric", "go_goroutines", "process_start_time_seconds"} {
		if strings.Contains(body, unwanted) {
			t.Errorf("textfile holds %q", unwanted)
		}
	}
	fi, err := os.Stat(out)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644 so a textfile collector running as another user can read it", fi.Mode().Perm())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("directory holds %v, want only secagent.prom (no temporary file left)", names)
	}
}

func TestTextfileOutputFailureKeepsThePreviousFile(t *testing.T) {
	out := filepath.Join(t.TempDir(), "missing-dir", "secagent.prom")
	log, err := execExporter(append(linuxPrereqsHostArgs(t), "--output.textfile="+out)...)
	if err == nil {
		t.Fatalf("exit 0 writing into a missing directory:\n%s", log)
	}
	if !strings.Contains(log, exporterName+": error: --output.textfile") {
		t.Errorf("no clear error line:\n%s", log)
	}
}

func TestTextfileFlagRefusedInConfigFile(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "config.yml")
	os.WriteFile(cfg, []byte("output.textfile: /tmp/x.prom\n"), 0o644)
	log, err := execExporter("--config.file="+cfg, "--config.check")
	if err == nil || !strings.Contains(log, `key "output.textfile" is not allowed`) {
		t.Errorf("err=%v\n%s", err, log)
	}
}

func TestServeCommandAndCollectorsEnabled(t *testing.T) {
	// The explicit default command and the list form of enabling collectors.
	args := append([]string{"serve"}, linuxPrereqsHostArgs(t)[2:]...)
	args = append(args, "--collectors.enabled=linux_security")
	p := startExporter(t, "http", args...)
	body, _ := scrape(t, http.DefaultClient, p.URL+"/metrics", "")
	if !strings.Contains(body, `secagent_collector_success{collector="linux_security"} 1`) {
		t.Errorf("linux_security not enabled by --collectors.enabled:\n%s", body)
	}
	if out, err := execExporter("--collectors.enabled=linux_security,no_such_collector", "--config.check"); err == nil ||
		!strings.Contains(out, `unknown collector "no_such_collector"`) {
		t.Errorf("unknown collector in the list: err=%v\n%s", err, out)
	}
}

func TestSIGTERMStopsCleanly(t *testing.T) {
	p := startExporter(t, "http", "--collector.disable-defaults", "--state.dir="+t.TempDir())
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.exited:
	case <-time.After(15 * time.Second):
		t.Fatal("exporter did not stop on SIGTERM")
	}
	if code := p.cmd.ProcessState.ExitCode(); code != 0 {
		t.Errorf("exit code %d after SIGTERM, want 0", code)
	}
	if !strings.Contains(p.Log(), `msg=Stopped`) {
		t.Errorf("no Stopped log line:\n%s", p.Log())
	}
}

func TestHelpListsCommands(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	var stdout bytes.Buffer
	cmd := exec.CommandContext(ctx, exporterBinary, "--help")
	cmd.Stdout = &stdout
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"serve*", "--output.textfile", "--collectors.enabled", "web.systemd-socket"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("--help lacks %q", want)
		}
	}
}

// --config.check loads the web config as the server would: a certificate that does not
// exist is one clear error and a non-zero exit, a good config passes.
func TestConfigCheckValidatesWebConfig(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "web-bad.yml")
	os.WriteFile(bad, []byte("tls_server_config:\n  cert_file: "+filepath.Join(dir, "missing.crt")+"\n  key_file: "+filepath.Join(dir, "missing.key")+"\n"), 0o644)
	out, err := execExporter("--collector.disable-defaults", "--web.config.file="+bad, "--config.check")
	if err == nil || !strings.Contains(out, "--web.config.file") || strings.Contains(out, "configuration OK") {
		t.Errorf("missing certificate accepted: err=%v\n%s", err, out)
	}
	if strings.Contains(out, "goroutine ") {
		t.Errorf("panic trace instead of an error line:\n%s", out)
	}
	good := filepath.Join(dir, "web-good.yml")
	os.WriteFile(good, []byte("basic_auth_users:\n  prom: $2y$10$X0h1gDsPszWURQaxFh.zoubFi6DXncSjhoQNJgRrnGs7EsimhC7zG\n"), 0o644)
	if out, err := execExporter("--collector.disable-defaults", "--web.config.file="+good, "--config.check"); err != nil ||
		!strings.Contains(out, "configuration OK") {
		t.Errorf("good web config refused: err=%v\n%s", err, out)
	}
}
