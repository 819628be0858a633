package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// A bad messages-file stops --config.check (and the start-up) with one error line that
// names the flag, the file and the row; a good one passes.
func TestMessagesFileConfigCheck(t *testing.T) {
	dir := filepath.Join(fixturesDir(t), "messages")
	for _, tc := range []struct {
		file string
		want string
	}{
		{"mcafee-bad-regexp.yml", `row 2 (id "broken"): bad regexp: error parsing regexp: missing closing ): ` + "`Agent-Kommunikationssitzung (beendet`"},
		{"mcafee-unknown-event.yml", `row 1 (id "typo"): unknown event "asci_sesion_closed"`},
		{"mcafee-duplicate-id.yml", `row 2 (id "de"): duplicate id: row 1 has it too`},
	} {
		t.Run(tc.file, func(t *testing.T) {
			path := filepath.Join(dir, tc.file)
			out, err := execExporter("--collector.disable-defaults", "--collector.mcafee",
				"--collector.mcafee.messages-file="+path, "--config.check", "--log.level=error")
			if err == nil {
				t.Fatalf("accepted:\n%s", out)
			}
			lines := strings.Split(strings.TrimSpace(out), "\n")
			if len(lines) != 1 {
				t.Errorf("want one error line, got %d:\n%s", len(lines), out)
			}
			if !strings.Contains(out, "--collector.mcafee.messages-file "+path+": "+tc.want) {
				t.Errorf("error does not name file and row as expected:\n%s", out)
			}
		})
	}
	out, err := execExporter("--collector.disable-defaults", "--collector.mcafee",
		"--collector.mcafee.messages-file="+filepath.Join(dir, "mcafee-de.yml"), "--config.check", "--log.level=error")
	if err != nil || !strings.Contains(out, "configuration OK") {
		t.Errorf("good messages-file rejected: %v\n%s", err, out)
	}
}

// The support bundle carries the unclassified shapes classify would print, and counts the
// site's messages-file rows as classified.
func TestSupportBundleUnclassifiedShapes(t *testing.T) {
	fixtures := fixturesDir(t)
	root := fixtureHost(t, "mcafee-german-log")
	run := func(extra ...string) string {
		t.Helper()
		out := filepath.Join(t.TempDir(), "bundle.tar.gz")
		args := append([]string{"support-bundle", "--output=" + out, "--collector.disable-defaults", "--collector.mcafee"}, hostArgs(t, root)...)
		msg, code := runExporterCommand(t, append(args, extra...)...)
		if code != 0 {
			t.Fatalf("exit %d:\n%s", code, msg)
		}
		return readArchive(t, out)["logs/unclassified-shapes.txt"]
	}
	const shape = "Agent-Server-Kommunikation fehlgeschlagen: Server nicht erreichbar"
	plain := run()
	for _, want := range []string{"mcafee_agent: ", "  1  " + shape, "Property collection session initiated for PropsVersion with session id <n>."} {
		if !strings.Contains(plain, want) {
			t.Errorf("shapes lack %q:\n%s", want, plain)
		}
	}
	if strings.Contains(plain, "5696") {
		t.Errorf("a number survived the masking:\n%s", plain)
	}
	site := run("--collector.mcafee.messages-file=" + filepath.Join(fixtures, "messages", "mcafee-de.yml"))
	if strings.Contains(site, shape) || !strings.Contains(site, "Eigenschaften werden erfasst") {
		t.Errorf("the site rows were not applied:\n%s", site)
	}
}
