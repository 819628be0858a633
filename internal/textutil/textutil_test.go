package textutil

import (
	"strings"
	"testing"
)

func TestAllDigits(t *testing.T) {
	for in, want := range map[string]bool{
		"": false, "0": true, "0123456789": true, "12a": false, " 1": false, "１２": false, "-1": false,
	} {
		if got := AllDigits(in); got != want {
			t.Errorf("AllDigits(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestValidHostName(t *testing.T) {
	for in, want := range map[string]bool{
		"qagpublic.qg2.apps.qualys.com": true,
		"epo01.corp.example":            true,
		"epo01.corp.example.":           true,
		"10.0.0.5":                      true,
		"under_score.example":           true,
		"":                              false,
		".":                             false,
		".leading.dot":                  false,
		"-leading.dash":                 false,
		"double..dot":                   false,
		"with space":                    false,
		"quote\"d":                      false,
		"$(id)":                         false,
		"user@host":                     false,
		"host:443":                      false,
		strings.Repeat("a", 253):        true,
		strings.Repeat("a", 253) + ".":  true,
		strings.Repeat("a", 254):        false,
		"ホスト.example":                   false,
	} {
		if got := ValidHostName(in); got != want {
			t.Errorf("ValidHostName(%q) = %v, want %v", in, got, want)
		}
	}
}

func FuzzValidHostName(f *testing.F) {
	for _, s := range []string{"a.example", "a..b", "-x", strings.Repeat("b", 260), "x y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		if !ValidHostName(h) {
			return
		}
		trimmed := strings.TrimSuffix(h, ".")
		if len(trimmed) > MaxHostNameLen || strings.ContainsAny(trimmed, " \t\n\"'$:/@") || strings.Contains(trimmed, "..") {
			t.Fatalf("accepted %q", h)
		}
	})
}

func TestCompareVersions(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"7.10", "7.9", 1},
		{"7.9", "7.9.1", -1},
		{"7.9.0", "7.9", 1},
		{"8.4.2.30302", "8.4.2.30302", 0},
		{"08.1", "8.1", 0},
		{"7.4.1.20439", "7.3.15", 1},
	} {
		if got := CompareVersions(tc.a, tc.b); got != tc.want {
			t.Errorf("CompareVersions(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
		if got := CompareVersions(tc.b, tc.a); got != -tc.want {
			t.Errorf("CompareVersions(%q, %q) = %d, want %d", tc.b, tc.a, got, -tc.want)
		}
	}
}
