package cisco

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// snippetLen bounds how much of an unexpected output an error quotes: enough to
// recognise "Access is denied." or a usage text, never a whole dump in a log line.
const snippetLen = 64

// snippet quotes the first bytes of out for an error message with every control or
// invalid byte escaped, so a binary or hostile output cannot forge log lines.
func snippet(out []byte) string {
	cut := out
	truncated := false
	if len(cut) > snippetLen {
		cut = cut[:snippetLen]
		truncated = true
	}
	// Do not end inside a UTF-8 sequence: that would show up as a bogus invalid byte.
	for i := 0; i < utf8.UTFMax && truncated && len(cut) > 0 && !utf8.Valid(cut); i++ {
		cut = cut[:len(cut)-1]
	}
	q := strconv.QuoteToGraphic(string(cut))
	if truncated {
		q += "..."
	}
	return q
}

// cleanLine trims whitespace and a trailing carriage return left by Windows tools.
func cleanLine(s string) string {
	return strings.TrimSpace(strings.TrimSuffix(s, "\r"))
}
