package site

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"text/template"

	"go.yaml.in/yaml/v3"
)

// A rule source (alerts/source/<file>.yml) is a Prometheus rule file with three
// differences: [[ ]] placeholders for the site values (see templateData), summary and
// description given per language ({en: ..., ja: ...}), and no runbook_url (it is derived
// from the alert name). RenderRules turns each source into the rule file of a site.

// Header opens every generated rule file.
const Header = "# Generated from alerts/source/%s by `make site`; edit the source, not this file.\n"

// RenderRules renders every *.yml in srcDir for c and returns file name -> content.
func RenderRules(c Config, srcDir string) (map[string][]byte, error) {
	paths, err := filepath.Glob(filepath.Join(srcDir, "*.yml"))
	if err != nil {
		return nil, err
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("no rule sources in %s", srcDir)
	}
	out := map[string][]byte{}
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		name := filepath.Base(p)
		b, err := RenderRuleFile(c, name, raw)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		out[name] = b
	}
	return out, nil
}

// RenderRuleFile renders one rule source.
func RenderRuleFile(c Config, name string, src []byte) ([]byte, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	tmpl, err := template.New(name).Delims("[[", "]]").Option("missingkey=error").Parse(string(src))
	if err != nil {
		return nil, err
	}
	var expanded bytes.Buffer
	if err := tmpl.Execute(&expanded, c.templateData()); err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(expanded.Bytes(), &doc); err != nil {
		return nil, err
	}
	matchers, _ := ParseMatchers(c.Selector)
	groups := mapValue(doc.Content[0], "groups")
	if groups == nil || groups.Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("no groups list")
	}
	for _, g := range groups.Content {
		rules := mapValue(g, "rules")
		if rules == nil {
			return nil, fmt.Errorf("group without rules")
		}
		for _, r := range rules.Content {
			if err := renderRule(c, matchers, r); err != nil {
				return nil, err
			}
		}
	}
	var buf bytes.Buffer
	fmt.Fprintf(&buf, Header, name)
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return layout(buf.Bytes()), nil
}

func renderRule(c Config, matchers string, r *yaml.Node) error {
	id := scalar(mapValue(r, "alert")) + scalar(mapValue(r, "record"))
	if expr := mapValue(r, "expr"); expr != nil {
		v, err := InjectSelector(expr.Value, matchers)
		if err != nil {
			return fmt.Errorf("%s: %w", id, err)
		}
		expr.Value = v
	}
	alert := scalar(mapValue(r, "alert"))
	ann := mapValue(r, "annotations")
	if alert == "" {
		if ann != nil {
			return fmt.Errorf("recording rule %s has annotations", id)
		}
		return nil
	}
	if ann == nil {
		return fmt.Errorf("alert %s has no annotations", alert)
	}
	if mapValue(ann, "runbook_url") != nil {
		return fmt.Errorf("alert %s: runbook_url is derived from the alert name; leave it out of the source", alert)
	}
	for _, key := range []string{"summary", "description"} {
		v := mapValue(ann, key)
		if v == nil || v.Kind != yaml.MappingNode {
			return fmt.Errorf("alert %s: %s must be a mapping of en and ja", alert, key)
		}
		for _, lang := range []string{"en", "ja"} {
			if t := mapValue(v, lang); t == nil || strings.TrimSpace(t.Value) == "" {
				return fmt.Errorf("alert %s: %s has no %s text", alert, key, lang)
			}
		}
		chosen := *mapValue(v, c.Language)
		chosen.HeadComment, chosen.LineComment, chosen.FootComment = "", "", ""
		if c.Language == "ja" {
			chosen.Style = 0 // one line, quoted only where YAML needs it
		}
		*v = chosen
	}
	ann.Content = append(ann.Content,
		&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "runbook_url"},
		&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: c.RunbookURL(alert)})
	return nil
}

func mapValue(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

func scalar(n *yaml.Node) string {
	if n == nil {
		return ""
	}
	return n.Value
}

var (
	ruleItem   = regexp.MustCompile(`^ +- (alert|record): `)
	foldedKey  = regexp.MustCompile(`^( *)[a-z_]+: >-$`)
	commentRow = regexp.MustCompile(`^ *#`)
)

// layout makes the encoder's output read like a hand-written rule file: a blank line
// before every alert (and its comments), folded descriptions wrapped at 100 columns.
func layout(raw []byte) []byte {
	lines := strings.Split(strings.TrimRight(string(raw), "\n"), "\n")
	var out []string
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if m := foldedKey.FindStringSubmatch(l); m != nil && i+1 < len(lines) {
			out = append(out, l)
			indent := m[1] + "  "
			var words []string
			for i+1 < len(lines) && strings.HasPrefix(lines[i+1], indent) {
				i++
				words = append(words, strings.Fields(lines[i])...)
			}
			out = append(out, wrap(joinActions(words), indent, 100)...)
			continue
		}
		out = append(out, l)
	}
	// blank lines before alerts, above their comments
	var res []string
	for i, l := range out {
		if m := ruleItem.FindStringSubmatch(l); m != nil && m[1] == "alert" {
			j := len(res)
			for j > 0 && commentRow.MatchString(res[j-1]) {
				j--
			}
			if j > 0 && !strings.HasSuffix(res[j-1], "rules:") && res[j-1] != "" {
				res = append(res[:j], append([]string{""}, res[j:]...)...)
			}
		}
		res = append(res, out[i])
	}
	return []byte(strings.Join(res, "\n") + "\n")
}

// joinActions keeps a template action ({{ humanizeDuration $value }}) on one line.
func joinActions(words []string) []string {
	var out []string
	depth := 0
	for _, w := range words {
		if depth > 0 {
			out[len(out)-1] += " " + w
		} else {
			out = append(out, w)
		}
		depth += strings.Count(w, "{{") - strings.Count(w, "}}")
	}
	return out
}

func wrap(words []string, indent string, width int) []string {
	var lines []string
	cur := ""
	for _, w := range words {
		if cur != "" && len(indent)+len(cur)+1+len(w) > width {
			lines = append(lines, indent+cur)
			cur = ""
		}
		if cur == "" {
			cur = w
		} else {
			cur += " " + w
		}
	}
	if cur != "" {
		lines = append(lines, indent+cur)
	}
	return lines
}

// SortedNames returns the keys of files in order.
func SortedNames(files map[string][]byte) []string {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
