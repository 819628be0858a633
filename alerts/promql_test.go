package alerts

import (
	"fmt"
	"strings"
)

// promqlUse is what one PromQL expression uses: metric names with the label names of
// their matchers, and the label names of by/without/on/ignoring/group_* clauses.
type promqlUse struct {
	metrics  map[string]map[string]bool
	grouping map[string]bool
	matchers []labelMatcher
}

// labelMatcher is one `label op "value"` of a selector with a metric name.
type labelMatcher struct{ metric, label, op, value string }

// promqlKeywords are identifiers that are never metric names: operators, modifiers and
// aggregations (which may be followed by `by`/`without` instead of a parenthesis).
var promqlKeywords = map[string]bool{
	"and": true, "or": true, "unless": true, "bool": true, "offset": true, "atan2": true,
	"inf": true, "nan": true, "by": true, "without": true, "on": true, "ignoring": true,
	"group_left": true, "group_right": true,
	"sum": true, "avg": true, "min": true, "max": true, "count": true, "group": true,
	"stddev": true, "stdvar": true, "topk": true, "bottomk": true, "quantile": true,
	"count_values": true,
}

// groupingKeywords introduce a parenthesised list of label names.
var groupingKeywords = map[string]bool{
	"by": true, "without": true, "on": true, "ignoring": true, "group_left": true, "group_right": true,
}

func isIdentStart(c byte) bool {
	return c == '_' || c == ':' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func isIdentChar(c byte) bool { return isIdentStart(c) || (c >= '0' && c <= '9') }

// parsePromQLUse tokenises a PromQL expression just enough to find the metric names and
// label names it uses, without pulling the Prometheus module into this repository. It is
// strict about characters it does not know, so a query it cannot read fails the test.
func parsePromQLUse(expr string) (promqlUse, error) {
	use := promqlUse{metrics: map[string]map[string]bool{}, grouping: map[string]bool{}}
	i, n := 0, len(expr)
	skipSpace := func() {
		for i < n && (expr[i] == ' ' || expr[i] == '\t' || expr[i] == '\n' || expr[i] == '\r') {
			i++
		}
	}
	readString := func() error {
		quote := expr[i]
		for i++; i < n; i++ {
			if expr[i] == '\\' && quote != '`' {
				i++
				continue
			}
			if expr[i] == quote {
				i++
				return nil
			}
		}
		return fmt.Errorf("unterminated string in %q", expr)
	}
	readIdent := func() string {
		start := i
		for i < n && isIdentChar(expr[i]) {
			i++
		}
		return expr[start:i]
	}
	// readMatchers reads `{...}` and returns the label names matched on.
	var matchers []labelMatcher
	readMatchers := func() (map[string]bool, error) {
		labels := map[string]bool{}
		matchers = nil
		var label, op string
		i++ // '{'
		for {
			skipSpace()
			if i >= n {
				return nil, fmt.Errorf("unterminated matcher list in %q", expr)
			}
			switch c := expr[i]; {
			case c == '}':
				i++
				return labels, nil
			case c == ',':
				i++
			case c == '"' || c == '\'' || c == '`':
				start := i
				if err := readString(); err != nil {
					return nil, err
				}
				if label != "" {
					value := expr[start+1 : i-1]
					if c != '`' {
						value = strings.ReplaceAll(value, `\\`, `\`)
					}
					matchers = append(matchers, labelMatcher{label: label, op: op, value: value})
				}
				label, op = "", ""
			case c == '=' || c == '!' || c == '~':
				op += string(c)
				i++
			case isIdentStart(c):
				label, op = readIdent(), ""
				labels[label] = true
			default:
				return nil, fmt.Errorf("unexpected %q in matchers of %q", c, expr)
			}
		}
	}
	for {
		skipSpace()
		if i >= n {
			return use, nil
		}
		c := expr[i]
		switch {
		case c == '#':
			for i < n && expr[i] != '\n' {
				i++
			}
		case c == '"' || c == '\'' || c == '`':
			if err := readString(); err != nil {
				return use, err
			}
		case c == '[':
			// range or subquery: durations, ':' and Grafana variables only
			end := strings.IndexByte(expr[i:], ']')
			if end < 0 {
				return use, fmt.Errorf("unterminated range in %q", expr)
			}
			i += end + 1
		case c == '{':
			// a selector without metric name, e.g. {__name__=~"..."}: nothing to record
			if _, err := readMatchers(); err != nil {
				return use, err
			}
		case c >= '0' && c <= '9' || c == '.' && i+1 < n && expr[i+1] >= '0' && expr[i+1] <= '9':
			for i < n && (isIdentChar(expr[i]) || expr[i] == '.') {
				i++
			}
		case isIdentStart(c):
			name := readIdent()
			skipSpace()
			next := byte(0)
			if i < n {
				next = expr[i]
			}
			switch {
			case groupingKeywords[name]:
				if next != '(' {
					return use, fmt.Errorf("%s without label list in %q", name, expr)
				}
				i++
				for {
					skipSpace()
					if i >= n {
						return use, fmt.Errorf("unterminated %s list in %q", name, expr)
					}
					if expr[i] == ')' {
						i++
						break
					}
					if expr[i] == ',' {
						i++
						continue
					}
					if !isIdentStart(expr[i]) {
						return use, fmt.Errorf("unexpected %q in %s list of %q", expr[i], name, expr)
					}
					use.grouping[readIdent()] = true
				}
			case promqlKeywords[name]:
			case next == '(':
				// a function call
			default:
				labels := map[string]bool{}
				if next == '{' {
					var err error
					if labels, err = readMatchers(); err != nil {
						return use, err
					}
				}
				if use.metrics[name] == nil {
					use.metrics[name] = map[string]bool{}
				}
				for l := range labels {
					use.metrics[name][l] = true
				}
				for _, m := range matchers {
					m.metric = name
					use.matchers = append(use.matchers, m)
				}
				matchers = nil
			}
		case strings.IndexByte("()+-*/%^=!<>,@", c) >= 0:
			i++
		default:
			return use, fmt.Errorf("unexpected %q in %q", c, expr)
		}
	}
}
