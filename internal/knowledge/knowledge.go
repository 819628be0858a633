// Package knowledge holds the vendor knowledge of secagent_exporter once: for every alert of
// alerts/rules its runbook anchor, its citations (vendor KB ids and docs/sources.md rows) and
// the runbook section (meaning, impact, diagnosis, remedy) in English and Japanese.
//
// docs/runbooks.md and docs/runbooks.ja.md are generated from the table (`make runbooks`,
// which runs `go generate ./internal/knowledge`), and internal/diagnose prints the remedies of
// the table's rows, so the pager, the runbook and the console say the same thing.
package knowledge

import (
	"bytes"
	_ "embed"
	"fmt"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

//go:generate go run ./genrunbooks -docs ../../docs

//go:embed knowledge.yaml
var embedded []byte

// Languages are the languages every text of the table has.
var Languages = []string{"en", "ja"}

// Text is one text in both languages.
type Text struct {
	EN string `yaml:"en"`
	JA string `yaml:"ja"`
}

// In returns the text in lang ("ja" or anything else for English).
func (t Text) In(lang string) string {
	if lang == "ja" {
		return t.JA
	}
	return t.EN
}

// Section is one heading of the runbook page; alerts name it by ID.
type Section struct {
	ID      string `yaml:"id"`
	Heading Text   `yaml:"heading"`
}

// Alert is one row: one alert name of alerts/rules (the rules may define it more than once,
// e.g. with a warning and a critical threshold) and its runbook section.
type Alert struct {
	Alert   string `yaml:"alert"`
	Section string `yaml:"section"`
	// Group is the rule group of alerts/rules that defines the alert, Vendor its vendor label.
	Group  string `yaml:"group"`
	Vendor string `yaml:"vendor"`
	// Anchor is the alert name in lower case: docs/runbooks.md#<anchor>, and the same anchor
	// in docs/runbooks.ja.md.
	Anchor string `yaml:"anchor"`
	// Fault is the Cisco Linux connector fault id the alert is dedicated to (sources.md S5), 0
	// for none.
	Fault int `yaml:"fault"`
	// KB are the vendor knowledge-base ids the section cites, Sources the docs/sources.md rows.
	KB        []string `yaml:"kb"`
	Sources   []string `yaml:"sources"`
	Meaning   Text     `yaml:"meaning"`
	Impact    Text     `yaml:"impact"`
	Diagnosis Text     `yaml:"diagnosis"`
	Remedy    Text     `yaml:"remedy"`
}

// Fields returns the four texts of the section in runbook order.
func (a Alert) Fields() [4]Text { return [4]Text{a.Meaning, a.Impact, a.Diagnosis, a.Remedy} }

// RemedyText is the remedy as one paragraph for a console: the line breaks that wrap the
// English Markdown are joined back into spaces.
func (a Alert) RemedyText(lang string) string { return unwrap(a.Remedy.In(lang)) }

// References lists the row's citations for a reader: the KB ids, then the sources.md rows.
func (a Alert) References() []string {
	out := append([]string(nil), a.KB...)
	for _, s := range a.Sources {
		out = append(out, "sources.md "+s)
	}
	return out
}

// Page is the text of the runbook page around the alert sections.
type Page struct {
	Title  Text `yaml:"title"`
	Intro  Text `yaml:"intro"`
	Labels struct {
		Meaning   Text `yaml:"meaning"`
		Impact    Text `yaml:"impact"`
		Diagnosis Text `yaml:"diagnosis"`
		Remedy    Text `yaml:"remedy"`
	} `yaml:"labels"`
}

// Table is the whole knowledge table.
type Table struct {
	Page     Page      `yaml:"page"`
	Sections []Section `yaml:"sections"`
	Alerts   []Alert   `yaml:"alerts"`

	byName  map[string]int
	byFault map[int]int
}

// Default is the table embedded in the binary.
var Default = mustParse(embedded)

func mustParse(b []byte) *Table {
	t, err := Parse(b)
	if err != nil {
		panic("internal/knowledge: embedded knowledge.yaml: " + err.Error())
	}
	return t
}

var (
	alertName = regexp.MustCompile(`^[A-Z][A-Za-z0-9]*$`)
	kbID      = regexp.MustCompile(`^KB[0-9]+$`)
	sourceID  = regexp.MustCompile(`^S[1-9][0-9]*$`)
)

// Parse decodes and checks a table: unknown keys, duplicate or malformed alert names, an
// anchor that is not the lower-case alert name, a section that is not declared, a malformed
// citation and a missing text in either language are errors.
func Parse(b []byte) (*Table, error) {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var t Table
	if err := dec.Decode(&t); err != nil {
		return nil, err
	}
	if err := t.check(); err != nil {
		return nil, err
	}
	return &t, nil
}

func (t *Table) check() error {
	missing := func(what string, x Text) error {
		for _, l := range Languages {
			if strings.TrimSpace(x.In(l)) == "" {
				return fmt.Errorf("%s has no %s text", what, l)
			}
		}
		return nil
	}
	for what, x := range map[string]Text{"page title": t.Page.Title, "page intro": t.Page.Intro,
		"label meaning": t.Page.Labels.Meaning, "label impact": t.Page.Labels.Impact,
		"label diagnosis": t.Page.Labels.Diagnosis, "label remedy": t.Page.Labels.Remedy} {
		if err := missing(what, x); err != nil {
			return err
		}
	}
	sections := map[string]bool{}
	for _, s := range t.Sections {
		if s.ID == "" || sections[s.ID] {
			return fmt.Errorf("section id %q empty or repeated", s.ID)
		}
		sections[s.ID] = true
		if err := missing("section "+s.ID, s.Heading); err != nil {
			return err
		}
	}
	t.byName, t.byFault = map[string]int{}, map[int]int{}
	for i, a := range t.Alerts {
		if !alertName.MatchString(a.Alert) {
			return fmt.Errorf("row %d: alert name %q", i, a.Alert)
		}
		if _, dup := t.byName[a.Alert]; dup {
			return fmt.Errorf("alert %s has two rows", a.Alert)
		}
		t.byName[a.Alert] = i
		if a.Anchor != strings.ToLower(a.Alert) {
			return fmt.Errorf("alert %s: anchor %q is not the lower-case alert name", a.Alert, a.Anchor)
		}
		if !sections[a.Section] {
			return fmt.Errorf("alert %s: unknown section %q", a.Alert, a.Section)
		}
		if a.Group == "" || a.Vendor == "" {
			return fmt.Errorf("alert %s: no rule group or vendor", a.Alert)
		}
		if a.Fault < 0 {
			return fmt.Errorf("alert %s: fault %d", a.Alert, a.Fault)
		}
		if a.Fault > 0 {
			if _, dup := t.byFault[a.Fault]; dup {
				return fmt.Errorf("fault %d has two alerts", a.Fault)
			}
			t.byFault[a.Fault] = i
		}
		for _, k := range a.KB {
			if !kbID.MatchString(k) {
				return fmt.Errorf("alert %s: KB id %q", a.Alert, k)
			}
		}
		for _, s := range a.Sources {
			if !sourceID.MatchString(s) {
				return fmt.Errorf("alert %s: source %q is not S<n>", a.Alert, s)
			}
		}
		for j, f := range a.Fields() {
			if err := missing(fmt.Sprintf("alert %s field %d", a.Alert, j+1), f); err != nil {
				return err
			}
		}
	}
	return nil
}

// Lookup returns the row of an alert.
func (t *Table) Lookup(alert string) (Alert, bool) {
	i, ok := t.byName[alert]
	if !ok {
		return Alert{}, false
	}
	return t.Alerts[i], true
}

// ByFault returns the row of the alert dedicated to a Cisco Linux connector fault id.
func (t *Table) ByFault(id int) (Alert, bool) {
	i, ok := t.byFault[id]
	if !ok {
		return Alert{}, false
	}
	return t.Alerts[i], true
}

// Lookup returns the row of an alert in the embedded table.
func Lookup(alert string) (Alert, bool) { return Default.Lookup(alert) }

// RunbookFile is the runbook page of a language, relative to docs/.
func RunbookFile(lang string) string {
	if lang == "ja" {
		return "runbooks.ja.md"
	}
	return "runbooks.md"
}

// Runbook renders the runbook page in lang as Markdown: the title, the intro, then per
// section its heading and one "### <Alert>" subsection per row (the heading is the alert name
// in both languages, so both pages have the same anchors). Multi-line texts continue as
// indented lines of their bullet.
func (t *Table) Runbook(lang string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# %s\n\n%s\n", t.Page.Title.In(lang), t.Page.Intro.In(lang))
	labels := [4]Text{t.Page.Labels.Meaning, t.Page.Labels.Impact, t.Page.Labels.Diagnosis, t.Page.Labels.Remedy}
	for _, s := range t.Sections {
		fmt.Fprintf(&b, "\n## %s\n", s.Heading.In(lang))
		for _, a := range t.Alerts {
			if a.Section != s.ID {
				continue
			}
			fmt.Fprintf(&b, "\n### %s\n\n", a.Alert)
			for i, f := range a.Fields() {
				text := strings.ReplaceAll(f.In(lang), "\n", "\n  ")
				fmt.Fprintf(&b, "* **%s** %s\n", labels[i].In(lang), text)
			}
		}
	}
	return b.Bytes()
}

// unwrap joins wrapped lines into one: English lines with a space, Japanese lines (which
// have no spaces between words) without one unless a line ends or starts in ASCII.
func unwrap(s string) string {
	lines := strings.Split(s, "\n")
	var b strings.Builder
	for i, l := range lines {
		l = strings.TrimSpace(l)
		if i > 0 && b.Len() > 0 && l != "" {
			prev := b.String()
			if last := prev[len(prev)-1]; last < 0x80 || l[0] < 0x80 {
				b.WriteByte(' ')
			}
		}
		b.WriteString(l)
	}
	return b.String()
}
