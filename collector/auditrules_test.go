package collector

import (
	"path/filepath"
	"testing"
)

func TestAuditRulesImmutable(t *testing.T) {
	cases := []struct {
		name  string
		files map[string]string
		want  bool
		fail  bool
	}{
		{"no rules at all", nil, false, false},
		// augenrules concatenates rules.d in name order: the last -e wins.
		{"finalize in rules.d", map[string]string{
			"etc/audit/rules.d/audit.rules":       "-D\n-b 8192\n",
			"etc/audit/rules.d/99-finalize.rules": "-e 2\n",
		}, true, false},
		{"later -e 1 wins", map[string]string{
			"etc/audit/rules.d/10-a.rules": "-e 2\n",
			"etc/audit/rules.d/20-b.rules": "-e 1\n",
		}, false, false},
		{"not a .rules file", map[string]string{"etc/audit/rules.d/99-finalize.rules.bak": "-e 2\n"}, false, false},
		{"compiled audit.rules", map[string]string{"etc/audit/audit.rules": "-e 2\n"}, true, false},
		// rules.d that cannot be listed must fail, not read as "no rules": a glob would
		// match nothing there (as in a 0750 root directory read by an unprivileged user).
		{"rules.d not listable", map[string]string{"etc/audit/rules.d": "not a directory"}, false, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			for name, content := range tc.files {
				writeFile(t, filepath.Join(root, name), content, 0o644)
			}
			got, err := auditRulesImmutable(Paths{RootFS: root})
			if (err != nil) != tc.fail {
				t.Fatalf("err = %v, want failure %v", err, tc.fail)
			}
			if got != tc.want {
				t.Errorf("immutable = %v, want %v", got, tc.want)
			}
		})
	}
}
