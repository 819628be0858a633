package collector

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// statLine is a /proc/<pid>/stat line with the kernel's 52 fields.
func statLine(pid int, comm string, ppid int) string {
	return strconv.Itoa(pid) + " (" + comm + ") S " + strconv.Itoa(ppid) +
		" 812 812 0 -1 4194624 0 0 0 0 0 0 0 0 16 -4 2 0 1200 0 0 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n"
}

// The test changes the tree between two collectors of one scrape: what the second one
// reads must come from the first one's scan.
func TestProcessScanSharedByCollectorsOfOneScrape(t *testing.T) {
	root := t.TempDir()
	proc := filepath.Join(root, "proc")
	writeFile(t, filepath.Join(proc, "812", "stat"), statLine(812, "auditd", 1), 0o644)
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
	list, _ := b.processes(ctx, p)
	if len(list) != 2 {
		t.Fatalf("list %+v, want auditd and ampdaemon only", list)
	}
	for _, pr := range list {
		ppid, ok := pr.parent()
		if pr.PID == 812 && (!ok || ppid != 1 || pr.Comm != "auditd") || pr.PID == 2231 && (ok || pr.Comm != "ampdaemon") {
			t.Errorf("entry %+v: parent %d %v", pr, ppid, ok)
		}
	}
	// The process tree changes after the first collector scanned: the second one of the
	// same scrape sees the same list, because no second scan happens.
	if err := os.RemoveAll(filepath.Join(proc, "812")); err != nil {
		t.Fatal(err)
	}
	if ok, err := b.processRunning(ctx, p, "auditd"); !ok || err != nil {
		t.Fatalf("auditd from the shared scan: %v %v", ok, err)
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
		writeFile(t, filepath.Join(proc, strconv.Itoa(i), "stat"), statLine(i, "p"+strconv.Itoa(i), 1), 0o644)
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

// A hostile or broken --path.procfs: thousands of PIDs, entries that cannot be read, PIDs
// listed whose files are gone (a process that exited mid-scan), names that are not PIDs,
// a huge comm, a huge stat and a huge cmdline. The scan succeeds with the readable
// processes, keeps names bounded, and the qualys classification still reads argv[0].
func TestProcessScanHostileProc(t *testing.T) {
	root := t.TempDir()
	proc := filepath.Join(root, "proc")
	const many = 3000
	for i := 1000; i < 1000+many; i++ {
		writeFile(t, filepath.Join(proc, strconv.Itoa(i), "comm"), "worker\n", 0o644)
	}
	// Listed, nothing left to read: exited after the directory was listed.
	for _, name := range []string{"77", "78"} {
		if err := os.MkdirAll(filepath.Join(proc, name), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(filepath.Join(root, "gone"), filepath.Join(proc, "79")); err != nil {
		t.Fatal(err)
	}
	// Not PIDs, or not positive ones.
	for _, name := range []string{"0", "-1", "+0", "self", "sys", "1x"} {
		writeFile(t, filepath.Join(proc, name, "comm"), "auditd\n", 0o644)
	}
	// Unreadable (as root, or on Windows, the mode does not stop the read, which is
	// fine too).
	writeFile(t, filepath.Join(proc, "80", "comm"), "auditd\n", 0o000)
	// A stat in no kernel's layout and no comm: left out.
	writeFile(t, filepath.Join(proc, "81", "stat"), "81 auditd S\n", 0o644)
	// Huge files: a 4 MiB comm, and the agent with a 2 MiB stat and an 8 MiB cmdline
	// of tiny arguments.
	writeFile(t, filepath.Join(proc, "82", "comm"), strings.Repeat("A", 4<<20), 0o644)
	writeFile(t, filepath.Join(proc, "5233", "comm"), "qualys-cloud-ag\n", 0o644)
	writeFile(t, filepath.Join(proc, "5233", "stat"), strings.TrimSuffix(statLine(5233, "qualys-cloud-ag", 1), "\n")+strings.Repeat(" 0", 1<<20)+"\n", 0o644)
	writeFile(t, filepath.Join(proc, "5233", "cmdline"), "/usr/local/qualys/cloud-agent/bin/qualys-cloud-agent\x00"+strings.Repeat("x\x00", 4<<20), 0o644)
	p := Paths{RootFS: root, ProcFS: proc}

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	s := newScrape("qualys")
	list, err := s.processes(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	procs, err := scanQualysProcesses(context.Background(), s, p)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	want := many + 2 // the workers, 82 and the agent (5233)
	if os.Geteuid() == 0 || runtime.GOOS == "windows" {
		want++ // 80 is readable for root, and Windows has no mode bits to deny it
	}

	if len(list) != want {
		t.Errorf("%d processes, want %d", len(list), want)
	}
	for _, pr := range list {
		if len(pr.Comm) > maxCommLen {
			t.Errorf("pid %d: comm of %d bytes kept", pr.PID, len(pr.Comm))
		}
		if pr.PID <= 0 || pr.PID == 77 || pr.PID == 78 || pr.PID == 79 || pr.PID == 81 {
			t.Errorf("entry %+v listed", pr)
		}
	}
	if !procs.running["qualys-cloud-agent"] {
		t.Errorf("the agent with a huge cmdline was not recognised: %+v", procs)
	}
	// Each huge file is read at most 1 MiB by procfs, one file at a time.
	t.Logf("allocated %d KiB", (after.TotalAlloc-before.TotalAlloc)>>10)
	if grown := after.TotalAlloc - before.TotalAlloc; grown > 40<<20 {
		t.Errorf("the scan allocated %d MiB", grown>>20)
	}
}

// More processes than a scan takes fail the source instead of growing the list.
func TestProcessScanRefusesEndlessList(t *testing.T) {
	root := t.TempDir()
	proc := filepath.Join(root, "proc")
	for i := 1; i <= 11; i++ {
		writeFile(t, filepath.Join(proc, strconv.Itoa(i), "comm"), "p\n", 0o644)
	}
	defer func(n int) { maxScanProcs = n }(maxScanProcs)
	maxScanProcs = 10
	if _, err := scanProcs(context.Background(), Paths{ProcFS: proc}); err == nil || !strings.Contains(err.Error(), "more than the 10") {
		t.Fatalf("err %v", err)
	}
	maxScanProcs = 11
	if list, err := scanProcs(context.Background(), Paths{ProcFS: proc}); err != nil || len(list) != 11 {
		t.Fatalf("%d processes, %v", len(list), err)
	}
}

// A scan stops at the scrape's deadline and reports it.
func TestProcessScanStopsAtDeadline(t *testing.T) {
	root := t.TempDir()
	proc := filepath.Join(root, "proc")
	writeFile(t, filepath.Join(proc, "1", "comm"), "init\n", 0o644)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := scanProcs(ctx, Paths{ProcFS: proc}); err == nil {
		t.Fatal("a cancelled scan succeeded")
	}
}

// --path.procfs that is not a directory fails the source (the linux-broken-procfs golden).
func TestProcessScanProcfsNotADirectory(t *testing.T) {
	file := filepath.Join(t.TempDir(), "README.md")
	writeFile(t, file, "not a tree\n", 0o644)
	if _, err := newScrape("cisco").processRunning(context.Background(), Paths{ProcFS: file}, "ampdaemon"); err == nil {
		t.Fatal("no error")
	}
}
