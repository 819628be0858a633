//go:build !windows

package collector

import (
	"bytes"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/secagent-exporter/secagent_exporter/collector/cisco"
	"github.com/secagent-exporter/secagent_exporter/collector/pkgdb"
	"github.com/secagent-exporter/secagent_exporter/collector/winsvc"
)

// The fake CLIs of the fixture trees are shell scripts, hence !windows.

var ciscoTestNow = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

const ciscoTestAMP = "C/Program Files/Cisco/AMP"

// lockedBuffer is a log sink the concurrently running collector may write to.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// runCisco scrapes a cisco collector once and returns the metrics (one "name label=value
// … value" line each) and everything it logged at debug level.
func runCisco(t *testing.T, rootfs string, cfg ciscoConfig, commandTimeout time.Duration) (string, string) {
	t.Helper()
	if commandTimeout == 0 {
		commandTimeout = 5 * time.Second
	}
	rootfs, err := filepath.Abs(rootfs) // the Runner runs CLIs by absolute path only
	if err != nil {
		t.Fatal(err)
	}
	var log lockedBuffer
	logger := slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	if cfg.installDir == "" {
		cfg.installDir = ciscoDefaultInstallDir
	}
	if cfg.clamavDir == "" {
		cfg.clamavDir = ciscoLinuxClamavDir
	}
	env := Env{
		Logger:   logger,
		Paths:    Paths{RootFS: rootfs, ProcFS: filepath.Join(rootfs, "proc"), SysFS: filepath.Join(rootfs, "sys"), GOOS: "linux"},
		Runner:   &Runner{Timeout: commandTimeout},
		Now:      func() time.Time { return ciscoTestNow },
		Location: time.UTC,
	}
	set := NewSetFrom(logger, map[string]Collector{"cisco": newCiscoCollectorWith(env, cfg)})
	return gather(t, set, 30*time.Second), log.String()
}

// copyFixtureHost copies a fixture host tree (or the expansion of its spec) into a
// temporary directory the test may change.
func copyFixtureHost(t *testing.T, fixture string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "host")
	if err := os.CopyFS(dst, os.DirFS(fixtureHost(t, fixture))); err != nil {
		t.Fatal(err)
	}
	return dst
}

func assertLines(t *testing.T, metrics string, want, absent []string) {
	t.Helper()
	lines := map[string]bool{}
	for _, l := range strings.Split(metrics, "\n") {
		lines[l] = true
	}
	for _, w := range want {
		if !lines[w] {
			t.Errorf("missing %q in\n%s", w, metrics)
		}
	}
	for _, a := range absent {
		for l := range lines {
			if strings.HasPrefix(l, a) {
				t.Errorf("unexpected %q in\n%s", l, metrics)
			}
		}
	}
}

