package mcafee

import (
	"time"

	"github.com/secagent-exporter/secagent_exporter/internal/wallclock"
)

// AgentLineFormat tells which agent logger layout produced a line.
type AgentLineFormat uint8

const (
	// FormatUnknown is the zero value: the line was not parsed.
	FormatUnknown AgentLineFormat = iota
	// FormatMA5 is the MA 5.x / TA logger used by masvc_, macmnsvc_, macompatsvc_ and maconfig:
	//	2018-12-07 09:23:39.681 maconfig(4132.8012) maconfig.Info: configuration finished
	//	2020-01-25 14:22:44.456234 (2010.2739) maconfig.Info: configuration finished
	// (sources.md S12: 3 fractional digits on Windows, 6 and no process name on Linux).
	FormatMA5
	// FormatMA4 is the MA 4.x Agent_<host>.log layout (KB60776, sources.md S1):
	//	2009-11-12 11:57:34        I        #1492        naInet        Reading acknowledgement ...
	//	2014-04-24 19:35:03.473   i #1920    Agent    ASCI の実行を開始しました。
	FormatMA4
)

func (f AgentLineFormat) String() string {
	switch f {
	case FormatMA5:
		return "ma5"
	case FormatMA4:
		return "ma4"
	}
	return "unknown"
}

// AgentLine is one record of an agent service log.
type AgentLine struct {
	// Time is the local wall time of the line read in the caller's location; zero for
	// MA 5.x lines quoted without their timestamp (KB90603, KB96023 strip it).
	Time   time.Time
	Format AgentLineFormat
	// Process is the MA 5.x process name before "(pid.tid)"; empty on Linux, where the
	// logger omits it, and for MA 4.x.
	Process string
	// PID is the MA 5.x process id; 0 for MA 4.x, whose "#id" changes between threads
	// of one process (sources.md S1) and so is kept as TID.
	PID int
	// TID is the MA 5.x thread id or the MA 4.x "#id".
	TID    int
	Module string
	// Level is the MA 5.x level word as logged (Info, Notice, Error, ...) or the MA 4.x
	// letter spelled the same way (I and i -> Info, E -> Error, W -> Warning, D -> Debug).
	Level   string
	Message string
}

// ParseAgentLine parses one line of an MA 5.x or MA 4.x agent log, auto-detecting the layout.
// Timestamps carry no zone, so they are read as wall time in loc (nil means time.Local). It
// returns false for continuation lines (trace bodies, blank lines), which belong to the
// previous record.
func ParseAgentLine(line string, loc *time.Location) (AgentLine, bool) {
	if loc == nil {
		loc = time.Local
	}
	return parseAgentLine(line, loc)
}

// IsAgentRecordStart reports whether line starts a new record, i.e. whether ParseAgentLine
// would accept it; the log engine glues every other line to the record before it.
func IsAgentRecordStart(line string) bool {
	_, ok := parseAgentLine(line, nil)
	return ok
}

// parseAgentLine builds Time only when loc is set, so the record-start probe stays cheap.
func parseAgentLine(line string, loc *time.Location) (AgentLine, bool) {
	s := trimLogLine(line)
	var l AgentLine
	if wall, rest, ok := cutDashedTimestamp(s); ok {
		body := trimBlankLeft(rest)
		if len(body) == len(rest) {
			return AgentLine{}, false
		}
		switch {
		case parseMA5Body(body, &l):
			l.Format = FormatMA5
		case parseMA4Body(body, &l):
			l.Format = FormatMA4
		default:
			return AgentLine{}, false
		}
		if loc != nil {
			l.Time = wall.in(loc)
		}
		return l, true
	}
	if parseMA5Body(s, &l) {
		l.Format = FormatMA5
		return l, true
	}
	return AgentLine{}, false
}

