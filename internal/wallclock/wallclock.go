// Package wallclock turns the zone-less wall-clock timestamps agents log into instants,
// deciding the DST edges the same way for every vendor parser (docs/log-engine.md,
// "Timestamps").
package wallclock

import "time"

// Date is time.Date for a wall clock read in loc (nil means time.Local). time.Date leaves
// the instant unspecified for a wall time that occurs twice (the hour repeated when DST
// ends) or never (the hour skipped when DST starts), and in practice picks differently
// for zones east and west of UTC. Date decides both, so the same line always yields the
// same instant:
//
//   - repeated hour: the earlier instant (the first pass, still on summer time). A
//     "last seen" derived from it can only be older than the truth, never in the future.
//   - skipped hour: the clock is read with the offset in force before the gap, i.e.
//     02:30 on a spring-forward night becomes 03:30 summer time, the instant a clock that
//     did not jump would have shown.
func Date(year int, month time.Month, day, hour, min, sec, nsec int, loc *time.Location) time.Time {
	if loc == nil {
		loc = time.Local
	}
	if loc == time.UTC {
		return time.Date(year, month, day, hour, min, sec, nsec, time.UTC)
	}
	w := time.Date(year, month, day, hour, min, sec, nsec, time.UTC)
	wall := w.Unix() // wall-clock fields as if UTC
	// Offsets in force a day either side bracket any transition near this wall time.
	_, before := time.Unix(wall-86400, 0).In(loc).Zone()
	_, after := time.Unix(wall+86400, 0).In(loc).Zone()
	best, found := int64(0), false
	for _, off := range [2]int{before, after} {
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
	return time.Unix(best, int64(w.Nanosecond())).In(loc)
}

// Read is Date for the wall-clock fields of t, a time parsed from text without a zone.
func Read(t time.Time, loc *time.Location) time.Time {
	return Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), loc)
}
