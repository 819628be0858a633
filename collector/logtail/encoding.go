package logtail

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Encodings a file can be decoded with. encASCII is internal: auto-detection saw only
// ASCII so far, so the file is read as UTF-8 until a line proves it is UTF-8 (valid
// multi-byte) or Shift_JIS (invalid UTF-8 that decodes cleanly as CP932). ja-JP agents
// log English text for most lines, so the head of a CP932 file is often pure ASCII.
const (
	encAuto     = "auto"
	encUTF8     = "utf-8"
	encUTF16LE  = "utf-16le"
	encUTF16BE  = "utf-16be"
	encShiftJIS = "shift_jis"
	encASCII    = "ascii"
)

// detectSampleBytes is how much of a file's head the encoding detection looks at.
const detectSampleBytes = 4096

// normalizeEncoding maps the names operators write to the internal ones.
func normalizeEncoding(name string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "", "auto":
		return encAuto, nil
	case "utf-8", "utf8":
		return encUTF8, nil
	case "utf-16le", "utf16le", "utf-16", "unicode":
		return encUTF16LE, nil
	case "utf-16be", "utf16be":
		return encUTF16BE, nil
	case "shift_jis", "shift-jis", "sjis", "cp932", "windows-31j", "ms932":
		return encShiftJIS, nil
	}
	return "", fmt.Errorf("unknown encoding %q (want auto, utf-8, utf-16le, utf-16be or shift_jis)", name)
}

// bomLength reports the length of the byte-order mark enc expects at the head, if present.
func bomLength(head []byte, enc string) int {
	switch {
	case (enc == encUTF8 || enc == encASCII || enc == encShiftJIS) && bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		return 3
	case enc == encUTF16LE && bytes.HasPrefix(head, []byte{0xFF, 0xFE}):
		return 2
	case enc == encUTF16BE && bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return 2
	}
	return 0
}

// detectEncoding decides a file's encoding from its head, in this
// order (no public source states the agents' encoding): BOM, then the
// NUL pattern of UTF-16 without BOM, then strict UTF-8, else CP932/Shift_JIS.
func detectEncoding(head []byte) string {
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		return encUTF8
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}):
		return encUTF16LE
	case bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return encUTF16BE
	}
	if len(head) > detectSampleBytes {
		head = head[:detectSampleBytes]
	}
	var nulEven, nulOdd int
	for i, b := range head {
		if b == 0 {
			if i&1 == 0 {
				nulEven++
			} else {
				nulOdd++
			}
		}
	}
	// ASCII text in UTF-16LE has a NUL in every odd byte; Japanese text lowers the share,
	// so a quarter of the code units is enough, provided the other parity is nearly clean.
	units := len(head) / 2
	if units >= 2 {
		if nulOdd*4 >= units && nulEven*8 <= nulOdd {
			return encUTF16LE
		}
		if nulEven*4 >= units && nulOdd*8 <= nulEven {
			return encUTF16BE
		}
	}
	ascii := true
	for _, b := range head {
		if b >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return encASCII
	}
	// The sample may end inside a multi-byte sequence.
	valid := head
	for i := 0; i < utf8.UTFMax-1 && len(valid) > 0 && !utf8.Valid(valid); i++ {
		valid = valid[:len(valid)-1]
	}
	if utf8.Valid(valid) && len(head)-len(valid) < utf8.UTFMax {
		return encUTF8
	}
	return encShiftJIS
}

// codeUnit is the byte width of enc's line terminator.
func codeUnit(enc string) int {
	if enc == encUTF16LE || enc == encUTF16BE {
		return 2
	}
	return 1
}

// indexNewline finds the first LF in b, which starts at a code-unit boundary. For the
// byte encodings this is a plain IndexByte: no Shift_JIS trail byte is below 0x40.
func indexNewline(b []byte, enc string) int {
	switch enc {
	case encUTF16LE, encUTF16BE:
		want := 0 // index of the 0x0A byte within the unit
		if enc == encUTF16BE {
			want = 1
		}
		for j := 0; j+1 < len(b); {
			i := bytes.IndexByte(b[j:], '\n')
			if i < 0 {
				return -1
			}
			k := j + i
			if k&1 == want {
				u := k - want
				if u+1 < len(b) && b[u+1-want] == 0 {
					return u
				}
			}
			j = k + 1
		}
		return -1
	default:
		return bytes.IndexByte(b, '\n')
	}
}

// trimCR removes the CR of a CRLF terminator (Windows agents write CRLF).
func trimCR(line []byte, enc string) []byte {
	switch enc {
	case encUTF16LE:
		if n := len(line); n >= 2 && line[n-2] == '\r' && line[n-1] == 0 {
			return line[:n-2]
		}
	case encUTF16BE:
		if n := len(line); n >= 2 && line[n-2] == 0 && line[n-1] == '\r' {
			return line[:n-2]
		}
	default:
		if n := len(line); n >= 1 && line[n-1] == '\r' {
			return line[:n-1]
		}
	}
	return line
}