func TestCiscoWindowsRegistryAndService(t *testing.T) {
	healthy := fixtureHost(t, "cisco-win-healthy")
	absentHost := fixtureHost(t, "cisco-absent")
	running := winsvc.Fake{Services: []winsvc.Status{{Name: "CiscoAMP", State: "running", StartType: "auto"}}}
	key := cisco.ImmunetProtectKey
	for _, tc := range []struct {
		name     string
		rootfs   string
		registry cisco.RegistryReader
		services winsvc.Querier
		want     []string
		absent   []string
	}{
		{
			name:     "isolated with a reboot pending, service running",
			rootfs:   healthy,
			registry: cisco.FakeRegistry{key: {"guid": "{0F3C2A1E-5B6D-4C7E-8F90-A1B2C3D4E5F6}", "unlock_code": "481516", "Reboot": uint64(1)}},
			services: running,
			want: []string{
				"connector_isolated 1", "connector_reboot_pending 1", "connector_running 1",
				"secagent_source_success collector=cisco source=registry 1",
				"secagent_source_success collector=cisco source=service 1",
				"secagent_collector_success collector=cisco 1",
			},
		},
		{
			name:     "service stopped wins over the posture's running",
			rootfs:   healthy,
			registry: cisco.FakeRegistry{key: {"guid": "0f3c2a1e-5b6d-4c7e-8f90-a1b2c3d4e5f6"}},
			services: winsvc.Fake{Services: []winsvc.Status{{Name: "CiscoAMP", State: "stopped"}}},
			want:     []string{"connector_running 0", "connector_isolated 0", "connector_reboot_pending 0"},
		},
		{
			name:     "no service installed",
			rootfs:   healthy,
			registry: cisco.FakeRegistry{key: {}},
			services: winsvc.Fake{},
			want:     []string{"connector_running 0", "secagent_source_success collector=cisco source=service 1"},
		},
		{
			name:     "registry and service manager not available off Windows",
			rootfs:   healthy,
			registry: cisco.NewRegistryReader(),
			services: winsvc.New(),
			want:     []string{"connector_running 1", "secagent_collector_success collector=cisco 1"},
			absent: []string{
				"secagent_source_success collector=cisco source=registry",
				"secagent_source_success collector=cisco source=service",
				"connector_isolated", "connector_reboot_pending",
			},
		},
		{
			name:     "registry unreadable fails the source",
			rootfs:   healthy,
			registry: cisco.FakeRegistry{key: {"guid": errors.New("Access is denied.")}},
			services: running,
			want: []string{
				"secagent_source_success collector=cisco source=registry 0",
				"secagent_collector_success collector=cisco 0",
				"tetra_definitions_age_seconds 10800",
			},
			absent: []string{"connector_isolated"},
		},
		{
			name:     "registry key without install root: installed, install_dir failed",
			rootfs:   absentHost,
			registry: cisco.FakeRegistry{key: {"guid": "0f3c2a1e-5b6d-4c7e-8f90-a1b2c3d4e5f6"}},
			services: winsvc.Fake{},
			want: []string{
				`secagent_agent_installed agent=cisco_secure_endpoint 1`,
				"secagent_source_success collector=cisco source=install_dir 0",
				"connector_info platform=windows uuid=0f3c2a1e-5b6d-4c7e-8f90-a1b2c3d4e5f6 version= 1",
			},
		},
		{
			name:     "absent: no key, no install root",
			rootfs:   absentHost,
			registry: cisco.FakeRegistry{},
			services: winsvc.Fake{},
			want:     []string{`secagent_agent_installed agent=cisco_secure_endpoint 0`, "secagent_collector_success collector=cisco 1"},
			absent:   []string{"connector_", "tetra_", "secagent_source_success"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			metrics, _ := runCisco(t, tc.rootfs, ciscoConfig{platform: ciscoPlatformWindows, registry: tc.registry, services: tc.services}, 0)
			assertLines(t, metrics, tc.want, tc.absent)
		})
	}
}

