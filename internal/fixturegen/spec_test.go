package fixturegen

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func sameEntries(t *testing.T, got, want []Entry) {
	t.Helper()
	g := map[string]Entry{}
	for _, e := range got {
		g[e.Path] = e
	}
	if len(got) != len(want) {
		t.Errorf("got %d entries, want %d", len(got), len(want))
	}
	for _, w := range want {
		e, ok := g[w.Path]
		if !ok {
			t.Errorf("%s: missing", w.Path)
			continue
		}
		if e.Kind != w.Kind || e.Mode != w.Mode || e.Target != w.Target || !bytes.Equal(e.Data, w.Data) {
			t.Errorf("%s: differs", w.Path)
		}
	}
}

// TestProcessMatchesTree checks that a process: line generates the same
// bytes as a committed /proc entry.
func TestProcessMatchesTree(t *testing.T) {
	p, err := ParseProcess("pid=2233 comm=qualys-edr ppid=1 threads=6 start=2600 cmdline=/usr/local/qualys/cloud-agent/bin/qualys-edr")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range p.Entries() {
		b, err := os.ReadFile("../../collector/fixtures/hosts/qualys-healthy/" + e.Path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b, e.Data) {
			t.Errorf("%s: got %q, want %q", e.Path, e.Data, b)
		}
	}
	k, err := ParseProcess("pid=45 comm=kauditd ppid=2 pgrp=2 session=2 start=12 vsize=0 rss=0")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile("../../collector/fixtures/hosts/qualys-healthy/proc/45/stat")
	if got := k.Entries()[2].Data; !bytes.Equal(got, b) {
		t.Errorf("kernel thread stat: got %q, want %q", got, b)
	}
	long, _ := ParseProcess("pid=1702 comm=qualys-cloud-agent ppid=1")
	if c := string(long.Entries()[1].Data); c != "qualys-cloud-ag\n" {
		t.Errorf("comm not truncated to 15: %q", c)
	}
}

func TestSpecRejects(t *testing.T) {
	for _, s := range []string{
		"include: ../../etc\n",
		"process: comm=x\n",
		"process: pid=1 comm=a(b)\n",
		"process: pid=1 comm=a bogus=1\n",
		"frobnicate: x\n",
	} {
		if _, err := ExpandSpec(strings.NewReader(s), t.TempDir()); err == nil {
			t.Errorf("%q: no error", s)
		}
	}
}

// The demo host exists only as its spec: Hosts expands it, with the pieces' modes,
// round-trips through Pack, and serves a committed tree as it is.
func TestHostsExpandsTheDemoSpec(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("file modes and symlinks")
	}
	hosts := &Hosts{Fixtures: "../../collector/fixtures", Dir: t.TempDir()}
	demo, err := hosts.Host("demo")
	if err != nil {
		t.Fatal(err)
	}
	if again, err := hosts.Host("demo"); err != nil || again != demo {
		t.Errorf("second Host = %q, %v; want the same expansion %q", again, err, demo)
	}
	f, err := os.Open("../../collector/fixtures/specs/demo.spec")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want, err := ExpandSpec(f, "../../collector/fixtures")
	if err != nil {
		t.Fatal(err)
	}
	got, err := Pack(demo)
	if err != nil {
		t.Fatal(err)
	}
	sameEntries(t, got, want)
	// Pieces of the four scenario trees, with their modes: the fake CLIs stay executable.
	for _, p := range []string{"opt/McAfee/agent/bin/cmdagent", "opt/cisco/amp/bin/ampcli"} {
		fi, err := os.Stat(filepath.Join(demo, p))
		if err != nil || fi.Mode().Perm()&0o100 == 0 {
			t.Errorf("%s: %v, mode %v", p, err, fi)
		}
	}
	if tree, err := hosts.Host("qualys-healthy"); err != nil || tree != filepath.Join("../../collector/fixtures", "hosts", "qualys-healthy") {
		t.Errorf("committed tree: %q, %v", tree, err)
	}
	for _, bad := range []string{"../etc", "a/b", "no-such-host"} {
		if _, err := hosts.Host(bad); err == nil {
			t.Errorf("Host(%q) succeeded", bad)
		}
	}
	if out, err := hosts.Replace("--path.rootfs={{host:demo}} --path.procfs={{host:demo}}/proc"); err != nil || out != "--path.rootfs="+demo+" --path.procfs="+demo+"/proc" {
		t.Errorf("Replace = %q, %v", out, err)
	}
}

func FuzzParseProcess(f *testing.F) {
	f.Add("pid=2233 comm=qualys-edr ppid=1 threads=6 start=2600 cmdline=/bin/x -a")
	f.Add("pid=45 comm=kauditd ppid=2 pgrp=2 session=2 vsize=0 rss=0 state=S exe=/bin/y")
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParseProcess(s)
		if err != nil {
			return
		}
		es := p.Entries()
		if len(es) < 3 || !bytes.HasPrefix(es[2].Data, []byte(es[0].Path[5:len(es[0].Path)-8]+" (")) {
			t.Fatalf("stat does not start with the pid: %q", es[2].Data)
		}
	})
}

func TestDiff(t *testing.T) {
	base := []Entry{{Kind: File, Path: "a", Mode: 0o644, Data: []byte("1")}, {Kind: File, Path: "b", Mode: 0o644, Data: []byte("2")},
		{Kind: Dir, Path: "d", Mode: 0o755}, {Kind: File, Path: "d/x", Mode: 0o644}}
	tree := []Entry{{Kind: File, Path: "a", Mode: 0o644, Data: []byte("1")}, {Kind: File, Path: "b", Mode: 0o755, Data: []byte("2")},
		{Kind: File, Path: "c", Mode: 0o644, Data: []byte("3")}}
	added, removed := Diff(base, tree)
	if len(added) != 2 || added[0].Path != "b" || added[1].Path != "c" || strings.Join(removed, " ") != "d" {
		t.Fatalf("Diff = %+v, %v; want b (mode changed) and c added, d removed", added, removed)
	}
	// A piece, then remove: drops a path and everything under it.
	dir := t.TempDir()
	var piece bytes.Buffer
	if err := Format(&piece, base); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "base.ttar"), piece.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := ExpandSpec(strings.NewReader("include: base.ttar\nremove: d\nremove: a\n"), dir)
	if err != nil || len(got) != 1 || got[0].Path != "b" {
		t.Errorf("remove: %+v, %v; want only b", got, err)
	}
	if _, err := ExpandSpec(strings.NewReader("remove: ../etc\n"), dir); err == nil {
		t.Error("remove: of a climbing path accepted")
	}
}
