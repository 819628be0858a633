package main

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func runExporterCommand(t *testing.T, args ...string) (string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, exporterBinary, args...)
	cmd.Env = append(os.Environ(), "TZ=UTC", "LANG=C")
	out, err := cmd.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return string(out), code
}

func hostArgs(t *testing.T, root string) []string {
	return []string{"--path.rootfs=" + root, "--path.procfs=" + filepath.Join(root, "proc"),
		"--path.sysfs=" + filepath.Join(root, "sys"), "--testing.time=" + pinnedTime, "--collector.timezone=UTC",
		"--state.dir=" + t.TempDir()}
}

func TestDiagnoseExplainsAndExitsNonZero(t *testing.T) {
	fixtures := fixturesDir(t)
	out, code := runExporterCommand(t, append([]string{"diagnose", "--lang=en"}, hostArgs(t, fixtureHost(t, "demo"))...)...)
	if code != 1 {
		t.Fatalf("exit %d, want 1:\n%s", code, out)
	}
	for _, want := range []string{"[WARNING]", "fault 18", "McAfee Agent: no successful communication", "runbooks.md#ciscoconnectoreventmonitoringoverloaded", "sources: sources.md S5"} {
		if !strings.Contains(out, want) {
			t.Errorf("diagnose output lacks %q:\n%s", want, out)
		}
	}
	ja, _ := runExporterCommand(t, append([]string{"diagnose", "--lang=ja"}, hostArgs(t, fixtureHost(t, "demo"))...)...)
	if !strings.Contains(ja, "件の問題が見つかりました") || !strings.Contains(ja, "runbooks.ja.md#ciscoconnectoreventmonitoringoverloaded") {
		t.Errorf("Japanese report:\n%s", ja)
	}

	healthy, code := runExporterCommand(t, append([]string{"diagnose", "--collector.disable-defaults", "--collector.linux_security"},
		hostArgs(t, filepath.Join(fixtures, "hosts", "linux-prereqs-ok"))...)...)
	if code != 0 || !strings.Contains(healthy, "No problem found") {
		t.Fatalf("healthy host: exit %d\n%s", code, healthy)
	}
}

// The running service's log offsets live in --state.dir: diagnose must not move them.
func TestDiagnoseLeavesTheServiceStateAlone(t *testing.T) {
	state := t.TempDir()
	args := append([]string{"diagnose"}, hostArgs(t, fixtureHost(t, "demo"))...)
	args = append(args, "--state.dir="+state)
	runExporterCommand(t, args...)
	entries, _ := os.ReadDir(state)
	if len(entries) != 0 {
		t.Fatalf("diagnose wrote %d files into the service's state dir", len(entries))
	}
}

// plantedSecrets are the distinctive values the fixture trees hide in every place an
// agent keeps one; none may leave the host.
var plantedSecrets = []string{
	"SECRET-ACTIVATION-1d2c3b4a", "SECRET-CUSTOMER-7e8f9a0b", "SECRET-PROXY-PASSWORD-7c1e",
	"SECRET-CISCO-KEYPAIR", "SECRET-CISCO-INSTALL-TOKEN", "SECRET-CISCO-PROXY-PW",
}

func TestSupportBundleIsCompleteAndRedacted(t *testing.T) {
	root := copyHost(t, "demo")
	// The proxy secrets of qualys-proxy-unreachable, layered over the demo host.
	copyOver(t, fixtureHost(t, "qualys-proxy-unreachable"), root)
	// Cisco keeps its secrets in local.xml and policy.xml.
	os.WriteFile(filepath.Join(root, "opt/cisco/amp/etc/policy.xml"), []byte(`<?xml version="1.0"?>
<Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><Object><config>
<agent><proxy><server>proxy.corp:8080</server><user>svc</user><password>SECRET-CISCO-PROXY-PW</password></proxy>
<install_token>SECRET-CISCO-INSTALL-TOKEN</install_token></agent></config></Object></Signature>
`), 0o644)
	local, _ := os.ReadFile(filepath.Join(root, "opt/cisco/amp/etc/local.xml"))
	os.WriteFile(filepath.Join(root, "opt/cisco/amp/etc/local.xml"),
		[]byte(strings.Replace(string(local), "</", "<client_keypair>SECRET-CISCO-KEYPAIR</client_keypair></", 1)), 0o644)

	out := filepath.Join(t.TempDir(), "bundle.tar.gz")
	msg, code := runExporterCommand(t, append([]string{"support-bundle", "--output=" + out}, hostArgs(t, root)...)...)
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, msg)
	}
	files := readArchive(t, out)
	for _, want := range []string{"README.txt", "version.txt", "flags.txt", "metrics.prom", "diagnose.txt", "exporter.log",
		"commands/mcafee_cmdagent_i.txt", "commands/cisco_ampcli_status.txt", "files/qualys_agent_conf/qualys-cloud-agent.conf",
		"files/qualys_proxy_env/qualys-cloud-agent", "files/cisco_policy_xml/policy.xml", "logs/encodings.txt", "logs/unclassified.txt"} {
		if _, ok := files[want]; !ok {
			t.Errorf("bundle lacks %s (has %v)", want, keys(files))
		}
	}
	if !strings.Contains(files["metrics.prom"], "secagent_agent_installed") || !strings.Contains(files["logs/encodings.txt"], "masvc_web01.log: ascii") {
		t.Errorf("metrics or encodings missing content:\n%s\n%s", files["logs/encodings.txt"], files["metrics.prom"][:200])
	}
	tails := 0
	for name, content := range files {
		if strings.HasPrefix(name, "logs/") && strings.HasSuffix(name, ".tail.txt") {
			tails++
		}
		for _, s := range plantedSecrets {
			if strings.Contains(content, s) {
				t.Errorf("%s leaks %s", name, s)
			}
		}
	}
	if tails == 0 {
		t.Error("no log tails in the bundle")
	}
	if !strings.Contains(files["files/qualys_agent_conf/qualys-cloud-agent.conf"], "<redacted>") {
		t.Error("the Qualys conf was not redacted")
	}
}

