package alerts

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"text/template/parse"
)

// portableTemplateFuncs are the template functions that both Prometheus and vmalert
// evaluate in labels and annotations: text/template's builtins plus the functions of
// Prometheus' alerting templates that vmalert implements. TestPortableFuncsOnVMAlert
// checks this list against the installed vmalert.
var portableTemplateFuncs = []string{
	// text/template builtins
	"and", "or", "not", "len", "index", "slice", "print", "printf", "println",
	"eq", "ne", "lt", "le", "gt", "ge", "html", "js", "urlquery", "call",
	// Prometheus template functions vmalert also has
	"query", "first", "label", "value", "strvalue", "sortByLabel",
	"humanize", "humanize1024", "humanizeDuration", "humanizePercentage", "humanizeTimestamp",
	"title", "toUpper", "toLower", "match", "reReplaceAll", "stripPort", "stripDomain",
	"safeHtml", "pathPrefix", "externalURL", "parseDuration", "args",
}

// prometheusOnlyTemplateFuncs are Prometheus template functions vmalert rejects.
var prometheusOnlyTemplateFuncs = []string{"graphLink", "tableLink", "toTime"}

// templateVars are the variables both engines define before a template (Prometheus'
// rules/alerting.go prefix; vmalert defines these and more).
const templateVars = `{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}` +
	`{{$externalURL := .ExternalURL}}{{$value := .Value}}`

// templateFuncs returns the functions a label or annotation template calls.
func templateFuncs(text string) ([]string, error) {
	funcs := map[string]any{}
	for _, f := range append(append([]string{}, portableTemplateFuncs...), prometheusOnlyTemplateFuncs...) {
		funcs[f] = nil
	}
	// Parse with every identifier accepted, then list the identifiers used.
	tr := parse.New("t")
	tr.Mode = parse.SkipFuncCheck
	trees := map[string]*parse.Tree{}
	if _, err := tr.Parse(templateVars+text, "{{", "}}", trees, funcs); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var walk func(parse.Node)
	walk = func(n parse.Node) {
		switch n := n.(type) {
		case *parse.ListNode:
			if n == nil {
				return
			}
			for _, c := range n.Nodes {
				walk(c)
			}
		case *parse.ActionNode:
			walk(n.Pipe)
		case *parse.PipeNode:
			if n == nil {
				return
			}
			for _, c := range n.Cmds {
				walk(c)
			}
		case *parse.CommandNode:
			for _, a := range n.Args {
				walk(a)
			}
		case *parse.IdentifierNode:
			seen[n.Ident] = true
		case *parse.IfNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.RangeNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.WithNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.TemplateNode:
			walk(n.Pipe)
		}
	}
	for _, tree := range trees {
		walk(tree.Root)
	}
	if len(trees) == 0 { // an empty main template is not added to the set
		walk(tr.Root)
	}
	var out []string
	for f := range seen {
		out = append(out, f)
	}
	sort.Strings(out)
	return out, nil
}

func TestTemplateFuncsParser(t *testing.T) {
	for text, want := range map[string]string{
		`plain`: ``,
		`{{ $labels.instance }} is {{ humanizeDuration $value }}`:                      `humanizeDuration`,
		`{{ with query "up" }}{{ . | first | value | printf "%.0f" }}{{ end }}`:        `first printf query value`,
		`{{ if gt $value 1.0 }}{{ graphLink "up" }}{{ else }}{{ toTime 1 }}{{ end }}`:  `graphLink gt toTime`,
		`{{ range $i, $x := query "up" | sortByLabel "job" }}{{ $x.Labels }}{{ end }}`: `query sortByLabel`,
	} {
		got, err := templateFuncs(text)
		if err != nil {
			t.Errorf("%q: %v", text, err)
			continue
		}
		if strings.Join(got, " ") != want {
			t.Errorf("%q: functions %v, want %q", text, got, want)
		}
	}
	for _, bad := range []string{`{{ humanize `, `{{ $nope }}`} {
		if _, err := templateFuncs(bad); err == nil {
			t.Errorf("%q parses", bad)
		}
	}
}

func FuzzTemplateFuncs(f *testing.F) {
	f.Add(`{{ $labels.instance }} is {{ humanizeDuration $value }}`)
	f.Add(`{{ with query "up" }}{{ . | first | value }}{{ end }}`)
	f.Add(`{{ define "x" }}{{ toTime 1 }}{{ end }}{{ template "x" . }}`)
	f.Add(`{{`)
	f.Fuzz(func(t *testing.T, text string) {
		funcs, err := templateFuncs(text)
		if err != nil {
			return
		}
		for _, fn := range funcs {
			if fn == "" {
				t.Fatalf("%q: empty function name", text)
			}
		}
	})
}

