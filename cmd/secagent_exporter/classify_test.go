package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// classify on the Shift_JIS MA 4.x log of sources.md S1: the report (encoding, events,
// ASCI outcome, masked unclassified shapes) and the messages-file skeleton are compared
// with a reviewed golden; `go test -run TestClassifyGolden -update` rewrites it.
func TestClassifyGolden(t *testing.T) {
	log := filepath.Join("..", "..", "collector", "mcafee", "testdata", "ma4_ja_keyupdate.sjis.log")
	state := t.TempDir()
	cmd := exec.Command(exporterBinary, "classify", "--collector=mcafee", "--collector.timezone=Asia/Tokyo",
		"--state.dir="+state, "--emit-messages-file=-", log)
	cmd.Env = append(os.Environ(), "TZ=UTC")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("classify: %v\n%s", err, out)
	}
	golden := filepath.Join("testdata", "classify-sjis.golden")
	if *updateGolden {
		if err := os.WriteFile(golden, out, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != string(want) {
		t.Errorf("classify output differs from %s (run with -update after review):\n%s", golden, out)
	}
	for _, s := range []string{"encoding: shift_jis", "key_update_required", "last failure reason:         key_update", "ePOサーバーに接続しています。"} {
		if !strings.Contains(string(out), s) {
			t.Errorf("output lacks %q", s)
		}
	}
	// No state is touched.
	if entries, _ := os.ReadDir(state); len(entries) != 0 {
		t.Errorf("classify wrote state: %v", entries)
	}
}

func TestClassifyErrors(t *testing.T) {
	log := filepath.Join("..", "..", "collector", "mcafee", "testdata", "ma4_ja_keyupdate.sjis.log")
	bad := filepath.Join(fixturesDir(t), "messages", "mcafee-unknown-event.yml")
	out, err := execExporter("classify", "--collector=mcafee", "--messages-file="+bad, log)
	if err == nil || !strings.Contains(out, `row 1 (id "typo"): unknown event`) {
		t.Errorf("bad messages-file: err=%v\n%s", err, out)
	}
	if out, err := execExporter("classify", "--collector=cisco", log); err == nil {
		t.Errorf("unknown collector accepted:\n%s", out)
	}
}
