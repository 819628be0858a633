package msgtable

import (
	"regexp"
	"strings"
)

// ShapeCount is one distinct unclassified line shape (numbers, GUIDs, addresses and hex
// ids masked) and how many records had it.
type ShapeCount struct {
	Shape string
	Count int
}

// maxShapeRunes bounds a shape: enough to write a row from, short enough for a report.
const maxShapeRunes = 240

var shapeRe = regexp.MustCompile(`\{?[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}?` +
	`|\b(?:[0-9]{1,3}\.){3}[0-9]{1,3}\b` +
	`|\b(?:0[xX])?[0-9A-Fa-f]{8,}\b` +
	`|[0-9]+`)

// Shape masks what differs between otherwise equal lines: GUIDs become <guid>, IPv4
// addresses <ip>, hex ids of 8 or more digits containing a letter <hex>, other digit runs
// <n>. It is cut at maxShapeRunes runes and never holds a number, id or address.
func Shape(msg string) string {
	// Trim exactly what RE2's \s matches, so ShapeRegexp's \s* undoes it.
	msg = strings.Trim(strings.ToValidUTF8(msg, "\uFFFD"), " \t\n\f\r")
	out := shapeRe.ReplaceAllStringFunc(msg, func(m string) string {
		switch {
		case strings.Count(m, "-") == 4:
			return "<guid>"
		case strings.Count(m, ".") == 3:
			return "<ip>"
		case strings.IndexFunc(m, func(r rune) bool { return r < '0' || r > '9' }) >= 0:
			return "<hex>"
		}
		return "<n>"
	})
	if r := []rune(out); len(r) > maxShapeRunes {
		out = string(r[:maxShapeRunes]) + "…"
	}
	return out
}

var shapeTokenRe = regexp.MustCompile(`<guid>|<ip>|<hex>|<n>|…$`)

// ShapeRegexp is an anchored regexp matching every message with the shape (surrounding
// white space allowed, as Shape trims it).
func ShapeRegexp(shape string) string {
	var b strings.Builder
	b.WriteString(`^\s*`)
	last := 0
	for _, loc := range shapeTokenRe.FindAllStringIndex(shape, -1) {
		b.WriteString(regexp.QuoteMeta(shape[last:loc[0]]))
		switch shape[loc[0]:loc[1]] {
		case "<guid>":
			b.WriteString(`\{?[0-9A-Fa-f-]{36}\}?`)
		case "<ip>":
			b.WriteString(`[0-9.]{7,15}`)
		case "<hex>":
			b.WriteString(`(?:0[xX])?[0-9A-Fa-f]+`)
		case "<n>":
			b.WriteString(`[0-9]+`)
		default: // the cut mark: anything may follow
			b.WriteString(`.*`)
			return b.String()
		}
		last = loc[1]
	}
	b.WriteString(regexp.QuoteMeta(shape[last:]))
	b.WriteString(`\s*$`)
	return b.String()
}

// ShapeLiteral is the longest constant part of a shape, the row's prefilter.
func ShapeLiteral(shape string) string {
	best := ""
	for _, part := range shapeTokenRe.Split(shape, -1) {
		if p := strings.TrimSpace(part); len(p) > len(best) {
			best = p
		}
	}
	return best
}
