package logtail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/unicode"
)

// Verbatim lines: MA 4.x from sources.md S1 (Japanese locale, KB-copied Agent_<host>.log),
// MA 5.x from KB90603/KB96023 (sources.md S13).
var (
	upgradeTipsLines = []string{
		"2014-04-24 19:35:03.473   i #1920    Agent    ASCI の実行を開始しました。",
		"2014-04-24 19:35:04.239   i #1968    Agent    エージェントが通信セッションを開始しました。",
		"2014-04-24 19:35:04.239   i #1968    Agent    ePOサーバーに PROPS VERSION パッケージを送信しています。",
		"2014-04-24 19:35:04.286    I #1968    naInet   ePO server reports access denied;agent to update keys",
		"2014-04-24 19:35:04.286    E #1968   imsite      NaInet library returned code == -96",
	}
	kbMasvcLines = []string{
		"masvc(1228.1240) property.Info: Agent started performing ASCI",
		"masvc(1228.1240) property.Info: Agent is sending PROPS VERSION package to McAfee ePO server",
		"masvc(5456.5908) network.Notice: URL(https://0.0.0.0:443/policy/po.2103.ed16b6732eab48377ea8d18651a1fcea8511a0e0cb161axxxxxx) request failed with curl error <56>, response code <200>, http connect code 0",
	}
)

type collected struct {
	recs []Record
}

func (c *collected) add(r Record) { c.recs = append(c.recs, r) }

func (c *collected) texts() []string {
	out := make([]string, len(c.recs))
	for i, r := range c.recs {
		out[i] = r.Text
	}
	return out
}

func poll(t *testing.T, tl *Tailer) []string {
	t.Helper()
	var c collected
	if err := tl.Poll(context.Background(), c.add); err != nil {
		t.Fatalf("Poll: %v", err)
	}
	return c.texts()
}

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func appendFile(t *testing.T, path string, b []byte) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(b); err != nil {
		t.Fatal(err)
	}
	f.Close()
}

func lines(ls ...string) []byte { return []byte(strings.Join(ls, "\n") + "\n") }

func equal(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\x00") != strings.Join(want, "\x00") {
		t.Errorf("%s:\n got  %q\n want %q", what, got, want)
	}
}

func TestPollIncrementalPartialLineAndCRLF(t *testing.T) {
	dir := t.TempDir()
	live := filepath.Join(dir, "masvc_HOST.log")
	writeFile(t, live, []byte(kbMasvcLines[0]+"\r\n"+kbMasvcLines[1]+"\r\n"+"2026-01-01 partial"))
	tl := NewTailer(Source{Name: "t", Globs: []string{filepath.Join(dir, "masvc_*.log")}}, nil, nil)
	equal(t, "first poll", poll(t, tl), kbMasvcLines[:2])
	equal(t, "nothing new", poll(t, tl), nil)
	appendFile(t, live, []byte(" line\r\n"+kbMasvcLines[2]+"\n"))
	equal(t, "completed", poll(t, tl), []string{"2026-01-01 partial line", kbMasvcLines[2]})
	if c := tl.Counts(); c.Lines != 4 || c.Records != 4 || c.Undecodable != 0 || c.Truncated != 0 {
		t.Errorf("counts %+v", c)
	}
	if tl.FilesSeen() != 1 {
		t.Errorf("FilesSeen = %d", tl.FilesSeen())
	}
}

func TestFilesSeenZeroWithoutLog(t *testing.T) {
	tl := NewTailer(Source{Name: "t", Globs: []string{filepath.Join(t.TempDir(), "*.log")}}, nil, nil)
	equal(t, "no log", poll(t, tl), nil)
	if tl.FilesSeen() != 0 {
		t.Errorf("FilesSeen = %d", tl.FilesSeen())
	}
}