func TestCiscoWindowsInstallDirFromRegistry(t *testing.T) {
	root := t.TempDir()
	if err := os.CopyFS(filepath.Join(root, "D", "Security", "AMP"), os.DirFS(filepath.Join(fixtureHost(t, "cisco-win-healthy"), ciscoTestAMP))); err != nil {
		t.Fatal(err)
	}
	reg := cisco.FakeRegistry{cisco.ImmunetProtectKey: {"InstallDir": `D:\Security\AMP\`}}
	metrics, _ := runCisco(t, root, ciscoConfig{platform: ciscoPlatformWindows, registry: reg}, 0)
	assertLines(t, metrics, []string{
		"secagent_source_success collector=cisco source=install_dir 1",
		"connector_info platform=windows uuid=0f3c2a1e-5b6d-4c7e-8f90-a1b2c3d4e5f6 version=8.4.2.30302 1",
		"tetra_definitions_version 95740",
	}, nil)

	// An explicit --collector.cisco.install-dir wins over the registry.
	metrics, _ = runCisco(t, root, ciscoConfig{platform: ciscoPlatformWindows, registry: reg, installDir: `E:\AMP`}, 0)
	assertLines(t, metrics, []string{"secagent_agent_installed agent=cisco_secure_endpoint 1", "secagent_source_success collector=cisco source=install_dir 0"}, nil)
}

func TestCiscoWindowsSkipTetraSilencesStaleness(t *testing.T) {
	root := copyFixtureHost(t, "cisco-win-stale-proxy-auth")
	local := filepath.Join(root, ciscoTestAMP, "local.xml")
	b, err := os.ReadFile(local)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, local, strings.Replace(string(b), "<skiptetra>0</skiptetra>", "<skiptetra>1</skiptetra>", 1), 0o644)
	metrics, _ := runCisco(t, root, ciscoConfig{platform: ciscoPlatformWindows}, 0)
	assertLines(t, metrics, []string{"connector_connected 0", "secagent_collector_success collector=cisco 1"},
		[]string{"tetra_definitions_", "tetra_update_last_error"})
}

func TestCiscoWindowsAmpCLIHangs(t *testing.T) {
	root := copyFixtureHost(t, "cisco-win-healthy")
	writeFile(t, filepath.Join(root, ciscoTestAMP, "8.4.2.30302", "AmpCLI.exe"), "#!/bin/sh\nexec sleep 30\n", 0o755)
	metrics, log := runCisco(t, root, ciscoConfig{platform: ciscoPlatformWindows}, 300*time.Millisecond)
	assertLines(t, metrics, []string{
		"secagent_source_success collector=cisco source=ampcli_posture 0",
		"secagent_collector_success collector=cisco 0",
		"secagent_collector_timeout collector=cisco 0",
		"tetra_definitions_version 95740", // from local.xml
		"connector_policy_serial 871",
	}, []string{"tetra_definitions_age_seconds", "connector_running"})
	if !strings.Contains(log, "killed after timeout") {
		t.Errorf("log does not say the CLI was killed:\n%s", log)
	}
}

func TestCiscoWindowsPolicyUnreadableDegrades(t *testing.T) {
	root := copyFixtureHost(t, "cisco-win-healthy")
	policy := filepath.Join(root, ciscoTestAMP, "policy.xml")
	// A directory in the file's place fails the read for root too, as the
	// Administrators-only ACL of connector 7.5.7+ does for other users.
	if err := os.Remove(policy); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(policy, 0o755); err != nil {
		t.Fatal(err)
	}
	metrics, log := runCisco(t, root, ciscoConfig{platform: ciscoPlatformWindows}, 0)
	assertLines(t, metrics, []string{
		"secagent_source_success collector=cisco source=policy_xml 0",
		"secagent_collector_success collector=cisco 1",
		"tetra_definitions_age_seconds 10800",
	}, []string{"connector_policy_serial", "tetra_update_interval_seconds", "connector_heartbeat_interval_seconds"})
	if !strings.Contains(log, "source degraded") {
		t.Errorf("degraded policy.xml not logged:\n%s", log)
	}
}

// linuxHost builds a minimal Linux connector tree whose ampcli prints status.
func linuxHost(t *testing.T, status string, daemonRunning bool) string {
	t.Helper()
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "opt/cisco/amp/bin/ampdaemon"), "", 0o755)
	writeFile(t, filepath.Join(root, "opt/cisco/amp/bin/ampcli-status.txt"), status, 0o644)
	writeFile(t, filepath.Join(root, "opt/cisco/amp/bin/ampcli"), "#!/bin/sh\ncat \"$(dirname \"$0\")/ampcli-status.txt\"\n", 0o755)
	writeFile(t, filepath.Join(root, "opt/cisco/amp/etc/global.xml"), "<config><agent><version>1.24.1.1047</version></agent></config>", 0o644)
	writeFile(t, filepath.Join(root, "opt/cisco/amp/etc/local.xml"), "<config><agent><uuid>9B2E4C71-0D3A-4F5E-8C6B-2A1F0E9D8C7B</uuid></agent></config>", 0o644)
	writeFile(t, filepath.Join(root, "proc/1/comm"), "systemd\n", 0o644)
	if daemonRunning {
		writeFile(t, filepath.Join(root, "proc/977/comm"), "ampdaemon\n", 0o644)
	}
	return root
}

func TestCiscoLinuxFaults(t *testing.T) {
	every := func(value string) []string {
		var lines []string
		for _, f := range cisco.LinuxFaults {
			lines = append(lines, "connector_fault_active id="+strconv.Itoa(f.ID)+" name="+f.Name+" "+value)
		}
		return lines
	}
	for _, tc := range []struct {
		name   string
		status string
		want   []string
		absent []string
	}{
		{
			name:   "no fault is an explicit 0 for every documented id",
			status: "Status: Connected\nMode: Normal\nFaults: None\n",
			want:   append(every("0"), "connector_degraded 0", "connector_connected 1", "connector_fault_severity id=18 name=event_monitoring_overloaded 0"),
			absent: []string{"connector_fault_active id=42"},
		},
		{
			name: "critical fault 18 and an undocumented id",
			status: "Status: Connected\nMode: Degraded\nFaults: 1 Critical, 1 Major\nFault IDs: 18, 42\n" +
				"ID 18 - Critical: Connector event monitoring is overloaded.\nID 42 - Major: Something new.\n",
			want: []string{
				"connector_fault_active id=18 name=event_monitoring_overloaded 1",
				"connector_fault_severity id=18 name=event_monitoring_overloaded 3",
				"connector_fault_active id=42 name=unknown 1",
				"connector_fault_severity id=42 name=unknown 2",
				"connector_fault_active id=5 name=scan_user_missing 0",
				"connector_degraded 1",
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			metrics, _ := runCisco(t, linuxHost(t, tc.status, true), ciscoConfig{platform: ciscoPlatformLinux}, 0)
			assertLines(t, metrics, append(tc.want, "secagent_collector_success collector=cisco 1", "connector_running 1",
				"connector_info platform=linux uuid=9b2e4c71-0d3a-4f5e-8c6b-2a1f0e9d8c7b version=1.24.1.1047 1"), tc.absent)
		})
	}
}

func TestCiscoLinuxDaemonDown(t *testing.T) {
	banner := "ampcli - Cisco Secure Endpoint Connector Command Line Interface\nInteractive mode\nTrying to connect...\n"
	metrics, _ := runCisco(t, linuxHost(t, banner, false), ciscoConfig{platform: ciscoPlatformLinux}, 0)
	assertLines(t, metrics, []string{
		"connector_running 0", "connector_connected 0",
		"secagent_source_success collector=cisco source=ampcli_status 0",
		"secagent_collector_success collector=cisco 1",
	}, []string{"connector_fault_active", "connector_degraded"})
}

func TestCiscoLinuxAmpcliMissingFails(t *testing.T) {
	root := linuxHost(t, "", true)
	if err := os.Remove(filepath.Join(root, "opt/cisco/amp/bin/ampcli")); err != nil {
		t.Fatal(err)
	}
	metrics, _ := runCisco(t, root, ciscoConfig{platform: ciscoPlatformLinux}, 0)
	assertLines(t, metrics, []string{
		"secagent_agent_installed agent=cisco_secure_endpoint 1",
		"secagent_source_success collector=cisco source=ampcli_status 0",
		"secagent_collector_success collector=cisco 0",
	}, []string{"connector_fault_active"})
}

func TestCiscoLinuxClamAVPrefersNewerOfCvdAndCld(t *testing.T) {
	root := linuxHost(t, "Status: Connected\n", true)
	dir := filepath.Join(root, "opt/cisco/amp/etc/clamav")
	writeFile(t, filepath.Join(dir, "daily.cvd"), "ClamAV-VDB:10 Nov 2026 03-40 -0500:28100:1:90:x:X:builder:1794302400", 0o644)
	writeFile(t, filepath.Join(dir, "daily.cld"), "ClamAV-VDB:20 Nov 2026 03-40 -0500:28188:1:90:x:X:builder:1795164000", 0o644)
	writeFile(t, filepath.Join(dir, "safebrowsing.cvd"), "ClamAV-VDB:20 Nov 2026 03-40 -0500:1:1:90:x:X:builder:1795164000", 0o644)
	metrics, _ := runCisco(t, root, ciscoConfig{platform: ciscoPlatformLinux}, 0)
	assertLines(t, metrics, []string{
		"clamav_definitions_version database=daily 28188",
		"clamav_definitions_timestamp_seconds database=daily 1.795164e+09",
		"secagent_source_success collector=cisco source=clamav_definitions 1",
	}, []string{"clamav_definitions_version database=safebrowsing", "clamav_definitions_version database=main"})

	writeFile(t, filepath.Join(dir, "main.cvd"), "not a database", 0o644)
	metrics, _ = runCisco(t, root, ciscoConfig{platform: ciscoPlatformLinux}, 0)
	assertLines(t, metrics, []string{
		"secagent_source_success collector=cisco source=clamav_definitions 0",
		"clamav_definitions_version database=daily 28188",
	}, nil)
}

// Secrets the connector keeps on the host (docs/metrics.md): the registry's client_keypair,
// install_token and unlock_code, and the proxy credentials of policy.xml. The test
// plants them in every file and registry value the collector touches, then scrapes along
// the healthy, degraded and failing paths, with debug logging, and looks for them.
func TestCiscoSecretsNeverLeave(t *testing.T) {
	const (
		keypair      = "MHcCAQEEIKkBogusPrivateKeyMaterialForTheTestOnly0123456789oAoGCCqGSM49"
		installToken = "inst-tok-7f3e9a1c5b2d4e6f8a0b"
		unlockCode   = "unlock-314159265"
		proxyUser    = "svc-amp"
		proxyPass    = "S3cr3t-Pr0xy"
	)
	secrets := []string{keypair, installToken, unlockCode, proxyUser, proxyPass}

	root := copyFixtureHost(t, "cisco-win-stale-proxy-auth")
	amp := filepath.Join(root, ciscoTestAMP)
	local, err := os.ReadFile(filepath.Join(amp, "local.xml"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(amp, "local.xml"), strings.Replace(string(local), "<agent>",
		"<agent>\n  <install_token>"+installToken+"</install_token>\n  <client_keypair>-----BEGIN EC PRIVATE KEY-----\n"+keypair+"\n-----END EC PRIVATE KEY-----</client_keypair>", 1), 0o644)
	policy, err := os.ReadFile(filepath.Join(amp, "policy.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(policy), proxyPass) || !strings.Contains(string(policy), proxyUser) {
		t.Fatal("fixture policy.xml lost its proxy credentials")
	}
	// The proxy server pasted as a URL with credentials, as a console user might.
	writeFile(t, filepath.Join(amp, "policy.xml"), strings.Replace(string(policy), "<server>proxy.example.internal</server>",
		"<server>http://"+proxyUser+":"+proxyPass+"@proxy.example.internal:8080/</server>", 1), 0o644)
	posture := filepath.Join(amp, "8.1.7.21417", "posture.json")
	pj, err := os.ReadFile(posture)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, posture, strings.Replace(string(pj), "{", `{"install_token":"`+installToken+`","proxy_password":"`+proxyPass+`",`, 1), 0o644)

	registry := cisco.FakeRegistry{cisco.ImmunetProtectKey: {
		"guid":           "7a1d9e42-3c5b-4f60-9e8d-b7c6a5f4e3d2",
		"client_keypair": keypair,
		"install_token":  installToken,
		"unlock_code":    unlockCode,
	}}
	services := winsvc.Fake{Services: []winsvc.Status{{Name: "CiscoAMP", State: "running"}}}

	check := func(t *testing.T, metrics, log string) {
		t.Helper()
		for _, s := range secrets {
			if strings.Contains(metrics, s) {
				t.Errorf("secret %q in the scrape:\n%s", s, metrics)
			}
			if strings.Contains(log, s) {
				t.Errorf("secret %q in the log:\n%s", s, log)
			}
		}
	}
	t.Run("readable", func(t *testing.T) {
		metrics, log := runCisco(t, root, ciscoConfig{platform: ciscoPlatformWindows, registry: registry, services: services}, 0)
		assertLines(t, metrics, []string{"connector_isolated 1", "tetra_update_last_error_code -2100", "secagent_collector_success collector=cisco 1"}, nil)
		check(t, metrics, log)
	})
	t.Run("broken sources", func(t *testing.T) {
		writeFile(t, filepath.Join(amp, "local.xml"), "<config><agent><install_token>"+installToken+"</install_token>", 0o644)
		writeFile(t, posture, `{"install_token":"`+installToken+`"`, 0o644)
		metrics, log := runCisco(t, root, ciscoConfig{platform: ciscoPlatformWindows, registry: registry, services: services}, 0)
		assertLines(t, metrics, []string{
			"secagent_source_success collector=cisco source=local_xml 0",
			"secagent_source_success collector=cisco source=ampcli_posture 0",
		}, nil)
		check(t, metrics, log)
	})
}

// ampcli listing thousands of undocumented faults: at most maxUnknownFaults series, and
// one warning line for the rest, not one per fault.
func TestCiscoLinuxManyUnknownFaultsOneWarning(t *testing.T) {
	var b strings.Builder
	b.WriteString("Status: Connected\nMode: Degraded\nFaults: many\nFault IDs: 18\n")
	for i := 0; i < 5000; i++ {
		b.WriteString("ID " + strconv.Itoa(1000+i) + " - Major: Something new.\n")
	}
	metrics, log := runCisco(t, linuxHost(t, b.String(), true), ciscoConfig{platform: ciscoPlatformLinux}, 0)
	if n := strings.Count(metrics, "name=unknown 1"); n != maxUnknownFaults {
		t.Errorf("%d unknown-fault series, want %d", n, maxUnknownFaults)
	}
	if n := strings.Count(log, "more undocumented connector faults than exported"); n != 1 {
		t.Errorf("%d warning lines for the skipped faults, want 1", n)
	}
	if !strings.Contains(log, "skipped="+strconv.Itoa(5000-maxUnknownFaults)) {
		t.Errorf("warning does not count the skipped faults:\n%.2000s", log)
	}
}

// The Linux connector's version from the package database when global.xml has none, and
// the counted reason when neither has it.
func TestCiscoLinuxVersionFromPackages(t *testing.T) {
	noVersion := "<config><agent></agent></config>"
	for _, tc := range []struct {
		name, dpkg, want string
		missing          string
	}{
		{
			name: "dpkg lists the connector",
			dpkg: "Package: ciscoampconnector\nStatus: install ok installed\nVersion: 1.25.0.1095\n\n",
			want: "1.25.0.1095",
		},
		{
			name:    "dpkg without the connector",
			dpkg:    "Package: bash\nStatus: install ok installed\nVersion: 5.2.15-2+b7\n\n",
			missing: "not_in_package_db",
		},
		{name: "no package database", missing: "no_package_db"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := linuxHost(t, "Status: Connected\nFaults: None\n", true)
			writeFile(t, filepath.Join(root, "opt/cisco/amp/etc/global.xml"), noVersion, 0o644)
			if tc.dpkg != "" {
				writeFile(t, filepath.Join(root, "var/lib/dpkg/status"), tc.dpkg, 0o644)
			}
			metrics, _ := runCisco(t, root, ciscoConfig{platform: ciscoPlatformLinux}, 0)
			want := []string{"connector_info platform=linux uuid=9b2e4c71-0d3a-4f5e-8c6b-2a1f0e9d8c7b version=" + tc.want + " 1"}
			for _, r := range pkgdb.Reasons {
				v := "0"
				if r == tc.missing {
					v = "1"
				}
				want = append(want, "connector_version_missing_reason reason="+r+" "+v)
			}
			assertLines(t, metrics, want, nil)
		})
	}
	// global.xml wins over the package database.
	root := linuxHost(t, "Status: Connected\nFaults: None\n", true)
	writeFile(t, filepath.Join(root, "var/lib/dpkg/status"), "Package: ciscoampconnector\nStatus: install ok installed\nVersion: 1.25.0.1095\n\n", 0o644)
	metrics, _ := runCisco(t, root, ciscoConfig{platform: ciscoPlatformLinux}, 0)
	assertLines(t, metrics, []string{"connector_info platform=linux uuid=9b2e4c71-0d3a-4f5e-8c6b-2a1f0e9d8c7b version=1.24.1.1047 1",
		"connector_version_missing_reason reason=no_package_db 0"}, nil)
}
