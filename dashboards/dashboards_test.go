package dashboards

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"

	"github.com/secagent-exporter/secagent_exporter/internal/site"
)

// TestCommittedJSONIsGenerated fails when a dashboard file was edited by hand or the
// generator changed without `go generate ./dashboards`.
func TestCommittedJSONIsGenerated(t *testing.T) {
	files, err := Render(site.Default())
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range files {
		got, err := os.ReadFile(name)
		if err != nil {
			t.Fatalf("%s: %v (run go generate ./dashboards)", name, err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from the generator output; run go generate ./dashboards", name)
		}
	}
}

func TestDashboardStructure(t *testing.T) {
	uids := map[string]bool{}
	for name := range Files() {
		raw, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range StructureProblems(raw) {
			t.Errorf("%s: %s", name, p)
		}
		var d Dashboard
		if err := json.Unmarshal(raw, &d); err != nil {
			t.Fatal(err)
		}
		if uids[d.UID] {
			t.Errorf("%s: uid %q used twice", name, d.UID)
		}
		uids[d.UID] = true
	}
}

// TestJapaneseTitles: every title of the generated dashboards has a Japanese translation,
// so language ja shows no English title.
func TestJapaneseTitles(t *testing.T) {
	c := site.Default()
	c.Language = "ja"
	for name, d := range Files() {
		var titles []string
		var walk func([]Panel)
		walk = func(ps []Panel) {
			for _, p := range ps {
				titles = append(titles, p.Title)
				walk(p.Panels)
			}
		}
		walk(d.Panels)
		for _, v := range d.Templating.List {
			titles = append(titles, v.Label)
		}
		for _, l := range d.Links {
			titles = append(titles, l.Title)
		}
		for _, title := range titles {
			if _, ok := titlesJA[title]; !ok {
				t.Errorf("%s: title %q has no entry in titlesJA (titles_ja.go)", name, title)
			}
		}
		ja, err := ForSite(d, c)
		if err != nil {
			t.Fatal(err)
		}
		if ja.Panels[0].Title != titlesJA[d.Panels[0].Title] || ja.UID != d.UID {
			t.Errorf("%s: ja dashboard: first title %q, uid %q", name, ja.Panels[0].Title, ja.UID)
		}
	}
}