func encodeWith(t *testing.T, enc string, text string) []byte {
	t.Helper()
	switch enc {
	case "utf-8":
		return []byte(text)
	case "utf-8-bom":
		return append([]byte{0xEF, 0xBB, 0xBF}, text...)
	case "shift_jis":
		b, err := japanese.ShiftJIS.NewEncoder().Bytes([]byte(text))
		if err != nil {
			t.Fatal(err)
		}
		return b
	case "utf-16le-bom", "utf-16le", "utf-16be-bom":
		var e = unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM)
		switch enc {
		case "utf-16le-bom":
			e = unicode.UTF16(unicode.LittleEndian, unicode.UseBOM)
		case "utf-16be-bom":
			e = unicode.UTF16(unicode.BigEndian, unicode.UseBOM)
		}
		b, err := e.NewEncoder().Bytes([]byte(text))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	t.Fatalf("unknown encoding %s", enc)
	return nil
}

func TestEncodings(t *testing.T) {
	english := strings.Join(kbMasvcLines, "\r\n") + "\r\n"
	japaneseText := strings.Join(upgradeTipsLines, "\r\n") + "\r\n"
	// A ja-JP log whose first 4 KiB are English: detection sees ASCII, the first
	// Japanese line settles on CP932.
	longASCIIHead := strings.Repeat(kbMasvcLines[0]+"\r\n", 80) + japaneseText
	cases := []struct {
		name, enc, text, override, wantEnc string
	}{
		{"utf-8", "utf-8", japaneseText, "", encUTF8},
		{"utf-8 bom", "utf-8-bom", japaneseText, "", encUTF8},
		{"utf-16le bom", "utf-16le-bom", japaneseText, "", encUTF16LE},
		{"utf-16le no bom", "utf-16le", english + japaneseText, "", encUTF16LE},
		{"utf-16be bom", "utf-16be-bom", japaneseText, "", encUTF16BE},
		{"shift_jis", "shift_jis", japaneseText, "", encShiftJIS},
		{"shift_jis after ascii head", "shift_jis", longASCIIHead, "", encShiftJIS},
		{"override shift_jis", "shift_jis", japaneseText, "cp932", encShiftJIS},
		{"override utf-16le", "utf-16le-bom", japaneseText, "utf-16le", encUTF16LE},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, filepath.Join(dir, "Agent_HOST.log"), encodeWith(t, tc.enc, tc.text))
			tl := NewTailer(Source{Name: "t", Globs: []string{filepath.Join(dir, "*.log")}, Encoding: tc.override}, nil, nil)
			want := strings.Split(strings.TrimSuffix(strings.ReplaceAll(tc.text, "\r\n", "\n"), "\n"), "\n")
			equal(t, "records", poll(t, tl), want)
			if c := tl.Counts(); c.Undecodable != 0 {
				t.Errorf("undecodable = %d", c.Undecodable)
			}
			if got := tl.files[0].Encoding; got != tc.wantEnc {
				t.Errorf("encoding = %s, want %s", got, tc.wantEnc)
			}
		})
	}
}

func TestUndecodableCountedNotFatal(t *testing.T) {
	dir := t.TempDir()
	// Valid UTF-8 Japanese first (so the file is UTF-8), then a line with a stray byte.
	writeFile(t, filepath.Join(dir, "a.log"), []byte(upgradeTipsLines[0]+"\nbad \xff\xfe byte\n"+kbMasvcLines[0]+"\n"))
	tl := NewTailer(Source{Name: "t", Globs: []string{filepath.Join(dir, "*.log")}, Encoding: "utf-8"}, nil, nil)
	var c collected
	if err := tl.Poll(context.Background(), c.add); err != nil {
		t.Fatal(err)
	}
	if len(c.recs) != 3 || !c.recs[1].Undecodable || c.recs[0].Undecodable || c.recs[1].Text != "bad \uFFFD byte" {
		t.Fatalf("records %+v", c.recs)
	}
	if got := tl.Counts().Undecodable; got != 1 {
		t.Errorf("undecodable = %d", got)
	}
}

