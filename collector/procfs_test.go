package collector

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"github.com/secagent-exporter/secagent_exporter/collector/qualys"
)

func TestParseStatCommPPID(t *testing.T) {
	for _, tc := range []struct {
		in   string
		comm string
		ppid int
		ok   bool
	}{
		{"812 (auditd) S 1 812 812 0 -1 4194624 0 0 0 0 0 0 0 0 16 -4 2 0 1200 0 0\n", "auditd", 1, true},
		{"77 (a b) (c)) R 42 77", "a b) (c)", 42, true},
		{"9 () S 0 9", "", 0, true},
		{"9 (x) SS 1 2", "", 0, false}, // the state is one letter
		{"9 (x) S -1 2", "", 0, false},
		{"9 (x) S", "", 0, false},
		{"(x) S 1", "", 0, false}, // no pid before the comm
		{"9 x) S 1", "", 0, false},
		{"", "", 0, false},
	} {
		comm, ppid, ok := parseStatCommPPID([]byte(tc.in))
		if ok != tc.ok || (ok && (comm != tc.comm || ppid != tc.ppid)) {
			t.Errorf("%q: got %q %d %v, want %q %d %v", tc.in, comm, ppid, ok, tc.comm, tc.ppid, tc.ok)
		}
	}
}

// FuzzParseStatCommPPID: never panics, and agrees with the full stat parser the qualys
// collector used before the shared scan wherever that one accepts the line.
func FuzzParseStatCommPPID(f *testing.F) {
	f.Add([]byte("812 (auditd) S 1 812 812 0 -1 4194624 0 0 0 0 0 0 0 0 16 -4 2 0 1200 0 0\n"))
	f.Add([]byte("77 (a b) (c)) R 42 77 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 5 0"))
	f.Add([]byte("1 ((sd-pam)) S 0"))
	f.Fuzz(func(t *testing.T, b []byte) {
		comm, ppid, ok := parseStatCommPPID(b)
		full, err := qualys.ParseProcStat(b)
		if err == nil && (!ok || comm != full.Comm || ppid != full.PPID) {
			t.Fatalf("%q: got %q %d %v, full parser %q %d", b, comm, ppid, ok, full.Comm, full.PPID)
		}
		if ok && ppid < 0 {
			t.Fatalf("%q: negative ppid", b)
		}
	})
}

// The test changes the tree between two collectors of one scrape: what the second one
// reads must come from the first one's scan.
func TestProcessScanSharedByCollectorsOfOneScrape(t *testing.T) {
	root := t.TempDir()
	proc := filepath.Join(root, "proc")
	writeFile(t, filepath.Join(proc, "812", "stat"), "812 (auditd) S 1 812 812 0 -1 4194624 0 0 0 0 0 0 0 0 16 -4 2 0 1200 0 0\n", 0o644)
	writeFile(t, filepath.Join(proc, "2231", "comm"), "ampdaemon\n", 0o644)
	writeFile(t, filepath.Join(proc, "self", "stat"), "not a pid\n", 0o644)
	p := Paths{RootFS: root, ProcFS: proc}

	shared := &scrapeShared{}
	a := newSharedScrape("cisco", shared)
	b := newSharedScrape("linux_security", shared)
	ctx := context.Background()
	if ok, err := a.processRunning(ctx, p, "ampdaemon"); !ok || err != nil {
		t.Fatalf("ampdaemon (comm only): %v %v", ok, err)
	}
	// The process tree changes after the first collector scanned: the second one of the
	// same scrape sees the same list, because no second scan happens.
	if err := os.RemoveAll(filepath.Join(proc, "812")); err != nil {
		t.Fatal(err)
	}
	if ok, err := b.processRunning(ctx, p, "auditd"); !ok || err != nil {
		t.Fatalf("auditd from the shared scan: %v %v", ok, err)
	}
	list, _ := b.processes(ctx, p)
	if len(list) != 2 {
		t.Fatalf("list %+v, want auditd and ampdaemon only", list)
	}
	for _, pr := range list {
		if pr.PID == 812 && (!pr.HasStat || pr.PPID != 1) || pr.PID == 2231 && pr.HasStat {
			t.Errorf("entry %+v", pr)
		}
	}
	// The next scrape scans again.
	if ok, _ := newScrape("linux_security").processRunning(ctx, p, "auditd"); ok {
		t.Error("a new scrape still sees the process that exited")
	}
}

func TestProcessScanOnceUnderConcurrentCollectors(t *testing.T) {
	root := t.TempDir()
	proc := filepath.Join(root, "proc")
	for i := 1; i <= 50; i++ {
		writeFile(t, filepath.Join(proc, strconv.Itoa(i), "stat"), strconv.Itoa(i)+" (p"+strconv.Itoa(i)+") S 1 0\n", 0o644)
	}
	p := Paths{ProcFS: proc}
	shared := &scrapeShared{}
	var wg sync.WaitGroup
	lists := make([][]procEntry, 8)
	for i := range lists {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lists[i], _ = newSharedScrape("c", shared).processes(context.Background(), p)
		}()
	}
	wg.Wait()
	for i := range lists {
		if len(lists[i]) != 50 || &lists[i][0] != &lists[0][0] {
			t.Fatalf("collector %d got its own or a partial list (%d entries)", i, len(lists[i]))
		}
	}
}
