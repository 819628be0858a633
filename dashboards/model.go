// Package dashboards generates the Grafana dashboards shipped in this directory.
//
// The dashboards are written in Go rather than by hand so that every query gets the same
// job/instance selectors, every panel a description and a unit, and so that a test can
// prove the committed JSON is exactly what this code produces. The output is Grafana's
// classic dashboard JSON model, importable into Grafana 10 and later.
package dashboards

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// schemaVersion is what Grafana 10.4 exports; newer Grafana versions migrate it on load.
const schemaVersion = 39

// Dashboard is the subset of Grafana's classic dashboard model these dashboards use.
type Dashboard struct {
	// Inputs and Requires drive Grafana's import flow: it asks for the data source input
	// and checks the Grafana version and plugins (see site.go).
	Inputs        []Input     `json:"__inputs,omitempty"`
	Requires      []Require   `json:"__requires,omitempty"`
	Annotations   Annotations `json:"annotations"`
	Description   string      `json:"description"`
	Editable      bool        `json:"editable"`
	GraphTooltip  int         `json:"graphTooltip"`
	Links         []Link      `json:"links"`
	Panels        []Panel     `json:"panels"`
	Refresh       string      `json:"refresh"`
	SchemaVersion int         `json:"schemaVersion"`
	Tags          []string    `json:"tags"`
	Templating    Templating  `json:"templating"`
	Time          TimeRange   `json:"time"`
	Timezone      string      `json:"timezone"`
	Title         string      `json:"title"`
	UID           string      `json:"uid"`
	Version       int         `json:"version"`
}

type Annotations struct {
	List []any `json:"list"`
}

type Link struct {
	AsDropdown  bool     `json:"asDropdown"`
	IncludeVars bool     `json:"includeVars"`
	KeepTime    bool     `json:"keepTime"`
	Tags        []string `json:"tags"`
	Title       string   `json:"title"`
	Type        string   `json:"type"`
}

type TimeRange struct {
	From string `json:"from"`
	To   string `json:"to"`
}

type Templating struct {
	List []Variable `json:"list"`
}

// Variable is a dashboard template variable (datasource or query type).
type Variable struct {
	AllValue    string      `json:"allValue,omitempty"`
	Current     Current     `json:"current"`
	Datasource  *Datasource `json:"datasource,omitempty"`
	Definition  string      `json:"definition,omitempty"`
	Hide        int         `json:"hide"`
	IncludeAll  bool        `json:"includeAll"`
	Label       string      `json:"label"`
	Multi       bool        `json:"multi"`
	Name        string      `json:"name"`
	Options     []any       `json:"options"`
	Query       string      `json:"query"`
	Refresh     int         `json:"refresh"`
	Regex       string      `json:"regex"`
	SkipURLSync bool        `json:"skipUrlSync"`
	Sort        int         `json:"sort"`
	Type        string      `json:"type"`
}

// Current is a variable's preselected value; empty ({}) lets Grafana choose.
type Current struct {
	Selected bool   `json:"selected,omitempty"`
	Text     string `json:"text,omitempty"`
	Value    string `json:"value,omitempty"`
}

type Datasource struct {
	Type string `json:"type"`
	UID  string `json:"uid"`
}

// promDatasource is the templated data source every panel and target uses, so that the
// dashboards import without editing into any Grafana with a Prometheus data source.
var promDatasource = &Datasource{Type: "prometheus", UID: "${datasource}"}

type GridPos struct {
	H int `json:"h"`
	W int `json:"w"`
	X int `json:"x"`
	Y int `json:"y"`
}

// Panel is one Grafana panel; rows are panels of type "row".
type Panel struct {
	Collapsed       *bool            `json:"collapsed,omitempty"`
	Datasource      *Datasource      `json:"datasource,omitempty"`
	Description     string           `json:"description,omitempty"`
	FieldConfig     *FieldConfig     `json:"fieldConfig,omitempty"`
	GridPos         GridPos          `json:"gridPos"`
	ID              int              `json:"id"`
	Options         map[string]any   `json:"options,omitempty"`
	Panels          []Panel          `json:"panels,omitempty"`
	Targets         []Target         `json:"targets,omitempty"`
	Title           string           `json:"title"`
	Transformations []Transformation `json:"transformations,omitempty"`
	Type            string           `json:"type"`
}

