package qualys

import (
	"strconv"
	"strings"
	"time"

	"github.com/secagent-exporter/secagent_exporter/internal/textutil"
	"github.com/secagent-exporter/secagent_exporter/internal/wallclock"
)

// Log destinations of qualys-cloud-agent.conf LogDestType, the closed set
// qualys_log_destination reports. With "syslog" the agent stops writing
// qualys-cloud-agent.log and sends its records through syslog(3) instead; "other" is a
// value this exporter does not know.
const (
	LogDestFile   = "file"
	LogDestSyslog = "syslog"
	LogDestOther  = "other"
)

// LogDests lists the closed set.
var LogDests = []string{LogDestFile, LogDestSyslog, LogDestOther}

// LogDest normalises a LogDestType value; an unset key is the file log.
func LogDest(value string) string {
	switch strings.ToLower(strings.TrimSpace(value)) {
	case "", "file":
		return LogDestFile
	case "syslog":
		return LogDestSyslog
	}
	return LogDestOther
}

// SyslogTag is the ident the agent's Poco SyslogChannel logs under (qagent-log.conf
// "logging.channels.c2.name", sources.md S9, S17).
const SyslogTag = "qualys-cloud-agent"

// SyslogFiles are the files the host's syslog daemon writes daemon-facility records to:
// /var/log/messages (RHEL, SUSE) and /var/log/syslog (Debian, Ubuntu), each with the one
// uncompressed archive logrotate leaves by default (host paths).
var SyslogFiles = []string{
	"/var/log/messages", "/var/log/messages.1",
	"/var/log/syslog", "/var/log/syslog.1",
}

var months = map[string]time.Month{
	"Jan": time.January, "Feb": time.February, "Mar": time.March, "Apr": time.April,
	"May": time.May, "Jun": time.June, "Jul": time.July, "Aug": time.August,
	"Sep": time.September, "Oct": time.October, "Nov": time.November, "Dec": time.December,
}

// ParseSyslogLine parses one line of a syslog file written by rsyslog or syslog-ng in
// either of their default file formats (sources.md S17):
//
//	Nov 20 11:58:01 host qualys-cloud-agent: [2841]:[Information]:message          (RFC 3164, RHEL, Debian <= 11)
//	2026-11-20T11:58:01.123456+00:00 host qualys-cloud-agent[2841]: [2841]:[Error]:message  (RFC 3339, Debian 12+)
//
// The text after the tag is the agent's syslog formatter "[%P]:[%p]:%t" (qagent-log.conf
// f2, sources.md S9); a text without that prefix is kept whole as the message with
// severity "other". ours is false for a line of another program (or no syslog line at
// all): such lines are not the agent's and are neither classified nor counted. A
// timestamp without a year is placed in the year that puts it at most a day after now
// (a file read in January still holds December's lines); loc is the host's zone.
func ParseSyslogLine(line string, loc *time.Location, now time.Time) (l LogLine, ours, ok bool) {
	line = strings.TrimSuffix(line, "\r")
	if loc == nil {
		loc = time.UTC
	}
	var rest string
	var t time.Time
	switch {
	case len(line) >= 16 && line[3] == ' ' && line[6] == ' ' && months[line[:3]] != 0:
		// "Mmm dd HH:MM:SS " with the day space-padded.
		day, err := strconv.Atoi(strings.TrimSpace(line[4:6]))
		if err != nil || line[9] != ':' || line[12] != ':' || line[15] != ' ' ||
			!textutil.AllDigits(line[7:9]) || !textutil.AllDigits(line[10:12]) || !textutil.AllDigits(line[13:15]) {
			return LogLine{}, false, false
		}
		hour, minute, sec := digits2(line[7:9]), digits2(line[10:12]), digits2(line[13:15])
		month := months[line[:3]]
		if hour > 23 || minute > 59 || sec > 60 || day < 1 {
			return LogLine{}, false, false
		}
		year := now.In(loc).Year()
		if day > daysIn(month, year) && day > daysIn(month, year-1) {
			return LogLine{}, false, false
		}
		t = wallclock.Date(year, month, day, hour, minute, sec, 0, loc)
		if day > daysIn(month, year) || t.After(now.Add(24*time.Hour)) {
			year--
			t = wallclock.Date(year, month, day, hour, minute, sec, 0, loc)
		}
		rest = line[16:]
	case len(line) > 20 && line[4] == '-' && line[10] == 'T':
		sp := strings.IndexByte(line, ' ')
		if sp < 0 {
			return LogLine{}, false, false
		}
		var err error
		t, err = time.Parse(time.RFC3339Nano, line[:sp])
		if err != nil {
			return LogLine{}, false, false
		}
		l.ZoneWritten = true
		rest = line[sp+1:]
	default:
		return LogLine{}, false, false
	}
	// host, then the tag with an optional [pid], then ": ".
	sp := strings.IndexByte(rest, ' ')
	if sp <= 0 {
		return LogLine{}, false, false
	}
	rest = rest[sp+1:]
	if !strings.HasPrefix(rest, SyslogTag) {
		return LogLine{}, false, false
	}
	rest = rest[len(SyslogTag):]
	if strings.HasPrefix(rest, "[") {
		end := strings.IndexByte(rest, ']')
		if end < 2 || !textutil.AllDigits(rest[1:end]) {
			return LogLine{}, false, false
		}
		l.PID, _ = strconv.Atoi(rest[1:end])
		rest = rest[end+1:]
	}
	if !strings.HasPrefix(rest, ":") {
		return LogLine{}, false, false
	}
	rest = strings.TrimPrefix(rest[1:], " ")
	// From here the line is the agent's: a malformed body is an unclassified record.
	l.Time = t
	l.Process = SyslogTag
	l.Level, l.Severity = "", SeverityOther
	if pid, level, msg, found := cutPocoPrefix(rest); found {
		if pid > 0 {
			l.PID = pid
		}
		l.Level, l.Severity = level, NormalizeSeverity(level)
		rest = msg
	}
	l.Message = rest
	return l, true, rest != ""
}

// cutPocoPrefix splits "[pid]:[Priority]:text".
func cutPocoPrefix(s string) (pid int, level, msg string, ok bool) {
	if !strings.HasPrefix(s, "[") {
		return 0, "", "", false
	}
	end := strings.IndexByte(s, ']')
	if end < 2 || !textutil.AllDigits(s[1:end]) || !strings.HasPrefix(s[end+1:], ":[") {
		return 0, "", "", false
	}
	n, err := strconv.ParseInt(s[1:end], 10, 32)
	if err != nil {
		return 0, "", "", false
	}
	s = s[end+3:]
	end = strings.IndexByte(s, ']')
	if end <= 0 || !isWord(s[:end]) || !strings.HasPrefix(s[end+1:], ":") {
		return 0, "", "", false
	}
	return int(n), s[:end], s[end+2:], true
}

// IsSyslogRecordStart reports whether line begins with a syslog file timestamp (either
// format ParseSyslogLine reads), whoever wrote it.
func IsSyslogRecordStart(line string) bool {
	if len(line) >= 16 && line[3] == ' ' && line[6] == ' ' && months[line[:3]] != 0 &&
		line[9] == ':' && line[12] == ':' && line[15] == ' ' {
		return true
	}
	if len(line) > 20 && line[4] == '-' && line[7] == '-' && line[10] == 'T' && textutil.AllDigits(line[:4]) {
		return true
	}
	return false
}
