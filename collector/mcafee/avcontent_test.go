package mcafee

import (
	"errors"
	"testing"
	"time"
)

func TestParseContentDate(t *testing.T) {
	now := time.Date(2026, 11, 16, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		in   string
		want time.Time
		bad  bool
	}{
		{in: "2026-11-15", want: time.Date(2026, 11, 15, 0, 0, 0, 0, time.UTC)},
		{in: " 2026/11/14 ", want: time.Date(2026, 11, 14, 0, 0, 0, 0, time.UTC)},
		{in: "", bad: true},
		{in: "0", bad: true},
		{in: "2027-01-01", bad: true},
		{in: "15.11.2026", bad: true},
		{in: "1970-01-01", bad: true},
	} {
		got, err := ParseContentDate(tc.in, time.UTC, now)
		if tc.bad {
			if !errors.Is(err, ErrBadContentDate) || !got.IsZero() {
				t.Errorf("%q: got %v, %v; want ErrBadContentDate", tc.in, got, err)
			}
			continue
		}
		if err != nil || !got.Equal(tc.want) {
			t.Errorf("%q: got %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}

func FuzzParseContentDate(f *testing.F) {
	for _, s := range []string{"2026-11-15", "2026/11/14", "", "0", "9999-12-31"} {
		f.Add(s)
	}
	now := time.Date(2026, 11, 16, 10, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseContentDate(s, time.UTC, now)
		if err == nil && (got.After(now.Add(24*time.Hour)) || got.Year() < 1990) {
			t.Fatalf("%q accepted as %v", s, got)
		}
		if err != nil && !got.IsZero() {
			t.Fatalf("%q: timestamp %v with error %v", s, got, err)
		}
	})
}