type Target struct {
	Datasource   *Datasource `json:"datasource"`
	Expr         string      `json:"expr"`
	Format       string      `json:"format,omitempty"`
	Instant      bool        `json:"instant"`
	LegendFormat string      `json:"legendFormat,omitempty"`
	Range        bool        `json:"range"`
	RefID        string      `json:"refId"`
}

type FieldConfig struct {
	Defaults  FieldDefaults `json:"defaults"`
	Overrides []Override    `json:"overrides"`
}

type FieldDefaults struct {
	Decimals   *int        `json:"decimals,omitempty"`
	Links      []DataLink  `json:"links,omitempty"`
	Mappings   []any       `json:"mappings,omitempty"`
	Max        *float64    `json:"max,omitempty"`
	Min        *float64    `json:"min,omitempty"`
	NoValue    string      `json:"noValue,omitempty"`
	Thresholds *Thresholds `json:"thresholds,omitempty"`
	Unit       string      `json:"unit"`
}

type DataLink struct {
	Title string `json:"title"`
	URL   string `json:"url"`
}

type Thresholds struct {
	Mode  string `json:"mode"`
	Steps []Step `json:"steps"`
}

// Step is a threshold step; Value nil is Grafana's "base" step.
type Step struct {
	Color string   `json:"color"`
	Value *float64 `json:"value"`
}

type Override struct {
	Matcher    Matcher    `json:"matcher"`
	Properties []Property `json:"properties"`
}

type Matcher struct {
	ID      string `json:"id"`
	Options string `json:"options"`
}

type Property struct {
	ID    string `json:"id"`
	Value any    `json:"value"`
}

type Transformation struct {
	ID      string         `json:"id"`
	Options map[string]any `json:"options"`
}

// Marshal renders a dashboard as the committed file content: two-space indented JSON
// with a trailing newline, HTML characters left as they are (PromQL uses < and >).
func Marshal(d Dashboard) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(d); err != nil {
		return nil, fmt.Errorf("dashboard %s: %w", d.UID, err)
	}
	return buf.Bytes(), nil
}

// Files maps each committed file name to its dashboard.
func Files() map[string]Dashboard {
	return map[string]Dashboard{
		"fleet.json": Fleet(),
		"host.json":  Host(),
	}
}

// sel is a selector carrying the dashboard's job and instance filters, plus extra matchers.
func sel(metric string, extra ...string) string {
	m := append([]string{`job=~"$job"`, `instance=~"$instance"`}, extra...)
	return metric + "{" + strings.Join(m, ", ") + "}"
}

func ptr[T any](v T) *T { return &v }

// layout places panels left to right in a 24-column grid, wrapping to new lines.
type layout struct {
	x, y, rowH int
	nextID     int
	panels     []Panel
}

func (l *layout) row(title string) {
	l.newLine()
	l.nextID++
	l.panels = append(l.panels, Panel{
		Collapsed: ptr(false), GridPos: GridPos{H: 1, W: 24, X: 0, Y: l.y},
		ID: l.nextID, Title: title, Type: "row",
	})
	l.y++
}

func (l *layout) newLine() {
	if l.x > 0 {
		l.y += l.rowH
		l.x, l.rowH = 0, 0
	}
}

func (l *layout) add(w, h int, p Panel) {
	if l.x+w > 24 {
		l.newLine()
	}
	l.nextID++
	p.ID = l.nextID
	p.GridPos = GridPos{H: h, W: w, X: l.x, Y: l.y}
	p.Datasource = promDatasource
	for i := range p.Targets {
		p.Targets[i].Datasource = promDatasource
		p.Targets[i].RefID = string(rune('A' + i))
	}
	l.x += w
	if h > l.rowH {
		l.rowH = h
	}
	l.panels = append(l.panels, p)
}

func instant(expr, legend string) Target {
	return Target{Expr: expr, LegendFormat: legend, Instant: true}
}

func ranged(expr, legend string) Target {
	return Target{Expr: expr, LegendFormat: legend, Range: true}
}

func tableTarget(expr string) Target {
	return Target{Expr: expr, Format: "table", Instant: true}
}

func defaults(unit string) *FieldConfig {
	return &FieldConfig{Defaults: FieldDefaults{Unit: unit}, Overrides: []Override{}}
}

// thresholds builds steps from a base colour and (value, colour) pairs.
func thresholds(base string, steps ...any) *Thresholds {
	t := &Thresholds{Mode: "absolute", Steps: []Step{{Color: base}}}
	for i := 0; i+1 < len(steps); i += 2 {
		t.Steps = append(t.Steps, Step{Value: ptr(toFloat(steps[i])), Color: steps[i+1].(string)})
	}
	return t
}

