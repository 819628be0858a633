package qualys

import (
	"strconv"
	"strings"
	"time"

	"github.com/secagent-exporter/secagent_exporter/internal/textutil"
	"github.com/secagent-exporter/secagent_exporter/internal/wallclock"
)

// Log locations on Linux: the Poco FileChannel path from qagent-log.conf and the FHS
// layout a third-party script names for 6.4+ (sources.md S9); host paths.
var LogDirs = []string{
	"/var/log/qualys",
	"/var/opt/qualys/cloud-agent/log",
}

// LogFileName is the main agent log (lifecycle, CAPI, HTTP, module status).
const LogFileName = "qualys-cloud-agent.log"

// Severities, the closed set LogLine.Severity takes. The words come from Poco's priority
// names (sources.md S9); "other" covers any word a newer agent writes that is not one.
const (
	SeverityFatal    = "fatal"
	SeverityCritical = "critical"
	SeverityError    = "error"
	SeverityWarning  = "warning"
	SeverityNotice   = "notice"
	SeverityInfo     = "information"
	SeverityDebug    = "debug"
	SeverityTrace    = "trace"
	SeverityOther    = "other"
)

// Severities lists the closed set in decreasing importance.
var Severities = []string{SeverityFatal, SeverityCritical, SeverityError, SeverityWarning,
	SeverityNotice, SeverityInfo, SeverityDebug, SeverityTrace, SeverityOther}

// LogLine is one record of qualys-cloud-agent.log.
type LogLine struct {
	Time time.Time
	// ZoneWritten is true for the newer variant that writes the UTC offset; the Poco
	// template variant writes local time without a zone (formatter "times: local").
	ZoneWritten bool
	Process     string // %s: the logger/process name in the first brackets
	PID         int
	Level       string // priority word as written
	Severity    string // Level normalised to the Severities closed set
	Thread      string // newer variant's [ThreadID]; "" when absent
	Message     string // text after the header on the record's first line
	// Payload holds the continuation lines (multi-line JSON of CAPI requests and
	// responses) when ParseLogLine is given a whole record; "" otherwise.
	Payload string
}

// utcZone serves the common "+0000" without allocating a zone per line.
var utcZone = time.FixedZone("", 0)

// tsLen is len("2006-01-02 15:04:05.000").
const tsLen = 23

// ParseLogLine parses one record of either observed grammar (sources.md S9):
//
//	2026-11-20 09:00:01.123 [qualys-cloud-agent][1234]:[Information]:message          (Poco template)
//	2026-11-20 09:00:01.123 +0000 [qualys-cloud-agent][1234]:[Info]:[5678]:message    (newer)
//
// which is the documented grammar
// `^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3})(?: ([+-]\d{4}))? \[([^\]]+)\]\[(\d+)\]:\[(\w+)\]:(?:\[(\d+)\]:)?(.*)$`
// written out by hand (log tailing runs it on every line), plus calendar validation.
// A time without a zone is read in loc (the host's zone; UTC when loc is nil). line may
// be a whole record: text after the first '\n' becomes Payload.
func ParseLogLine(line string, loc *time.Location) (LogLine, bool) {
	first, payload, _ := strings.Cut(line, "\n")
	first = strings.TrimSuffix(first, "\r")
	if !IsRecordStart(first) {
		return LogLine{}, false
	}
	var l LogLine
	rest := first[tsLen:]
	zone := loc
	if zone == nil {
		zone = time.UTC
	}
	if rest[1] == '+' || rest[1] == '-' {
		hh, mm := digits2(rest[2:4]), digits2(rest[4:6])
		if hh > 23 || mm > 59 {
			return LogLine{}, false
		}
		offset := (hh*60 + mm) * 60
		if rest[1] == '-' {
			offset = -offset
		}
		zone = utcZone
		if offset != 0 {
			zone = time.FixedZone("", offset)
		}
		l.ZoneWritten = true
		rest = rest[6:]
	}
	t, ok := parseTimestamp(first[:tsLen], zone)
	if !ok {
		return LogLine{}, false
	}
	l.Time = t
	rest = rest[2:] // " ["
	end := strings.IndexByte(rest, ']')
	if end <= 0 {
		return LogLine{}, false
	}
	l.Process = rest[:end]
	rest = rest[end+1:]
	if len(rest) < 2 || rest[0] != '[' {
		return LogLine{}, false
	}
	end = strings.IndexByte(rest, ']')
	if end < 2 || !textutil.AllDigits(rest[1:end]) {
		return LogLine{}, false
	}
	pid, err := strconv.ParseInt(rest[1:end], 10, 32)
	if err != nil {
		return LogLine{}, false
	}
	l.PID = int(pid)
	rest = rest[end+1:]
	if !strings.HasPrefix(rest, ":[") {
		return LogLine{}, false
	}
	rest = rest[2:]
	end = strings.IndexByte(rest, ']')
	if end <= 0 || !isWord(rest[:end]) || !strings.HasPrefix(rest[end+1:], ":") {
		return LogLine{}, false
	}
	l.Level = rest[:end]
	l.Severity = NormalizeSeverity(l.Level)
	rest = rest[end+2:]
	if len(rest) > 2 && rest[0] == '[' {
		if end = strings.IndexByte(rest, ']'); end >= 2 && textutil.AllDigits(rest[1:end]) && strings.HasPrefix(rest[end+1:], ":") {
			l.Thread = rest[1:end]
			rest = rest[end+2:]
		}
	}
	l.Message = rest
	l.Payload = strings.TrimSuffix(payload, "\n")
	return l, true
}