func TestLongLineTruncatedNotBuffered(t *testing.T) {
	dir := t.TempDir()
	live := filepath.Join(dir, "a.log")
	// 10 MiB of one line, arriving over two polls, between two normal lines.
	writeFile(t, live, []byte("before\n"+strings.Repeat("x", 5<<20)))
	tl := NewTailer(Source{Name: "t", Globs: []string{live}, MaxLineBytes: 1000}, nil, nil)
	var c collected
	if err := tl.Poll(context.Background(), c.add); err != nil {
		t.Fatal(err)
	}
	appendFile(t, live, []byte(strings.Repeat("y", 5<<20)+"\nafter\n"))
	if err := tl.Poll(context.Background(), c.add); err != nil {
		t.Fatal(err)
	}
	got := c.texts()
	want := []string{"before", strings.Repeat("x", 1000), "after"}
	equal(t, "records", got, want)
	if !c.recs[1].Truncated {
		t.Error("long line not flagged truncated")
	}
	if cnt := tl.Counts(); cnt.Truncated != 1 || cnt.Lines != 3 {
		t.Errorf("counts %+v", cnt)
	}
	// The 5 MiB line must not leave scratch behind: read buffers go back to a shared
	// pool, decode scratch beyond scratchKeep is dropped after the Poll.
	if cap(tl.arena) > scratchKeep || cap(tl.spans) > scratchKeep/16 || cap(tl.texts) > scratchKeep/16 {
		t.Errorf("scratch kept after the poll: arena %d, spans %d, texts %d", cap(tl.arena), cap(tl.spans), cap(tl.texts))
	}
	// A pooled buffer may be another Tailer's (64 KiB lines), never one sized by the line.
	if b := borrowReadBuffer(1000 + readChunk); cap(*b) >= 5<<20 {
		t.Errorf("read buffer grew to %d bytes", cap(*b))
	}
}

func TestContinuationLinesJoined(t *testing.T) {
	dir := t.TempDir()
	live := filepath.Join(dir, "qualys-cloud-agent.log")
	isStart := func(l string) bool { return len(l) >= 4 && l[0] >= '0' && l[0] <= '9' }
	// Layout of sources.md S9; the message texts are the third-party
	// heuristics named there (no verbatim Qualys line is public).
	writeFile(t, live, lines(
		"2026-03-01 10:00:00.123 [qualys-cloud-agent][1234]:[Information]:CAPI request payload:",
		"{",
		`  "hostname": "h1"`,
		"}",
		"2026-03-01 10:00:01.000 [qualys-cloud-agent][1234]:[Information]:CAPI event successfully completed",
	))
	tl := NewTailer(Source{Name: "t", Globs: []string{live}, IsRecordStart: isStart}, nil, nil)
	equal(t, "records", poll(t, tl), []string{
		"2026-03-01 10:00:00.123 [qualys-cloud-agent][1234]:[Information]:CAPI request payload:\n{\n  \"hostname\": \"h1\"\n}",
		"2026-03-01 10:00:01.000 [qualys-cloud-agent][1234]:[Information]:CAPI event successfully completed",
	})
	if c := tl.Counts(); c.Lines != 5 || c.Records != 2 {
		t.Errorf("counts %+v", c)
	}
}

func seqLines(from, to int) []byte {
	var b bytes.Buffer
	for i := from; i < to; i++ {
		fmt.Fprintf(&b, "2026-01-02 03:04:05.678 masvc(1.2) property.Info: seq %08d\n", i)
	}
	return b.Bytes()
}

func seqOf(t *testing.T, texts []string) []int {
	t.Helper()
	out := make([]int, 0, len(texts))
	for _, s := range texts {
		i := strings.LastIndex(s, "seq ")
		if i < 0 {
			t.Fatalf("line without sequence number: %q", s)
		}
		n, err := strconv.Atoi(s[i+4:])
		if err != nil {
			t.Fatalf("bad sequence in %q", s)
		}
		out = append(out, n)
	}
	return out
}

