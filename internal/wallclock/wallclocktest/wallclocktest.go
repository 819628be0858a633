// Package wallclocktest gives tests the IANA time zones whose DST edges the timestamp
// parsers are tested at.
package wallclocktest

import (
	"testing"
	"time"
)

// Zone loads the zone name for a test, which is skipped on a machine without tzdata.
func Zone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	return loc
}
