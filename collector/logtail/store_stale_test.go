package logtail

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// A process killed during a save leaves its temporary file; the next start removes
// it, while a fresh temporary file (a save still under way) and real state stay.
func TestOpenStoreRemovesStaleTemporaryFiles(t *testing.T) {
	dir := t.TempDir()
	old := time.Now().Add(-time.Hour)
	write := func(name string, mtime time.Time) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("{}"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, mtime, mtime); err != nil {
			t.Fatal(err)
		}
		return p
	}
	stale := write("logtail-mcafee.json.tmp-123456", old)
	probe := write(".probe-99", old)
	fresh := write("logtail-qualys.json.tmp-777", time.Now())
	state := write("logtail-mcafee.json", old)
	other := write("unrelated.tmp-1", old)

	if s := OpenStore(dir, nil); s.Dir() != dir {
		t.Fatalf("store not on disk: %q", s.Dir())
	}
	for _, p := range []string{stale, probe} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s: stale temporary file kept (err %v)", filepath.Base(p), err)
		}
	}
	for _, p := range []string{fresh, state, other} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s: removed but must stay: %v", filepath.Base(p), err)
		}
	}
}
