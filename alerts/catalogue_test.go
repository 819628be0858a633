package alerts

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

const runbookBase = "https://github.com/secagent-exporter/secagent_exporter/blob/main/docs/runbooks.md#"

// targetLabels are attached by Prometheus, not by the exporter.
var targetLabels = map[string]bool{"job": true, "instance": true}

// builtinMetrics are produced by Prometheus itself.
var builtinMetrics = map[string]bool{"up": true, "ALERTS": true}

var (
	severities  = map[string]bool{"critical": true, "warning": true, "info": true}
	vendors     = map[string]bool{"exporter": true, "mcafee": true, "cisco": true, "qualys": true, "probe": true, "fleet": true}
	alertName   = regexp.MustCompile(`^([A-Z]+[a-z0-9]*)+$`)
	summaryForm = regexp.MustCompile(`^[A-Z].+\.$`)
)

type ruleFile struct {
	Groups []struct {
		Name  string `yaml:"name"`
		Rules []rule `yaml:"rules"`
	} `yaml:"groups"`
}

type rule struct {
	Alert       string            `yaml:"alert"`
	Record      string            `yaml:"record"`
	Expr        string            `yaml:"expr"`
	For         string            `yaml:"for"`
	Labels      map[string]string `yaml:"labels"`
	Annotations map[string]string `yaml:"annotations"`
	file        string
}

func loadRules(t *testing.T) []rule {
	t.Helper()
	paths, err := filepath.Glob("rules/*.yml")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no rule files: %v", err)
	}
	var rules []rule
	for _, p := range paths {
		var f ruleFile
		decodeYAML(t, p, &f)
		for _, g := range f.Groups {
			for _, r := range g.Rules {
				r.file = p
				rules = append(rules, r)
			}
		}
	}
	return rules
}

func decodeYAML(t *testing.T, path string, into any) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(strings.NewReader(string(raw)))
	dec.KnownFields(true)
	if err := dec.Decode(into); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// promDuration parses the Prometheus duration forms the rules use (e.g. 90s, 15m, 2h, 1d).
func promDuration(s string) (float64, error) {
	m := regexp.MustCompile(`^(\d+)(ms|s|m|h|d|w|y)$`).FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("bad duration %q", s)
	}
	v, _ := strconv.ParseFloat(m[1], 64)
	unit := map[string]float64{"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400, "y": 365 * 86400}[m[2]]
	return v * unit, nil
}

