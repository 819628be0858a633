package logtail

import (
	"bytes"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/japanese"
)

// xtextCP932 is the reference: the golang.org/x/text decoder the engine used per line
// before the table, with U+FFFD in the output meaning a refused byte.
func xtextCP932(line []byte) (string, bool) {
	out, err := japanese.ShiftJIS.NewDecoder().Bytes(line)
	if err != nil {
		return string(appendValidUTF8(nil, line)), false
	}
	return string(out), !bytes.ContainsRune(out, utf8.RuneError)
}

var cp932Cases = []struct {
	name string
	line []byte
	want string
	ok   bool
}{
	// sources.md S1 (ja-JP MA 4.x log line) encoded in CP932.
	{"ascii", []byte("2011-05-10 13:14:15.123 (1234.5678) masvc.Info: ok"), "2011-05-10 13:14:15.123 (1234.5678) masvc.Info: ok", true},
	{"hiragana", []byte("\x82\xa0\x82\xa2"), "あい", true},
	{"mixed", []byte("Agent: \x83G\x81[\x83W\x83F\x83\x93\x83g end"), "Agent: エージェント end", true},
	{"halfwidth katakana", []byte("\xb1\xb2"), "ｱｲ", true},
	{"NEC special row", []byte("\x87\x40"), "①", true},
	{"IBM extension", []byte("\xfa\x40"), "ⅰ", true},
	{"0x80", []byte("\x80"), "\u0080", true},
	{"lead at end", []byte("a\x83"), "a\uFFFD", false},
	{"lead then space", []byte("\x83 "), "\uFFFD ", false},
	{"lead then ASCII letter is a pair", []byte("\x83a"), "ヂ", true},
	{"lead then DEL", []byte("\x83\x7f"), "\uFFFD\x7f", false},
	{"trail out of range", []byte("\x83\xfdz"), "\uFFFDz", false},
	{"unassigned pair", []byte("\x85\x40"), "\uFFFD", false},
	{"lone 0xA0", []byte("\xa0x"), "\uFFFDx", false},
	{"0xFF", []byte("\xff"), "\uFFFD", false},
}

func TestAppendCP932(t *testing.T) {
	for _, tc := range cp932Cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := appendCP932([]byte("prefix|"), tc.line)
			if string(got) != "prefix|"+tc.want || ok != tc.ok {
				t.Errorf("appendCP932(%q) = %q, %v; want %q, %v", tc.line, got, ok, "prefix|"+tc.want, tc.ok)
			}
			ref, refOK := xtextCP932(tc.line)
			if ref != tc.want || refOK != tc.ok {
				t.Errorf("x/text decodes %q as %q, %v; the table case says %q, %v", tc.line, ref, refOK, tc.want, tc.ok)
			}
		})
	}
}

// TestCP932EveryPair decodes every lead/trail pair (and each lead before an ASCII byte)
// and compares with golang.org/x/text.
func TestCP932EveryPair(t *testing.T) {
	for lead := 0x80; lead <= 0xFF; lead++ {
		for trail := 0; trail <= 0xFF; trail++ {
			line := []byte{byte(lead), byte(trail), 'z'}
			got, ok := appendCP932(nil, line)
			want, wantOK := xtextCP932(line)
			if string(got) != want || ok != wantOK {
				t.Fatalf("% x: got %q, %v; x/text %q, %v", line, got, ok, want, wantOK)
			}
		}
	}
}

func FuzzCP932MatchesXText(f *testing.F) {
	for _, tc := range cp932Cases {
		f.Add(tc.line)
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		got, ok := appendCP932(nil, line)
		want, wantOK := xtextCP932(line)
		if string(got) != want || ok != wantOK {
			t.Fatalf("%q: got %q, %v; x/text %q, %v", line, got, ok, want, wantOK)
		}
		if !utf8.Valid(got) {
			t.Fatalf("%q: invalid UTF-8 output %q", line, got)
		}
	})
}
