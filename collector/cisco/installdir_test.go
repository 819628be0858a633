package cisco

import "testing"

func TestNewestVersionDir(t *testing.T) {
	// Directory listing of a real 7.4.1 host (sources.md S6), plus upgrades.
	realListing := []string{"7.3.15", "7.4.1.20439", "apde", "cache.db", "clamav", "config", "local.old", "local.xml", "policy.xml", "Quarantine", "tetra", "tmp", "update", "URLScanner"}
	for _, tc := range []struct {
		name   string
		names  []string
		hasSFC map[string]bool // nil: every candidate has sfc.exe
		want   string
		ok     bool
	}{
		{"real listing", realListing, nil, "7.4.1.20439", true},
		{"numeric not lexical", []string{"7.9.1", "7.10.0", "7.9"}, nil, "7.10.0", true},
		{"more components is newer", []string{"7.9", "7.9.1"}, nil, "7.9.1", true},
		{"build number", []string{"8.4.2.30302", "8.4.2.9999", "8.10.0.1"}, nil, "8.10.0.1", true},
		{"leftover without sfc.exe", []string{"8.4.2.30302", "8.5.0.1000"}, map[string]bool{"8.4.2.30302": true}, "8.4.2.30302", true},
		{"none with sfc.exe", []string{"8.4.2.30302"}, map[string]bool{}, "", false},
		{"no version dirs", []string{"local.xml", "8.4.x", "8", "1.2.3.4.5", ".1.2", "v8.4.2"}, nil, "", false},
		{"huge components do not overflow", []string{"99999999999999999.1", "100000000000000000.0"}, nil, "100000000000000000.0", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var asked []string
			var hasSFC func(string) bool
			if tc.hasSFC != nil {
				hasSFC = func(n string) bool { asked = append(asked, n); return tc.hasSFC[n] }
			}
			got, ok := NewestVersionDir(tc.names, hasSFC)
			if got != tc.want || ok != tc.ok {
				t.Errorf("got %q, %v; want %q, %v", got, ok, tc.want, tc.ok)
			}
			for _, n := range asked {
				if !isVersionDirName(n) {
					t.Errorf("hasSFC asked about non-version entry %q", n)
				}
			}
		})
	}
}