// IsRecordStart reports whether line begins a new record (a timestamp, an optional zone
// and " ["). Lines that do not — the body of a multi-line JSON payload — belong to the
// record before them. It is a cheap shape test: a line it accepts may still fail
// ParseLogLine, but every line ParseLogLine accepts passes it.
func IsRecordStart(line string) bool {
	if len(line) < tsLen+2 {
		return false
	}
	for i := 0; i < tsLen; i++ {
		c := line[i]
		switch i {
		case 4, 7:
			if c != '-' {
				return false
			}
		case 10:
			if c != ' ' {
				return false
			}
		case 13, 16:
			if c != ':' {
				return false
			}
		case 19:
			if c != '.' {
				return false
			}
		default:
			if c < '0' || c > '9' {
				return false
			}
		}
	}
	rest := line[tsLen:]
	if rest[0] != ' ' {
		return false
	}
	if rest[1] == '[' {
		return true
	}
	return len(rest) >= 8 && (rest[1] == '+' || rest[1] == '-') && textutil.AllDigits(rest[2:6]) && rest[6] == ' ' && rest[7] == '['
}

// NormalizeSeverity maps a priority word to the Severities closed set. Poco writes the
// full names; the abbreviations and upper case cover the newer variant, whose level words
// no captured sample shows (UNVERIFIED).
func NormalizeSeverity(level string) string {
	switch strings.ToLower(level) {
	case "fatal":
		return SeverityFatal
	case "critical", "crit":
		return SeverityCritical
	case "error", "err":
		return SeverityError
	case "warning", "warn":
		return SeverityWarning
	case "notice":
		return SeverityNotice
	case "information", "info":
		return SeverityInfo
	case "debug":
		return SeverityDebug
	case "trace", "tracing":
		return SeverityTrace
	}
	return SeverityOther
}

// parseTimestamp reads "2006-01-02 15:04:05.000" whose shape IsRecordStart checked,
// rejecting impossible dates instead of letting time.Date roll them over. DST edges of
// a zone-less time are decided by wallclock.Date.
func parseTimestamp(s string, loc *time.Location) (time.Time, bool) {
	year := digits2(s[0:2])*100 + digits2(s[2:4])
	month, day := digits2(s[5:7]), digits2(s[8:10])
	hour, minute, sec := digits2(s[11:13]), digits2(s[14:16]), digits2(s[17:19])
	milli := int(s[20]-'0')*100 + int(s[21]-'0')*10 + int(s[22]-'0')
	if month < 1 || month > 12 || day < 1 || day > daysIn(time.Month(month), year) ||
		hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	return wallclock.Date(year, time.Month(month), day, hour, minute, sec, milli*int(time.Millisecond), loc), true
}

func daysIn(m time.Month, year int) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func digits2(s string) int { return int(s[0]-'0')*10 + int(s[1]-'0') }

// isWord is the regexp class \w+ (ASCII letters, digits, underscore).
func isWord(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return s != ""
}
