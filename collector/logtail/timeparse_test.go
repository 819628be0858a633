package logtail

import (
	"testing"
	"time"

	"github.com/secagent-exporter/secagent_exporter/internal/wallclock/wallclocktest"
)

func TestParseLocal(t *testing.T) {
	berlin := wallclocktest.Zone(t, "Europe/Berlin")
	tokyo := wallclocktest.Zone(t, "Asia/Tokyo")
	const ma5 = "2006-01-02 15:04:05.000"
	cases := []struct {
		name, layout, value string
		loc                 *time.Location
		want                string // RFC3339Nano in UTC
	}{
		// sources.md S1 line timestamp, a ja-JP host (no DST).
		{"tokyo", ma5, "2014-04-24 19:35:03.473", tokyo, "2014-04-24T10:35:03.473Z"},
		// MA 4.x layout (KB60776), no sub-seconds.
		{"ma4 summer", "2006-01-02 15:04:05", "2009-07-12 11:57:34", berlin, "2009-07-12T09:57:34Z"},
		// 2023-10-29 02:30 happens twice in Berlin: the first (CEST, +02:00) is chosen.
		{"repeated hour", ma5, "2023-10-29 02:30:00.000", berlin, "2023-10-29T00:30:00Z"},
		// 2023-03-26 02:30 never happens in Berlin: read with the pre-gap offset (+01:00).
		{"skipped hour", ma5, "2023-03-26 02:30:00.000", berlin, "2023-03-26T01:30:00Z"},
		// Qualys newer variant with an explicit zone (sources.md S9).
		{"explicit zone", "2006-01-02 15:04:05.000 -0700", "2026-03-01 10:00:00.123 +0000", berlin, "2026-03-01T10:00:00.123Z"},
	}
	for _, tc := range cases {
		got, err := ParseLocal(tc.layout, tc.value, tc.loc)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if s := got.UTC().Format(time.RFC3339Nano); s != tc.want {
			t.Errorf("%s: got %s, want %s", tc.name, s, tc.want)
		}
	}
	if _, err := ParseLocal(ma5, "not a time", berlin); err == nil {
		t.Error("garbage parsed")
	}
}
