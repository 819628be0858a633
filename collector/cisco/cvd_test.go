package cisco

import (
	"errors"
	"os"
	"testing"
	"time"
)

func TestParseCVDHeader(t *testing.T) {
	for _, tc := range []struct {
		file      string
		version   int64
		sigs      int64
		flevel    int64
		buildTime time.Time
		signTime  time.Time
		builder   string
	}{
		{
			file: "daily_stime.cvd", version: 27823, sigs: 2076536, flevel: 90, builder: "raynman",
			buildTime: time.Date(2025, 11, 16, 14, 30, 0, 0, time.UTC),
			signTime:  time.Unix(1763303412, 0).UTC(),
		},
		{
			file: "main_no_stime.cvd", version: 57, sigs: 4218790, flevel: 60, builder: "sigmgr",
			buildTime: time.Date(2016, 3, 9, 18, 17, 0, 0, time.UTC),
		},
	} {
		t.Run(tc.file, func(t *testing.T) {
			b, err := os.ReadFile("testdata/" + tc.file)
			if err != nil {
				t.Fatal(err)
			}
			h, err := ParseCVDHeader(b)
			if err != nil {
				t.Fatal(err)
			}
			if h.Version != tc.version || h.Signatures != tc.sigs || h.FunctionalityLevel != tc.flevel || h.Builder != tc.builder {
				t.Errorf("header = %+v", h)
			}
			if !h.BuildTime.Equal(tc.buildTime) || !h.SignTime.Equal(tc.signTime) {
				t.Errorf("times = %v / %v", h.BuildTime, h.SignTime)
			}
			want := tc.signTime
			if want.IsZero() {
				want = tc.buildTime
			}
			if !h.Time().Equal(want) {
				t.Errorf("Time() = %v, want %v", h.Time(), want)
			}
		})
	}
}

func TestParseCVDHeaderRejects(t *testing.T) {
	for _, in := range []string{
		"",
		"\x1f\x8b\x08\x00",
		"ClamAV-VDB:16 Nov 2025 09-30 -0500",
		"ClamAV-VDB:16 Nov 2025 09-30 -0500:x:1:2",
		"clamav-vdb:16 Nov 2025 09-30 -0500:1:1:2",
	} {
		if _, err := ParseCVDHeader([]byte(in)); !errors.Is(err, ErrNotCVD) {
			t.Errorf("%q: err = %v, want ErrNotCVD", in, err)
		}
	}
	// Only the first 512 bytes are the header; the version must be inside them.
	long := make([]byte, 600)
	for i := range long {
		long[i] = ' '
	}
	copy(long[510:], "ClamAV-VDB:x:1:")
	if _, err := ParseCVDHeader(long); err == nil {
		t.Error("header beyond 512 bytes accepted")
	}
}

func FuzzParseCVDHeader(f *testing.F) {
	for _, name := range []string{"daily_stime.cvd", "main_no_stime.cvd"} {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("ClamAV-VDB:1 Jan 2026 00-00 +0000:1:2:3:::"))
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := ParseCVDHeader(b)
		if err != nil {
			return
		}
		if h.Version < 0 {
			t.Fatalf("negative version %d", h.Version)
		}
		if !h.SignTime.IsZero() && !h.Time().Equal(h.SignTime) {
			t.Fatalf("Time() ignores the sign time")
		}
	})
}