// cutLine shortens an over-long raw line to at most max bytes without splitting a
// character, so truncation is not also reported as an undecodable byte.
func cutLine(line []byte, max int, enc string) []byte {
	if len(line) <= max {
		return line
	}
	switch enc {
	case encUTF16LE, encUTF16BE:
		max &^= 1
		if max >= 2 {
			u := uint16(line[max-2])<<8 | uint16(line[max-1])
			if enc == encUTF16LE {
				u = uint16(line[max-1])<<8 | uint16(line[max-2])
			}
			if u >= 0xD800 && u < 0xDC00 { // high surrogate: its pair is past the cut
				max -= 2
			}
		}
	case encShiftJIS:
		i := 0
		for i < max {
			c := line[i]
			step := 1
			if (c >= 0x81 && c <= 0x9F) || (c >= 0xE0 && c <= 0xFC) {
				step = 2
			}
			if i+step > max {
				break
			}
			i += step
		}
		max = i
	default:
		for back := 0; back < utf8.UTFMax && max > 0 && !utf8.RuneStart(line[max]); back++ {
			max--
		}
	}
	return line[:max]
}

// lineDecoder turns raw lines into UTF-8 text.
type lineDecoder struct{}

// appendDecoded appends the UTF-8 text of line to dst and reports whether every byte
// decoded (undecodable bytes become U+FFFD). *enc may be promoted from encASCII once a
// line settles the question.
func (d *lineDecoder) appendDecoded(dst, line []byte, enc *string, auto bool) ([]byte, bool) {
	switch *enc {
	case encUTF16LE, encUTF16BE:
		return appendUTF16(dst, line, *enc == encUTF16BE)
	case encShiftJIS:
		if isASCII(line) {
			return append(dst, line...), true
		}
		return d.appendShiftJIS(dst, line)
	default:
		if utf8.Valid(line) {
			if *enc == encASCII && !isASCII(line) {
				*enc = encUTF8
			}
			return append(dst, line...), true
		}
		if auto && *enc == encASCII {
			mark := len(dst)
			if out, ok := d.appendShiftJIS(dst, line); ok {
				*enc = encShiftJIS
				return out, true
			}
			dst = dst[:mark]
		}
		return appendValidUTF8(dst, line), false
	}
}

// isASCII checks eight bytes at a time: it runs over every line of an auto-detected log.
func isASCII(b []byte) bool {
	for len(b) >= 8 {
		if binary.LittleEndian.Uint64(b)&0x8080808080808080 != 0 {
			return false
		}
		b = b[8:]
	}
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// appendValidUTF8 replaces each run of invalid bytes with one U+FFFD.
func appendValidUTF8(dst, line []byte) []byte {
	invalid := false
	for i := 0; i < len(line); {
		r, size := utf8.DecodeRune(line[i:])
		if r == utf8.RuneError && size == 1 {
			if !invalid {
				dst = utf8.AppendRune(dst, utf8.RuneError)
			}
			invalid = true
			i++
			continue
		}
		invalid = false
		dst = append(dst, line[i:i+size]...)
		i += size
	}
	return dst
}

func (d *lineDecoder) appendShiftJIS(dst, line []byte) ([]byte, bool) {
	return appendCP932(dst, line)
}

func appendUTF16(dst, line []byte, bigEndian bool) ([]byte, bool) {
	ok := true
	n := len(line) &^ 1
	if n != len(line) {
		ok = false
	}
	for i := 0; i < n; i += 2 {
		u := rune(line[i]) | rune(line[i+1])<<8
		if bigEndian {
			u = rune(line[i])<<8 | rune(line[i+1])
		}
		switch {
		case utf16.IsSurrogate(u):
			var r rune = utf8.RuneError
			if u < 0xDC00 && i+3 < n {
				u2 := rune(line[i+2]) | rune(line[i+3])<<8
				if bigEndian {
					u2 = rune(line[i+2])<<8 | rune(line[i+3])
				}
				r = utf16.DecodeRune(u, u2)
				if r != utf8.RuneError {
					i += 2
				}
			}
			if r == utf8.RuneError {
				ok = false
			}
			dst = utf8.AppendRune(dst, r)
		case u < utf8.RuneSelf:
			dst = append(dst, byte(u))
		default:
			dst = utf8.AppendRune(dst, u)
		}
	}
	if n != len(line) {
		dst = utf8.AppendRune(dst, utf8.RuneError)
	}
	return dst, ok
}