func copyOver(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		target := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		raw, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		info, _ := d.Info()
		return os.WriteFile(target, raw, info.Mode().Perm())
	})
	if err != nil {
		t.Fatal(err)
	}
}

func readArchive(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	files := map[string]string{}
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(tr)
		files[hdr.Name] = string(raw)
	}
	return files
}

func keys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestSupportBundleMasksHostIdentifiersOnRequest(t *testing.T) {
	root := t.TempDir()
	if err := os.CopyFS(root, os.DirFS(fixtureHost(t, "demo"))); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "bundle.tar.gz")
	msg, code := runExporterCommand(t, append([]string{"support-bundle", "--mask-host-identifiers", "--output=" + out}, hostArgs(t, root)...)...)
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, msg)
	}
	guid := regexp.MustCompile(`[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}`)
	for name, content := range readArchive(t, out) {
		if m := guid.FindString(content); m != "" {
			t.Errorf("%s keeps GUID %s", name, m)
		}
	}
}

// The bundle reads where the collectors read: --collector.qualys.config (and the
// LogFileDir and HostIdSearchDir of that conf) and --collector.mcafee.cmdagent, which it
// once ignored.
func TestSupportBundleFollowsTheCollectorsLayout(t *testing.T) {
	fixtures := fixturesDir(t)
	root := t.TempDir()
	copyOver(t, filepath.Join(fixtures, "hosts", "qualys-healthy"), root)
	copyOver(t, filepath.Join(fixtures, "hosts", "mcafee-healthy"), root)
	// The agent installed where no default looks.
	move := func(from, to string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(filepath.Join(root, to)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(filepath.Join(root, from), filepath.Join(root, to)); err != nil {
			t.Fatal(err)
		}
	}
	move("etc/qualys/cloud-agent/qualys-cloud-agent.conf", "srv/qualys/agent.conf")
	move("var/log/qualys", "srv/qualys/logs")
	move("etc/qualys/hostid", "srv/ids/qualys/hostid")
	move("opt/McAfee/agent/bin", "srv/ma/bin")
	conf, err := os.ReadFile(filepath.Join(root, "srv/qualys/agent.conf"))
	if err != nil {
		t.Fatal(err)
	}
	conf = []byte(strings.NewReplacer("LogFileDir=/var/log/qualys", "LogFileDir=/srv/qualys/logs",
		"HostIdSearchDir=/etc", "HostIdSearchDir=/srv/ids").Replace(string(conf)))
	if err := os.WriteFile(filepath.Join(root, "srv/qualys/agent.conf"), conf, 0o600); err != nil {
		t.Fatal(err)
	}

	out := filepath.Join(t.TempDir(), "bundle.tar.gz")
	args := append([]string{"support-bundle", "--output=" + out, "--collector.qualys.config=/srv/qualys/agent.conf",
		"--collector.mcafee.cmdagent=/srv/ma/bin/cmdagent"}, hostArgs(t, root)...)
	msg, code := runExporterCommand(t, args...)
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, msg)
	}
	files := readArchive(t, out)
	for _, want := range []string{"files/qualys_agent_conf/agent.conf", "files/qualys_hostid/hostid",
		"logs/qualys_cloud_agent/qualys-cloud-agent.log.tail.txt", "commands/mcafee_cmdagent_i.txt"} {
		if _, ok := files[want]; !ok {
			t.Errorf("bundle lacks %s (has %v)", want, keys(files))
		}
	}
	if !strings.Contains(files["commands/mcafee_cmdagent_i.txt"], "$ /srv/ma/bin/cmdagent -i") {
		t.Errorf("cmdagent not run from the configured path:\n%s", files["commands/mcafee_cmdagent_i.txt"])
	}
}
