package site

import (
	"fmt"
	"strings"
)

// ParseMatchers checks a selector of the site configuration: comma-separated label
// matchers (job="secagent", env=~"prod|dr"), optionally in braces, and returns them
// without the braces. An empty selector is valid and selects nothing extra.
func ParseMatchers(sel string) (string, error) {
	s := strings.TrimSpace(sel)
	if strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") {
		s = strings.TrimSpace(s[1 : len(s)-1])
	}
	if s == "" {
		return "", nil
	}
	i, n := 0, len(s)
	var out []string
	for {
		for i < n && s[i] == ' ' {
			i++
		}
		start := i
		for i < n && isIdentChar(s[i]) {
			i++
		}
		if i == start || !isIdentStart(s[start]) {
			return "", fmt.Errorf("%q: want label matchers such as job=\"secagent\"", sel)
		}
		name := s[start:i]
		for i < n && s[i] == ' ' {
			i++
		}
		opStart := i
		for i < n && (s[i] == '=' || s[i] == '!' || s[i] == '~') {
			i++
		}
		switch s[opStart:i] {
		case "=", "!=", "=~", "!~":
		default:
			return "", fmt.Errorf("%q: label %s needs one of = != =~ !~", sel, name)
		}
		for i < n && s[i] == ' ' {
			i++
		}
		if i >= n || s[i] != '"' {
			return "", fmt.Errorf("%q: the value of %s must be double-quoted", sel, name)
		}
		j := i + 1
		for ; j < n && s[j] != '"'; j++ {
			if s[j] == '\\' {
				j++
			}
		}
		if j >= n {
			return "", fmt.Errorf("%q: unterminated value of %s", sel, name)
		}
		out = append(out, name+s[opStart:i]+s[i:j+1])
		i = j + 1
		for i < n && s[i] == ' ' {
			i++
		}
		if i == n {
			return strings.Join(out, ", "), nil
		}
		if s[i] != ',' {
			return "", fmt.Errorf("%q: matchers must be separated by commas", sel)
		}
		i++
	}
}

func isIdentStart(c byte) bool {
	return c == '_' || c == ':' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func isIdentChar(c byte) bool { return isIdentStart(c) || c >= '0' && c <= '9' }

// keywords are identifiers of PromQL that are never metric names (other functions are
// recognised by the '(' that follows them).
var keywords = map[string]bool{
	"and": true, "or": true, "unless": true, "by": true, "without": true, "on": true,
	"ignoring": true, "group_left": true, "group_right": true, "bool": true, "offset": true,
	"atan2": true, "inf": true, "nan": true, "Inf": true, "NaN": true,
	// aggregations, which may be followed by by/without before their '('
	"sum": true, "min": true, "max": true, "avg": true, "group": true, "stddev": true,
	"stdvar": true, "count": true, "count_values": true, "bottomk": true, "topk": true,
	"quantile": true, "limitk": true, "limit_ratio": true,
}

var groupingWords = map[string]bool{"by": true, "without": true, "on": true, "ignoring": true,
	"group_left": true, "group_right": true}

// InjectSelector adds the matchers to every vector selector of expr: `up` becomes
// `up{job="x"}`, `up{a="b"}` becomes `up{a="b", job="x"}`, `{__name__=~"..."}` gets them
// too. Strings, comments, ranges, label lists of by/on/... and function names are left
// alone. With empty matchers expr is returned unchanged.
func InjectSelector(expr, matchers string) (string, error) {
	if matchers == "" {
		return expr, nil
	}
	var b strings.Builder
	i, n := 0, len(expr)
	skipString := func() error {
		q := expr[i]
		for j := i + 1; j < n; j++ {
			if expr[j] == '\\' && q != '`' {
				j++
				continue
			}
			if expr[j] == q {
				b.WriteString(expr[i : j+1])
				i = j + 1
				return nil
			}
		}
		return fmt.Errorf("unterminated string in %q", expr)
	}
	// copyMatchers copies a {...} block, adding the matchers before the closing brace.
	copyMatchers := func() error {
		start := i
		i++
		empty := true
		for i < n && expr[i] != '}' {
			switch c := expr[i]; {
			case c == '"' || c == '\'' || c == '`':
				b.WriteString(expr[start:i])
				if err := skipString(); err != nil {
					return err
				}
				start = i
				empty = false
				continue
			case c != ' ' && c != '\n' && c != '\t':
				empty = false
			}
			i++
		}
		if i >= n {
			return fmt.Errorf("unterminated matcher list in %q", expr)
		}
		body := strings.TrimRight(expr[start:i], " \n\t")
		b.WriteString(body)
		if !empty && !strings.HasSuffix(body, ",") {
			b.WriteString(", ")
		}
		b.WriteString(matchers + "}")
		i++
		return nil
	}
	for i < n {
		c := expr[i]
		switch {
		case c == '#':
			j := strings.IndexByte(expr[i:], '\n')
			if j < 0 {
				j = n - i
			}
			b.WriteString(expr[i : i+j])
			i += j
		case c == '"' || c == '\'' || c == '`':
			if err := skipString(); err != nil {
				return "", err
			}
		case c == '[':
			j := strings.IndexByte(expr[i:], ']')
			if j < 0 {
				return "", fmt.Errorf("unterminated range in %q", expr)
			}
			b.WriteString(expr[i : i+j+1])
			i += j + 1
		case c == '{':
			if err := copyMatchers(); err != nil {
				return "", err
			}
		case c >= '0' && c <= '9' || c == '.':
			start := i
			for i < n && (isIdentChar(expr[i]) || expr[i] == '.') {
				i++
			}
			b.WriteString(expr[start:i])
		case isIdentStart(c):
			start := i
			for i < n && isIdentChar(expr[i]) {
				i++
			}
			name := expr[start:i]
			b.WriteString(name)
			k := i
			for k < n && (expr[k] == ' ' || expr[k] == '\n' || expr[k] == '\t') {
				k++
			}
			next := byte(0)
			if k < n {
				next = expr[k]
			}
			switch {
			case groupingWords[name]:
				// copy the label list as it is
				if next == '(' {
					j := strings.IndexByte(expr[k:], ')')
					if j < 0 {
						return "", fmt.Errorf("unterminated %s list in %q", name, expr)
					}
					b.WriteString(expr[i : k+j+1])
					i = k + j + 1
				}
			case keywords[name] || next == '(':
				// operator, keyword or function call
			case next == '{':
				b.WriteString(expr[i:k])
				i = k
				if err := copyMatchers(); err != nil {
					return "", err
				}
			default:
				b.WriteString("{" + matchers + "}")
			}
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String(), nil
}