func toFloat(v any) float64 {
	switch n := v.(type) {
	case int:
		return float64(n)
	case float64:
		return n
	}
	panic(fmt.Sprintf("threshold value %v", v))
}

func stat(title, desc, unit string, th *Thresholds, targets ...Target) Panel {
	fc := defaults(unit)
	fc.Defaults.Thresholds = th
	return Panel{
		Type: "stat", Title: title, Description: desc, FieldConfig: fc, Targets: targets,
		Options: map[string]any{
			"colorMode": "background", "graphMode": "none", "justifyMode": "auto",
			"reduceOptions": map[string]any{"calcs": []string{"lastNotNull"}, "fields": "", "values": false},
			"textMode":      "auto",
		},
	}
}

func timeseries(title, desc, unit string, targets ...Target) Panel {
	return Panel{
		Type: "timeseries", Title: title, Description: desc, FieldConfig: defaults(unit), Targets: targets,
		Options: map[string]any{
			"legend":  map[string]any{"displayMode": "table", "placement": "bottom", "showLegend": true},
			"tooltip": map[string]any{"mode": "multi", "sort": "desc"},
		},
	}
}

func stateTimeline(title, desc string, mappings []any, targets ...Target) Panel {
	fc := defaults("none")
	fc.Defaults.Mappings = mappings
	fc.Defaults.Thresholds = thresholds("green", 1, "red")
	return Panel{
		Type: "state-timeline", Title: title, Description: desc, FieldConfig: fc, Targets: targets,
		Options: map[string]any{"showValue": "never", "mergeValues": true, "rowHeight": 0.9},
	}
}

// table is an instant table; with several targets the rows are joined on `instance`.
func table(title, desc, unit string, transformations []Transformation, targets ...Target) Panel {
	return Panel{
		Type: "table", Title: title, Description: desc, FieldConfig: defaults(unit), Targets: targets,
		Transformations: transformations,
		Options:         map[string]any{"showHeader": true, "cellHeight": "sm"},
	}
}

// okMapping renders 0/1 health values as words.
func okMapping(zero, one string) []any {
	return []any{map[string]any{
		"type": "value",
		"options": map[string]any{
			"0": map[string]any{"text": zero, "color": "red", "index": 0},
			"1": map[string]any{"text": one, "color": "green", "index": 1},
		},
	}}
}

// labelsTable hides the sample value and time of *_info style series.
var labelsTable = []Transformation{{ID: "organize", Options: map[string]any{
	"excludeByName": map[string]any{"Time": true, "Value": true, "__name__": true, "job": true},
}}}

func variables(instanceMulti bool) Templating {
	ds := Variable{Name: "datasource", Label: "Data source", Type: "datasource", Query: "prometheus",
		Refresh: 1, Options: []any{}}
	job := Variable{
		Name: "job", Label: "Job", Type: "query", Datasource: promDatasource,
		Query:      "label_values(secagent_exporter_build_info, job)",
		Definition: "label_values(secagent_exporter_build_info, job)",
		Multi:      true, IncludeAll: true, AllValue: ".+", Refresh: 2, Sort: 1, Options: []any{},
	}
	inst := Variable{
		Name: "instance", Label: "Instance", Type: "query", Datasource: promDatasource,
		Query:      `label_values(secagent_exporter_build_info{job=~"$job"}, instance)`,
		Definition: `label_values(secagent_exporter_build_info{job=~"$job"}, instance)`,
		Refresh:    2, Sort: 1, Options: []any{},
	}
	if instanceMulti {
		inst.Multi, inst.IncludeAll, inst.AllValue = true, true, ".+"
	}
	return Templating{List: []Variable{ds, job, inst}}
}

func dashboard(uid, title, desc string, instanceMulti bool, panels []Panel) Dashboard {
	return Dashboard{
		Annotations: Annotations{List: []any{}},
		Description: desc,
		Editable:    true,
		Links: []Link{{
			AsDropdown: false, IncludeVars: true, KeepTime: true, Tags: []string{"secagent"},
			Title: "secagent dashboards", Type: "dashboards",
		}},
		Panels:        panels,
		Refresh:       "1m",
		SchemaVersion: schemaVersion,
		Tags:          []string{"secagent", "endpoint-security"},
		Templating:    variables(instanceMulti),
		Time:          TimeRange{From: "now-24h", To: "now"},
		Timezone:      "browser",
		Title:         title,
		UID:           uid,
		Version:       1,
	}
}
