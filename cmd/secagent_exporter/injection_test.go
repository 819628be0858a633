//go:build unix

package main

// Least privilege for agent CLIs: they run from the configured path only, literally,
// never through a shell, with the fixed arguments the collector chooses and a minimal
// environment. A flag or config-file value full of shell syntax names a file that does
// not exist (or, if such a file exists, that file runs) and can neither run a command
// nor add an argument.

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// recordingCLI is an agent CLI stand-in that records its arguments and environment next
// to itself before printing the captured output.
const recordingCLI = `#!/bin/sh
dir=$(dirname "$0")
printf '%s\n' "$@" > "$dir/argv.txt"
env > "$dir/env.txt"
cat '{{capture}}'
`

// installRecordingCLI writes the stand-in at path; capture is the absolute path of the
// output it prints.
func installRecordingCLI(t *testing.T, path, capture string) {
	t.Helper()
	writeFile(t, path, []byte(strings.Replace(recordingCLI, "{{capture}}", capture, 1)), 0o755)
}

func TestAgentCLIsCannotBeInjected(t *testing.T) {
	root := copyHost(t, "demo")
	canary := filepath.Join(t.TempDir(), "CANARY")
	mcafeeBin := underRoot(root, "/opt/McAfee/agent/bin")
	ciscoBin := underRoot(root, "/opt/cisco/amp/bin")
	installRecordingCLI(t, filepath.Join(mcafeeBin, "cmdagent"), filepath.Join(mcafeeBin, "cmdagent-i.txt"))
	installRecordingCLI(t, filepath.Join(ciscoBin, "ampcli"), filepath.Join(ciscoBin, "ampcli-status.txt"))

	base := []string{
		"--collector.disable-defaults", "--collector.mcafee", "--collector.cisco",
		"--path.rootfs=" + root, "--path.procfs=" + underRoot(root, "/proc"),
		"--testing.time=" + pinnedTime, "--collector.timezone=UTC", "--log.level=debug",
		"--state.dir=" + t.TempDir(),
	}
	injections := []string{
		"/bin/sh -c 'touch " + canary + "'",
		"sh -c 'touch " + canary + "'",
		"%s; touch " + canary,
		"%s && touch " + canary,
		"%s | touch " + canary,
		"%s$(touch " + canary + ")",
		"%s`touch " + canary + "`",
		"%s\n/usr/bin/touch " + canary,
		// Argument injection: cmdagent -c/-e/-p would make the agent act (sources.md S12).
		"%s -c",
		"%s -i -e",
	}
	flags := []struct{ flag, cli, dir, collector, source string }{
		{"collector.mcafee.cmdagent", "/opt/McAfee/agent/bin/cmdagent", mcafeeBin, "mcafee", "cmdagent"},
		{"collector.cisco.ampcli", "/opt/cisco/amp/bin/ampcli", ciscoBin, "cisco", "ampcli_status"},
	}
	for _, f := range flags {
		// Control: the plain path runs and is recorded, so a missing record below means
		// the CLI did not run.
		t.Run(f.flag+" control", func(t *testing.T) {
			p := startExporter(t, "http", append(append([]string(nil), base...), "--"+f.flag+"="+f.cli)...)
			body, _ := scrape(t, http.DefaultClient, p.URL+"/metrics", "")
			wantValue(t, parseSeries(t, body), sourceSuccess(f.collector, f.source), 1)
			if _, err := os.ReadFile(filepath.Join(f.dir, "argv.txt")); err != nil {
				t.Fatalf("the stand-in did not record its run: %v", err)
			}
		})
		for _, tmpl := range injections {
			value := strings.Replace(tmpl, "%s", f.cli, 1)
			for _, via := range []string{"flag", "config file"} {
				t.Run(f.flag+" via "+via+" "+strings.ReplaceAll(value, "/", "_"), func(t *testing.T) {
					os.Remove(filepath.Join(f.dir, "argv.txt"))
					args := append([]string(nil), base...)
					if via == "flag" {
						args = append(args, "--"+f.flag+"="+value)
					} else {
						cfg := filepath.Join(t.TempDir(), "config.yml")
						quoted := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(value)
						writeFile(t, cfg, []byte(f.flag+": \""+quoted+"\"\n"), 0o600)
						args = append(args, "--config.file="+cfg)
					}
					p := startExporter(t, "http", args...)
					body, _ := scrape(t, http.DefaultClient, p.URL+"/metrics", "")
					if _, err := os.Stat(canary); err == nil {
						t.Fatalf("%q ran a command", value)
					}
					if argv, err := os.ReadFile(filepath.Join(f.dir, "argv.txt")); err == nil {
						t.Errorf("%q ran the agent CLI with %q", value, argv)
					}
					s := parseSeries(t, body)
					if v, ok := s.value(sourceSuccess(f.collector, f.source)); ok && v == 1 {
						t.Errorf("%q: source %s reported success", value, f.source)
					}
					if !p.Running() {
						t.Fatal("exporter exited")
					}
				})
			}
		}
	}
}

func underRoot(root, hostPath string) string {
	return filepath.Join(root, filepath.FromSlash(hostPath))
}

// A file whose name is full of shell syntax is still only a file: configured as the
// CLI, it runs, literally, with the collector's own arguments and none of the exporter's
// environment (a proxy password in the service's environment stays there).
func TestAgentCLIRunsLiterallyWithMinimalEnvironment(t *testing.T) {
	root := copyHost(t, "demo")
	canary := filepath.Join(t.TempDir(), "CANARY")
	hostPath := "/opt/McAfee/agent/bin/cmdagent; touch " + canary + " $(id)"
	literal := underRoot(root, hostPath)
	if err := os.MkdirAll(filepath.Dir(literal), 0o755); err != nil {
		t.Fatal(err)
	}
	installRecordingCLI(t, literal, underRoot(root, "/opt/McAfee/agent/bin/cmdagent-i.txt"))
	p := startExporterWith(t, "http", exporterBinary, func(cmd *exec.Cmd) {
		cmd.Env = append(cmd.Env, "https_proxy=http://svc:planted-env-proxy-pass@proxy.example.internal:3128",
			"SECAGENT_TEST_TOKEN=planted-env-token")
	},
		"--collector.disable-defaults", "--collector.mcafee",
		"--collector.mcafee.cmdagent="+hostPath,
		"--path.rootfs="+root, "--testing.time="+pinnedTime, "--collector.timezone=UTC",
		"--state.dir="+t.TempDir())
	body, _ := scrape(t, http.DefaultClient, p.URL+"/metrics", "")
	wantValue(t, parseSeries(t, body), sourceSuccess("mcafee", "cmdagent"), 1)
	if _, err := os.Stat(canary); err == nil {
		t.Fatal("the file name ran as a command")
	}
	dir := filepath.Dir(literal)
	argv, err := os.ReadFile(filepath.Join(dir, "argv.txt"))
	if err != nil {
		t.Fatalf("the literal path did not run: %v", err)
	}
	if string(argv) != "-i\n" {
		t.Errorf("cmdagent ran with %q, want only -i", argv)
	}
	env, err := os.ReadFile(filepath.Join(dir, "env.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(strings.ToLower(string(env)), "planted") {
		t.Errorf("the exporter's environment reached the agent CLI:\n%s", env)
	}
}
