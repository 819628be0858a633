package dashboards

import (
	"fmt"
	"regexp"
	"sort"

	"github.com/secagent-exporter/secagent_exporter/internal/site"
)

// Input is one entry of __inputs: what Grafana's import dialog asks for.
type Input struct {
	Description string `json:"description"`
	Label       string `json:"label"`
	Name        string `json:"name"`
	PluginID    string `json:"pluginId"`
	PluginName  string `json:"pluginName"`
	Type        string `json:"type"`
}

// Require is one entry of __requires: the Grafana version and plugins the dashboard needs.
type Require struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Type    string `json:"type"`
	Version string `json:"version"`
}

// dsInput is the import input the datasource variable starts on: importing asks for a
// Prometheus data source and writes its uid here; a provisioned file keeps the literal,
// which matches no data source, so Grafana selects the default Prometheus one.
const dsInput = "DS_PROMETHEUS"

// Render returns every dashboard file for the site configuration c.
func Render(c site.Config) (map[string][]byte, error) {
	out := map[string][]byte{}
	for name, d := range Files() {
		d, err := ForSite(d, c)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		raw, err := Marshal(d)
		if err != nil {
			return nil, err
		}
		out[name] = raw
	}
	return out, nil
}

var labelValues = regexp.MustCompile(`^label_values\((.+), *([a-zA-Z_][a-zA-Z0-9_]*)\)$`)

// ForSite applies c to a dashboard: the import inputs and requirements, the selector and
// the group-label variable in every query, and the language of the titles.
func ForSite(d Dashboard, c site.Config) (Dashboard, error) {
	if err := c.Validate(); err != nil {
		return d, err
	}
	matchers, _ := site.ParseMatchers(c.Selector)
	if c.GroupLabel != "" {
		m := c.GroupLabel + `=~"$` + c.GroupLabel + `"`
		if matchers != "" {
			matchers += ", "
		}
		matchers += m
	}
	inject := func(expr string) (string, error) { return site.InjectSelector(expr, matchers) }
	// variables: the selector goes into the metric of label_values(), not the label
	var vars []Variable
	for _, v := range d.Templating.List {
		if v.Type == "datasource" {
			v.Current = Current{Selected: true, Text: "${" + dsInput + "}", Value: "${" + dsInput + "}"}
		}
		if v.Type == "query" {
			q, err := variableQuery(v.Query, matchers)
			if err != nil {
				return d, err
			}
			v.Query, v.Definition = q, q
		}
		if c.Language == "ja" {
			v.Label = jaTitle(v.Label)
		}
		vars = append(vars, v)
		if v.Name == "job" && c.GroupLabel != "" {
			q := `label_values(secagent_exporter_build_info{job=~"$job"}, ` + c.GroupLabel + `)`
			if sel, _ := site.ParseMatchers(c.Selector); sel != "" {
				q = `label_values(secagent_exporter_build_info{job=~"$job", ` + sel + `}, ` + c.GroupLabel + `)`
			}
			vars = append(vars, Variable{
				Name: c.GroupLabel, Label: c.GroupLabel, Type: "query", Datasource: promDatasource,
				Query: q, Definition: q, Multi: true, IncludeAll: true, AllValue: ".*", Refresh: 2, Sort: 1,
				Options: []any{},
			})
		}
	}
	d.Templating.List = vars
	var err error
	d.Panels, err = panelsForSite(d.Panels, c, inject)
	if err != nil {
		return d, err
	}
	if c.Language == "ja" {
		for i := range d.Links {
			d.Links[i].Title = jaTitle(d.Links[i].Title)
		}
	}
	d.Inputs = []Input{{
		Name: dsInput, Label: "Prometheus", Description: "The Prometheus that scrapes secagent_exporter and loads its rules",
		Type: "datasource", PluginID: "prometheus", PluginName: "Prometheus",
	}}
	d.Requires = requires(d.Panels)
	return d, nil
}

// variableQuery adds the matchers to the metric of a label_values() query (the instance
// list then filters on the group-label variable too).
func variableQuery(q, matchers string) (string, error) {
	m := labelValues.FindStringSubmatch(q)
	if m == nil || matchers == "" {
		return q, nil
	}
	metric, err := site.InjectSelector(m[1], matchers)
	if err != nil {
		return "", err
	}
	return "label_values(" + metric + ", " + m[2] + ")", nil
}

func panelsForSite(ps []Panel, c site.Config, inject func(string) (string, error)) ([]Panel, error) {
	out := make([]Panel, len(ps))
	for i, p := range ps {
		if c.Language == "ja" {
			p.Title = jaTitle(p.Title)
		}
		targets := make([]Target, len(p.Targets))
		for j, t := range p.Targets {
			e, err := inject(t.Expr)
			if err != nil {
				return nil, fmt.Errorf("panel %q: %w", p.Title, err)
			}
			t.Expr = e
			targets[j] = t
		}
		if p.Targets != nil {
			p.Targets = targets
		}
		if len(p.Panels) > 0 {
			sub, err := panelsForSite(p.Panels, c, inject)
			if err != nil {
				return nil, err
			}
			p.Panels = sub
		}
		out[i] = p
	}
	return out, nil
}

// requires lists Grafana, the Prometheus data source and every panel type used.
func requires(ps []Panel) []Require {
	names := map[string]string{"stat": "Stat", "timeseries": "Time series", "table": "Table",
		"state-timeline": "State timeline", "bargauge": "Bar gauge", "gauge": "Gauge", "text": "Text",
		"piechart": "Pie chart", "barchart": "Bar chart", "heatmap": "Heatmap", "logs": "Logs"}
	types := map[string]bool{}
	var walk func([]Panel)
	walk = func(ps []Panel) {
		for _, p := range ps {
			if p.Type != "row" {
				types[p.Type] = true
			}
			walk(p.Panels)
		}
	}
	walk(ps)
	out := []Require{
		{Type: "grafana", ID: "grafana", Name: "Grafana", Version: "10.4.0"},
		{Type: "datasource", ID: "prometheus", Name: "Prometheus", Version: "1.0.0"},
	}
	var ids []string
	for t := range types {
		ids = append(ids, t)
	}
	sort.Strings(ids)
	for _, t := range ids {
		n := names[t]
		if n == "" {
			n = t
		}
		out = append(out, Require{Type: "panel", ID: t, Name: n, Version: ""})
	}
	return out
}

// jaTitle is the Japanese title of an English panel, row or variable title; a title
// without a translation stays English (TestJapaneseTitles lists them).
func jaTitle(en string) string {
	if ja, ok := titlesJA[en]; ok {
		return ja
	}
	return en
}
