package alerts

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"unicode"

	"go.yaml.in/yaml/v3"

	"github.com/secagent-exporter/secagent_exporter/dashboards"
	"github.com/secagent-exporter/secagent_exporter/internal/site"
)

// TestRulesAreGenerated fails when alerts/rules/ differs from what alerts/source/ renders
// for the default site configuration: edit the source and run `make site`.
func TestRulesAreGenerated(t *testing.T) {
	files, err := site.RenderRules(site.Default(), "source")
	if err != nil {
		t.Fatal(err)
	}
	committed, _ := filepath.Glob("rules/*.yml")
	if len(committed) != len(files) {
		t.Errorf("rules/ holds %d files, source/ renders %d: every rule file needs a source", len(committed), len(files))
	}
	for name, want := range files {
		got, err := os.ReadFile(filepath.Join("rules", name))
		if err != nil {
			t.Errorf("%v (run make site)", err)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("rules/%s differs from the output of source/%s; edit the source and run make site", name, name)
		}
	}
}

// The example configuration is valid and, as documented, equal to the defaults.
func TestSiteExampleIsDefault(t *testing.T) {
	c, err := site.Load("site.example.yml")
	if err != nil {
		t.Fatal(err)
	}
	if c != site.Default() {
		t.Errorf("site.example.yml = %+v, want the defaults %+v", c, site.Default())
	}
}

type siteVariant struct {
	name   string
	config string
	// the promtool unit tests of tests/ this variant runs (adapted); nil: all of them
	suite []string
	// extra promtool test files (tests/site/) that only hold for this variant
	extra []string
}

var siteVariants = []siteVariant{
	// the committed rules: `make rules-test` runs the whole suite on them
	{name: "default", suite: []string{}},
	{name: "ja", config: "language: ja\n", extra: []string{"ja.test.yml"}},
	{name: "site-label", config: "group_label: site\n", suite: []string{"tests/exporter.test.yml", "tests/fleet.test.yml"},
		extra: []string{"site-label.test.yml"}},
	{name: "custom", config: `selector: 'job=~"secagent|endpoints-eu"'
runbook_url_base: https://wiki.example.internal/secagent/
thresholds:
  mcafee_asci_stale_warning: 4h
  cisco_tetra_age_warning: 1d
  qualys_contact_warning: 6h
`, extra: []string{"selector.test.yml"}},
}

// TestSiteVariants renders the rules for several site configurations and runs, for each,
// promtool check rules, every promtool unit test of tests/ (adapted to the variant: the
// runbook links, and for ja without the English summary and description) and the
// variant's own tests in tests/site/, then the dashboards' structure checks.
func TestSiteVariants(t *testing.T) {
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		if os.Getenv("SECAGENT_REQUIRE_TOOLS") != "" {
			t.Fatal("promtool not found but SECAGENT_REQUIRE_TOOLS is set (make tools installs it)")
		}
		t.Skip("promtool not installed (apt-get install prometheus)")
	}
	if testing.Short() {
		t.Skip("runs promtool on every variant")
	}
	all, _ := filepath.Glob("tests/*.test.yml")
	en, err := site.RenderRules(site.Default(), "source")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range siteVariants {
		t.Run(v.name, func(t *testing.T) {
			tests := all
			if v.suite != nil {
				tests = v.suite
			}
			c, err := site.Parse([]byte(v.config))
			if err != nil {
				t.Fatal(err)
			}
			rules, err := site.RenderRules(c, "source")
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			write := func(rel string, b []byte) {
				p := filepath.Join(dir, rel)
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, b, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			var ruleArgs []string
			tr := newTranslator(t, en, rules)
			if c.Language != "en" {
				for id, ann := range tr.en {
					for _, k := range []string{"summary", "description"} {
						want := strings.Join(templateRefs.FindAllString(ann[k], -1), " ")
						got := strings.Join(templateRefs.FindAllString(tr.to[id][k], -1), " ")
						if sortWords(got) != sortWords(want) {
							t.Errorf("%s %s: %s text shows %q, the English %q", id, k, c.Language, got, want)
						}
					}
				}
			}
			for name, b := range rules {
				write("rules/"+name, b)
				ruleArgs = append(ruleArgs, filepath.Join(dir, "rules", name))
				checkVariantRules(t, c, name, b)
			}
			var testArgs []string
			for _, p := range tests {
				raw, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				write("tests/"+filepath.Base(p), adaptTests(t, raw, c, tr))
				testArgs = append(testArgs, filepath.Join(dir, "tests", filepath.Base(p)))
			}
			for _, x := range v.extra {
				raw, err := os.ReadFile(filepath.Join("tests", "site", x))
				if err != nil {
					t.Fatal(err)
				}
				write("tests/"+x, raw)
				testArgs = append(testArgs, filepath.Join(dir, "tests", x))
			}
			if out, err := exec.Command(promtool, append([]string{"check", "rules", "--lint=all", "--lint-fatal"}, ruleArgs...)...).CombinedOutput(); err != nil {
				t.Fatalf("promtool check rules: %v\n%s", err, out)
			}
			if len(testArgs) > 0 {
				if out, err := exec.Command(promtool, append([]string{"test", "rules"}, testArgs...)...).CombinedOutput(); err != nil {
					t.Fatalf("promtool test rules: %v\n%s", err, out)
				}
			}
			boards, err := dashboards.Render(c)
			if err != nil {
				t.Fatal(err)
			}
			for name, raw := range boards {
				for _, problem := range dashboards.StructureProblems(raw) {
					t.Errorf("dashboard %s: %s", name, problem)
				}
				checkVariantDashboard(t, c, name, raw)
			}
		})
	}
}

