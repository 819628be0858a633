package collector

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/secagent-exporter/secagent_exporter/collector/mcafee"
	"github.com/secagent-exporter/secagent_exporter/collector/winsvc"
)

// avGolden compares the collector's samples (durations left out) with
// testdata/mcafee_av/<name>.golden; SECAGENT_UPDATE_GOLDEN=1 rewrites it.
func avGolden(t *testing.T, name string, got map[string]float64) {
	t.Helper()
	var lines []string
	for k, v := range got {
		if strings.Contains(k, "duration_seconds") {
			continue
		}
		lines = append(lines, fmt.Sprintf("%s %g", k, v))
	}
	sort.Strings(lines)
	text := strings.Join(lines, "\n") + "\n"
	path := filepath.Join("testdata", "mcafee_av", name+".golden")
	if os.Getenv("SECAGENT_UPDATE_GOLDEN") == "1" {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(want) != text {
		t.Errorf("%s differs:\n--- want\n%s--- got\n%s", path, want, text)
	}
}

// ENS and VSE hosts as their registry exports under fixtures/windows describe them.
var (
	avENSRegistry = mcafee.FakeRegistry{
		mcafee.ENSContentKey: {
			mcafee.RegistryENSContentDate:  "2026-11-15",
			mcafee.RegistryENSContentMajor: uint64(5971),
			mcafee.RegistryENSContentMinor: uint64(0),
		},
		mcafee.ENSEngineKey:   {mcafee.RegistryENSEngine: "6600.9927"},
		mcafee.ENSOnAccessKey: {mcafee.RegistryENSOnAccess: uint64(1)},
	}
	avVSERegistry = mcafee.FakeRegistry{
		mcafee.VSEContentKeys[0]: {
			mcafee.RegistryVSEDatDate:     "2026/11/14",
			mcafee.RegistryVSEDatVersion:  uint64(9999),
			mcafee.RegistryVSEDatMinor:    uint64(0),
			mcafee.RegistryVSEEngineMajor: uint64(5800),
			mcafee.RegistryVSEEngineMinor: uint64(7501),
		},
	}
	avServicesRunning = winsvc.Fake{Services: []winsvc.Status{
		{Name: "mfeesp", State: "running", StartType: "auto"},
		{Name: "mfetp", State: "running", StartType: "auto"},
		{Name: "McShield", State: "running", StartType: "auto"},
	}}
)

func runAV(t *testing.T, cfg mcafeeAVConfig, rootfs string) map[string]float64 {
	t.Helper()
	env := testEnv(t, t.TempDir())
	env.Paths = Paths{RootFS: rootfs, GOOS: cfg.goos}
	return collectOnce(t, "mcafee_av", &mcafeeAVCollector{env: env, cfg: cfg})
}

func TestMcAfeeAVWindowsGoldens(t *testing.T) {
	stopped := winsvc.Fake{Services: []winsvc.Status{{Name: "mfetp", State: "stopped", StartType: "disabled"}}}
	ensOASOff := mcafee.FakeRegistry{}
	for k, v := range avENSRegistry {
		ensOASOff[k] = v
	}
	ensOASOff[mcafee.ENSOnAccessKey] = map[string]any{mcafee.RegistryENSOnAccess: uint64(0)}
	for _, tc := range []struct {
		golden   string
		registry mcafee.RegistryReader
		services winsvc.Querier
	}{
		{golden: "ens-healthy", registry: avENSRegistry, services: avServicesRunning},
		{golden: "vse-healthy", registry: avVSERegistry, services: avServicesRunning},
		{golden: "ens-service-stopped", registry: avENSRegistry, services: stopped},
		{golden: "ens-oas-disabled", registry: ensOASOff, services: avServicesRunning},
		{golden: "windows-absent", registry: mcafee.FakeRegistry{}, services: winsvc.Fake{}},
		{golden: "ens-broken-values", services: avServicesRunning, registry: mcafee.FakeRegistry{
			mcafee.ENSContentKey: {mcafee.RegistryENSContentDate: "0", mcafee.RegistryENSContentMajor: "5971"},
		}},
		{golden: "vse-future-date", services: winsvc.Fake{Err: errors.New("OpenSCManager: Access is denied.")}, registry: mcafee.FakeRegistry{
			mcafee.VSEContentKeys[1]: {mcafee.RegistryVSEDatDate: "2031/01/01", mcafee.RegistryVSEDatVersion: uint64(9999)},
		}},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			got := runAV(t, mcafeeAVConfig{goos: "windows", registry: tc.registry, services: tc.services}, "")
			avGolden(t, tc.golden, got)
		})
	}
}

