package hostfs

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// tree builds a host tree next to a "secret" file outside it, which no name given to
// the tree may ever reach.
func tree(t testing.TB) (host, outside string) {
	t.Helper()
	base := t.TempDir()
	host = filepath.Join(base, "host")
	outside = filepath.Join(base, "shadow")
	mustWrite(t, outside, "root:SECRET-OUTSIDE:19000::::::\n")
	mustWrite(t, filepath.Join(host, "etc", "shadow"), "root:inside:19000::::::\n")
	mustWrite(t, filepath.Join(host, "data", "log", "agent.log"), "hello\n")
	mustWrite(t, filepath.Join(host, "etc", "hostid"), "1234\n")
	return host, outside
}

func mustWrite(t testing.TB, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func mustLink(t testing.TB, target, link string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("symlinks unavailable: %v", err)
	}
}

func TestChrootSemantics(t *testing.T) {
	host, outside := tree(t)
	// A log directory linked absolutely elsewhere on the host, as real installs do.
	mustLink(t, "/data/log", filepath.Join(host, "var", "log", "agent"))
	// Links that point out of the tree, by absolute path and by climbing.
	mustLink(t, outside, filepath.Join(host, "abs-escape"))
	mustLink(t, "../../../../../../../../shadow", filepath.Join(host, "etc", "climb"))
	mustLink(t, "/etc/shadow", filepath.Join(host, "opt", "shadowlink"))
	mustLink(t, "agent/..", filepath.Join(host, "var", "log", "up"))
	mustLink(t, "loop2", filepath.Join(host, "loop1"))
	mustLink(t, "loop1", filepath.Join(host, "loop2"))
	h := New(host)

	cases := []struct {
		name, want string
		err        error
	}{
		{"/var/log/agent/agent.log", "hello\n", nil},
		{"/etc/climb", "", fs.ErrNotExist}, // clamps at the top: <host>/shadow does not exist
		{"/opt/shadowlink", "root:inside:19000::::::\n", nil},
		// `..` inside a link target is taken from the real directory: /var/log/agent is
		// /data/log, so its parent is /data.
		{"/var/log/up/agent.log", "", fs.ErrNotExist},
		{"/var/log/up/log/agent.log", "hello\n", nil},
	}
	for _, c := range cases {
		got, err := h.ReadFile(filepath.Join(host, c.name), MaxSmall)
		if c.err != nil {
			if !errors.Is(err, c.err) {
				t.Errorf("%s: err %v, want %v", c.name, err, c.err)
			}
			continue
		}
		if err != nil || string(got) != c.want {
			t.Errorf("%s: %q, %v; want %q", c.name, got, err, c.want)
		}
	}
	// The absolute link to the outside file means <host><outside>, absent.
	if b, err := h.ReadFile(filepath.Join(host, "abs-escape"), MaxSmall); err == nil || strings.Contains(string(b), "SECRET") {
		t.Errorf("abs-escape: %q, %v", b, err)
	}
	if _, err := h.ReadFile(filepath.Join(host, "loop1"), MaxSmall); Reason(err) != ReasonLinkLoop {
		t.Errorf("loop: %v", err)
	}
	// Names are cleaned lexically first (as filepath.Join does): `..` clamps at the top.
	if b, err := h.ReadFile(host+"/../../../etc/hostid", MaxSmall); err == nil || strings.Contains(string(b), "SECRET") {
		t.Errorf("lexical escape: %q %v", b, err)
	}
	// A name outside the tree is refused lexically, before any lookup.
	if _, err := h.ReadFile(outside, MaxSmall); err == nil {
		t.Errorf("outside name read")
	}
	res, err := h.Resolve(filepath.Join(host, "var", "log", "agent", "new.log"))
	if err != nil || res != filepath.Join(host, "data", "log", "new.log") {
		t.Errorf("Resolve: %q, %v", res, err)
	}
	fi, err := h.Stat(filepath.Join(host, "var", "log", "agent"))
	if err != nil || !fi.IsDir() {
		t.Errorf("Stat of linked dir: %v, %v", fi, err)
	}
	fi, err = h.Lstat(filepath.Join(host, "var", "log", "agent"))
	if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("Lstat of linked dir: %v, %v", fi, err)
	}
	entries, err := h.ReadDir(filepath.Join(host, "var", "log", "agent"))
	if err != nil || len(entries) != 1 || entries[0].Name() != "agent.log" {
		t.Errorf("ReadDir: %v, %v", entries, err)
	}
}

