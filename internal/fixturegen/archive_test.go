package fixturegen

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"testing"
)

func roundTrip(t *testing.T, entries []Entry) []Entry {
	t.Helper()
	var buf bytes.Buffer
	if err := Format(&buf, entries); err != nil {
		t.Fatal(err)
	}
	got, err := Parse(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestFormatParseRoundTrip(t *testing.T) {
	in := []Entry{
		{Kind: Dir, Path: "var/empty", Mode: 0o750},
		{Kind: File, Path: "opt/agent/bin/cli", Mode: 0o755, Data: []byte("#!/bin/sh\necho == file 0644 text 3 x\n")},
		{Kind: File, Path: "var/log/utf16.log", Mode: 0o644, Data: []byte{0xff, 0xfe, 'a', 0, '\r', 0, '\n', 0}},
		{Kind: File, Path: "etc/noeol", Mode: 0o600, Data: []byte("no newline")},
		{Kind: File, Path: "etc/empty", Mode: 0o644, Data: []byte{}},
		{Kind: Link, Path: "proc/self", Target: "4242"},
	}
	got := roundTrip(t, in)
	for i := range in {
		if in[i].Data == nil {
			in[i].Data = got[i].Data
		}
	}
	if len(got) != len(in) {
		t.Fatalf("got %d entries, want %d", len(got), len(in))
	}
	for i := range in {
		if !reflect.DeepEqual(got[i].Path, in[i].Path) || got[i].Kind != in[i].Kind ||
			got[i].Mode != in[i].Mode || got[i].Target != in[i].Target || !bytes.Equal(got[i].Data, in[i].Data) {
			t.Errorf("entry %d: got %+v, want %+v", i, got[i], in[i])
		}
	}
}

func TestParseRejects(t *testing.T) {
	for _, s := range []string{
		"garbage\n",
		"== file 0644 text 5 ../escape\nhello\n",
		"== file 0644 text 5 /abs\nhello\n",
		"== file 0644 text 50 short\nhello\n",
		"== file 0644 b64 4 bad\n!!!!\n",
		"== file 0644 rot13 1 x\na\n",
		"== dir 9999 x\n",
		"== what 0644 x\n",
	} {
		if _, err := Parse(bytes.NewReader([]byte(s))); err == nil {
			t.Errorf("Parse(%q): no error", s)
		}
	}
}

func TestExpandOverride(t *testing.T) {
	dir := t.TempDir()
	err := Expand(dir, []Entry{
		{Kind: File, Path: "etc/a", Mode: 0o644, Data: []byte("shared")},
		{Kind: File, Path: "etc/a", Mode: 0o600, Data: []byte("scenario")},
	})
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "etc/a"))
	if err != nil || string(b) != "scenario" {
		t.Fatalf("override: %q %v", b, err)
	}
}

// TestFixtureHostTreesRoundTrip packs every committed fixture host tree,
// writes it as an archive, expands it again and checks that the result is
// identical: content, modes, symlinks and empty directories.
func TestFixtureHostTreesRoundTrip(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("file modes and symlinks")
	}
	hosts, err := filepath.Glob("../../collector/fixtures/hosts/*")
	if err != nil || len(hosts) == 0 {
		t.Fatalf("no fixture hosts: %v", err)
	}
	for _, h := range hosts {
		t.Run(filepath.Base(h), func(t *testing.T) {
			want, err := Pack(h)
			if err != nil {
				t.Fatal(err)
			}
			entries := roundTrip(t, want)
			dir := t.TempDir()
			if err := Expand(dir, entries); err != nil {
				t.Fatal(err)
			}
			got, err := Pack(dir)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Fatalf("got %d entries, want %d", len(got), len(want))
			}
			for i := range want {
				w, g := want[i], got[i]
				if g.Path != w.Path || g.Kind != w.Kind || g.Mode != w.Mode || g.Target != w.Target || !bytes.Equal(g.Data, w.Data) {
					t.Errorf("%s: differs after round trip", w.Path)
				}
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("== dir 0755 a\n== link b c\n== file 0644 text 2 d\nhi\n"))
	f.Add([]byte("== file 0755 b64 4 bin\nAAEC\n"))
	f.Add([]byte("# comment\n\n== file 0644 text 0 e\n\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		entries, err := Parse(bytes.NewReader(b))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := Format(&buf, entries); err != nil {
			// Links with spaces in the target can be parsed but not
			// written; anything else must format.
			for _, e := range entries {
				if e.Kind == Link {
					return
				}
			}
			t.Fatalf("Format: %v", err)
		}
		again, err := Parse(&buf)
		if err != nil {
			t.Fatalf("reparse: %v", err)
		}
		if len(again) != len(entries) {
			t.Fatalf("reparse: %d entries, want %d", len(again), len(entries))
		}
		for i := range entries {
			if !bytes.Equal(again[i].Data, entries[i].Data) || again[i].Path != entries[i].Path {
				t.Fatalf("entry %d changed", i)
			}
		}
	})
}
