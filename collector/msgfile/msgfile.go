// Package msgfile loads a site's messages-file: YAML rows that add to a collector's
// built-in message table without a new release (new agent versions, other locales,
// site-specific wording). Every row is validated before the exporter starts; an error
// names the file and the row.
//
//	rows:
//	  - id: de-asci-success             # unique in the file
//	    literal: "Agent-Server-Kommunikation erfolgreich"   # and/or regexp
//	    event: asci_success              # one of the collector's closed set
//	    outcome: success                 # optional: checked against the event
//	    lang: de                         # optional
//	    source: "captured on web-01, MA 5.7.9, 2026-11-20"  # required
//	    override: false                  # true: tried before the built-in rows
package msgfile

import (
	"bytes"
	"errors"
	"fmt"
	"github.com/secagent-exporter/secagent_exporter/collector/msgtable"
	"io"
	"os"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Table describes one collector's built-in message table and what a row may name.
type Table struct {
	// Collector names the flag: --collector.<Collector>.messages-file.
	Collector string
	Builtin   []msgtable.Rule
	// Events is the closed set a row's event must belong to.
	Events []string
	// Outcome returns the outcome an event moves ("success", "failure" or "" for none);
	// a row's optional outcome must agree with it.
	Outcome func(event string) string
}

// Row is one row of the file as written.
type Row struct {
	ID       string `yaml:"id"`
	Literal  string `yaml:"literal"`
	Regexp   string `yaml:"regexp"`
	Event    string `yaml:"event"`
	Outcome  string `yaml:"outcome"`
	Lang     string `yaml:"lang"`
	Source   string `yaml:"source"`
	Override bool   `yaml:"override"`
}

type file struct {
	Rows []Row `yaml:"rows"`
}

// maxFileBytes bounds what is read: a messages-file is a few dozen rows.
const maxFileBytes = 1 << 20

// minLiteral is the shortest prefilter literal accepted: shorter ones match nearly every
// line and make each of them run the regexp.
const minLiteral = 3

// Load reads path and returns the merged table: override rows, the built-in rows, then
// the other site rows. The first matching row wins, so a built-in row wins over a site
// row matching the same line unless the site row says override: true. An empty path
// returns the built-in table.
func Load(path string, t Table) ([]msgtable.Rule, error) {
	if path == "" {
		return t.Builtin, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("--collector.%s.messages-file: %w", t.Collector, err)
	}
	defer f.Close()
	raw, err := io.ReadAll(io.LimitReader(f, maxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("--collector.%s.messages-file %s: %w", t.Collector, path, err)
	}
	rules, err := Parse(raw, t)
	if err != nil {
		return nil, fmt.Errorf("--collector.%s.messages-file %s: %w", t.Collector, path, err)
	}
	return rules, nil
}

// Parse validates raw (the file's content) and merges its rows with t.Builtin.
func Parse(raw []byte, t Table) ([]msgtable.Rule, error) {
	rows, err := ParseRows(raw, t)
	if err != nil {
		return nil, err
	}
	return Merge(t.Builtin, rows), nil
}

// SiteRule is a validated row ready for the classifier.
type SiteRule struct {
	msgtable.Rule
	Override bool
}

// Merge places override rows before builtin and the other rows after it.
func Merge(builtin []msgtable.Rule, rows []SiteRule) []msgtable.Rule {
	out := make([]msgtable.Rule, 0, len(builtin)+len(rows))
	for _, r := range rows {
		if r.Override {
			out = append(out, r.Rule)
		}
	}
	out = append(out, builtin...)
	for _, r := range rows {
		if !r.Override {
			out = append(out, r.Rule)
		}
	}
	return out
}

// ParseRows validates every row; the error names the first bad row (1-based, with its id).
func ParseRows(raw []byte, t Table) ([]SiteRule, error) {
	if len(raw) > maxFileBytes {
		return nil, fmt.Errorf("larger than %d bytes", maxFileBytes)
	}
	if !utf8.Valid(raw) {
		return nil, errors.New("not UTF-8 text")
	}
	var doc file
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil && !errors.Is(err, io.EOF) {
		// yaml lists several problems on separate lines; the error stays one line.
		msg := strings.Join(strings.Fields(strings.ReplaceAll(err.Error(), "\n", "; ")), " ")
		return nil, fmt.Errorf("not a messages-file: %s", msg)
	}
	seen := map[string]int{}
	out := make([]SiteRule, 0, len(doc.Rows))
	for i, r := range doc.Rows {
		rule, err := validate(r, t)
		where := fmt.Sprintf("row %d", i+1)
		if r.ID != "" {
			where += fmt.Sprintf(" (id %q)", r.ID)
		}
		if err == nil && r.ID != "" {
			if first, dup := seen[r.ID]; dup {
				err = fmt.Errorf("duplicate id: row %d has it too", first)
			}
			seen[r.ID] = i + 1
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		out = append(out, SiteRule{Rule: rule, Override: r.Override})
	}
	return out, nil
}

func validate(r Row, t Table) (msgtable.Rule, error) {
	if r.ID == "" {
		return msgtable.Rule{}, errors.New("no id")
	}
	if r.Event == "" {
		return msgtable.Rule{}, errors.New("no event")
	}
	if !slices.Contains(t.Events, r.Event) {
		return msgtable.Rule{}, fmt.Errorf("unknown event %q (known: %s)", r.Event, strings.Join(t.Events, ", "))
	}
	if strings.TrimSpace(r.Source) == "" {
		return msgtable.Rule{}, errors.New("no source: say where the message text comes from (a captured host, a KB)")
	}
	if r.Outcome != "" {
		want := ""
		if t.Outcome != nil {
			want = t.Outcome(r.Event)
		}
		if want == "" {
			want = "none"
		}
		if r.Outcome != want {
			return msgtable.Rule{}, fmt.Errorf("outcome %q, but event %s moves outcome %s", r.Outcome, r.Event, want)
		}
	}
	rule := msgtable.Rule{Event: r.Event, Lang: r.Lang, Source: "messages-file: " + r.ID + ": " + r.Source}
	if r.Literal == "" && r.Regexp == "" {
		return msgtable.Rule{}, errors.New("no match: give literal, regexp or both")
	}
	if r.Literal != "" {
		if len(r.Literal) < minLiteral {
			return msgtable.Rule{}, fmt.Errorf("literal %q is shorter than %d bytes", r.Literal, minLiteral)
		}
		rule.Any = []string{r.Literal}
	}
	if r.Regexp != "" {
		if _, err := regexp.Compile(r.Regexp); err != nil {
			return msgtable.Rule{}, fmt.Errorf("bad regexp: %v", err)
		}
		rule.Regexp = r.Regexp
		if r.Literal == "" {
			lit := RequiredLiteral(r.Regexp)
			if len(lit) < minLiteral {
				return msgtable.Rule{}, fmt.Errorf("regexp %q has no literal of %d bytes every match contains: add literal", r.Regexp, minLiteral)
			}
			rule.Any = []string{lit}
		}
	}
	return rule, nil
}

// RequiredLiteral returns the longest case-sensitive literal every match of expr
// contains, "" when there is none (or expr does not compile). It serves as the
// classifier's prefilter for a regexp row without an explicit literal.
func RequiredLiteral(expr string) string {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return ""
	}
	return required(re.Simplify())
}

func required(re *syntax.Regexp) string {
	switch re.Op {
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			return ""
		}
		return string(re.Rune)
	case syntax.OpCapture:
		return required(re.Sub[0])
	case syntax.OpPlus:
		return required(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return required(re.Sub[0])
		}
	case syntax.OpConcat:
		best := ""
		for _, sub := range re.Sub {
			if l := required(sub); len(l) > len(best) {
				best = l
			}
		}
		return best
	}
	return ""
}
