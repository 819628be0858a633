// Package textutil holds the small string predicates that several vendor parsers share, so
// each rule is written once.
package textutil

import "strings"

// AllDigits reports whether s is non-empty and made of ASCII digits only.
func AllDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// MaxHostNameLen is the longest DNS name in text form without the trailing dot (RFC 1035
// section 2.3.4: 255 octets on the wire).
const MaxHostNameLen = 253

// ValidHostName accepts a DNS name or an IPv4 literal as agents write them in server URLs:
// letters, digits, '-', '_' (seen in internal names) and '.', at most MaxHostNameLen bytes,
// one trailing dot allowed. Anything else in that position (spaces, quotes, shell syntax,
// an empty label) means the value was not a host name.
func ValidHostName(h string) bool {
	h = strings.TrimSuffix(h, ".")
	if h == "" || len(h) > MaxHostNameLen || h[0] == '.' || h[0] == '-' || strings.Contains(h, "..") {
		return false
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// CompareVersions compares dotted decimal versions numerically per component and
// returns -1, 0 or +1. A missing component sorts before any present one (7.9 < 7.9.0 <
// 7.9.1), which keeps the order total. Non-numeric components compare as text.
func CompareVersions(a, b string) int {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(pa) && i < len(pb); i++ {
		if c := compareNumeric(pa[i], pb[i]); c != 0 {
			return c
		}
	}
	switch {
	case len(pa) < len(pb):
		return -1
	case len(pa) > len(pb):
		return 1
	}
	return 0
}

// compareNumeric compares digit strings of any length without overflow.
func compareNumeric(a, b string) int {
	if !AllDigits(a) || !AllDigits(b) {
		return strings.Compare(a, b)
	}
	a, b = strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
	if len(a) != len(b) {
		if len(a) < len(b) {
			return -1
		}
		return 1
	}
	return strings.Compare(a, b)
}