// githubAnchor is the fragment GitHub gives a markdown heading.
func githubAnchor(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(heading)) {
		switch {
		case r == ' ':
			b.WriteRune('-')
		case r == '-' || r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 127:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func runbookAnchors(t *testing.T) map[string]string {
	t.Helper()
	raw, err := os.ReadFile("../docs/runbooks.md")
	if err != nil {
		t.Fatal(err)
	}
	anchors := map[string]string{}
	for _, line := range strings.Split(string(raw), "\n") {
		if strings.HasPrefix(line, "### ") {
			h := strings.TrimPrefix(line, "### ")
			anchors[githubAnchor(h)] = h
		}
	}
	return anchors
}

func TestAlertConventions(t *testing.T) {
	anchors := runbookAnchors(t)
	alertNames := map[string]bool{}
	for _, r := range loadRules(t) {
		if r.Record != "" {
			if r.Alert != "" || len(r.Annotations) > 0 || r.For != "" {
				t.Errorf("%s: recording rule %s has alert fields", r.file, r.Record)
			}
			if strings.Count(r.Record, ":") != 2 {
				t.Errorf("%s: recording rule %s is not level:metric:operations", r.file, r.Record)
			}
			continue
		}
		where := r.file + ": " + r.Alert
		alertNames[r.Alert] = true
		if !alertName.MatchString(r.Alert) {
			t.Errorf("%s: name is not CamelCase", where)
		}
		if !severities[r.Labels["severity"]] {
			t.Errorf("%s: severity %q not in critical|warning|info", where, r.Labels["severity"])
		}
		if !vendors[r.Labels["vendor"]] {
			t.Errorf("%s: vendor %q unknown", where, r.Labels["vendor"])
		}
		for l := range r.Labels {
			if l != "severity" && l != "vendor" {
				t.Errorf("%s: unexpected static label %q", where, l)
			}
		}
		d, err := promDuration(r.For)
		if err != nil || d < 120 {
			t.Errorf("%s: for %q must be at least 2m (two scrape intervals)", where, r.For)
		}
		s := r.Annotations["summary"]
		if !summaryForm.MatchString(s) || strings.Contains(s, "{{") {
			t.Errorf("%s: summary %q must be a static sentence", where, s)
		}
		desc := r.Annotations["description"]
		// absent() returns a series without labels: there is no host to name.
		noLabels := strings.HasPrefix(strings.TrimSpace(r.Expr), "absent(")
		if !noLabels && !strings.Contains(desc, "$labels.instance") && !strings.Contains(desc, "$labels.job") {
			t.Errorf("%s: description does not name the host (or job)", where)
		}
		if !strings.Contains(desc, "$value") {
			t.Errorf("%s: description does not show the value", where)
		}
		url := r.Annotations["runbook_url"]
		if url != runbookBase+strings.ToLower(r.Alert) {
			t.Errorf("%s: runbook_url %q, want %s%s", where, url, runbookBase, strings.ToLower(r.Alert))
		}
		if _, ok := anchors[strings.ToLower(r.Alert)]; !ok {
			t.Errorf("%s: docs/runbooks.md has no section %q", where, r.Alert)
		}
		for k := range r.Annotations {
			if k != "summary" && k != "description" && k != "runbook_url" && k != "dashboard_url" {
				t.Errorf("%s: unexpected annotation %q", where, k)
			}
		}
	}
	for anchor, heading := range anchors {
		if !alertNames[heading] {
			t.Errorf("docs/runbooks.md section %q (#%s) has no alert", heading, anchor)
		}
	}
}

type promtoolTests struct {
	RuleFiles          []string `yaml:"rule_files"`
	EvaluationInterval string   `yaml:"evaluation_interval"`
	Tests              []struct {
		Name          string           `yaml:"name"`
		Interval      string           `yaml:"interval"`
		InputSeries   []map[string]any `yaml:"input_series"`
		AlertRuleTest []struct {
			EvalTime  string           `yaml:"eval_time"`
			Alertname string           `yaml:"alertname"`
			ExpAlerts []map[string]any `yaml:"exp_alerts"`
		} `yaml:"alert_rule_test"`
		PromqlExprTest []map[string]any `yaml:"promql_expr_test"`
	} `yaml:"tests"`
}

// TestEveryAlertFiresAndStaysSilent: a promtool case with non-empty exp_alerts proves the
// alert can fire, one with `exp_alerts: []` proves it stays silent when it should.
func TestEveryAlertFiresAndStaysSilent(t *testing.T) {
	paths, _ := filepath.Glob("tests/*.test.yml")
	if len(paths) == 0 {
		t.Fatal("no promtool test files")
	}
	firing, silent := map[string]bool{}, map[string]bool{}
	for _, p := range paths {
		var f promtoolTests
		decodeYAML(t, p, &f)
		for _, rf := range f.RuleFiles {
			if _, err := os.Stat(filepath.Join(filepath.Dir(p), rf)); err != nil {
				t.Errorf("%s: rule file %s: %v", p, rf, err)
			}
		}
		for _, tc := range f.Tests {
			for _, a := range tc.AlertRuleTest {
				if len(a.ExpAlerts) > 0 {
					firing[a.Alertname] = true
				} else {
					silent[a.Alertname] = true
				}
			}
		}
	}
	names := map[string]bool{}
	for _, r := range loadRules(t) {
		if r.Alert != "" {
			names[r.Alert] = true
		}
	}
	for name := range names {
		if !firing[name] {
			t.Errorf("alert %s has no promtool case where it fires", name)
		}
		if !silent[name] {
			t.Errorf("alert %s has no promtool case where it stays silent (exp_alerts: [])", name)
		}
	}
	for name := range firing {
		if !names[name] {
			t.Errorf("promtool tests name unknown alert %s", name)
		}
	}
}

// catalogue maps metric names to their label names (nil: labels not documented).
type catalogue map[string]map[string]bool

var backticked = regexp.MustCompile("`([^`]+)`")

// loadCatalogue reads docs/metrics.md when it exists (table rows whose first cell holds
// backticked metric names, optionally with {labels}; a "labels" column is also read),
// else the fallback list in testdata.
func loadCatalogue(t *testing.T) (catalogue, string) {
	t.Helper()
	if raw, err := os.ReadFile("../docs/metrics.md"); err == nil {
		return parseMetricsMarkdown(string(raw)), "docs/metrics.md"
	}
	raw, err := os.ReadFile("testdata/metrics-catalogue.txt")
	if err != nil {
		t.Fatal(err)
	}
	cat := catalogue{}
	for _, line := range strings.Split(string(raw), "\n") {
		fields := strings.Fields(line)
		if len(fields) == 0 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		labels := map[string]bool{}
		if len(fields) > 1 {
			for _, l := range strings.Split(fields[1], ",") {
				labels[l] = true
			}
		}
		cat[fields[0]] = labels
	}
	return cat, "alerts/testdata/metrics-catalogue.txt"
}

var metricWithLabels = regexp.MustCompile(`^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^}]*)\})?$`)

func parseMetricsMarkdown(doc string) catalogue {
	cat := catalogue{}
	labelsCol := -1
	for _, line := range strings.Split(doc, "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "|") {
			labelsCol = -1
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
			if strings.EqualFold(cells[i], "labels") {
				labelsCol = i
			}
		}
		for _, m := range backticked.FindAllStringSubmatch(cells[0], -1) {
			parts := metricWithLabels.FindStringSubmatch(m[1])
			if parts == nil {
				continue
			}
			var labels map[string]bool
			if parts[2] != "" || strings.Contains(m[1], "{") {
				labels = map[string]bool{}
				for _, l := range strings.Split(parts[2], ",") {
					if l = strings.TrimSpace(strings.SplitN(l, "=", 2)[0]); l != "" {
						labels[l] = true
					}
				}
			}
			if labelsCol > 0 && labelsCol < len(cells) {
				if labels == nil {
					labels = map[string]bool{}
				}
				for _, l := range labelCell(cells[labelsCol]) {
					labels[l] = true
				}
			}
			if old, ok := cat[parts[1]]; ok && old != nil {
				for l := range labels {
					old[l] = true
				}
				continue
			}
			cat[parts[1]] = labels
		}
	}
	return cat
}

var labelName = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)

