package alerts

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// openLabels take one value per host or per configuration (versions, GUIDs, flag-chosen
// module names, fault ids the vendor may add): no fixture can list them all.
var openLabels = map[string]bool{
	"version": true, "guid": true, "uuid": true, "host_id": true, "agent_guid": true,
	"epo_server": true, "revision": true, "branch": true, "goversion": true, "goos": true,
	"goarch": true, "tags": true, "module": true, "id": true,
	// host:port of a back end, taken from the agents' own configuration.
	"target": true,
}

// labelValues maps metric -> label -> the values the exporter is known to emit.
type labelValues map[string]map[string]map[string]bool

func (v labelValues) add(metric, label, value string) {
	if v[metric] == nil {
		v[metric] = map[string]map[string]bool{}
	}
	if v[metric][label] == nil {
		v[metric][label] = map[string]bool{}
	}
	v[metric][label][value] = true
}

var (
	seriesLine = regexp.MustCompile(`^([a-zA-Z_:][a-zA-Z0-9_:]*)\{(.*)\}`)
	labelPair  = regexp.MustCompile(`([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"`)
	bareWord   = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
)

// knownLabelValues reads the end-to-end goldens (what the collectors really emit on the
// fixture hosts) plus the values docs/metrics.md names in backticks on a metric's row,
// for values no fixture host produces (Windows-only sources, unknown faults).
func knownLabelValues(t *testing.T) labelValues {
	t.Helper()
	known := labelValues{}
	goldens, _ := filepath.Glob("../collector/fixtures/e2e/*.metrics")
	if len(goldens) == 0 {
		t.Fatal("no end-to-end goldens in collector/fixtures/e2e")
	}
	for _, g := range goldens {
		raw, err := os.ReadFile(g)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(raw), "\n") {
			m := seriesLine.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			for _, p := range labelPair.FindAllStringSubmatch(m[2], -1) {
				known.add(m[1], p[1], p[2])
			}
		}
	}
	doc, err := os.ReadFile("../docs/metrics.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(doc), "\n") {
		cells := strings.Split(strings.Trim(strings.TrimSpace(line), "|"), "|")
		first := backticked.FindStringSubmatch(cells[0])
		if !strings.HasPrefix(strings.TrimSpace(line), "|") || first == nil || len(cells) < 2 {
			continue
		}
		metric := first[1]
		rest := strings.Join(cells[1:], "|")
		for _, b := range backticked.FindAllStringSubmatch(rest, -1) {
			for _, p := range labelPair.FindAllStringSubmatch(b[1], -1) {
				known.add(metric, p[1], p[2])
			}
			if bareWord.MatchString(b[1]) {
				known.add(metric, "*", b[1])
			}
		}
	}
	return known
}

// valueKnown: the value was emitted for that metric and label, or the metric's docs row names it.
func (v labelValues) valueKnown(metric, label, value string) bool {
	return v[metric][label][value] || v[metric]["*"][value]
}

// literalAlternatives splits a regex that is a plain alternation of literal words
// ("proxy_connect|proxy_auth"); ok is false for any other regex.
func literalAlternatives(re string) (words []string, ok bool) {
	for _, w := range strings.Split(re, "|") {
		if !regexp.MustCompile(`^[a-zA-Z0-9_.-]+$`).MatchString(w) {
			return nil, false
		}
		words = append(words, w)
	}
	return words, true
}

// TestLabelValuesAreReal: every label value a rule, a dashboard or a promtool input series
// uses is one the exporter really emits (goldens) or documents. An invented value (a fault
// name, an event name, a database) would make an alert that can never fire.
func TestLabelValuesAreReal(t *testing.T) {
	known := knownLabelValues(t)
	pending := loadPending(t)
	cat, _ := loadCatalogue(t)
	check := func(where, metric, label, value string) {
		if targetLabels[label] || openLabels[label] || pending[metric] != nil || builtinMetrics[metric] {
			return
		}
		if _, documented := cat[metric]; !documented {
			return // TestMetricsExistInCatalogue reports it
		}
		if !known.valueKnown(metric, label, value) {
			var seen []string
			for v := range known[metric][label] {
				seen = append(seen, v)
			}
			sort.Strings(seen)
			t.Errorf("%s: %s{%s=%q}: the exporter emits %s=%v", where, metric, label, value, label, seen)
		}
	}

	var queries []query
	for _, r := range loadRules(t) {
		queries = append(queries, query{r.file + " " + r.Alert + r.Record, r.Expr})
	}
	queries = append(queries, dashboardQueries(t)...)
	for _, q := range queries {
		use, err := parsePromQLUse(grafanaVariable.ReplaceAllString(q.expr, "1m"))
		if err != nil {
			continue // TestMetricsExistInCatalogue reports it
		}
		for _, m := range use.matchers {
			switch m.op {
			case "=":
				check(q.where, m.metric, m.label, m.value)
			case "=~":
				if words, ok := literalAlternatives(m.value); ok {
					for _, w := range words {
						check(q.where, m.metric, m.label, w)
					}
				}
			}
		}
	}

	paths, _ := filepath.Glob("tests/*.test.yml")
	for _, p := range paths {
		var f promtoolTests
		decodeYAML(t, p, &f)
		for _, tc := range f.Tests {
			for _, in := range tc.InputSeries {
				series, _ := in["series"].(string)
				m := seriesLine.FindStringSubmatch(series)
				if m == nil {
					t.Errorf("%s: input series %q has no labels", p, series)
					continue
				}
				labels, documented := cat[m[1]]
				if !documented {
					labels, documented = pending[m[1]]
				}
				if !documented && !builtinMetrics[m[1]] {
					t.Errorf("%s: input series %s is not an exporter metric", p, m[1])
					continue
				}
				for _, lp := range labelPair.FindAllStringSubmatch(m[2], -1) {
					if documented && labels != nil && !labels[lp[1]] && !targetLabels[lp[1]] {
						t.Errorf("%s: input series %s has label %q the exporter does not emit", p, m[1], lp[1])
					}
					check(p+" input", m[1], lp[1], lp[2])
				}
			}
		}
	}
}
