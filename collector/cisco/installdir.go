package cisco

import (
	"sort"
	"strings"

	"github.com/secagent-exporter/secagent_exporter/internal/textutil"
)

// NewestVersionDir picks the connector's version directory among the entries of the
// install root. Old version directories remain after upgrades (sources.md S6: a 7.4.1
// host still had 7.3.15), so the newest one that holds sfc.exe wins, as in the
// vendor's health checker. Names are dotted numbers, X.Y.Z before 7.4 and X.Y.Z.BUILD
// after; they are compared component by component as numbers, so 7.10 > 7.9.1 > 7.9.
// hasSFC is asked only about candidates, newest first; nil accepts every candidate.
func NewestVersionDir(names []string, hasSFC func(name string) bool) (string, bool) {
	var candidates []string
	for _, n := range names {
		if isVersionDirName(n) {
			candidates = append(candidates, n)
		}
	}
	sort.SliceStable(candidates, func(i, j int) bool {
		return textutil.CompareVersions(candidates[i], candidates[j]) > 0
	})
	for _, c := range candidates {
		if hasSFC == nil || hasSFC(c) {
			return c, true
		}
	}
	return "", false
}

// isVersionDirName accepts 2 to 4 dot-separated decimal components.
func isVersionDirName(s string) bool {
	parts := strings.Split(s, ".")
	if len(parts) < 2 || len(parts) > 4 {
		return false
	}
	for _, p := range parts {
		if p == "" || len(p) > 18 {
			return false
		}
		for i := 0; i < len(p); i++ {
			if p[i] < '0' || p[i] > '9' {
				return false
			}
		}
	}
	return true
}