// labelCell reads a "labels" column cell in either form the docs use: backticked names
// ("`collector`, `source`") or a plain comma-separated list ("version, guid, mode").
// Prose such as "none" or "—" yields no labels.
func labelCell(cell string) []string {
	var names []string
	if ticks := backticked.FindAllStringSubmatch(cell, -1); ticks != nil {
		for _, b := range ticks {
			for _, l := range strings.Split(b[1], ",") {
				if l = strings.TrimSpace(l); labelName.MatchString(l) {
					names = append(names, l)
				}
			}
		}
		return names
	}
	if strings.EqualFold(strings.TrimSpace(cell), "none") {
		return nil
	}
	for _, l := range strings.Split(cell, ",") {
		l = strings.TrimSpace(l)
		if !labelName.MatchString(l) {
			return nil
		}
		names = append(names, l)
	}
	return names
}

// query is one PromQL expression and where it comes from.
type query struct{ where, expr string }

// grafanaVariable matches $var, ${var} and ${var:format} in dashboard queries.
var grafanaVariable = regexp.MustCompile(`\$\{?[a-zA-Z_][a-zA-Z0-9_]*(?::[a-z]+)?\}?`)

func dashboardQueries(t *testing.T) []query {
	t.Helper()
	paths, _ := filepath.Glob("../dashboards/*.json")
	if len(paths) == 0 {
		t.Fatal("no dashboards")
	}
	var queries []query
	type panel struct {
		Title   string  `json:"title"`
		Panels  []panel `json:"panels"`
		Targets []struct {
			Expr  string `json:"expr"`
			RefID string `json:"refId"`
		} `json:"targets"`
	}
	var walk func(file string, ps []panel)
	walk = func(file string, ps []panel) {
		for _, p := range ps {
			for _, tg := range p.Targets {
				queries = append(queries, query{fmt.Sprintf("%s %q #%s", file, p.Title, tg.RefID), tg.Expr})
			}
			walk(file, p.Panels)
		}
	}
	labelValues := regexp.MustCompile(`^label_values\((.*),\s*[a-zA-Z_][a-zA-Z0-9_]*\)$`)
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var d struct {
			Panels     []panel `json:"panels"`
			Templating struct {
				List []struct {
					Name  string `json:"name"`
					Type  string `json:"type"`
					Query string `json:"query"`
				} `json:"list"`
			} `json:"templating"`
		}
		if err := json.Unmarshal(raw, &d); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		file := filepath.Base(p)
		walk(file, d.Panels)
		for _, v := range d.Templating.List {
			if v.Type != "query" {
				continue
			}
			m := labelValues.FindStringSubmatch(v.Query)
			if m == nil {
				t.Errorf("%s variable %s: query %q is not label_values(selector, label)", file, v.Name, v.Query)
				continue
			}
			queries = append(queries, query{file + " variable " + v.Name, m[1]})
		}
	}
	return queries
}