// A bad value never becomes a timestamp: the source fails and the series is absent.
func TestMcAfeeAVBadValuesInventNoTimestamp(t *testing.T) {
	for _, date := range []any{"", "0", "2030-01-01", uint64(20261115), "15.11.2026"} {
		reg := mcafee.FakeRegistry{mcafee.ENSContentKey: {mcafee.RegistryENSContentDate: date, mcafee.RegistryENSContentMajor: uint64(5971)}}
		got := runAV(t, mcafeeAVConfig{goos: "windows", registry: reg, services: avServicesRunning}, "")
		if _, ok := got[`mcafee_av_content_timestamp_seconds{product="ens"}`]; ok {
			t.Errorf("%v: timestamp emitted", date)
		}
		wantSamples(t, got, map[string]float64{
			`secagent_source_success{collector="mcafee_av",source="av_registry"}`: 0,
			`secagent_agent_installed{agent="mcafee_ens"}`:                        1,
			`mcafee_av_content_version{product="ens"}`:                            5971,
			`secagent_collector_success{collector="mcafee_av"}`:                   0,
		})
	}
}

func TestMcAfeeAVLinux(t *testing.T) {
	for _, tc := range []struct {
		golden string
		host   string
	}{
		{golden: "ensl-healthy", host: "mcafee-ensl-healthy"},
		{golden: "linux-absent", host: "cisco-absent"},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			root, err := filepath.Abs(fixtureHost(t, tc.host))
			if err != nil {
				t.Fatal(err)
			}
			got := runAV(t, mcafeeAVConfig{goos: "linux"}, root)
			avGolden(t, tc.golden, got)
		})
	}
}

// ENSL 10.7 prints no DAT date: the DAT directory's time stands in, and without one the
// source fails rather than inventing a date.
func TestMcAfeeAVENSLDATDirectory(t *testing.T) {
	root := t.TempDir()
	cli := filepath.Join(root, "opt/McAfee/ens/tp/bin/mfetpcli")
	writeFile(t, cli, "#!/bin/sh\ncase \"$1\" in\n--version) printf 'McAfee Endpoint Security for Linux Threat Prevention\\nVersion : 10.7.8.12\\nLicense : Full\\nDAT Version : 4978.0\\nEngine Version : 6300.9389\\n' ;;\n*) echo 'On-Access Scan : Enabled and Noncompliant' ;;\nesac\n", 0o755)
	got := runAV(t, mcafeeAVConfig{goos: "linux"}, root)
	wantSamples(t, got, map[string]float64{
		`secagent_source_success{collector="mcafee_av",source="ensl_version"}`:   0,
		`secagent_source_success{collector="mcafee_av",source="ensl_on_access"}`: 1,
		`mcafee_av_on_access_running{product="ensl"}`:                            0,
		`mcafee_av_content_version{product="ensl"}`:                              4978,
		`mcafee_av_engine_info{product="ensl",version="6300.9389"}`:              1,
	})
	if _, ok := got[`mcafee_av_content_timestamp_seconds{product="ensl"}`]; ok {
		t.Error("timestamp without a DAT date")
	}

	dir := filepath.Join(root, "var/McAfee/ens/tp/engine/dat/4978")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	installed := time.Date(2026, 11, 15, 6, 30, 0, 0, time.UTC)
	if err := os.Chtimes(dir, installed, installed); err != nil {
		t.Fatal(err)
	}
	got = runAV(t, mcafeeAVConfig{goos: "linux"}, root)
	wantSamples(t, got, map[string]float64{
		`secagent_source_success{collector="mcafee_av",source="ensl_version"}`: 1,
		`mcafee_av_content_timestamp_seconds{product="ensl"}`:                  float64(installed.Unix()),
	})

	future := time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := os.Chtimes(dir, future, future); err != nil {
		t.Fatal(err)
	}
	got = runAV(t, mcafeeAVConfig{goos: "linux"}, root)
	wantSamples(t, got, map[string]float64{`secagent_source_success{collector="mcafee_av",source="ensl_version"}`: 0})
	if _, ok := got[`mcafee_av_content_timestamp_seconds{product="ensl"}`]; ok {
		t.Error("future directory time taken")
	}
}

