//go:build unix

package collector

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A FIFO or an endless device in place of a host file fails that source at once, is
// counted in secagent_files_skipped_total, and the same collector is healthy again on
// the next scrape once the file is fixed: no goroutine is left blocked on an open.
func TestHostileFilesFailFastAndRecover(t *testing.T) {
	type plant func(t *testing.T, path string)
	fifo := func(t *testing.T, path string) {
		os.Remove(path)
		if err := syscall.Mkfifo(path, 0o644); err != nil {
			t.Skipf("mkfifo: %v", err)
		}
	}
	// An absolute link inside the tree means a path under the tree: to reach the
	// machine's /dev/zero the tree's /dev must be a bind of it, as in a container; a
	// relative link climbing out clamps at the tree's top instead.
	climb := func(t *testing.T, path string) {
		os.Remove(path)
		if err := os.Symlink(strings.Repeat("../", 20)+"dev/zero", path); err != nil {
			t.Fatal(err)
		}
	}
	big := func(t *testing.T, path string) {
		writeFile(t, path, "<config>"+strings.Repeat("x", 16<<20)+"</config>", 0o644)
	}
	for _, tc := range []struct {
		name, collector, file, source string
		plant                         plant
		reason                        string
	}{
		{"cisco local.xml FIFO", "cisco", "opt/cisco/amp/etc/local.xml", "local_xml", fifo, "not_regular"},
		{"cisco local.xml 16 MiB", "cisco", "opt/cisco/amp/etc/local.xml", "local_xml", big, "too_large"},
		{"cisco local.xml link to /dev/zero", "cisco", "opt/cisco/amp/etc/local.xml", "local_xml", climb, ""},
		{"qualys host id FIFO", "qualys", "etc/qualys/hostid", "host_id", fifo, "not_regular"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := linuxHost(t, "Status: Connected\nMode: Normal\nFaults: None\n", true)
			writeFile(t, filepath.Join(root, "etc/qualys/hostid"), "0b9c3e2d-4f5a-4b6c-8d7e-9f0a1b2c3d4e\n", 0o644)
			writeFile(t, filepath.Join(root, "etc/qualys/cloud-agent/qualys-cloud-agent.conf"), "ActivationId=x\n", 0o600)
			var buf bytes.Buffer
			logger := slog.New(slog.NewTextHandler(&buf, nil))
			env := Env{
				Logger: logger,
				Paths:  Paths{RootFS: root, ProcFS: filepath.Join(root, "proc"), SysFS: filepath.Join(root, "sys"), GOOS: "linux"},
				Runner: &Runner{Timeout: 5 * time.Second}, StateDir: t.TempDir(),
				Now: time.Now, Location: time.UTC,
			}
			var c Collector
			if tc.collector == "cisco" {
				c = newCiscoCollectorWith(env, ciscoConfig{platform: ciscoPlatformLinux, installDir: ciscoDefaultInstallDir, clamavDir: ciscoLinuxClamavDir})
			} else {
				c = newQualysCollectorFor(env, "linux", nil, nil)
			}
			set := NewSetFrom(logger, map[string]Collector{tc.collector: c})
			path := filepath.Join(root, tc.file)
			good, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			tc.plant(t, path)
			start := time.Now()
			m := gather(t, set, 5*time.Second)
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("scrape took %v", d)
			}
			assertLines(t, m, []string{
				"secagent_source_success collector=" + tc.collector + " source=" + tc.source + " 0",
				"secagent_collector_timeout collector=" + tc.collector + " 0",
			}, nil)
			if tc.reason != "" && !strings.Contains(m, "secagent_files_skipped_total collector="+tc.collector+" reason="+tc.reason) {
				t.Errorf("no secagent_files_skipped_total for %s in\n%s", tc.reason, m)
			}
			os.Remove(path)
			writeFile(t, path, string(good), 0o644)
			m = gather(t, set, 5*time.Second)
			assertLines(t, m, []string{"secagent_source_success collector=" + tc.collector + " source=" + tc.source + " 1"}, nil)
		})
	}
}
