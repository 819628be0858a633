package cisco

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

func TestParseAmpcliStatus(t *testing.T) {
	tokyo := time.FixedZone("JST", 9*3600)
	for _, tc := range []struct {
		file        string
		status      string
		mode        string
		degraded    bool
		lastScan    time.Time
		policyName  string
		serial      int64
		faults      []ActiveFault // ID, Severity, Known checked
		faultCounts map[int]int
	}{
		{
			file: "ampcli_status_fault18_major.txt", status: "Connected", mode: "Degraded", degraded: true,
			lastScan:   time.Date(2023, 6, 19, 14, 2, 3, 0, tokyo),
			policyName: "Audit Policy for FireAMP Linux", serial: 1,
			faults:      []ActiveFault{{ID: 18, Severity: SeverityMajor, Known: true}},
			faultCounts: map[int]int{SeverityMajor: 1},
		},
		{
			file: "ampcli_status_fault18_critical.txt", status: "Connected", mode: "Degraded", degraded: true,
			lastScan:   time.Date(2023, 6, 19, 14, 2, 3, 0, tokyo),
			policyName: "Audit Policy for FireAMP Linux", serial: 1,
			faults:      []ActiveFault{{ID: 18, Severity: SeverityCritical, Known: true}},
			faultCounts: map[int]int{SeverityCritical: 1},
		},
		{
			file: "ampcli_status_banner_fault18.txt", status: "Connected", mode: "Degraded", degraded: true,
			lastScan:   time.Date(2023, 6, 19, 14, 2, 3, 0, tokyo),
			policyName: "Audit Policy for FireAMP Linux", serial: 1,
			faults:      []ActiveFault{{ID: 18, Severity: SeverityMajor, Known: true}},
			faultCounts: map[int]int{SeverityMajor: 1},
		},
		{
			file: "ampcli_status_multi_fault.txt", status: "Connected", mode: "Degraded", degraded: true,
			lastScan:   time.Date(2026, 11, 20, 9, 15, 0, 0, tokyo),
			policyName: "Protect Policy for Linux", serial: 42,
			faults: []ActiveFault{
				{ID: 11, Severity: SeverityMajor, Known: true},
				{ID: 19, Severity: SeverityCritical, Known: true},
			},
			faultCounts: map[int]int{SeverityMajor: 1, SeverityCritical: 1},
		},
		{
			file: "ampcli_status_healthy.txt", status: "Connected", mode: "Normal",
			lastScan:   time.Date(2026, 11, 20, 3, 4, 5, 0, tokyo),
			policyName: "Protect Policy for Linux", serial: 42,
			faultCounts: map[int]int{},
		},
	} {
		t.Run(tc.file, func(t *testing.T) {
			out, err := os.ReadFile("testdata/" + tc.file)
			if err != nil {
				t.Fatal(err)
			}
			st, err := ParseAmpcliStatus(out, tokyo)
			if err != nil {
				t.Fatal(err)
			}
			if st.Status != tc.status || st.Connected != (tc.status == "Connected") || st.Mode != tc.mode || st.Degraded != tc.degraded {
				t.Errorf("status/mode = %q %v / %q %v", st.Status, st.Connected, st.Mode, st.Degraded)
			}
			if !st.LastScan.Equal(tc.lastScan) {
				t.Errorf("last scan = %v, want %v", st.LastScan, tc.lastScan)
			}
			if st.PolicyName != tc.policyName || st.PolicySerial == nil || *st.PolicySerial != tc.serial {
				t.Errorf("policy = %q %v", st.PolicyName, st.PolicySerial)
			}
			if len(st.FaultCounts) != len(tc.faultCounts) {
				t.Errorf("fault counts = %v, want %v", st.FaultCounts, tc.faultCounts)
			}
			for sev, n := range tc.faultCounts {
				if st.FaultCounts[sev] != n {
					t.Errorf("fault counts = %v, want %v", st.FaultCounts, tc.faultCounts)
				}
			}
			if len(st.Faults) != len(tc.faults) {
				t.Fatalf("faults = %+v, want %+v", st.Faults, tc.faults)
			}
			for i, want := range tc.faults {
				got := st.Faults[i]
				if got.ID != want.ID || got.Severity != want.Severity || got.Known != want.Known || got.Message == "" {
					t.Errorf("fault %d = %+v, want %+v", i, got, want)
				}
			}
			if st.Fields["Behavioural Protection"] != "Protect" || st.Fields["Orbital"] != "Disabled" {
				t.Errorf("fields = %v", st.Fields)
			}
		})
	}
}