// parseMA5Body parses "[proc](pid.tid) module.Level: message".
func parseMA5Body(s string, l *AgentLine) bool {
	tok, rest := cutField(s)
	if len(tok) < 5 || tok[len(tok)-1] != ')' {
		return false
	}
	open := -1
	for i := 0; i < len(tok); i++ {
		if tok[i] == '(' {
			open = i
			break
		}
	}
	if open < 0 {
		return false
	}
	ids := tok[open+1 : len(tok)-1]
	dot := -1
	for i := 0; i < len(ids); i++ {
		if ids[i] == '.' {
			dot = i
			break
		}
	}
	if dot < 0 {
		return false
	}
	pid, ok := atoiDigits(ids[:dot])
	if !ok {
		return false
	}
	tid, ok := atoiDigits(ids[dot+1:])
	if !ok {
		return false
	}
	modLevel, msg := cutField(rest)
	if len(modLevel) < 4 || modLevel[len(modLevel)-1] != ':' {
		return false
	}
	modLevel = modLevel[:len(modLevel)-1]
	// Modules contain dots (DataChannel.Manager.Info), so the level is the last segment.
	last := -1
	for i := len(modLevel) - 1; i >= 0; i-- {
		if modLevel[i] == '.' {
			last = i
			break
		}
	}
	if last <= 0 || last == len(modLevel)-1 {
		return false
	}
	level := modLevel[last+1:]
	for i := 0; i < len(level); i++ {
		if !isASCIILetter(level[i]) {
			return false
		}
	}
	l.Process = tok[:open]
	l.PID, l.TID = pid, tid
	l.Module = modLevel[:last]
	l.Level = level
	l.Message = msg
	return true
}

// parseMA4Body parses "L  #id  module  message"; KB60776 shows runs of spaces between the
// fields and its Japanese copy single spaces, so any run of blanks separates them.
func parseMA4Body(s string, l *AgentLine) bool {
	letter, rest := cutField(s)
	if len(letter) != 1 || !isASCIILetter(letter[0]) {
		return false
	}
	id, rest := cutField(rest)
	if len(id) < 2 || id[0] != '#' {
		return false
	}
	tid, ok := atoiDigits(id[1:])
	if !ok {
		return false
	}
	module, msg := cutField(rest)
	if module == "" {
		return false
	}
	l.Process, l.PID, l.TID = "", 0, tid
	l.Module = module
	l.Level = ma4Level(letter[0])
	l.Message = msg
	return true
}

var upperLetters = func() (t [26]string) {
	for i := range t {
		t[i] = string(rune('A' + i))
	}
	return t
}()

// ma4Level spells MA 4.x level letters like MA 5.x level words so one allow-list serves
// both; sources.md S1 shows lower-case "i" on the localized (user-facing) messages.
func ma4Level(c byte) string {
	switch c | 0x20 {
	case 'i':
		return "Info"
	case 'e':
		return "Error"
	case 'w':
		return "Warning"
	case 'd':
		return "Debug"
	case 'n':
		return "Notice"
	case 'c':
		return "Critical"
	}
	return upperLetters[(c|0x20)-'a']
}

// wallClock is a zone-less timestamp as the agent logs it.
type wallClock struct {
	year, month, day, hour, min, sec, nsec int
}

// in reads the wall clock in loc, deciding DST edges as every vendor parser does
// (wallclock.Date: the earlier instant of a repeated hour, the pre-gap offset in a
// skipped one).
func (w wallClock) in(loc *time.Location) time.Time {
	return wallclock.Date(w.year, time.Month(w.month), w.day, w.hour, w.min, w.sec, w.nsec, loc)
}

func (w wallClock) valid() bool {
	if w.month < 1 || w.month > 12 || w.day < 1 || w.hour > 23 || w.min > 59 || w.sec > 59 {
		return false
	}
	return w.day <= daysIn(w.year, w.month)
}

