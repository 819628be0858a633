package logtail

import (
	"time"

	"github.com/secagent-exporter/secagent_exporter/internal/wallclock"
)

// ParseLocal parses a zone-less agent timestamp (MA 4.x/5.x and Qualys lines carry local
// wall-clock time, sources.md S13, S9) in loc.
//
// time.ParseInLocation leaves the instant unspecified for wall-clock times that occur
// twice (the hour repeated when DST ends) or never (the hour skipped when DST starts).
// ParseLocal decides both as wallclock.Date does, the rule the vendor parsers share: the
// earlier instant of a repeated hour; a skipped hour read with the offset in force before
// the gap (02:30 on a spring-forward night becomes 03:30 summer time).
//
// A layout with a zone (e.g. Qualys' newer "+0000" variant) is honoured as written.
func ParseLocal(layout, value string, loc *time.Location) (time.Time, error) {
	if loc == nil {
		loc = time.Local
	}
	t, err := time.ParseInLocation(layout, value, time.UTC)
	if err != nil {
		return time.Time{}, err
	}
	if _, off := t.Zone(); off != 0 || t.Location() != time.UTC {
		// The value carried its own offset.
		return t, nil
	}
	if hasZone(layout) {
		return t, nil
	}
	return wallclock.Read(t, loc), nil
}

// hasZone reports whether a layout contains a zone element, so a parsed +0000 is UTC on
// purpose rather than by default.
func hasZone(layout string) bool {
	for _, elem := range []string{"Z07", "-07", "MST", "Z0700", "-0700"} {
		for i := 0; i+len(elem) <= len(layout); i++ {
			if layout[i:i+len(elem)] == elem {
				return true
			}
		}
	}
	return false
}
