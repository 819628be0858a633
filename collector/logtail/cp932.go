package logtail

import (
	"encoding/binary"
	"sync"
	"unicode/utf8"

	"golang.org/x/text/encoding/japanese"
)

// ja-JP McAfee Agent 4.x logs are CP932 with mostly ASCII lines and a few Japanese
// phrases. Decoding each such line through a golang.org/x/text transformer, then
// scanning the result for U+FFFD, cost a third of grep's speed on a cold backfill
// (docs/performance.md). The table below holds the UTF-8 form of every double-byte
// code so a line decodes in one pass that also knows whether a byte was refused.
// The table is filled from golang.org/x/text's decoder, so both agree on every code;
// FuzzCP932MatchesXText checks the agreement on arbitrary input.

const (
	cp932TrailLo = 0x40
	cp932TrailHi = 0xFC
	cp932Trails  = cp932TrailHi - cp932TrailLo + 1
	cp932Leads   = (0x9F - 0x81 + 1) + (0xFC - 0xE0 + 1)
)

var (
	cp932Once  sync.Once
	cp932Table []uint16 // rune of lead/trail; 0 = not assigned (U+FFFD, both bytes consumed)
)

func cp932LeadIndex(c byte) int {
	if c <= 0x9F {
		return int(c - 0x81)
	}
	return int(c-0xE0) + (0x9F - 0x81 + 1)
}

func isCP932Lead(c byte) bool { return (c >= 0x81 && c <= 0x9F) || (c >= 0xE0 && c <= 0xFC) }

func loadCP932() {
	cp932Once.Do(func() {
		table := make([]uint16, cp932Leads*cp932Trails)
		dec := japanese.ShiftJIS.NewDecoder()
		var out [8]byte
		for lead := 0x81; lead <= 0xFC; lead++ {
			if !isCP932Lead(byte(lead)) {
				continue
			}
			for trail := cp932TrailLo; trail <= cp932TrailHi; trail++ {
				if trail == 0x7F {
					continue // DEL is never a trail byte: the lead alone is refused
				}
				dec.Reset()
				n, consumed, err := dec.Transform(out[:], []byte{byte(lead), byte(trail)}, true)
				if err != nil || consumed != 2 {
					continue
				}
				r, size := utf8.DecodeRune(out[:n])
				if size != n || r == utf8.RuneError || r > 0xFFFF {
					continue
				}
				table[cp932LeadIndex(byte(lead))*cp932Trails+trail-cp932TrailLo] = uint16(r)
			}
		}
		cp932Table = table
	})
}

// appendCP932 appends the UTF-8 text of a CP932 line to dst and reports whether every
// byte decoded; refused bytes become U+FFFD exactly as golang.org/x/text does it (a lead
// before a byte below 0x40, DEL or the line end is refused alone, so the next byte is
// still read as itself; an unassigned pair becomes one U+FFFD).
func appendCP932(dst, line []byte) ([]byte, bool) {
	loadCP932()
	ok := true
	dst = growBytes(dst, len(line)+len(line)/2+8)
	for i := 0; i < len(line); {
		c := line[i]
		if c < utf8.RuneSelf {
			// Copy the ASCII run in one append, eight bytes at a time.
			j := i + 1
			for j+8 <= len(line) && binary.LittleEndian.Uint64(line[j:])&0x8080808080808080 == 0 {
				j += 8
			}
			for j < len(line) && line[j] < utf8.RuneSelf {
				j++
			}
			dst = append(dst, line[i:j]...)
			i = j
			continue
		}
		switch {
		case c >= 0xA1 && c <= 0xDF: // half-width katakana
			dst = utf8.AppendRune(dst, rune(c)+(0xFF61-0xA1))
			i++
		case c == 0x80:
			dst = utf8.AppendRune(dst, 0x80)
			i++
		case isCP932Lead(c):
			if i+1 >= len(line) {
				dst = utf8.AppendRune(dst, utf8.RuneError)
				ok = false
				i++
				continue
			}
			t := line[i+1]
			switch {
			case t < cp932TrailLo || t == 0x7F:
				dst = utf8.AppendRune(dst, utf8.RuneError)
				ok = false
				i++
			case t > cp932TrailHi:
				dst = utf8.AppendRune(dst, utf8.RuneError)
				ok = false
				i += 2
			default:
				r := rune(cp932Table[cp932LeadIndex(c)*cp932Trails+int(t)-cp932TrailLo])
				if r == 0 {
					r = utf8.RuneError
					ok = false
				}
				dst = utf8.AppendRune(dst, r)
				i += 2
			}
		default: // 0xA0, 0xFD-0xFF
			dst = utf8.AppendRune(dst, utf8.RuneError)
			ok = false
			i++
		}
	}
	return dst, ok
}

// growBytes makes room for n more bytes without changing len(dst).
func growBytes(dst []byte, n int) []byte {
	if cap(dst)-len(dst) >= n {
		return dst
	}
	grown := make([]byte, len(dst), 2*cap(dst)+n)
	copy(grown, dst)
	return grown
}