var jaRune = func(r rune) bool { return unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Han) }

// templateRefs are the {{ }} actions of an annotation: the Japanese text must show the
// same labels and value as the English one.
var templateRefs = regexp.MustCompile(`\$labels\.[a-z_]+|\$value`)

func checkVariantRules(t *testing.T, c site.Config, name string, raw []byte) {
	t.Helper()
	var f ruleFile
	if err := yaml.Unmarshal(raw, &f); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	matchers, _ := site.ParseMatchers(c.Selector)
	for _, g := range f.Groups {
		for _, r := range g.Rules {
			id := name + ": " + r.Alert + r.Record
			if matchers != "" {
				use, err := parsePromQLUse(r.Expr)
				if err != nil {
					t.Errorf("%s: %v", id, err)
				}
				for m, labels := range use.metrics {
					if !labels["job"] {
						t.Errorf("%s: selector %s not applied to %s in %q", id, matchers, m, r.Expr)
					}
				}
			}
			if c.GroupLabel != "" && name == "fleet.yml" {
				use, _ := parsePromQLUse(r.Expr)
				if use.grouping["job"] && !use.grouping[c.GroupLabel] {
					t.Errorf("%s: groups by job but not by %s: %q", id, c.GroupLabel, r.Expr)
				}
			}
			if r.Alert == "" {
				continue
			}
			if got, want := r.Annotations["runbook_url"], c.RunbookURL(r.Alert); got != want {
				t.Errorf("%s: runbook_url %q, want %q", id, got, want)
			}
			if c.Language == "ja" {
				for _, k := range []string{"summary", "description"} {
					if !strings.ContainsFunc(r.Annotations[k], jaRune) {
						t.Errorf("%s: %s %q is not Japanese", id, k, r.Annotations[k])
					}
				}
			}
		}
	}
}

func checkVariantDashboard(t *testing.T, c site.Config, name string, raw []byte) {
	t.Helper()
	s := string(raw)
	if !strings.Contains(s, `"__inputs"`) || !strings.Contains(s, `"__requires"`) {
		t.Errorf("%s: no __inputs/__requires for Grafana's import", name)
	}
	if c.GroupLabel != "" && !strings.Contains(s, `"name": "`+c.GroupLabel+`"`) {
		t.Errorf("%s: no %s variable", name, c.GroupLabel)
	}
	if m, _ := site.ParseMatchers(c.Selector); m != "" && !strings.Contains(s, strings.ReplaceAll(m, `"`, `\"`)) {
		t.Errorf("%s: selector %s not in the queries", name, m)
	}
}