func wantSeq(t *testing.T, what string, got []int, from, to int) {
	t.Helper()
	if len(got) != to-from {
		t.Fatalf("%s: got %d lines %v, want %d..%d", what, len(got), got, from, to-1)
	}
	for i, n := range got {
		if n != from+i {
			t.Fatalf("%s: line %d is seq %d, want %d (got %v)", what, i, n, from+i, got)
		}
	}
}

// TestRotationMatrix walks each way an agent replaces its log, one step at a time.
func TestRotationMatrix(t *testing.T) {
	type step func(t *testing.T, dir, live string)
	rename := func(to string) step {
		return func(t *testing.T, dir, live string) {
			if err := os.Rename(live, filepath.Join(dir, to)); err != nil {
				t.Fatal(err)
			}
		}
	}
	copyTruncate := func(to string) step {
		return func(t *testing.T, dir, live string) {
			b, err := os.ReadFile(live)
			if err != nil {
				t.Fatal(err)
			}
			writeFile(t, filepath.Join(dir, to), b)
			if err := os.Truncate(live, 0); err != nil {
				t.Fatal(err)
			}
		}
	}
	remove := func(t *testing.T, dir, live string) {
		if err := os.Remove(live); err != nil {
			t.Fatal(err)
		}
	}
	truncate := func(t *testing.T, dir, live string) {
		if err := os.Truncate(live, 0); err != nil {
			t.Fatal(err)
		}
	}
	// replaceWithCopy rewrites the log through a temporary file and a rename, keeping
	// its content: a new identity with the old head.
	replaceWithCopy := func(t *testing.T, dir, live string) {
		b, err := os.ReadFile(live)
		if err != nil {
			t.Fatal(err)
		}
		tmp := filepath.Join(dir, "tmp.new")
		writeFile(t, tmp, b)
		if err := os.Rename(tmp, live); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		name  string
		globs []string
		// unread is appended before the change (must be delivered once), fresh after it.
		change step
		// lostUnread: the change destroys the unread tail (deletion, truncation), so it
		// cannot be delivered; nothing may be delivered twice either way.
		lostUnread bool
	}{
		{"rename to _backup_1 (MA 5.x)", []string{"masvc_HOST*.log"}, rename("masvc_HOST_backup_1.log"), false},
		{"rename to .0 (Qualys/Poco)", []string{"masvc_HOST.log", "masvc_HOST.log.*"}, rename("masvc_HOST.log.0"), false},
		{"copy-truncate", []string{"masvc_HOST*.log"}, copyTruncate("masvc_HOST_backup_1.log"), false},
		{"replace with copy", []string{"masvc_HOST*.log"}, replaceWithCopy, false},
		{"delete and re-create", []string{"masvc_HOST*.log"}, remove, true},
		{"truncate in place", []string{"masvc_HOST*.log"}, truncate, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			live := filepath.Join(dir, "masvc_HOST.log")
			var globs []string
			for _, g := range tc.globs {
				globs = append(globs, filepath.Join(dir, g))
			}
			tl := NewTailer(Source{Name: "t", Globs: globs}, nil, nil)
			writeFile(t, live, seqLines(0, 10))
			wantSeq(t, "initial", seqOf(t, poll(t, tl)), 0, 10)
			appendFile(t, live, seqLines(10, 15))
			tc.change(t, dir, live)
			appendFile(t, live, seqLines(15, 20))
			got := seqOf(t, poll(t, tl))
			if tc.lostUnread {
				wantSeq(t, "after change", got, 15, 20)
			} else {
				wantSeq(t, "after change", got, 10, 20)
			}
			appendFile(t, live, seqLines(20, 25))
			wantSeq(t, "steady", seqOf(t, poll(t, tl)), 20, 25)
		})
	}
}

