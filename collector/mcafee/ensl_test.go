package mcafee

import (
	"errors"
	"testing"
	"time"
)

var enslNow = time.Date(2026, 11, 16, 10, 0, 0, 0, time.UTC)

// The ENSL 10.7.8 layout of the public capture (sources.md S23), indented as there.
const enslVersion107 = `McAfee Endpoint Security for Linux Threat Prevention
Version : 10.7.8.12
License : Full
DAT Version : 4978.0
Engine Version : 6300.9389
Exploit Prevention Content Version : 10.7.0.00079
`

// The ENSL 10.2-10.6 layout the OMS agent reads by position (sources.md S21); the key
// of line 4 is not known from a public source, so an unknown key stands in for it.
const enslVersion106 = `McAfee Endpoint Security for Linux Threat Prevention
Version : 10.6.2.2181
License : Full
DAT Version : 9999.0
DAT Stamp : 11-14-2026
Engine Version : 6000.8403
`

func TestParseENSLVersion(t *testing.T) {
	for _, tc := range []struct {
		name    string
		in      string
		version string
		dat     float64
		hasDAT  bool
		created time.Time
		engine  string
		wantErr error
	}{
		{name: "10.7 prints no DAT date", in: enslVersion107, version: "10.7.8.12", dat: 4978, hasDAT: true, engine: "6300.9389"},
		{name: "10.6 DAT date by position", in: enslVersion106, version: "10.6.2.2181", dat: 9999, hasDAT: true,
			created: time.Date(2026, 11, 14, 0, 0, 0, 0, time.UTC), engine: "6000.8403"},
		{name: "DAT date by key", in: "ENSL\nVersion : 10.7.9.1\nDAT Version : 5001.1\nDAT Date : 11-15-2026\n",
			version: "10.7.9.1", dat: 5001.0001, hasDAT: true, created: time.Date(2026, 11, 15, 0, 0, 0, 0, time.UTC)},
		{name: "future DAT date", in: "ENSL\nVersion : 10.7\nDAT Version : 5001.0\nDAT Date : 01-01-2030\n",
			version: "10.7", dat: 5001, hasDAT: true, wantErr: ErrBadContentDate},
		{name: "zero DAT version", in: "ENSL\nVersion : 10.7\nDAT Version : 0\n", version: "10.7", wantErr: ErrBadContentVersion},
		{name: "empty DAT version", in: "ENSL\nVersion : 10.7\nDAT Version :\n", version: "10.7", wantErr: ErrBadContentVersion},
		{name: "no DAT at all", in: "usage: mfetpcli [options]\n", wantErr: ErrNoENSLVersion},
		{name: "empty output", in: "", wantErr: ErrNoENSLVersion},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseENSLVersion([]byte(tc.in), time.UTC, enslNow)
			if tc.wantErr == nil && err != nil || tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			c := got.Content
			if got.Version != tc.version || c.HasVersion != tc.hasDAT || c.Version != tc.dat || !c.Created.Equal(tc.created) || c.Engine != tc.engine {
				t.Errorf("got version %q content %+v", got.Version, c)
			}
			if c.Product != ProductENSL {
				t.Errorf("product %q", c.Product)
			}
		})
	}
}

func TestParseENSLOnAccess(t *testing.T) {
	for _, tc := range []struct {
		in      string
		running bool
		bad     bool
	}{
		{in: "On-Access Scan : Enabled and Compliant\nGTI : Enabled\n", running: true},
		{in: "On-Access Scan : Enabled and Noncompliant\n"},
		{in: "On-Access Scan : Disabled and Compliant\n"},
		{in: "on-access scan: ENABLED\n", running: true},
		{in: "On-Access Scan : Starting\n", bad: true},
		{in: "GTI : Enabled\n", bad: true},
		{in: "", bad: true},
	} {
		running, _, err := ParseENSLOnAccess([]byte(tc.in))
		if tc.bad != (err != nil) || running != tc.running {
			t.Errorf("%q: running %v err %v", tc.in, running, err)
		}
		if tc.bad && !errors.Is(err, ErrUnknownOnAccessStatus) {
			t.Errorf("%q: %v is not ErrUnknownOnAccessStatus", tc.in, err)
		}
	}
}