// adaptTests rewrites a promtool test file for a site: runbook links follow the
// configured base and language; for ja the expected English summary and description
// become the Japanese text with the same values (translator), so every promtool case
// also checks the Japanese annotations render.
func adaptTests(t *testing.T, raw []byte, c site.Config, tr *translator) []byte {
	t.Helper()
	var doc map[string]any
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	for _, tc := range asList(doc["tests"]) {
		for _, art := range asList(asMap(tc)["alert_rule_test"]) {
			for _, exp := range asList(asMap(art)["exp_alerts"]) {
				ann := asMap(asMap(exp)["exp_annotations"])
				if ann == nil {
					continue
				}
				if u, ok := ann["runbook_url"].(string); ok {
					ann["runbook_url"] = c.RunbookURL(u[strings.LastIndex(u, "#")+1:])
				}
				if c.Language != "en" {
					labels := map[string]string{}
					for k, v := range asMap(asMap(exp)["exp_labels"]) {
						labels[k] = fmt.Sprint(v)
					}
					alert, _ := asMap(art)["alertname"].(string)
					for _, k := range []string{"summary", "description"} {
						if text, ok := ann[k].(string); ok {
							ja, err := tr.translate(alert, labels["severity"], k, text, labels)
							if err != nil {
								t.Fatalf("%s %s: %v", alert, k, err)
							}
							ann[k] = ja
						}
					}
				}
			}
		}
	}
	out, err := yaml.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// translator maps an expected English annotation of a promtool test to the expected
// text of the same alert in the variant: the values of the English template's actions
// are read off the English text and put into the variant's template.
type translator struct {
	en, to map[string]map[string]string // alert/severity -> summary|description -> template
}

func newTranslator(t *testing.T, en, to map[string][]byte) *translator {
	t.Helper()
	load := func(files map[string][]byte) map[string]map[string]string {
		out := map[string]map[string]string{}
		for name, raw := range files {
			var f ruleFile
			if err := yaml.Unmarshal(raw, &f); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			for _, g := range f.Groups {
				for _, r := range g.Rules {
					if r.Alert != "" {
						out[r.Alert+"/"+r.Labels["severity"]] = r.Annotations
					}
				}
			}
		}
		return out
	}
	return &translator{en: load(en), to: load(to)}
}

var (
	withBlock = regexp.MustCompile(`\{\{ with \$labels\.([a-z_]+) \}\}(.*?)\{\{ end \}\}`)
	action    = regexp.MustCompile(`\{\{.*?\}\}`)
)

// expandWith evaluates {{ with $labels.x }}...{{ . }}...{{ end }} with the alert's labels.
func expandWith(tmpl string, labels map[string]string) string {
	return withBlock.ReplaceAllStringFunc(tmpl, func(m string) string {
		sub := withBlock.FindStringSubmatch(m)
		if labels[sub[1]] == "" {
			return ""
		}
		return strings.ReplaceAll(sub[2], "{{ . }}", labels[sub[1]])
	})
}

func (tr *translator) translate(alert, severity, key, text string, labels map[string]string) (string, error) {
	enT := expandWith(tr.en[alert+"/"+severity][key], labels)
	toT := expandWith(tr.to[alert+"/"+severity][key], labels)
	if enT == "" || toT == "" {
		return "", fmt.Errorf("no %s for %s/%s", key, alert, severity)
	}
	actions := action.FindAllString(enT, -1)
	pattern := "^"
	for i, lit := range action.Split(enT, -1) {
		pattern += regexp.QuoteMeta(lit)
		if i < len(actions) {
			pattern += "(.*?)"
		}
	}
	m := regexp.MustCompile(pattern + "$").FindStringSubmatch(text)
	if m == nil {
		return "", fmt.Errorf("%q does not match the English template %q", text, enT)
	}
	values := map[string]string{}
	for i, a := range actions {
		values[a] = m[i+1]
	}
	var missing error
	out := action.ReplaceAllStringFunc(toT, func(a string) string {
		v, ok := values[a]
		if !ok {
			missing = fmt.Errorf("%s: %s is not in the English text", key, a)
		}
		return v
	})
	return out, missing
}

func sortWords(s string) string {
	w := strings.Fields(s)
	sort.Strings(w)
	return strings.Join(w, " ")
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// TestJapaneseRunbook: runbooks.ja.md has a section for every alert, so the ja links resolve.
func TestJapaneseRunbook(t *testing.T) {
	raw, err := os.ReadFile("../docs/runbooks.ja.md")
	if err != nil {
		t.Fatal(err)
	}
	anchors := map[string]bool{}
	for _, l := range strings.Split(string(raw), "\n") {
		if strings.HasPrefix(l, "### ") {
			anchors[githubAnchor(strings.TrimPrefix(l, "### "))] = true
		}
	}
	for _, r := range loadRules(t) {
		if r.Alert != "" && !anchors[strings.ToLower(r.Alert)] {
			t.Errorf("docs/runbooks.ja.md has no section %q", r.Alert)
		}
	}
}
