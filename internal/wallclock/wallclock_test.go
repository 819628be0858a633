package wallclock

import (
	"testing"
	"time"

	"github.com/secagent-exporter/secagent_exporter/internal/wallclock/wallclocktest"
)

func TestDate(t *testing.T) {
	berlin := wallclocktest.Zone(t, "Europe/Berlin")
	newYork := wallclocktest.Zone(t, "America/New_York")
	tokyo := time.FixedZone("JST", 9*3600)
	cases := []struct {
		name string
		got  time.Time
		want string // RFC3339Nano in UTC
	}{
		{"fixed zone", Date(2014, 4, 24, 19, 35, 3, 473e6, tokyo), "2014-04-24T10:35:03.473Z"},
		{"utc", Date(2009, 11, 12, 11, 57, 34, 0, time.UTC), "2009-11-12T11:57:34Z"},
		{"summer", Date(2009, 7, 12, 11, 57, 34, 0, berlin), "2009-07-12T09:57:34Z"},
		// 02:30 happens twice in Berlin and 01:30 in New York: the first pass (summer time).
		{"repeated hour east of UTC", Date(2023, 10, 29, 2, 30, 0, 0, berlin), "2023-10-29T00:30:00Z"},
		{"repeated hour west of UTC", Date(2023, 11, 5, 1, 30, 0, 0, newYork), "2023-11-05T05:30:00Z"},
		// 02:30 never happens: read with the offset before the gap (03:30 summer time).
		{"skipped hour east of UTC", Date(2023, 3, 26, 2, 30, 0, 0, berlin), "2023-03-26T01:30:00Z"},
		{"skipped hour west of UTC", Date(2023, 3, 12, 2, 30, 0, 0, newYork), "2023-03-12T07:30:00Z"},
		// Out-of-range fields normalise as time.Date does (a syslog leap second).
		{"second 60", Date(2026, 11, 20, 11, 58, 60, 0, time.UTC), "2026-11-20T11:59:00Z"},
	}
	for _, tc := range cases {
		if s := tc.got.UTC().Format(time.RFC3339Nano); s != tc.want {
			t.Errorf("%s: got %s, want %s", tc.name, s, tc.want)
		}
	}
	if got := Date(2026, 1, 2, 3, 4, 5, 0, berlin); got.Location() != berlin {
		t.Errorf("location %v, want %v", got.Location(), berlin)
	}
}

// Date agrees with time.Date away from DST edges, for every hour of a year in a zone
// with DST on both sides of the year.
func TestDateMatchesTimeDateOutsideEdges(t *testing.T) {
	for _, name := range []string{"Europe/Berlin", "America/New_York", "Australia/Sydney"} {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Skip("no tzdata:", err)
		}
		for h := 0; h < 365*24; h++ {
			ref := time.Date(2026, 1, 1, h, 17, 9, 5, loc)
			if ref.Hour() != (h % 24) {
				continue // a DST edge hour: time.Date's choice is unspecified
			}
			if _, before := ref.Add(-2 * time.Hour).Zone(); before != func() int { _, o := ref.Add(2 * time.Hour).Zone(); return o }() {
				continue // next to a transition
			}
			got := Date(ref.Year(), ref.Month(), ref.Day(), ref.Hour(), ref.Minute(), ref.Second(), ref.Nanosecond(), loc)
			if !got.Equal(ref) {
				t.Fatalf("%s %v: Date = %v", name, ref, got)
			}
		}
	}
}
