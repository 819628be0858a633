package logtail

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

func fuzzSeeds(f *testing.F, add func(b []byte)) {
	for _, l := range append(append([]string{}, upgradeTipsLines...), kbMasvcLines...) {
		add([]byte(l + "\r\n"))
	}
	add([]byte(strings.Join(upgradeTipsLines, "\n")))
	add([]byte("\xEF\xBB\xBFline\n\xFF\xFEu\x00\n\x00"))
	add([]byte{0xFF, 0xFE, 'a', 0, '\n', 0, 0x3D, 0xD8, '\n', 0})
	add([]byte("\x82\xa0\x82\xa2\n\x83\n"))
}

// FuzzPollSplit checks that reading a log in two Polls, cut anywhere, yields exactly the
// records of reading it in one: the invariant behind "no lost or doubled lines".
func FuzzPollSplit(f *testing.F) {
	fuzzSeeds(f, func(b []byte) { f.Add(b, uint16(len(b)/2), "utf-8") })
	f.Add([]byte(strings.Repeat("x", 40)+"\nshort\n"), uint16(20), "auto")
	f.Add([]byte("a\r\nb\n"), uint16(2), "shift_jis")
	f.Add([]byte{'a', 0, '\n', 0, 'b', 0, '\n', 0}, uint16(3), "utf-16le")
	f.Fuzz(func(t *testing.T, data []byte, cut uint16, enc string) {
		if len(data) > 1<<14 {
			return
		}
		if norm, err := normalizeEncoding(enc); err != nil || norm == encAuto {
			// auto may legitimately decide differently on a shorter head (spellings
			// such as " AUTO\n" normalise to auto too).
			enc = "utf-8"
		}
		c := min(int(cut), len(data))
		read := func(parts ...[]byte) []Record {
			dir := t.TempDir()
			path := filepath.Join(dir, "a.log")
			tl := NewTailer(Source{Name: "f", Globs: []string{path}, Encoding: enc, MaxLineBytes: 16}, nil, nil)
			var out []Record
			for _, p := range parts {
				fh, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
				if err != nil {
					t.Fatal(err)
				}
				fh.Write(p)
				fh.Close()
				if err := tl.Poll(context.Background(), func(r Record) { out = append(out, r) }); err != nil {
					t.Fatal(err)
				}
			}
			cnt := tl.Counts()
			if cnt.Records != uint64(len(out)) || cnt.Lines < cnt.Records {
				t.Fatalf("counts %+v for %d records", cnt, len(out))
			}
			return out
		}
		whole := read(data)
		split := read(data[:c], data[c:])
		if len(whole) != len(split) {
			t.Fatalf("one poll gave %d records, two polls %d\n%+v\n%+v", len(whole), len(split), whole, split)
		}
		for i := range whole {
			if whole[i] != split[i] {
				t.Fatalf("record %d differs: %+v vs %+v", i, whole[i], split[i])
			}
			r := whole[i]
			if !utf8.ValidString(r.Text) {
				t.Fatalf("record %d not UTF-8: %q", i, r.Text)
			}
			// 16 raw bytes decode to at most 48 UTF-8 bytes (CP932 half-width kana).
			if len(r.Text) > 3*16*2 {
				t.Fatalf("record %d longer than the cap: %d bytes", i, len(r.Text))
			}
			if strings.ContainsAny(r.Text, "\n") {
				t.Fatalf("record %d holds a newline without IsRecordStart: %q", i, r.Text)
			}
		}
	})
}

// FuzzDecode checks detection and every decoder on arbitrary bytes: no panic, output is
// UTF-8, and bytes that are valid in the encoding are reported as decodable.
func FuzzDecode(f *testing.F) {
	fuzzSeeds(f, func(b []byte) { f.Add(b) })
	f.Fuzz(func(t *testing.T, line []byte) {
		detected := detectEncoding(line)
		for _, enc := range []string{detected, encUTF8, encASCII, encShiftJIS, encUTF16LE, encUTF16BE} {
			var d lineDecoder
			e := enc
			text, ok := d.decode(line, &e, true)
			if !utf8.ValidString(text) {
				t.Fatalf("%s: output not UTF-8: %q", enc, text)
			}
			if (enc == encUTF8 || enc == encASCII) && utf8.Valid(line) && (!ok || text != string(line)) {
				t.Fatalf("%s: valid UTF-8 altered: %q -> %q", enc, line, text)
			}
			if i := indexNewline(line, enc); i >= 0 && (i >= len(line) || i%codeUnit(enc) != 0) {
				t.Fatalf("%s: newline index %d misaligned in %d bytes", enc, i, len(line))
			}
			for _, max := range []int{0, 1, 2, 3, 7} {
				if cut := cutLine(line, max, enc); len(cut) > max || len(cut) > len(line) {
					t.Fatalf("%s: cutLine(%d) gave %d bytes", enc, max, len(cut))
				}
			}
		}
	})
}

// decode returns the UTF-8 text of line and whether every byte decoded.
func (d *lineDecoder) decode(line []byte, enc *string, auto bool) (string, bool) {
	out, ok := d.appendDecoded(nil, line, enc, auto)
	return string(out), ok
}
