package logtail

import (
	"bytes"
	"io"

	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// DetectEncoding names the encoding the engine would use for a file starting with head
// ("utf-8", "utf-16le", "utf-16be" or "shift_jis"), for diagnostics such as the support
// bundle's list of detected encodings.
func DetectEncoding(head []byte) string {
	return detectEncoding(head)
}

// DecodeAll decodes a whole buffer read from a file in the named encoding (a BOM is
// dropped); invalid bytes become U+FFFD. It is for small excerpts, not the read path.
func DecodeAll(b []byte, encoding string) string {
	var dec transform.Transformer
	switch encoding {
	case encUTF16LE:
		dec = unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder()
	case encUTF16BE:
		dec = unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewDecoder()
	case encShiftJIS:
		dec = japanese.ShiftJIS.NewDecoder()
	default:
		return string(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")))
	}
	// A decoding error leaves what was decoded up to it, which is what an excerpt needs.
	out, _ := io.ReadAll(transform.NewReader(bytes.NewReader(b), dec))
	return string(out)
}
