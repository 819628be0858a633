package logtail

import "time"

// ParseLocal parses a zone-less agent timestamp (MA 4.x/5.x and Qualys lines carry local
// wall-clock time, sources.md S13, S9) in loc.
//
// time.ParseInLocation leaves the instant unspecified for wall-clock times that occur
// twice (the hour repeated when DST ends) or never (the hour skipped when DST starts).
// ParseLocal decides both, so the same line always yields the same instant:
//
//   - repeated hour: the earlier instant (the first pass, still on summer time). A
//     "last seen" derived from it can only be older than the truth, never in the future.
//   - skipped hour: the clock is read with the offset in force before the gap, i.e.
//     02:30 on a spring-forward night becomes 03:30 summer time, the instant a clock that
//     did not jump would have shown.
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
	wall := t.Unix() // wall-clock fields as if UTC
	// Offsets in force a day either side bracket any transition near this wall time.
	_, before := time.Unix(wall-86400, 0).In(loc).Zone()
	_, after := time.Unix(wall+86400, 0).In(loc).Zone()
	var best int64
	found := false
	for _, off := range []int{before, after} {
		cand := wall - int64(off)
		if _, got := time.Unix(cand, 0).In(loc).Zone(); got != off {
			continue
		}
		if !found || cand < best {
			best, found = cand, true
		}
	}
	if !found {
		best = wall - int64(before)
	}
	return time.Unix(best, int64(t.Nanosecond())).In(loc), nil
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