// TestRotationWithConcurrentWriter runs a writer goroutine that appends numbered lines
// and rotates while the reader polls; every number must arrive exactly once.
func TestRotationWithConcurrentWriter(t *testing.T) {
	for _, mode := range []string{"rename-shift", "copytruncate", "backup-replace"} {
		t.Run(mode, func(t *testing.T) {
			dir := t.TempDir()
			live := filepath.Join(dir, "qualys-cloud-agent.log")
			tl := NewTailer(Source{Name: "t", Globs: []string{live, live + ".*"}}, nil, testLogger(t))
			const total, perFile = 6000, 250
			done := make(chan error, 1)
			go func() { done <- rotatingWriter(live, mode, total, perFile) }()
			var got []int
			for finished := false; !finished; {
				select {
				case err := <-done:
					if err != nil {
						t.Fatal(err)
					}
					finished = true
				default:
				}
				var c collected
				if err := tl.Poll(context.Background(), c.add); err != nil {
					t.Fatal(err)
				}
				if os.Getenv("LOGTAIL_DEBUG") != "" {
					for _, r := range c.recs {
						fmt.Fprintln(os.Stderr, "got", r.File, r.Text[len(r.Text)-8:])
					}
				}
				got = append(got, seqOf(t, c.texts())...)
			}
			got = append(got, seqOf(t, poll(t, tl))...)
			seen := make([]int, total)
			for _, n := range got {
				if n < 0 || n >= total {
					t.Fatalf("seq %d out of range", n)
				}
				seen[n]++
			}
			for n, c := range seen {
				if c != 1 {
					t.Fatalf("seq %d delivered %d times (%d lines delivered)", n, c, len(got))
				}
			}
		})
	}
}