func TestLatestDATDir(t *testing.T) {
	names := []string{"4977", "4978", "tmp", "0", "12x"}
	if got := LatestDATDir(names, 4977); got != "4977" {
		t.Errorf("wanted 4977, got %q", got)
	}
	if got := LatestDATDir(names, 0); got != "4978" {
		t.Errorf("highest: got %q", got)
	}
	if got := LatestDATDir(names, 5000); got != "4978" {
		t.Errorf("no match: got %q", got)
	}
	if got := LatestDATDir([]string{"tmp"}, 0); got != "" {
		t.Errorf("none: got %q", got)
	}
}

func FuzzParseENSLVersion(f *testing.F) {
	for _, s := range []string{enslVersion107, enslVersion106, "", "DAT Version : 0\n", "a\nb\nc\nd : 99-99-9999\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		v, err := ParseENSLVersion(in, time.UTC, enslNow)
		c := v.Content
		if !c.Created.IsZero() && (c.Created.After(enslNow.Add(24*time.Hour)) || c.Created.Year() < 1990) {
			t.Fatalf("date %v accepted", c.Created)
		}
		if c.HasVersion && (c.Version < 1 || c.Version >= 1<<31) {
			t.Fatalf("version %v accepted", c.Version)
		}
		if len(c.Engine) > 32 || len(v.Version) > 32 {
			t.Fatalf("unbounded label %q %q", c.Engine, v.Version)
		}
		if errors.Is(err, ErrNoENSLVersion) && (c.HasVersion || !c.Created.IsZero()) {
			t.Fatalf("values with ErrNoENSLVersion: %+v", c)
		}
	})
}

func FuzzParseENSLOnAccess(f *testing.F) {
	for _, s := range []string{"On-Access Scan : Enabled and Compliant\n", "On-Access Scan : Disabled\n", "", ":\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		running, status, err := ParseENSLOnAccess(in)
		if err != nil && (running || status != "") {
			t.Fatalf("running %v status %q with error %v", running, status, err)
		}
		if err == nil && running != enslOnAccessStates[status] {
			t.Fatalf("status %q running %v", status, running)
		}
	})
}

func TestParseENSLDATDate(t *testing.T) {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	for _, tc := range []struct {
		in   string
		want time.Time
		bad  bool
	}{
		{in: "11-15-2026", want: day(2026, 11, 15)}, // only month-first is a date
		{in: "15-11-2026", want: day(2026, 11, 15)}, // only day-first is a date
		{in: "15/11/2026", want: day(2026, 11, 15)},
		{in: "15.11.2026", want: day(2026, 11, 15)},
		{in: "2026-11-15", want: day(2026, 11, 15)},
		{in: "11-11-2026", want: day(2026, 11, 11)},
		// both readings possible: 3 Nov or 11 Mar; the more recent is the content's
		{in: "03-11-2026", want: day(2026, 11, 3)},
		{in: "11-03-2026", want: day(2026, 11, 3)},
		// 12 Nov is after tomorrow, 11 Dec too: only readings up to tomorrow count
		{in: "12-11-2026", want: day(2026, 11, 12)},
		{in: "11-12-2026", want: day(2026, 11, 12)},
		{in: "12-31-2026", bad: true},
		{in: "31-02-2026", bad: true},
		{in: "00-00-0000", bad: true},
		{in: "0", bad: true},
		{in: "", bad: true},
		{in: "1-2-26", bad: true},
		{in: "111-1-2026", bad: true},
	} {
		got, err := ParseENSLDATDate(tc.in, time.UTC, enslNow)
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

func FuzzParseENSLDATDate(f *testing.F) {
	for _, s := range []string{"11-15-2026", "03-11-2026", "31.12.1999", "", "99-99-9999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseENSLDATDate(s, time.UTC, enslNow)
		if err == nil && (got.After(enslNow.Add(24*time.Hour)) || got.Year() < 1990) {
			t.Fatalf("%q accepted as %v", s, got)
		}
		if err != nil && !got.IsZero() {
			t.Fatalf("%q: %v with error %v", s, got, err)
		}
	})
}
