package msgfile

import (
	"github.com/secagent-exporter/secagent_exporter/collector/msgtable"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var table = Table{
	Collector: "mcafee",
	Builtin: []msgtable.Rule{
		{Event: "asci_success", Any: []string{"Agent communication session closed"}, Source: "built-in"},
	},
	Events: []string{"asci_success", "asci_failure", "asci_start"},
	Outcome: func(e string) string {
		switch e {
		case "asci_success":
			return "success"
		case "asci_failure":
			return "failure"
		}
		return ""
	},
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
	}{
		{"bad regexp", "rows:\n- id: a\n  regexp: 'x(['\n  event: asci_start\n  source: s\n", `row 1 (id "a"): bad regexp`},
		{"unknown event", "rows:\n- id: a\n  literal: abc\n  event: asci_sucess\n  source: s\n", `row 1 (id "a"): unknown event "asci_sucess"`},
		{"duplicate id", "rows:\n- id: a\n  literal: abc\n  event: asci_start\n  source: s\n- id: a\n  literal: def\n  event: asci_start\n  source: s\n", `row 2 (id "a"): duplicate id: row 1 has it too`},
		{"no source", "rows:\n- id: a\n  literal: abc\n  event: asci_start\n", `row 1 (id "a"): no source`},
		{"no id", "rows:\n- literal: abc\n  event: asci_start\n  source: s\n", `row 1: no id`},
		{"no match", "rows:\n- id: a\n  event: asci_start\n  source: s\n", `no match`},
		{"short literal", "rows:\n- id: a\n  literal: ab\n  event: asci_start\n  source: s\n", `shorter than 3`},
		{"regexp without literal", "rows:\n- id: a\n  regexp: '(?i)x.*y'\n  event: asci_start\n  source: s\n", `no literal of 3 bytes`},
		{"wrong outcome", "rows:\n- id: a\n  literal: abc\n  event: asci_start\n  outcome: success\n  source: s\n", `outcome "success", but event asci_start moves outcome none`},
		{"unknown key", "rows:\n- id: a\n  litteral: abc\n  event: asci_start\n  source: s\n", `field litteral not found`},
		{"not yaml rows", "- a\n- b\n", `not a messages-file`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.in), table)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error spans lines: %q", err)
			}
		})
	}
}

func TestMergeOrderAndClassification(t *testing.T) {
	in := `rows:
- id: de-success
  literal: "Agent-Server-Kommunikation erfolgreich"
  event: asci_success
  outcome: success
  lang: de
  source: captured
- id: conflict-plain
  literal: "session closed"
  event: asci_failure
  source: captured
- id: fr-failure
  regexp: 'Échec de la communication \(code (?P<code>[0-9]+)\)'
  event: asci_failure
  outcome: failure
  lang: fr
  source: captured
`
	rules, err := Parse([]byte(in), table)
	if err != nil {
		t.Fatal(err)
	}
	c, err := msgtable.NewClassifier(rules)
	if err != nil {
		t.Fatal(err)
	}
	for msg, want := range map[string]string{
		"Agent-Server-Kommunikation erfolgreich beendet": "asci_success",
		// Built-in wins over a site row matching the same line.
		"Agent communication session closed":  "asci_success",
		"Échec de la communication (code 12)": "asci_failure",
		"Échec de la communication":           "",
	} {
		m, ok := c.Classify(msg)
		if got := map[bool]string{true: m.Event}[ok]; got != want {
			t.Errorf("Classify(%q) = %q, want %q", msg, got, want)
		}
	}
	// override: true puts the row first.
	over := strings.Replace(in, "  source: captured\n- id: fr", "  source: captured\n  override: true\n- id: fr", 1)
	rules, err = Parse([]byte(over), table)
	if err != nil {
		t.Fatal(err)
	}
	c = msgtable.MustClassifier(rules)
	if m, _ := c.Classify("Agent communication session closed"); m.Event != "asci_failure" {
		t.Errorf("override row did not win: %q", m.Event)
	}
	if !strings.Contains(rules[0].Source, "conflict-plain") {
		t.Errorf("rule source does not name the row: %q", rules[0].Source)
	}
}

func TestLoadNamesFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "site.yml")
	if err := os.WriteFile(p, []byte("rows:\n- id: x\n  literal: abc\n  event: nope\n  source: s\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Load(p, table)
	if err == nil || !strings.Contains(err.Error(), "--collector.mcafee.messages-file "+p+": row 1 (id \"x\")") {
		t.Fatalf("err = %v", err)
	}
	if rules, err := Load("", table); err != nil || len(rules) != 1 {
		t.Fatalf("empty path: %v %v", rules, err)
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing.yml"), table); err == nil {
		t.Fatal("missing file accepted")
	}
}

func TestRequiredLiteral(t *testing.T) {
	for expr, want := range map[string]string{
		`abc`:                      "abc",
		`foo (\d+) barbaz`:         " barbaz",
		`(?P<x>session) closed\.?`: "session",
		`(?i)abc`:                  "",
		`a|bcd`:                    "",
		`(?:xyz)+q`:                "xyz",
		`x{2,}`:                    "x",
	} {
		if got := RequiredLiteral(expr); got != want {
			t.Errorf("RequiredLiteral(%q) = %q, want %q", expr, got, want)
		}
	}
}

func FuzzParseRows(f *testing.F) {
	f.Add([]byte("rows:\n- id: a\n  literal: abc\n  event: asci_start\n  source: s\n"))
	f.Add([]byte("rows:\n- id: a\n  regexp: 'foo (\\d+) bar'\n  event: asci_failure\n  outcome: failure\n  source: s\n  override: true\n"))
	f.Add([]byte("rows: []\n"))
	f.Add([]byte("rows:\n- id: a\n  regexp: '(['\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		rows, err := ParseRows(raw, table)
		if err != nil {
			return
		}
		merged := Merge(table.Builtin, rows)
		c, err := msgtable.NewClassifier(merged)
		if err != nil {
			t.Fatalf("validated rows do not compile: %v", err)
		}
		for _, r := range rows {
			if r.Source == "" || len(r.Any) == 0 {
				t.Fatalf("row without source or literal: %+v", r)
			}
			c.Classify(r.Any[0])
		}
	})
}
