package hostfs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzResolve plants a symbolic link with a fuzzed target in a host tree and reads
// fuzzed names through it: whatever the input, a resolved path stays under the tree and
// the file outside it is never read.
func FuzzResolve(f *testing.F) {
	for _, s := range [][2]string{
		{"/etc/link", "../../../shadow"},
		{"/etc/link/x", "/"},
		{"/etc/link", "/../../shadow"},
		{"/a/../../etc/link", "..//..//shadow"},
		{"/etc/link/../link", "."},
		{"/etc/link", `..\..\shadow`},
		{"/etc/link/etc/hostid", "/"},
		{"/etc/link", "C:/shadow"},
	} {
		f.Add(s[0], s[1])
	}
	host, _ := tree(f)
	link := filepath.Join(host, "etc", "link")
	h := New(host)
	f.Fuzz(func(t *testing.T, name, target string) {
		if strings.ContainsRune(target, 0) || target == "" {
			return
		}
		os.Remove(link)
		if err := os.Symlink(target, link); err != nil {
			return
		}
		full := filepath.Join(host, name)
		if res, err := h.Resolve(full); err == nil {
			rel, rerr := filepath.Rel(host, res)
			if rerr != nil || (rel != "." && !filepath.IsLocal(rel)) {
				t.Fatalf("%q via %q resolved outside the tree: %s", name, target, res)
			}
		}
		if b, err := h.ReadFile(full, MaxSmall); err == nil && strings.Contains(string(b), "SECRET-OUTSIDE") {
			t.Fatalf("%q via %q read the file outside the tree", name, target)
		}
		if m, _, err := h.Glob(filepath.Join(host, "etc", "*", "*"), 10); err == nil {
			for _, p := range m {
				if b, err := h.ReadFile(p, MaxSmall); err == nil && strings.Contains(string(b), "SECRET-OUTSIDE") {
					t.Fatalf("glob match %s read the file outside the tree", p)
				}
			}
		}
	})
}
