//go:build unix

package logtail

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// age sets the modification time of paths an hour back, as a log nobody wrote to lately.
func age(t *testing.T, paths ...string) {
	t.Helper()
	old := time.Now().Add(-time.Hour)
	for _, p := range paths {
		if err := os.Chtimes(p, old, old); err != nil {
			t.Fatal(err)
		}
	}
}

func TestUnchangedLogCostsOneStat(t *testing.T) {
	dir := t.TempDir()
	live := filepath.Join(dir, "masvc_HOST.log")
	writeFile(t, live, lines(kbMasvcLines[0]))
	age(t, live, dir)
	tl := NewTailer(Source{Name: "t", Globs: []string{filepath.Join(dir, "masvc_*.log")}}, nil, nil)
	equal(t, "first poll", poll(t, tl), kbMasvcLines[:1])
	equal(t, "unchanged", poll(t, tl), nil)
	equal(t, "unchanged again", poll(t, tl), nil)
	if n := tl.QuickPolls(); n != 2 {
		t.Fatalf("%d Polls answered by the stat shortcut, want 2", n)
	}
	if tl.FilesSeen() != 1 {
		t.Errorf("FilesSeen = %d after shortcut Polls", tl.FilesSeen())
	}

	// Appended: size and time change, the full Poll reads the new line.
	appendFile(t, live, lines(kbMasvcLines[1]))
	equal(t, "appended", poll(t, tl), kbMasvcLines[1:2])
	quick := tl.QuickPolls()
	// Written within the quiet age: no shortcut, a same-tick change could hide.
	equal(t, "just written", poll(t, tl), nil)
	if tl.QuickPolls() != quick {
		t.Error("a file written a moment ago was trusted to a stat")
	}

	// Rotated: the live file renamed and a new one created; the directory's time moves.
	age(t, live, dir)
	equal(t, "aged", poll(t, tl), nil)
	rotated := filepath.Join(dir, "masvc_HOST_backup.log")
	if err := os.Rename(live, rotated); err != nil {
		t.Fatal(err)
	}
	writeFile(t, live, lines(kbMasvcLines[2]))
	age(t, live, rotated) // only the directory's time tells
	equal(t, "rotated", poll(t, tl), kbMasvcLines[2:3])
	if tl.FilesSeen() != 2 {
		t.Errorf("FilesSeen = %d after rotation, want 2", tl.FilesSeen())
	}

	// Replaced by a file of the same size and time: the identity differs.
	age(t, dir)
	equal(t, "settled", poll(t, tl), nil)
	before := tl.QuickPolls()
	equal(t, "settled, shortcut", poll(t, tl), nil)
	if tl.QuickPolls() != before+1 {
		t.Fatal("shortcut not taken on a settled source")
	}
	st, _ := os.Stat(live)
	tmp := filepath.Join(t.TempDir(), "new")
	writeFile(t, tmp, lines(kbMasvcLines[0]))
	if err := os.Truncate(tmp, st.Size()); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(tmp, st.ModTime(), st.ModTime()); err != nil {
		t.Fatal(err)
	}
	dirSt, _ := os.Stat(dir)
	if err := os.Rename(tmp, live); err != nil { // cross-directory rename within one fs
		t.Skipf("rename across temp dirs: %v", err)
	}
	os.Chtimes(dir, dirSt.ModTime(), dirSt.ModTime()) // hide it from the directory check
	got := poll(t, tl)
	if tl.QuickPolls() != before+1 {
		t.Errorf("a replaced file (new inode, same size and time) was answered by the shortcut; got %q", got)
	}
}

func TestNoShortcutAfterAFailedPoll(t *testing.T) {
	dir := t.TempDir()
	live := filepath.Join(dir, "a.log")
	writeFile(t, live, lines("one"))
	if err := os.Chmod(live, 0); err != nil {
		t.Fatal(err)
	}
	age(t, live, dir)
	tl := NewTailer(Source{Name: "t", Globs: []string{filepath.Join(dir, "*.log")}}, nil, nil)
	for range 2 {
		_ = tl.Poll(t.Context(), func(Record) {})
	}
	if os.Getuid() != 0 && tl.QuickPolls() != 0 {
		t.Error("an unreadable log was skipped by the shortcut instead of being reported again")
	}
}

func TestShortcutWithAbsentGlobDirectory(t *testing.T) {
	dir := t.TempDir()
	live := filepath.Join(dir, "a.log")
	writeFile(t, live, lines("one"))
	missing := filepath.Join(dir, "other-version", "logs")
	age(t, live, dir)
	tl := NewTailer(Source{Name: "t", Globs: []string{filepath.Join(dir, "*.log"), filepath.Join(missing, "*.log")}}, nil, nil)
	equal(t, "first", poll(t, tl), []string{"one"})
	equal(t, "unchanged", poll(t, tl), nil)
	if tl.QuickPolls() != 1 {
		t.Fatalf("a missing default directory disabled the shortcut (%d)", tl.QuickPolls())
	}
	// The directory appears with a log in it: the full Poll finds it.
	if err := os.MkdirAll(missing, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(missing, "b.log"), lines("two"))
	age(t, dir, filepath.Join(dir, "other-version"))
	equal(t, "appeared", poll(t, tl), []string{"two"})
}