// TestTemplatesPortable rejects a label or annotation template that calls a function
// vmalert (the global engine of docs/deployment.md) does not implement: promtool accepts
// graphLink or toTime, vmalert refuses to load the whole file.
func TestTemplatesPortable(t *testing.T) {
	portable := map[string]bool{}
	for _, f := range portableTemplateFuncs {
		portable[f] = true
	}
	for _, r := range loadRules(t) {
		name := r.Alert + r.Record
		texts := map[string]string{}
		for k, v := range r.Annotations {
			texts["annotation "+k] = v
		}
		for k, v := range r.Labels {
			texts["label "+k] = v
		}
		for where, text := range texts {
			funcs, err := templateFuncs(text)
			if err != nil {
				t.Errorf("%s %s %s: %v", r.file, name, where, err)
				continue
			}
			for _, f := range funcs {
				if !portable[f] {
					t.Errorf("%s %s %s calls %s, which vmalert does not implement", r.file, name, where, f)
				}
			}
		}
	}
}

func vmalertBinary(t *testing.T) string {
	return fleetTools(t, "vmalert")["vmalert"]
}

// vmalertDryRun loads rule files as vmalert does at start, without a datasource.
func vmalertDryRun(binary string, files ...string) (string, error) {
	args := []string{"-dryRun", "-loggerLevel=ERROR"}
	for _, f := range files {
		args = append(args, "-rule="+f)
	}
	out, err := exec.Command(binary, args...).CombinedOutput()
	return string(out), err
}

// TestVMAlertDryRun: every rule file loads in vmalert (expressions and templates).
func TestVMAlertDryRun(t *testing.T) {
	binary := vmalertBinary(t)
	files, _ := filepath.Glob("rules/*.yml")
	if len(files) == 0 {
		t.Fatal("no rule files")
	}
	for _, f := range files {
		if out, err := vmalertDryRun(binary, f); err != nil {
			t.Errorf("vmalert -dryRun -rule=%s: %v\n%s", f, err, out)
		}
	}
}

// TestPortableFuncsOnVMAlert keeps the two lists above true for the installed vmalert:
// a rule calling each portable function loads, one calling a Prometheus-only function
// does not (so the dry run would catch it).
func TestPortableFuncsOnVMAlert(t *testing.T) {
	binary := vmalertBinary(t)
	calls := map[string]string{
		"query": `{{ query "up" }}`, "first": `{{ with query "up" }}{{ . | first | value }}{{ end }}`,
		"label": `{{ with query "up" }}{{ . | first | label "job" }}{{ end }}`, "value": `{{ with query "up" }}{{ . | first | value }}{{ end }}`,
		"strvalue":    `{{ with query "up" }}{{ . | first | strvalue }}{{ end }}`,
		"sortByLabel": `{{ range query "up" | sortByLabel "job" }}{{ . | value }}{{ end }}`,
		"match":       `{{ match "a" "a" }}`, "reReplaceAll": `{{ reReplaceAll "a" "b" "a" }}`,
		"pathPrefix": `{{ pathPrefix }}`, "externalURL": `{{ externalURL }}`,
		"args": `{{ with args 1 2 }}{{ .arg0 }}{{ end }}`, "graphLink": `{{ graphLink "up" }}`,
		"tableLink": `{{ tableLink "up" }}`, "call": `{{ if false }}{{ call . }}{{ end }}`,
		"index": `{{ index $labels "job" }}`, "slice": `{{ slice "abc" 1 }}`,
		"eq": `{{ eq 1 1 }}`, "ne": `{{ ne 1 2 }}`, "lt": `{{ lt 1 2 }}`, "le": `{{ le 1 2 }}`,
		"gt": `{{ gt 2 1 }}`, "ge": `{{ ge 2 1 }}`, "and": `{{ and 1 1 }}`, "or": `{{ or 1 1 }}`,
		"len": `{{ len "ab" }}`,
	}
	call := func(f string) string {
		if c, ok := calls[f]; ok {
			return c
		}
		return fmt.Sprintf(`{{ %s $value }}`, f)
	}
	dir := t.TempDir()
	try := func(f string) error {
		path := filepath.Join(dir, f+".yml")
		body := fmt.Sprintf("groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up == 0\n        annotations:\n          d: '%s'\n", call(f))
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := vmalertDryRun(binary, path)
		return err
	}
	for _, f := range portableTemplateFuncs {
		if err := try(f); err != nil {
			t.Errorf("portable template function %s: vmalert rejects %s", f, call(f))
		}
	}
	for _, f := range prometheusOnlyTemplateFuncs {
		if err := try(f); err == nil {
			t.Errorf("%s is listed as Prometheus-only, but vmalert accepts %s", f, call(f))
		}
	}
}
