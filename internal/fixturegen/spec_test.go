package fixturegen

import (
	"bytes"
	"os"
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
		b, err := os.ReadFile("../../collector/fixtures/hosts/qualys-fim-audit-conflict/" + e.Path)
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
	b, _ := os.ReadFile("../../collector/fixtures/hosts/qualys-fim-audit-conflict/proc/45/stat")
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

// TestDemoSpecMatchesTree is the drift test: the demo spec expands to the
// committed demo tree exactly.
func TestDemoSpecMatchesTree(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("file modes and symlinks")
	}
	f, err := os.Open("../../collector/fixtures/specs/demo.spec")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := ExpandSpec(f, "../../collector/fixtures")
	if err != nil {
		t.Fatal(err)
	}
	want, err := Pack("../../collector/fixtures/hosts/demo")
	if err != nil {
		t.Fatal(err)
	}
	sameEntries(t, got, want)
	dir := t.TempDir()
	if err := Expand(dir, got); err != nil {
		t.Fatal(err)
	}
	again, err := Pack(dir)
	if err != nil {
		t.Fatal(err)
	}
	sameEntries(t, again, want)
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
