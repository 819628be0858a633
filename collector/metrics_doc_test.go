package collector

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

var (
	descNamePattern = regexp.MustCompile(`NewDesc\(\s*"([a-zA-Z_:][a-zA-Z0-9_:]*)"`)
	docRowPattern   = regexp.MustCompile("(?m)^\\|\\s*`([a-zA-Z_:][a-zA-Z0-9_:]*)`\\s*\\|")
)

// metricNamesInCode collects every descriptor name declared in the collector packages.
func metricNamesInCode(t *testing.T) map[string]string {
	t.Helper()
	names := map[string]string{}
	err := filepath.Walk(".", func(path string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if info.IsDir() && (info.Name() == "fixtures" || info.Name() == "testdata") {
			return filepath.SkipDir
		}
		if info.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range descNamePattern.FindAllStringSubmatch(string(raw), -1) {
			names[m[1]] = path
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Registered by the command from client_golang's version collector.
	names["secagent_exporter_build_info"] = "cmd/secagent_exporter"
	return names
}

// TestMetricsDocMatchesCode keeps docs/metrics.md the single, complete reference: every
// descriptor in code has a row, and every row names a metric the code declares.
func TestMetricsDocMatchesCode(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "docs", "metrics.md"))
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for _, m := range docRowPattern.FindAllStringSubmatch(string(raw), -1) {
		if m[1] == "metric" {
			continue
		}
		documented[m[1]] = true
	}
	code := metricNamesInCode(t)
	var missing, stale []string
	for name, file := range code {
		if !documented[name] {
			missing = append(missing, name+" (declared in "+file+")")
		}
	}
	for name := range documented {
		if _, ok := code[name]; !ok {
			stale = append(stale, name)
		}
	}
	sort.Strings(missing)
	sort.Strings(stale)
	for _, m := range missing {
		t.Errorf("docs/metrics.md lacks a row for %s", m)
	}
	for _, s := range stale {
		t.Errorf("docs/metrics.md documents %s, which no collector declares", s)
	}
	if len(code) < 10 {
		t.Fatalf("found only %d descriptors in code: the scan is broken", len(code))
	}
}
