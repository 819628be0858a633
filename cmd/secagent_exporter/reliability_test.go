package main

// Shared by the reliability tests (faults, load, secrets, injection): reading /metrics
// into series, and running the exporter the way a hardened install does.

import (
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/secagent-exporter/secagent_exporter/internal/fixturegen"
)

// faultCollectors are the collectors the demo host exercises together.
var faultCollectors = []string{"cisco", "linux_security", "mcafee", "qualys"}

// series maps one exposition line's name and labels ("name{a=\"b\"}") to its value.
type series map[string]float64

func parseSeries(t testing.TB, body string) series {
	t.Helper()
	out := series{}
	for _, line := range strings.Split(body, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		if i < 0 {
			t.Fatalf("malformed exposition line %q", line)
		}
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("malformed value in %q: %v", line, err)
		}
		out[line[:i]] = v
	}
	return out
}

// value returns a series' value and whether it is present.
func (s series) value(key string) (float64, bool) {
	v, ok := s[key]
	return v, ok
}

// logLines is how many records of a log source were handed to its parser:
// classified + unclassified (undecodable lines are also in one of the two).
func (s series) logLines(source string) float64 {
	return s[`secagent_log_lines_total{result="classified",source="`+source+`"}`] +
		s[`secagent_log_lines_total{result="unclassified",source="`+source+`"}`]
}

// counters are the series of every counter the log engine feeds, keyed as in series.
func (s series) counters() series {
	out := series{}
	for k, v := range s {
		for _, prefix := range []string{"secagent_log_lines_total{", "epo_log_events_total{", "qualys_log_events_total{",
			"epo_asci_attempts_total{", "epo_agent_service_restarts_total"} {
			if strings.HasPrefix(k, prefix) {
				out[k] = v
			}
		}
	}
	return out
}

func sourceSuccess(collector, source string) string {
	return `secagent_source_success{collector="` + collector + `",source="` + source + `"}`
}

func collectorSuccess(collector string) string {
	return `secagent_collector_success{collector="` + collector + `"}`
}

// copyHost copies a fixture host tree (or expands its spec) into a fresh temporary
// directory, so a test can break it without touching the fixtures.
func copyHost(t testing.TB, name string) string {
	t.Helper()
	tree := fixtureHost(t, name)
	if filepath.Dir(tree) != filepath.Join(fixturesDir(t), "hosts") {
		return tree // expanded into a temporary directory already
	}
	dst := filepath.Join(t.TempDir(), name)
	if err := os.CopyFS(dst, os.DirFS(tree)); err != nil {
		t.Fatal(err)
	}
	return dst
}

// fixtureHost is the tree of a fixture host: committed, or expanded from its spec into a
// temporary directory. Read it, do not change it.
func fixtureHost(t testing.TB, name string) string {
	t.Helper()
	return fixturegen.TestHost(t, fixturesDir(t), name)
}

// writeFile writes a test file, creating its directory.
func writeFile(t testing.TB, path string, content []byte, mode fs.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, content, mode); err != nil {
		t.Fatal(err)
	}
}

func appendFile(t testing.TB, path string, content string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(content); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

func wantValue(t *testing.T, s series, key string, want float64) {
	t.Helper()
	got, ok := s.value(key)
	if !ok {
		t.Errorf("%s missing", key)
	} else if got != want {
		t.Errorf("%s = %v, want %v", key, got, want)
	}
}

// mcafeeLine is one line in the Linux MA 5.x agent log layout of the demo host.
func mcafeeLine(clock, msg string) string {
	return "2026-11-16 " + clock + " (2188.2204) " + msg + "\n"
}
