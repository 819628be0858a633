package logtail

import (
	"testing"
	"time"

	"github.com/secagent-exporter/secagent_exporter/internal/wallclock/wallclocktest"
)

// Agent timestamps are read in the agents' zone with the DST rules of ParseLocal: for any
// text, a parsed time formats back to the same wall clock in that zone, except inside a
// skipped hour, which ParseLocal moves forward by the size of the gap.
func FuzzParseLocal(f *testing.F) {
	berlin := wallclocktest.Zone(f, "Europe/Berlin")
	const ma5 = "2006-01-02 15:04:05.000"
	// sources.md S1, KB60776 and the Qualys fixture timestamps, and both DST edges.
	for _, v := range []string{"2014-04-24 19:35:03.473", "2009-07-12 11:57:34.000", "2026-11-20 11:45:03.112",
		"2023-10-29 02:30:00.000", "2023-03-26 02:30:00.000", "not a time", "2026-02-30 00:00:00.000"} {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, value string) {
		got, err := ParseLocal(ma5, value, berlin)
		if err != nil {
			return
		}
		if again, err := ParseLocal(ma5, value, berlin); err != nil || !again.Equal(got) {
			t.Fatalf("ParseLocal(%q) not deterministic: %v then %v (%v)", value, got, again, err)
		}
		naive, err := time.ParseInLocation(ma5, value, time.UTC)
		if err != nil {
			t.Fatalf("ParseLocal accepted %q, which the layout rejects: %v", value, err)
		}
		wall, _ := time.ParseInLocation(ma5, got.In(berlin).Format(ma5), time.UTC)
		if shift := wall.Sub(naive); shift != 0 && shift != time.Hour {
			t.Fatalf("ParseLocal(%q) = %v: wall clock moved by %v", value, got.In(berlin), shift)
		}
	})
}
