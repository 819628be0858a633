package logtail

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/secagent-exporter/secagent_exporter/internal/hostfs"
)

// Thousands of files matching a log glob (a runaway rotator, a hostile user) must cost
// neither thousands of open descriptors nor a failed Poll: the newest MaxFiles are read
// and the rest are counted.
func TestPollBoundsOpenFiles(t *testing.T) {
	dir := t.TempDir()
	const n = 3000
	base := time.Now().Add(-time.Hour)
	for i := range n {
		p := filepath.Join(dir, fmt.Sprintf("masvc_%05d.log", i))
		if err := os.WriteFile(p, fmt.Appendf(nil, "line of file %d\n", i), 0o644); err != nil {
			t.Fatal(err)
		}
		mt := base.Add(time.Duration(i) * time.Second)
		if err := os.Chtimes(p, mt, mt); err != nil {
			t.Fatal(err)
		}
	}
	skipped := map[string]int{}
	tl := NewTailer(Source{
		Name:     "many",
		Globs:    []string{filepath.Join(dir, "masvc_*.log")},
		MaxFiles: 10,
		OnSkip:   func(reason string, k int) { skipped[reason] += k },
	}, nil, nil)
	maxFDs := 0
	var got []string
	err := tl.Poll(context.Background(), func(r Record) {
		got = append(got, r.File)
		if fds, err := os.ReadDir("/proc/self/fd"); err == nil {
			maxFDs = max(maxFDs, len(fds))
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 10 || got[0] != fmt.Sprintf("masvc_%05d.log", n-10) || got[9] != fmt.Sprintf("masvc_%05d.log", n-1) {
		t.Fatalf("read %v, want the 10 newest files oldest first", got)
	}
	if skipped[hostfs.ReasonGlobLimit] != n-10 {
		t.Errorf("skipped %v, want %d glob_limit", skipped, n-10)
	}
	if maxFDs > 64 {
		t.Errorf("%d descriptors open while reading, want the handful the bound allows", maxFDs)
	}
}