// The ENSL CLI: a non-zero exit that still prints its status is read; one that prints
// nothing, or hangs past the command timeout, fails its source with nothing exported.
func TestMcAfeeAVENSLCommandFailures(t *testing.T) {
	for _, tc := range []struct {
		name   string
		script string
		want   map[string]float64
		absent []string
	}{
		{
			name:   "non-zero exit with output",
			script: "case \"$1\" in\n--version) printf 'ENSL\\nVersion : 10.6.2\\nLicense : Full\\nDAT Version : 9999.0\\nDAT Date : 11-15-2026\\n'; exit 3 ;;\n*) echo 'On-Access Scan : Enabled and Compliant'; exit 1 ;;\nesac\n",
			want: map[string]float64{
				`secagent_source_success{collector="mcafee_av",source="ensl_version"}`:   1,
				`secagent_source_success{collector="mcafee_av",source="ensl_on_access"}`: 1,
				`mcafee_av_on_access_running{product="ensl"}`:                            1,
				`mcafee_av_content_timestamp_seconds{product="ensl"}`:                    float64(time.Date(2026, 11, 15, 0, 0, 0, 0, time.UTC).Unix()),
			},
		},
		{
			name:   "exit 1 without output",
			script: "echo 'not running' >&2\nexit 1\n",
			want: map[string]float64{
				`secagent_agent_installed{agent="mcafee_ensl"}`:                          1,
				`secagent_source_success{collector="mcafee_av",source="ensl_version"}`:   0,
				`secagent_source_success{collector="mcafee_av",source="ensl_on_access"}`: 0,
				`secagent_collector_success{collector="mcafee_av"}`:                      0,
			},
			absent: []string{`mcafee_av_on_access_running{product="ensl"}`, `mcafee_av_content_version{product="ensl"}`},
		},
		{
			name:   "hangs",
			script: "echo 'DAT Version : 9999.0'\nexec sleep 30\n",
			want: map[string]float64{
				`secagent_source_success{collector="mcafee_av",source="ensl_version"}`:   0,
				`secagent_source_success{collector="mcafee_av",source="ensl_on_access"}`: 0,
			},
			absent: []string{`mcafee_av_on_access_running{product="ensl"}`, `mcafee_av_content_version{product="ensl"}`},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			writeFile(t, filepath.Join(root, "opt/isec/ens/threatprevention/bin/isecav"), "#!/bin/sh\n"+tc.script, 0o755)
			env := testEnv(t, t.TempDir())
			env.Paths = Paths{RootFS: root, GOOS: "linux"}
			env.Runner = &Runner{Timeout: 500 * time.Millisecond}
			got := collectOnce(t, "mcafee_av", &mcafeeAVCollector{env: env, cfg: mcafeeAVConfig{goos: "linux"}})
			wantSamples(t, got, tc.want)
			for _, k := range tc.absent {
				if _, ok := got[k]; ok {
					t.Errorf("%s exported", k)
				}
			}
		})
	}
}
