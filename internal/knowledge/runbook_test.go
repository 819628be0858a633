package knowledge

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

const runbookURL = "https://github.com/secagent-exporter/secagent_exporter/blob/main/docs/runbooks.md#"

// The committed runbook pages are exactly what the generator writes from the table.
func TestRunbooksAreGenerated(t *testing.T) {
	for _, lang := range Languages {
		path := filepath.Join("..", "..", "docs", RunbookFile(lang))
		committed, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if want := Default.Runbook(lang); !bytes.Equal(committed, want) {
			t.Errorf("%s differs from internal/knowledge/knowledge.yaml: run `make runbooks` (first difference at line %d)",
				path, firstDiffLine(committed, want))
		}
	}
}

func firstDiffLine(a, b []byte) int {
	la, lb := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := range la {
		if i >= len(lb) || la[i] != lb[i] {
			return i + 1
		}
	}
	return len(la) + 1
}

// Both pages have one "### <Alert>" heading per row, in the same order, so the anchors of
// docs/runbooks.md work in docs/runbooks.ja.md too.
func TestBothPagesHaveTheSameAnchors(t *testing.T) {
	headings := func(b []byte) []string {
		var out []string
		for _, l := range strings.Split(string(b), "\n") {
			if h, ok := strings.CutPrefix(l, "### "); ok {
				out = append(out, strings.ToLower(h))
			}
		}
		return out
	}
	en, ja := headings(Default.Runbook("en")), headings(Default.Runbook("ja"))
	if strings.Join(en, ",") != strings.Join(ja, ",") || len(en) != len(Default.Alerts) {
		t.Fatalf("anchors differ or miss rows:\nen %v\nja %v", en, ja)
	}
}

type ruleFile struct {
	Groups []struct {
		Name  string `yaml:"name"`
		Rules []struct {
			Alert       string            `yaml:"alert"`
			Labels      map[string]string `yaml:"labels"`
			Annotations map[string]string `yaml:"annotations"`
		} `yaml:"rules"`
	} `yaml:"groups"`
}

// The table and alerts/rules name the same alerts, every rule is in its row's group with its
// row's vendor label, and every rule's runbook_url points at its row's anchor.
func TestEveryAlertHasARow(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("..", "..", "alerts", "rules", "*.yml"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no rule files: %v", err)
	}
	inRules := map[string]bool{}
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var f ruleFile
		if err := yaml.Unmarshal(raw, &f); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		for _, g := range f.Groups {
			for _, r := range g.Rules {
				if r.Alert == "" {
					continue
				}
				inRules[r.Alert] = true
				row, ok := Default.Lookup(r.Alert)
				if !ok {
					t.Errorf("%s: alert %s has no row in internal/knowledge/knowledge.yaml", filepath.Base(p), r.Alert)
					continue
				}
				if g.Name != row.Group || r.Labels["vendor"] != row.Vendor {
					t.Errorf("%s: %s is in group %s with vendor %s; its row says group %s, vendor %s",
						filepath.Base(p), r.Alert, g.Name, r.Labels["vendor"], row.Group, row.Vendor)
				}
				if got, want := r.Annotations["runbook_url"], runbookURL+row.Anchor; got != want {
					t.Errorf("%s: %s runbook_url %q, want %q", filepath.Base(p), r.Alert, got, want)
				}
			}
		}
	}
	var extra []string
	for _, a := range Default.Alerts {
		if !inRules[a.Alert] {
			extra = append(extra, a.Alert)
		}
	}
	sort.Strings(extra)
	if len(extra) > 0 {
		t.Errorf("rows without an alert in alerts/rules: %v", extra)
	}
}
