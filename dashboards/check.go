package dashboards

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
)

var selectorBlock = regexp.MustCompile(`\{[^}]*\}`)

// panelUnits lists the panel types Grafana's dashboard linter requires a unit for.
var panelUnits = map[string]bool{"stat": true, "table": true, "timeseries": true}

// StructureProblems checks one dashboard file as Grafana and the house style want it:
// uid, schema version, the data source and job/instance variables, panel ids and grid
// positions, titles, descriptions, units, the templated data source and the job/instance
// filters of every selector, and the import inputs. It returns what is wrong.
func StructureProblems(raw []byte) []string {
	var problems []string
	errorf := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	name := "dashboard"
	{
		var d Dashboard
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&d); err != nil {
			return []string{err.Error()}
		}
		name = d.UID
		if d.UID == "" || len(d.UID) > 40 {
			errorf("%s: uid %q must be set and at most 40 characters", name, d.UID)
		}
		if len(d.Inputs) != 1 || d.Inputs[0].Type != "datasource" || d.Inputs[0].PluginID != "prometheus" {
			errorf("%s: __inputs must ask for one Prometheus data source", name)
		}
		if len(d.Requires) < 3 || d.Requires[0].ID != "grafana" {
			errorf("%s: __requires must name Grafana, the data source and the panels", name)
		}
		if d.SchemaVersion != schemaVersion {
			errorf("%s: schemaVersion %d, want %d", name, d.SchemaVersion, schemaVersion)
		}
		vars := map[string]Variable{}
		for _, v := range d.Templating.List {
			vars[v.Name] = v
		}
		if vars["datasource"].Type != "datasource" || vars["datasource"].Query != "prometheus" {
			errorf("%s: missing prometheus datasource variable", name)
		}
		for _, v := range []string{"job", "instance"} {
			if vars[v].Type != "query" || vars[v].Refresh != 2 || vars[v].Datasource == nil || vars[v].Datasource.UID != "${datasource}" {
				errorf("%s: variable %s must be a query on ${datasource} refreshed on time change", name, v)
			}
		}

		ids := map[int]bool{}
		var occupied [200][24]bool
		for _, p := range d.Panels {
			if ids[p.ID] {
				errorf("%s: duplicate panel id %d", name, p.ID)
			}
			ids[p.ID] = true
			g := p.GridPos
			if g.X < 0 || g.W <= 0 || g.X+g.W > 24 || g.Y+g.H > len(occupied) {
				errorf("%s: panel %q outside the grid: %+v", name, p.Title, g)
				continue
			}
			for y := g.Y; y < g.Y+g.H; y++ {
				for x := g.X; x < g.X+g.W; x++ {
					if occupied[y][x] {
						errorf("%s: panel %q overlaps another at %d,%d", name, p.Title, x, y)
					}
					occupied[y][x] = true
				}
			}
			if p.Type == "row" {
				continue
			}
			if p.Title == "" || p.Description == "" {
				errorf("%s: panel %d needs a title and a description", name, p.ID)
			}
			if p.Datasource == nil || p.Datasource.UID != "${datasource}" {
				errorf("%s: panel %q must use ${datasource}", name, p.Title)
			}
			if panelUnits[p.Type] && (p.FieldConfig == nil || p.FieldConfig.Defaults.Unit == "") {
				errorf("%s: panel %q needs a unit", name, p.Title)
			}
			if len(p.Targets) == 0 {
				errorf("%s: panel %q has no query", name, p.Title)
			}
			for _, tg := range p.Targets {
				if tg.RefID == "" || tg.Expr == "" || tg.Datasource == nil || tg.Datasource.UID != "${datasource}" {
					errorf("%s: panel %q: target %+v incomplete", name, p.Title, tg)
				}
				for _, block := range selectorBlock.FindAllString(tg.Expr, -1) {
					if !bytes.Contains([]byte(block), []byte(`job=~"$job"`)) || !bytes.Contains([]byte(block), []byte(`instance=~"$instance"`)) {
						errorf("%s: panel %q: selector %s lacks the job/instance filters", name, p.Title, block)
					}
				}
			}
		}
	}
	return problems
}
