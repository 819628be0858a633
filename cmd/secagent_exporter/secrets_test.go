//go:build unix

package main

// Secrets: the fixture host secrets-everywhere holds a planted secret in every place the
// agents keep one (Qualys ActivationId/CustomerId, Cisco client_keypair/install_token,
// proxy user:password wherever an agent stores a proxy). None of them may reach anything
// the exporter produces, on the healthy path or when the file holding the secret is cut
// right after it (where a parse error could quote it).

import (
	"bytes"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// plantedMarker is in every planted secret (fixtures/hosts/secrets-everywhere/README.md).
const plantedMarker = "planted"

// exporterOutputs runs the exporter on host and returns everything it produces, by name.
// Each output the exporter gains that could carry host data (a diagnose command, a
// support bundle) is added here, and the secret test covers it with no other change.
func exporterOutputs(t *testing.T, args ...string) map[string]string {
	t.Helper()
	p := startExporter(t, "http", append(args, "--log.level=debug", "--state.dir="+t.TempDir())...)
	first, _ := scrape(t, http.DefaultClient, p.URL+"/metrics", "")
	second, _ := scrape(t, http.DefaultClient, p.URL+"/metrics", "")
	landing, _ := scrape(t, http.DefaultClient, p.URL+"/", "")
	out := map[string]string{
		"/metrics (first scrape)":  first,
		"/metrics (second scrape)": second,
		"landing page":             landing,
		"exporter log":             p.Log(),
	}
	for _, lang := range []string{"en", "ja"} {
		diag, _ := runExporterCommand(t, append([]string{"diagnose", "--lang=" + lang, "--log.level=debug"}, args...)...)
		out["diagnose --lang="+lang] = diag
	}
	archive := filepath.Join(t.TempDir(), "bundle.tar.gz")
	msg, code := runExporterCommand(t, append([]string{"support-bundle", "--output=" + archive}, args...)...)
	if code != 0 {
		t.Fatalf("support-bundle exit %d:\n%s", code, msg)
	}
	out["support-bundle output"] = msg
	for name, content := range readArchive(t, archive) {
		out["support bundle: "+name] = content
	}
	return out
}

// plantedFiles lists the files of root that hold a planted secret.
func plantedFiles(t *testing.T, root string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == "README.md" {
			return err
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if bytes.Contains(bytes.ToLower(raw), []byte(plantedMarker)) {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// cutAfterSecrets truncates every secret-bearing file right after its first secret, so
// the parsers meet a file that ends inside the element or line holding it.
func cutAfterSecrets(t *testing.T, root string) {
	t.Helper()
	for _, path := range plantedFiles(t, root) {
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		i := bytes.Index(bytes.ToLower(raw), []byte(plantedMarker))
		end := i + len(plantedMarker)
		for end < len(raw) && raw[end] != '<' && raw[end] != '\n' && raw[end] != '"' {
			end++
		}
		writeFile(t, path, raw[:end], 0o644)
	}
}

func assertNoSecrets(t *testing.T, outputs map[string]string) {
	t.Helper()
	for name, text := range outputs {
		for _, line := range strings.Split(text, "\n") {
			if strings.Contains(strings.ToLower(line), plantedMarker) {
				t.Errorf("secret in the %s: %s", name, line)
			}
		}
	}
}

func TestSecretsNeverLeave(t *testing.T) {
	fixture := filepath.Join(fixturesDir(t), "hosts", "secrets-everywhere")
	if n := len(plantedFiles(t, fixture)); n < 10 {
		t.Fatalf("the fixture holds secrets in %d files, want every place an agent keeps one", n)
	}
	linux := func(root string) []string {
		return []string{
			"--collector.disable-defaults",
			"--collector.cisco", "--collector.linux_security", "--collector.mcafee", "--collector.qualys",
			"--collector.linux_security.kernel-module=ampfsm",
			"--path.rootfs=" + root, "--path.procfs=" + filepath.Join(root, "proc"), "--path.sysfs=" + filepath.Join(root, "sys"),
			"--testing.time=" + pinnedTime, "--collector.timezone=UTC",
		}
	}
	windowsCisco := func(root string) []string {
		return []string{"--collector.disable-defaults", "--collector.cisco", "--collector.cisco.platform=windows",
			"--path.rootfs=" + root, "--testing.time=" + pinnedTime, "--collector.timezone=UTC"}
	}

	t.Run("healthy", func(t *testing.T) {
		out := exporterOutputs(t, linux(fixture)...)
		// The secret-bearing sources were read, not skipped.
		s := parseSeries(t, out["/metrics (first scrape)"])
		for _, key := range []string{
			sourceSuccess("qualys", "agent_conf"), sourceSuccess("qualys", "proxy_env"),
			sourceSuccess("cisco", "local_xml"), sourceSuccess("cisco", "global_xml"),
			sourceSuccess("mcafee", "cmdagent"), sourceSuccess("mcafee", "mcafee_agent_log"),
			"qualys_activation_id_configured", "qualys_proxy_auth_configured",
		} {
			wantValue(t, s, key, 1)
		}
		assertNoSecrets(t, out)

		out = exporterOutputs(t, windowsCisco(fixture)...)
		s = parseSeries(t, out["/metrics (first scrape)"])
		for _, key := range []string{sourceSuccess("cisco", "local_xml"), sourceSuccess("cisco", "policy_xml"),
			sourceSuccess("cisco", "ampcli_posture")} {
			wantValue(t, s, key, 1)
		}
		assertNoSecrets(t, out)
	})
	t.Run("cut after each secret", func(t *testing.T) {
		root := copyHost(t, "secrets-everywhere")
		cutAfterSecrets(t, root)
		linuxOut := exporterOutputs(t, linux(root)...)
		windowsOut := exporterOutputs(t, windowsCisco(root)...)
		// The cut files fail their sources: the error paths, not only the happy ones, ran.
		s := parseSeries(t, linuxOut["/metrics (first scrape)"])
		wantValue(t, s, sourceSuccess("cisco", "local_xml"), 0)
		s = parseSeries(t, windowsOut["/metrics (first scrape)"])
		wantValue(t, s, sourceSuccess("cisco", "policy_xml"), 0)
		assertNoSecrets(t, linuxOut)
		assertNoSecrets(t, windowsOut)
	})
}