func TestParseAmpcliStatusFaultWithoutDetailLine(t *testing.T) {
	out := "Status: Connected\nMode: Degraded\nFaults: 2 Major\nFault IDs: 18, 99\n"
	st, err := ParseAmpcliStatus([]byte(out), time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Faults) != 2 {
		t.Fatalf("faults = %+v", st.Faults)
	}
	f18, f99 := st.Faults[0], st.Faults[1]
	if f18.ID != 18 || f18.Severity != SeverityMajor || !f18.Known || f18.Fault.Name != "event_monitoring_overloaded" {
		t.Errorf("fault 18 = %+v", f18)
	}
	if f99.ID != 99 || f99.Known || f99.Severity != SeverityMajor {
		t.Errorf("fault 99 = %+v (undocumented id must still surface)", f99)
	}
}

func TestParseAmpcliStatusDefinitionsAndNever(t *testing.T) {
	out := "ampcli> ampcli> status\nStatus: Disconnected\nLast Scan: Never\nClamAV Definitions: 27823 (2025-11-16)\n"
	st, err := ParseAmpcliStatus([]byte(out), nil)
	if err != nil {
		t.Fatal(err)
	}
	if st.Connected || st.Status != "Disconnected" || !st.LastScan.IsZero() {
		t.Errorf("status = %+v", st)
	}
	if st.Definitions["ClamAV Definitions"] != "27823 (2025-11-16)" {
		t.Errorf("definitions = %v", st.Definitions)
	}
}

func TestParseAmpcliStatusUnreachable(t *testing.T) {
	banner, err := os.ReadFile("testdata/ampcli_status_unreachable.txt")
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range []string{
		string(banner),
		string(banner) + "Unable to connect to ampdaemon\r\n",
		"Error: failed to connect: connection refused\n",
	} {
		if _, err := ParseAmpcliStatus([]byte(in), time.UTC); !errors.Is(err, ErrDaemonUnreachable) {
			t.Errorf("%q: err = %v, want ErrDaemonUnreachable", in, err)
		}
	}
	for _, in := range []string{"", "usage: ampcli <command>\n"} {
		_, err := ParseAmpcliStatus([]byte(in), time.UTC)
		if !errors.Is(err, ErrNoStatus) {
			t.Errorf("%q: err = %v, want ErrNoStatus", in, err)
		}
	}
}

func FuzzParseAmpcliStatus(f *testing.F) {
	for _, name := range []string{
		"ampcli_status_fault18_major.txt", "ampcli_status_fault18_critical.txt", "ampcli_status_banner_fault18.txt",
		"ampcli_status_unreachable.txt", "ampcli_status_multi_fault.txt", "ampcli_status_healthy.txt",
	} {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, out []byte) {
		st, err := ParseAmpcliStatus(out, time.UTC)
		if err != nil {
			if !errors.Is(err, ErrDaemonUnreachable) && !errors.Is(err, ErrNoStatus) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			return
		}
		for i, fault := range st.Faults {
			if i > 0 && st.Faults[i-1].ID >= fault.ID {
				t.Fatalf("faults not sorted and unique: %+v", st.Faults)
			}
			if fault.Severity < SeverityUnknown || fault.Severity > SeverityCritical {
				t.Fatalf("severity %d out of range", fault.Severity)
			}
			if fault.Known && fault.Fault.ID != fault.ID {
				t.Fatalf("fault row mismatch %+v", fault)
			}
		}
		if st.Degraded && !strings.EqualFold(st.Mode, "Degraded") {
			t.Fatalf("degraded without Mode: Degraded (%q)", st.Mode)
		}
	})
}