func daysIn(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// cutDashedTimestamp reads "YYYY-MM-DD HH:MM:SS[.f{1,9}]" at the start of s.
func cutDashedTimestamp(s string) (wallClock, string, bool) {
	const layout = "dddd-dd-dd dd:dd:dd"
	if len(s) < len(layout) {
		return wallClock{}, "", false
	}
	for i := 0; i < len(layout); i++ {
		if layout[i] == 'd' {
			if !isDigit(s[i]) {
				return wallClock{}, "", false
			}
		} else if s[i] != layout[i] {
			return wallClock{}, "", false
		}
	}
	w := wallClock{
		year:  digits(s[0:4]),
		month: digits(s[5:7]),
		day:   digits(s[8:10]),
		hour:  digits(s[11:13]),
		min:   digits(s[14:16]),
		sec:   digits(s[17:19]),
	}
	rest := s[len(layout):]
	if len(rest) > 1 && rest[0] == '.' && isDigit(rest[1]) {
		n := 1
		for n < len(rest) && isDigit(rest[n]) {
			n++
		}
		frac := rest[1:n]
		if len(frac) > 9 {
			return wallClock{}, "", false
		}
		w.nsec = digits(frac)
		for i := len(frac); i < 9; i++ {
			w.nsec *= 10
		}
		rest = rest[n:]
	}
	if !w.valid() {
		return wallClock{}, "", false
	}
	return w, rest, true
}

// cutCompactTimestamp reads the ePO server's "yyyyMMddHHmmss" at the start of s; cmdagent
// prints LastASCTime the same way.
func cutCompactTimestamp(s string) (wallClock, string, bool) {
	if len(s) < 14 {
		return wallClock{}, "", false
	}
	for i := 0; i < 14; i++ {
		if !isDigit(s[i]) {
			return wallClock{}, "", false
		}
	}
	w := wallClock{
		year:  digits(s[0:4]),
		month: digits(s[4:6]),
		day:   digits(s[6:8]),
		hour:  digits(s[8:10]),
		min:   digits(s[10:12]),
		sec:   digits(s[12:14]),
	}
	if !w.valid() {
		return wallClock{}, "", false
	}
	return w, s[14:], true
}

// trimLogLine drops the line terminator, trailing blanks, a UTF-8 byte-order mark left by
// a decoder, and leading blanks (KB and forum copies of log excerpts are indented).
func trimLogLine(s string) string {
	for len(s) > 0 {
		if c := s[len(s)-1]; c == '\r' || c == '\n' || c == ' ' || c == '\t' {
			s = s[:len(s)-1]
		} else if len(s) >= 2 && s[len(s)-2] == 0xC2 && c == 0xA0 {
			s = s[:len(s)-2]
		} else {
			break
		}
	}
	if len(s) >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF {
		s = s[3:]
	}
	return trimBlankLeft(s)
}

func trimBlankLeft(s string) string {
	i := 0
	for i < len(s) {
		n := blankAt(s, i)
		if n == 0 {
			break
		}
		i += n
	}
	return s[i:]
}

// cutField returns the first blank-separated field of s and the rest with its leading
// blanks removed.
func cutField(s string) (field, rest string) {
	s = trimBlankLeft(s)
	i := 0
	for i < len(s) && blankAt(s, i) == 0 {
		i++
	}
	return s[:i], trimBlankLeft(s[i:])
}

// blankAt returns the byte length of the field separator at s[i], or 0. Besides space and
// tab it accepts U+00A0: the public copy of the sources.md S1 log renders each tab as a run of
// no-break spaces, and operators paste such copies into tickets and tests.
func blankAt(s string, i int) int {
	switch c := s[i]; {
	case c == ' ' || c == '\t':
		return 1
	case c == 0xC2 && i+1 < len(s) && s[i+1] == 0xA0:
		return 2
	}
	return 0
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isASCIILetter(c byte) bool {
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

// digits converts a string already checked to hold only ASCII digits.
func digits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// atoiDigits parses a short run of ASCII digits; ids longer than 9 digits are rejected
// rather than overflowed.
func atoiDigits(s string) (int, bool) {
	if s == "" || len(s) > 9 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return 0, false
		}
	}
	return digits(s), true
}