// rotatingWriter appends total numbered lines to live, rotating every perFile lines.
//
//	rename-shift:   live -> .0 after shifting .k -> .k+1 (Poco "number" archives)
//	copytruncate:   copy live -> .k, truncate live (logrotate copytruncate)
//	backup-replace: rename live -> .k, create a new live (MA 5.x _backup_N style)
func rotatingWriter(live, mode string, total, perFile int) error {
	open := func() (*os.File, error) {
		return os.OpenFile(live, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	}
	f, err := open()
	if err != nil {
		return err
	}
	defer func() { f.Close() }()
	rotations := 0
	for i := 0; i < total; i++ {
		if i > 0 && i%perFile == 0 {
			rotations++
			// The writer closes before it renames, as a Windows agent must: Go opens files
			// without FILE_SHARE_DELETE, so Windows refuses to rename one still open.
			if mode != "copytruncate" {
				f.Close()
			}
			switch mode {
			case "rename-shift":
				for k := rotations - 1; k >= 0; k-- {
					if err := os.Rename(fmt.Sprintf("%s.%d", live, k), fmt.Sprintf("%s.%d", live, k+1)); err != nil && !errors.Is(err, os.ErrNotExist) {
						return err
					}
				}
				if err := os.Rename(live, live+".0"); err != nil {
					return err
				}
				if f, err = open(); err != nil {
					return err
				}
			case "copytruncate":
				src, err := os.Open(live)
				if err != nil {
					return err
				}
				dst, err := os.Create(fmt.Sprintf("%s.%d", live, rotations))
				if err != nil {
					return err
				}
				if _, err := io.Copy(dst, src); err != nil {
					return err
				}
				src.Close()
				dst.Close()
				if err := f.Truncate(0); err != nil {
					return err
				}
			case "backup-replace":
				if err := os.Rename(live, fmt.Sprintf("%s.%d", live, rotations)); err != nil {
					return err
				}
				if f, err = open(); err != nil {
					return err
				}
			}
		}
		if _, err := f.Write(seqLines(i, i+1)); err != nil {
			return err
		}
	}
	return nil
}

func testLogger(t *testing.T) *slog.Logger {
	if os.Getenv("LOGTAIL_DEBUG") == "" {
		return nil
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func TestRestartDoesNotRecount(t *testing.T) {
	dir := t.TempDir()
	stateDir := filepath.Join(dir, "state")
	live := filepath.Join(dir, "masvc_HOST.log")
	src := Source{Name: "mcafee_masvc", Globs: []string{live}}
	type derived struct{ LastSeq int }

	writeFile(t, live, seqLines(0, 10))
	tl := NewTailer(src, OpenStore(stateDir, nil), nil)
	var d derived
	if tl.Derived(&d) {
		t.Fatal("derived state before any commit")
	}
	got := seqOf(t, poll(t, tl))
	wantSeq(t, "first", got, 0, 10)
	if err := tl.Commit(derived{LastSeq: got[len(got)-1]}); err != nil {
		t.Fatal(err)
	}
	// Read but not committed: a restart re-delivers these, consistent with the derived state.
	appendFile(t, live, seqLines(10, 12))
	wantSeq(t, "uncommitted", seqOf(t, poll(t, tl)), 10, 12)

	// "Restart": a new store and tailer over the same directory.
	tl2 := NewTailer(src, OpenStore(stateDir, nil), nil)
	if !tl2.Derived(&d) || d.LastSeq != 9 {
		t.Fatalf("derived after restart = %+v", d)
	}
	appendFile(t, live, seqLines(12, 15))
	wantSeq(t, "after restart", seqOf(t, poll(t, tl2)), 10, 15)
	if err := tl2.Commit(derived{LastSeq: 14}); err != nil {
		t.Fatal(err)
	}
	tl3 := NewTailer(src, OpenStore(stateDir, nil), nil)
	equal(t, "after second restart", poll(t, tl3), nil)
	entries, _ := os.ReadDir(stateDir)
	if len(entries) != 1 {
		t.Errorf("state dir holds %d entries, want just the state file", len(entries))
	}
}

func TestCorruptStateRecoveredWithBoundedBackfill(t *testing.T) {
	dir := t.TempDir()
	stateDir := filepath.Join(dir, "state")
	live := filepath.Join(dir, "masvc_HOST.log")
	body := seqLines(0, 1000)
	writeFile(t, live, body)
	lineLen := len(body) / 1000
	src := Source{Name: "mcafee_masvc", Globs: []string{live}, BackfillBytes: int64(10*lineLen + 5)}
	for _, garbage := range []string{"{not json", `{"version":99,"source":"mcafee_masvc"}`, `{"version":1,"source":"other"}`, ""} {
		if err := os.MkdirAll(stateDir, 0o755); err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(stateDir, stateFileName(src.Name)), []byte(garbage))
		tl := NewTailer(src, OpenStore(stateDir, nil), nil)
		// The bound falls 5 bytes into line 989: that partial line is skipped.
		wantSeq(t, "backfill after "+garbage, seqOf(t, poll(t, tl)), 990, 1000)
		if err := tl.Commit(nil); err != nil {
			t.Fatal(err)
		}
	}
}

func TestBackfillOnBoundaryKeepsFirstLine(t *testing.T) {
	dir := t.TempDir()
	live := filepath.Join(dir, "a.log")
	body := seqLines(0, 100)
	writeFile(t, live, body)
	lineLen := len(body) / 100
	tl := NewTailer(Source{Name: "t", Globs: []string{live}, BackfillBytes: int64(3 * lineLen)}, nil, nil)
	wantSeq(t, "backfill", seqOf(t, poll(t, tl)), 97, 100)
}

func TestUnusableStateDirFallsBackToMemory(t *testing.T) {
	dir := t.TempDir()
	blocker := filepath.Join(dir, "file")
	writeFile(t, blocker, []byte("x"))
	s := OpenStore(filepath.Join(blocker, "state"), nil)
	if s.Dir() != "" {
		t.Fatalf("Dir = %q, want in-memory", s.Dir())
	}
	live := filepath.Join(dir, "a.log")
	writeFile(t, live, seqLines(0, 3))
	tl := NewTailer(Source{Name: "t", Globs: []string{live}}, s, nil)
	poll(t, tl)
	if err := tl.Commit(map[string]int{"n": 3}); err != nil {
		t.Fatal(err)
	}
	tl2 := NewTailer(Source{Name: "t", Globs: []string{live}}, s, nil)
	var d map[string]int
	if !tl2.Derived(&d) || d["n"] != 3 {
		t.Errorf("in-memory derived = %v", d)
	}
	equal(t, "in-memory offsets", poll(t, tl2), nil)
}

func TestPollReportsErrorsButDeliversOtherFiles(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.log"), lines(kbMasvcLines[0]))
	tl := NewTailer(Source{Name: "t", Globs: []string{filepath.Join(dir, "*.log"), "[bad"}}, nil, nil)
	var c collected
	err := tl.Poll(context.Background(), c.add)
	if err == nil || len(c.recs) != 1 {
		t.Fatalf("err %v, records %d", err, len(c.recs))
	}
}

// A scrape that read nothing new must not rewrite (and fsync) the state file: on a busy
// endpoint that is a disk write per scrape per log family for nothing.
func TestCommitSkipsUnchangedState(t *testing.T) {
	dir := t.TempDir()
	stateDir := t.TempDir()
	log := filepath.Join(dir, "masvc_host.log")
	writeFile(t, log, lines("2026-11-20 10:00:00.000 (1.1) a.Info: one"))
	store := OpenStore(stateDir, nil)
	tl := NewTailer(Source{Name: "skip", Globs: []string{log}}, store, nil)
	poll(t, tl)
	if err := tl.Commit(map[string]int{"n": 1}); err != nil {
		t.Fatal(err)
	}
	stateFile := filepath.Join(stateDir, stateFileName("skip"))
	if err := os.Remove(stateFile); err != nil {
		t.Fatalf("state not written by the first Commit: %v", err)
	}
	poll(t, tl)
	if err := tl.Commit(map[string]int{"n": 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stateFile); err == nil {
		t.Fatal("an unchanged state was written again")
	}
	appendFile(t, log, lines("2026-11-20 10:00:01.000 (1.1) a.Info: two"))
	poll(t, tl)
	if err := tl.Commit(map[string]int{"n": 2}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stateFile); err != nil {
		t.Fatalf("a changed state was not written: %v", err)
	}
}

// Either half changing is a change: new offsets with the same derived state, and a new
// derived state (a collector pruning by time) with the same offsets, are both written.
func TestCommitWritesEitherChange(t *testing.T) {
	dir := t.TempDir()
	stateDir := t.TempDir()
	log := filepath.Join(dir, "masvc_host.log")
	writeFile(t, log, lines("2026-11-20 10:00:00.000 (1.1) a.Info: one"))
	tl := NewTailer(Source{Name: "either", Globs: []string{log}}, OpenStore(stateDir, nil), nil)
	stateFile := filepath.Join(stateDir, stateFileName("either"))
	commit := func(what string, v any, wantWrite bool) {
		t.Helper()
		os.Remove(stateFile)
		if err := tl.Commit(v); err != nil {
			t.Fatal(err)
		}
		_, err := os.Stat(stateFile)
		if written := err == nil; written != wantWrite {
			t.Errorf("%s: written %v, want %v", what, written, wantWrite)
		}
	}
	poll(t, tl)
	commit("first", map[string]int{"n": 1}, true)
	appendFile(t, log, lines("2026-11-20 10:00:01.000 (1.1) a.Info: two"))
	poll(t, tl)
	commit("offsets moved, same derived state", map[string]int{"n": 1}, true)
	poll(t, tl)
	commit("nothing new", map[string]int{"n": 1}, false)
	commit("derived state changed, same offsets", map[string]int{"n": 0}, true)
	// What was written is what a restart loads.
	var got map[string]int
	if !NewTailer(Source{Name: "either", Globs: []string{log}}, OpenStore(stateDir, nil), nil).Derived(&got) || got["n"] != 0 {
		t.Errorf("restart loads %v, want n=0", got)
	}
}
