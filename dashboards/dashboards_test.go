package dashboards

import (
	"bytes"
	"encoding/json"
	"os"
	"regexp"
	"testing"
)

// TestCommittedJSONIsGenerated fails when a dashboard file was edited by hand or the
// generator changed without `go generate ./dashboards`.
func TestCommittedJSONIsGenerated(t *testing.T) {
	for name, d := range Files() {
		want, err := Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(name)
		if err != nil {
			t.Fatalf("%s: %v (run go generate ./dashboards)", name, err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from the generator output; run go generate ./dashboards", name)
		}
	}
}

var selectorBlock = regexp.MustCompile(`\{[^}]*\}`)

// panelUnits lists the panel types Grafana's dashboard linter requires a unit for.
var panelUnits = map[string]bool{"stat": true, "table": true, "timeseries": true}

func TestDashboardStructure(t *testing.T) {
	uids := map[string]bool{}
	for name := range Files() {
		raw, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		var d Dashboard
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&d); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if d.UID == "" || len(d.UID) > 40 || uids[d.UID] {
			t.Errorf("%s: uid %q must be set, unique and at most 40 characters", name, d.UID)
		}
		uids[d.UID] = true
		if d.SchemaVersion != schemaVersion {
			t.Errorf("%s: schemaVersion %d, want %d", name, d.SchemaVersion, schemaVersion)
		}
		vars := map[string]Variable{}
		for _, v := range d.Templating.List {
			vars[v.Name] = v
		}
		if vars["datasource"].Type != "datasource" || vars["datasource"].Query != "prometheus" {
			t.Errorf("%s: missing prometheus datasource variable", name)
		}
		for _, v := range []string{"job", "instance"} {
			if vars[v].Type != "query" || vars[v].Refresh != 2 || vars[v].Datasource == nil || vars[v].Datasource.UID != "${datasource}" {
				t.Errorf("%s: variable %s must be a query on ${datasource} refreshed on time change", name, v)
			}
		}

		ids := map[int]bool{}
		var occupied [200][24]bool
		for _, p := range d.Panels {
			if ids[p.ID] {
				t.Errorf("%s: duplicate panel id %d", name, p.ID)
			}
			ids[p.ID] = true
			g := p.GridPos
			if g.X < 0 || g.W <= 0 || g.X+g.W > 24 || g.Y+g.H > len(occupied) {
				t.Errorf("%s: panel %q outside the grid: %+v", name, p.Title, g)
				continue
			}
			for y := g.Y; y < g.Y+g.H; y++ {
				for x := g.X; x < g.X+g.W; x++ {
					if occupied[y][x] {
						t.Errorf("%s: panel %q overlaps another at %d,%d", name, p.Title, x, y)
					}
					occupied[y][x] = true
				}
			}
			if p.Type == "row" {
				continue
			}
			if p.Title == "" || p.Description == "" {
				t.Errorf("%s: panel %d needs a title and a description", name, p.ID)
			}
			if p.Datasource == nil || p.Datasource.UID != "${datasource}" {
				t.Errorf("%s: panel %q must use ${datasource}", name, p.Title)
			}
			if panelUnits[p.Type] && (p.FieldConfig == nil || p.FieldConfig.Defaults.Unit == "") {
				t.Errorf("%s: panel %q needs a unit", name, p.Title)
			}
			if len(p.Targets) == 0 {
				t.Errorf("%s: panel %q has no query", name, p.Title)
			}
			for _, tg := range p.Targets {
				if tg.RefID == "" || tg.Expr == "" || tg.Datasource == nil || tg.Datasource.UID != "${datasource}" {
					t.Errorf("%s: panel %q: target %+v incomplete", name, p.Title, tg)
				}
				for _, block := range selectorBlock.FindAllString(tg.Expr, -1) {
					if !bytes.Contains([]byte(block), []byte(`job=~"$job"`)) || !bytes.Contains([]byte(block), []byte(`instance=~"$instance"`)) {
						t.Errorf("%s: panel %q: selector %s lacks the job/instance filters", name, p.Title, block)
					}
				}
			}
		}
	}
}
