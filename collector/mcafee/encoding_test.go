package mcafee

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/unicode"
)

// The encoding of Japanese agent logs is unverified (sources.md S13), so the same log is kept
// as UTF-8, Shift_JIS (CP932 hosts) and UTF-16LE with BOM. Regenerate the encoded copies
// deliberately with: go test ./collector/mcafee -run TestEncodedFixtures -update-encoded
var updateEncoded = flag.Bool("update-encoded", false, "rewrite the Shift_JIS and UTF-16LE fixtures from the UTF-8 one")

var encodedFixtures = []struct {
	file string
	enc  encoding.Encoding
}{
	{"ma4_ja_keyupdate.sjis.log", japanese.ShiftJIS},
	{"ma4_ja_keyupdate.utf16le.log", unicode.UTF16(unicode.LittleEndian, unicode.UseBOM)},
}

func TestEncodedFixtures(t *testing.T) {
	utf8Text, err := os.ReadFile(filepath.Join("testdata", "ma4_ja_keyupdate.log"))
	if err != nil {
		t.Fatal(err)
	}
	want := eventsOf(t, string(utf8Text))
	if len(want) == 0 {
		t.Fatal("the UTF-8 fixture classifies to no event")
	}
	for _, fx := range encodedFixtures {
		t.Run(fx.file, func(t *testing.T) {
			path := filepath.Join("testdata", fx.file)
			if *updateEncoded {
				encoded, err := fx.enc.NewEncoder().Bytes(utf8Text)
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, encoded, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Equal(raw, utf8Text) {
				t.Fatal("encoded fixture is byte-identical to the UTF-8 one")
			}
			decoded, err := fx.enc.NewDecoder().Bytes(raw)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(decoded, utf8Text) {
				t.Fatal("decoded fixture differs from the UTF-8 one")
			}
			got := eventsOf(t, string(decoded))
			if strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("events %v, want %v", got, want)
			}
		})
	}
}

func eventsOf(t *testing.T, text string) []string {
	t.Helper()
	var events []string
	for _, line := range strings.Split(text, "\n") {
		l, ok := ParseAgentLine(line, tokyo)
		if !ok {
			continue
		}
		if ev, ok := EventFromLine(DefaultAgentClassifier(), l); ok {
			events = append(events, ev.Event)
		}
	}
	return events
}
