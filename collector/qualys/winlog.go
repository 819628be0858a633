package qualys

import (
	"strings"
	"time"
)

// Windows agent log locations (sources.md S9): the live Log.txt and its rotated
// Archive.*.txt, both in the agent's ProgramData directory.
const (
	WindowsLogDir          = `C:\ProgramData\Qualys\QualysAgent`
	WindowsLogFileName     = "Log.txt"
	WindowsArchiveFileGlob = "Archive.*.txt"
)

// winTSLen is len("2006-01-02 15:04:05").
const winTSLen = 19

// IsWindowsRecordStart reports whether a Log.txt line begins a record. The Windows log
// format is UNVERIFIED (sources.md S9): the only evidence is a third-party script that
// accepts a "YYYY-MM-DD HH:MM:SS" or "YYYY/MM/DD HH:MM:SS" prefix, so that is the test,
// and the Linux grammar (which has the same prefix) passes it too.
func IsWindowsRecordStart(line string) bool {
	if len(line) < winTSLen {
		return false
	}
	sep := line[4]
	if sep != '-' && sep != '/' {
		return false
	}
	for i := 0; i < winTSLen; i++ {
		c := line[i]
		switch i {
		case 4, 7:
			if c != sep {
				return false
			}
		case 10:
			if c != ' ' && c != 'T' {
				return false
			}
		case 13, 16:
			if c != ':' {
				return false
			}
		default:
			if c < '0' || c > '9' {
				return false
			}
		}
	}
	return len(line) == winTSLen || !isDigit(line[winTSLen])
}

// ParseWindowsLogLine parses one Log.txt record. A line in the Linux grammar is parsed as
// such (ParseLogLine). Otherwise the record is the timestamp prefix IsWindowsRecordStart
// accepts, an optional fraction (".123", ",123456"), then the message; leading
// "[Word]" groups are skipped and the first one that names a severity sets Level, since
// public samples only show levels appear "[Error]-like". Times are read in loc (UTC when
// nil): no zone is known to be written. Continuation lines become Payload.
func ParseWindowsLogLine(line string, loc *time.Location) (LogLine, bool) {
	if l, ok := ParseLogLine(line, loc); ok {
		return l, true
	}
	first, payload, _ := strings.Cut(line, "\n")
	first = strings.TrimSuffix(first, "\r")
	if !IsWindowsRecordStart(first) {
		return LogLine{}, false
	}
	if loc == nil {
		loc = time.UTC
	}
	// Normalise to the Linux layout so one calendar check serves both.
	ts := []byte(first[:winTSLen] + ".000")
	ts[4], ts[7], ts[10] = '-', '-', ' '
	rest := first[winTSLen:]
	nanos := 0
	if len(rest) > 1 && (rest[0] == '.' || rest[0] == ',') && isDigit(rest[1]) {
		i, scale := 1, 100000000
		for ; i < len(rest) && isDigit(rest[i]); i++ {
			if scale > 0 {
				nanos += int(rest[i]-'0') * scale
				scale /= 10
			}
		}
		rest = rest[i:]
	}
	t, ok := parseTimestamp(string(ts), loc)
	if !ok {
		return LogLine{}, false
	}
	l := LogLine{Time: t.Add(time.Duration(nanos)), Severity: SeverityOther}
	rest = strings.TrimLeft(rest, " \t")
	for strings.HasPrefix(rest, "[") {
		end := strings.IndexByte(rest, ']')
		if end < 0 {
			break
		}
		word := rest[1:end]
		if l.Level == "" && isWord(word) && NormalizeSeverity(word) != SeverityOther {
			l.Level, l.Severity = word, NormalizeSeverity(word)
		}
		rest = strings.TrimLeft(strings.TrimPrefix(rest[end+1:], ":"), " \t")
	}
	l.Message = rest
	l.Payload = strings.TrimSuffix(payload, "\n")
	return l, true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