// TestMetricsExistInCatalogue: every metric and label used by a rule or a dashboard is
// one the exporter documents, and every documented metric is used or excused.
func TestMetricsExistInCatalogue(t *testing.T) {
	cat, source := loadCatalogue(t)
	for m, labels := range loadPending(t) {
		if _, ok := cat[m]; ok {
			t.Errorf("%s now documents %s: delete it from testdata/pending-metrics.txt", source, m)
			continue
		}
		cat[m] = labels
	}
	rules := loadRules(t)
	recorded := map[string]bool{}
	for _, r := range rules {
		if r.Record != "" {
			recorded[r.Record] = true
		}
	}
	var queries []query
	for _, r := range rules {
		queries = append(queries, query{r.file + " " + r.Alert + r.Record, r.Expr})
	}
	queries = append(queries, dashboardQueries(t)...)

	used := map[string]bool{}
	for _, q := range queries {
		// Grafana variables only occur inside strings and ranges; make them plain text.
		expr := grafanaVariable.ReplaceAllString(q.expr, "1m")
		use, err := parsePromQLUse(expr)
		if err != nil {
			t.Errorf("%s: %v", q.where, err)
			continue
		}
		known := map[string]bool{}
		for l := range targetLabels {
			known[l] = true
		}
		for m, labels := range use.metrics {
			used[m] = true
			switch {
			case builtinMetrics[m] || recorded[m]:
				continue
			case cat[m] == nil:
				if _, ok := cat[m]; !ok {
					t.Errorf("%s: metric %s is not in %s", q.where, m, source)
				}
				continue
			}
			for l := range cat[m] {
				known[l] = true
			}
			for l := range labels {
				if !targetLabels[l] && !cat[m][l] {
					t.Errorf("%s: %s has no label %q in %s", q.where, m, l, source)
				}
			}
		}
		for l := range use.grouping {
			if known[l] {
				continue
			}
			// grouping over a recording rule or builtin: its labels come from other rules
			if len(use.metrics) > 0 && onlyDerived(use.metrics, recorded) {
				continue
			}
			t.Errorf("%s: grouping label %q is not a label of the metrics used", q.where, l)
		}
	}

	excused := map[string]string{}
	raw, err := os.ReadFile("testdata/unused-metrics.txt")
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(strings.NewReader(string(raw)))
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		if len(fields) < 2 {
			t.Errorf("unused-metrics.txt: %s needs a reason", fields[0])
		}
		excused[fields[0]] = strings.Join(fields[1:], " ")
	}
	var missing []string
	for m := range cat {
		if !used[m] && excused[m] == "" {
			missing = append(missing, m)
		}
		if used[m] && excused[m] != "" {
			t.Errorf("unused-metrics.txt excuses %s, but it is used", m)
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("%s documents %s, but no dashboard or rule uses it (use it or list it in testdata/unused-metrics.txt with a reason)", source, m)
	}
}

// loadPending reads testdata/pending-metrics.txt (absent when nothing is pending).
func loadPending(t *testing.T) catalogue {
	t.Helper()
	raw, err := os.ReadFile("testdata/pending-metrics.txt")
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	pending := catalogue{}
	for _, line := range strings.Split(string(raw), "\n") {
		fields := strings.Fields(line)
		if len(fields) == 0 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		if len(fields) != 2 {
			t.Errorf("pending-metrics.txt: %q is not \"name labels\"", line)
			continue
		}
		labels := map[string]bool{}
		if fields[1] != "-" {
			for _, l := range strings.Split(fields[1], ",") {
				labels[l] = true
			}
		}
		pending[fields[0]] = labels
	}
	return pending
}

func onlyDerived(metrics map[string]map[string]bool, recorded map[string]bool) bool {
	for m := range metrics {
		if !recorded[m] && !builtinMetrics[m] {
			return false
		}
	}
	return true
}
