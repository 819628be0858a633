// Package msgtable is the message-table classifier every vendor package uses, apart from
// the file-reading log engine (collector/logtail): the vendor knowledge (message texts in
// English and Japanese, with the KB they come from) lives in the vendor packages as
// []Rule data; this package only knows how to validate them and match them cheaply.
package msgtable

import (
	"fmt"
	"regexp"
)

// Rule maps a family of log messages to one closed-set event.
type Rule struct {
	// Event is the closed-set event name the message maps to (e.g. "asci_start").
	Event string
	// Any lists literal substrings; the rule applies when the message contains at
	// least one of them. Literals are the cheap prefilter run before any regexp.
	Any []string
	// Regexp, when set, must also match; its named groups become Match.Fields.
	Regexp string
	// Lang is "en", "ja", or "" for messages that do not depend on the locale.
	Lang string
	// Source cites where the message text comes from (vendor KB, URL or docs/sources.md entry).
	Source string
}

// Match is the result of classifying one message.
type Match struct {
	Event  string
	Fields map[string]string
	Rule   *Rule
}

type compiledRule struct {
	rule *Rule
	re   *regexp.Regexp
}

// Classifier matches messages against a rule table; the first matching rule in table
// order wins, so specific rows go before general ones.
type Classifier struct {
	rules    []compiledRule
	literals *literalSet
	skip     *skipScanner // nil when a literal is too short for skipping to pay
}

// NewClassifier validates and compiles a rule table.
func NewClassifier(rules []Rule) (*Classifier, error) {
	c := &Classifier{rules: make([]compiledRule, 0, len(rules))}
	for i := range rules {
		r := &rules[i]
		if r.Event == "" {
			return nil, fmt.Errorf("rule %d: empty event", i)
		}
		if len(r.Any) == 0 {
			return nil, fmt.Errorf("rule %d (%s): no literal to prefilter on", i, r.Event)
		}
		for _, lit := range r.Any {
			if lit == "" {
				return nil, fmt.Errorf("rule %d (%s): empty literal", i, r.Event)
			}
		}
		cr := compiledRule{rule: r}
		if r.Regexp != "" {
			re, err := regexp.Compile(r.Regexp)
			if err != nil {
				return nil, fmt.Errorf("rule %d (%s): %w", i, r.Event, err)
			}
			cr.re = re
		}
		c.rules = append(c.rules, cr)
	}
	lits := make([][]string, len(rules))
	for i := range rules {
		lits[i] = rules[i].Any
	}
	c.literals = newLiteralSet(lits)
	c.skip = newSkipScanner(lits)
	return c, nil
}

// MustClassifier is NewClassifier for package-level tables that tests keep valid.
func MustClassifier(rules []Rule) *Classifier {
	c, err := NewClassifier(rules)
	if err != nil {
		panic(err)
	}
	return c
}

// Classify returns the event of the first rule matching msg. All literals are searched
// in one pass; only rules whose literal occurred are tried, in table order, and only
// those run their regular expression.
func (c *Classifier) Classify(msg string) (Match, bool) {
	var small [4]uint64
	hits := small[:]
	if n := (len(c.rules) + 63) / 64; n > len(small) {
		hits = make([]uint64, n)
	}
	if c.skip != nil {
		c.skip.scan(msg, hits)
	} else {
		c.literals.scan(msg, hits)
	}
	var m Match
	found := eachHit(hits, func(i int) bool {
		cr := &c.rules[i]
		if cr.re == nil {
			m = Match{Event: cr.rule.Event, Rule: cr.rule}
			return true
		}
		sub := cr.re.FindStringSubmatch(msg)
		if sub == nil {
			return false
		}
		m = Match{Event: cr.rule.Event, Rule: cr.rule}
		for j, name := range cr.re.SubexpNames() {
			if name == "" || j >= len(sub) {
				continue
			}
			if m.Fields == nil {
				m.Fields = make(map[string]string)
			}
			m.Fields[name] = sub[j]
		}
		return true
	})
	return m, found
}

// Rules returns the table the classifier was built from, in order.
func (c *Classifier) Rules() []*Rule {
	out := make([]*Rule, len(c.rules))
	for i, cr := range c.rules {
		out[i] = cr.rule
	}
	return out
}
