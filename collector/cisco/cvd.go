package cisco

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// CVDHeader is the 512-byte header of a ClamAV .cvd/.cld database, which the Linux
// connector keeps for its ClamAV engine (sources.md S7, Parser requirements "Cisco
// Linux" 7). Layout (ClamAV standard):
// ClamAV-VDB:<build time>:<version>:<sigs>:<functionality level>:<md5>:<dsig>:<builder>:<stime>
type CVDHeader struct {
	// BuildTime is the header's "16 Nov 2025 09-30 -0500" field; zero if unparsable.
	BuildTime time.Time
	Version   int64
	// Signatures and FunctionalityLevel are 0 when absent.
	Signatures         int64
	FunctionalityLevel int64
	MD5                string
	Builder            string
	// SignTime is the trailing Unix seconds field of newer databases; zero if absent.
	SignTime time.Time
}

// Time is when the database was built: SignTime when present (Unix seconds, no
// parsing ambiguity), else BuildTime.
func (h CVDHeader) Time() time.Time {
	if !h.SignTime.IsZero() {
		return h.SignTime
	}
	return h.BuildTime
}

// cvdHeaderLen is the size of the header block at the start of every .cvd/.cld file.
const cvdHeaderLen = 512

// ErrNotCVD is returned when the first bytes are not a ClamAV-VDB header.
var ErrNotCVD = errors.New("not a ClamAV-VDB header")

// cvdTimeLayouts: sigtool writes strftime("%d %b %Y %H-%M %z").
var cvdTimeLayouts = []string{
	"02 Jan 2006 15-04 -0700",
	"2 Jan 2006 15-04 -0700",
}

// ParseCVDHeader parses the header in the first 512 bytes of b; b may be the whole
// file or just its start. The version is required; every other field is optional.
func ParseCVDHeader(b []byte) (CVDHeader, error) {
	if len(b) > cvdHeaderLen {
		b = b[:cvdHeaderLen]
	}
	// The header is padded with spaces (and NULs in some builders) to 512 bytes.
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	text := strings.TrimRight(string(b), " \r\n\t")
	fields := strings.Split(text, ":")
	if len(fields) < 3 || fields[0] != "ClamAV-VDB" {
		return CVDHeader{}, fmt.Errorf("%w: %s", ErrNotCVD, snippet(b))
	}
	var h CVDHeader
	v, err := strconv.ParseInt(strings.TrimSpace(fields[2]), 10, 64)
	if err != nil || v < 0 {
		return CVDHeader{}, fmt.Errorf("%w: bad version %s", ErrNotCVD, snippet([]byte(fields[2])))
	}
	h.Version = v
	for _, layout := range cvdTimeLayouts {
		if t, err := time.Parse(layout, strings.TrimSpace(fields[1])); err == nil {
			h.BuildTime = t.UTC()
			break
		}
	}
	field := func(i int) string {
		if i < len(fields) {
			return strings.TrimSpace(fields[i])
		}
		return ""
	}
	h.Signatures, _ = strconv.ParseInt(field(3), 10, 64)
	h.FunctionalityLevel, _ = strconv.ParseInt(field(4), 10, 64)
	h.MD5 = field(5)
	h.Builder = field(7)
	if sec, err := strconv.ParseInt(field(8), 10, 64); err == nil && sec >= unixSecondsMin && sec < 1e11 {
		h.SignTime = time.Unix(sec, 0).UTC()
	}
	return h, nil
}
