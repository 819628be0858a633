//go:build linux

package collector

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// selinuxTree writes files (path -> content) under a fresh root; a path ending in "/"
// is an empty directory.
func selinuxTree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for p, content := range files {
		full := filepath.Join(root, filepath.FromSlash(p))
		if strings.HasSuffix(p, "/") {
			if err := os.MkdirAll(full, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func TestSELinuxModuleInstalledLayouts(t *testing.T) {
	const config = "SELINUX=enforcing\nSELINUXTYPE=targeted\n"
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  bool
	}{
		{"no config: no store", map[string]string{"etc/": ""}, false},
		{"EL8+ /var/lib/selinux", map[string]string{
			"etc/selinux/config": config,
			"var/lib/selinux/targeted/active/modules/400/cisco-secure-bpf/cil": "x",
			"var/lib/selinux/targeted/active/modules/100/base/cil":             "x",
		}, true},
		{"EL8+ disabled", map[string]string{
			"etc/selinux/config": config,
			"var/lib/selinux/targeted/active/modules/400/cisco-secure-bpf/cil":  "x",
			"var/lib/selinux/targeted/active/modules/disabled/cisco-secure-bpf": "",
		}, false},
		{"EL7 /etc/selinux/<type>/active", map[string]string{
			"etc/selinux/config": config,
			"etc/selinux/targeted/active/modules/400/cisco-secure-bpf/cil":  "x",
			"etc/selinux/targeted/active/modules/400/cisco-secure-bpf/hll":  "x",
			"etc/selinux/targeted/active/modules/100/base/cil":              "x",
			"etc/selinux/targeted/active/modules/disabled/":                 "",
			"etc/selinux/targeted/contexts/files/file_contexts":             "",
			"etc/selinux/targeted/policy/policy.31":                         "",
			"etc/selinux/semanage.conf":                                     "module-store = direct\nexpand-check=0\n",
			"etc/selinux/targeted/active/modules/100/unconfined/lang_ext":   "pp",
			"etc/selinux/targeted/active/modules/100/unconfined/cil":        "x",
			"etc/selinux/targeted/active/modules/100/unconfined/hll":        "x",
			"etc/selinux/targeted/active/modules/100/sssd/cil":              "x",
			"etc/selinux/targeted/active/modules/100/sssd/hll":              "x",
			"etc/selinux/targeted/active/modules/100/sssd/lang_ext":         "pp",
			"etc/selinux/targeted/active/modules/400/local-nginx/cil":       "x",
			"etc/selinux/targeted/active/modules/400/local-nginx/lang_ext":  "pp",
			"etc/selinux/targeted/active/modules/400/cisco-secure-bpf/lang": "pp",
		}, true},
		{"EL7 module missing", map[string]string{
			"etc/selinux/config": config,
			"etc/selinux/targeted/active/modules/100/base/cil": "x",
		}, false},
		{"EL7 disabled", map[string]string{
			"etc/selinux/config": config,
			"etc/selinux/targeted/active/modules/400/cisco-secure-bpf/cil":  "x",
			"etc/selinux/targeted/active/modules/disabled/cisco-secure-bpf": "",
		}, false},
		{"RHEL 6 .pp", map[string]string{
			"etc/selinux/config": config,
			"etc/selinux/targeted/modules/active/modules/cisco-secure-bpf.pp": "x",
		}, true},
		{"RHEL 6 .pp.disabled", map[string]string{
			"etc/selinux/config": config,
			"etc/selinux/targeted/modules/active/modules/cisco-secure-bpf.pp.disabled": "x",
		}, false},
		{"store-root moves the store", map[string]string{
			"etc/selinux/config":        config,
			"etc/selinux/semanage.conf": "# moved\nstore-root = /srv/selinux-store # site layout\n",
			"srv/selinux-store/targeted/active/modules/400/cisco-secure-bpf/cil": "x",
			// A stale default store without the module is not read.
			"var/lib/selinux/targeted/active/modules/100/base/cil": "x",
		}, true},
		{"store-root set: the default store is not read", map[string]string{
			"etc/selinux/config":        config,
			"etc/selinux/semanage.conf": "store-root=/srv/empty\n",
			"var/lib/selinux/targeted/active/modules/400/cisco-secure-bpf/cil": "x",
		}, false},
		{"policy type from config", map[string]string{
			"etc/selinux/config": "SELINUX=enforcing\nSELINUXTYPE=mls\n",
			"etc/selinux/mls/active/modules/400/cisco-secure-bpf/cil": "x",
			"etc/selinux/targeted/active/modules/100/base/cil":        "x",
		}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := selinuxTree(t, tc.files)
			got, err := selinuxModuleInstalled(Paths{RootFS: root}, "cisco-secure-bpf")
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Fatalf("selinuxModuleInstalled = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestSemanageStoreRoot(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string
		ok   bool
	}{
		{"", "", false},
		{"module-store = direct\n", "", false},
		{"store-root = /var/lib/selinux\n", "/var/lib/selinux", true},
		{"store-root=/a\nstore-root = /b/\n", "/b", true},
		{"#store-root = /a\n", "", false},
		{"store-root = relative/path\n", "", false},
		{"store-root = /a/../etc\n", "", false},
		{"store-root = \"/quoted\"\n", "/quoted", true},
		{"store-root-extra = /x\n", "", false},
		{"[verify kernel]\npath = /usr/bin/true\n[end]\nstore-root = /s\n", "/s", true},
	} {
		got, ok := semanageStoreRoot([]byte(tc.in))
		if got != tc.want || ok != tc.ok {
			t.Errorf("semanageStoreRoot(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func FuzzSemanageStoreRoot(f *testing.F) {
	for _, s := range []string{
		"store-root = /var/lib/selinux\n",
		"module-store = direct\nexpand-check=0\nusepasswd=False\n",
		"store-root=/a # c\nstore-root = /b/\n",
		"store-root = ../x\n",
		"\x00store-root=/\x00\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		root, ok := semanageStoreRoot(raw)
		if !ok {
			if root != "" {
				t.Fatalf("root %q without ok", root)
			}
			return
		}
		if !strings.HasPrefix(root, "/") || strings.Contains(root, "..") || filepath.Clean(root) != root {
			t.Fatalf("unsafe store root %q", root)
		}
	})
}