func TestRealRoot(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("unix paths")
	}
	h := New("/")
	if _, err := h.ReadFile("/dev/zero", MaxSmall); Reason(err) != ReasonNotRegular {
		t.Fatalf("/dev/zero: %v", err)
	}
	if _, err := h.Stat("/"); err != nil {
		t.Fatal(err)
	}
}

func TestSizeCap(t *testing.T) {
	host, _ := tree(t)
	big := filepath.Join(host, "etc", "big.xml")
	mustWrite(t, big, strings.Repeat("x", 1000))
	h := New(host)
	if _, err := h.ReadFile(big, 999); Reason(err) != ReasonTooLarge {
		t.Errorf("over cap: %v", err)
	}
	if b, err := h.ReadFile(big, 1000); err != nil || len(b) != 1000 {
		t.Errorf("at cap: %d %v", len(b), err)
	}
}

func TestGlobNewestFirstBounded(t *testing.T) {
	host, outside := tree(t)
	dir := filepath.Join(host, "logs")
	now := time.Now()
	for i := range 10 {
		p := filepath.Join(dir, "masvc_"+string(rune('a'+i))+".log")
		mustWrite(t, p, "x")
		mt := now.Add(time.Duration(i) * time.Minute)
		if err := os.Chtimes(p, mt, mt); err != nil {
			t.Fatal(err)
		}
	}
	mustWrite(t, filepath.Join(dir, "other.txt"), "x")
	mustLink(t, outside, filepath.Join(dir, "masvc_zz.log")) // dangles under the tree: not a match
	h := New(host)
	m, skipped, err := h.Glob(filepath.Join(dir, "masvc_*.log"), 3)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"masvc_j.log", "masvc_i.log", "masvc_h.log"}
	if len(m) != 3 || skipped != 7 {
		t.Fatalf("matches %v skipped %d", m, skipped)
	}
	for i := range want {
		if filepath.Base(m[i]) != want[i] {
			t.Errorf("match %d = %s, want %s", i, m[i], want[i])
		}
	}
	// Meta characters in a directory component.
	m, _, err = h.Glob(filepath.Join(host, "*", "masvc_a.log"), 0)
	if err != nil || len(m) != 1 {
		t.Errorf("dir glob: %v %v", m, err)
	}
	if _, _, err := h.Glob(filepath.Join(host, "["), 0); err == nil {
		t.Errorf("bad pattern accepted")
	}
	if m, _, err := h.Glob(filepath.Join(host, "absent", "*"), 0); err != nil || len(m) != 0 {
		t.Errorf("absent dir: %v %v", m, err)
	}
}

// A file where a directory is expected on the way (etc/hostid/x): the resolution cannot
// open it as a directory and fails as the walk from the top of the tree does, with the
// name as given and "not a directory"; a path through a link to a directory and back up
// resolves in the directories kept open on the way.
func TestResolveThroughFileAndLinks(t *testing.T) {
	host, _ := tree(t)
	h := New(host)
	name := filepath.Join(host, "etc", "hostid", "x")
	for what, call := range map[string]func() error{
		"Stat":     func() error { _, err := h.Stat(name); return err },
		"ReadFile": func() error { _, err := h.ReadFile(name, MaxSmall); return err },
	} {
		err := call()
		if err == nil {
			t.Fatalf("%s through a file: no error", what)
		}
		var pe *fs.PathError
		if !errors.As(err, &pe) || pe.Path != name || (runtime.GOOS != "windows" && err.Error() != "stat "+name+": not a directory") {
			t.Errorf("%s through a file: %v", what, err)
		}
	}
	mustLink(t, "../data/log", filepath.Join(host, "etc", "logs"))
	// A name is cleaned lexically; a link's ".." is taken after the link: logs is data/log,
	// its parent data.
	mustLink(t, "logs/../log/agent.log", filepath.Join(host, "etc", "back"))
	b, err := h.ReadFile(filepath.Join(host, "etc", "back"), MaxSmall)
	if err != nil || string(b) != "hello\n" {
		t.Errorf("through a relative link and ..: %q, %v", b, err)
	}
	fi, err := h.Stat(filepath.Join(host, "etc", "logs"))
	if err != nil || !fi.IsDir() {
		t.Errorf("Stat of a link to a directory: %v, %v", fi, err)
	}
}
