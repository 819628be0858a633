package winsvc

import (
	"errors"
	"runtime"
	"slices"
	"testing"
)

func TestSelect(t *testing.T) {
	for _, tc := range []struct {
		name     string
		services []Status
		want     Status
	}{
		{"absent", []Status{{Name: "QualysAgent", State: "running"}}, Status{}},
		{"exact", []Status{{Name: "CiscoAMP", State: "running", StartType: "auto"}},
			Status{Installed: true, Name: "CiscoAMP", State: "running", StartType: "auto"}},
		{"7.x lingering old service", []Status{
			{Name: "CiscoAMP_7.2.7", State: "stopped"},
			{Name: "CiscoAMP_7.10.1", State: "stopped"},
			{Name: "CiscoAMP_7.9.3", State: "stopped"},
		}, Status{Installed: true, Name: "CiscoAMP_7.10.1", State: "stopped"}},
		{"running wins over newer", []Status{
			{Name: "CiscoAMP_7.3.15", State: "running"},
			{Name: "CiscoAMP_7.4.1", State: "stopped"},
		}, Status{Installed: true, Name: "CiscoAMP_7.3.15", State: "running"}},
		{"driver-like names do not match", []Status{
			{Name: "CiscoAMPCEFWDriver", State: "running"},
			{Name: "CiscoAMPHeurDriver", State: "running"},
		}, Status{}},
		{"case-insensitive", []Status{{Name: "ciscoamp", State: "paused"}}, Status{Installed: true, Name: "ciscoamp", State: "paused"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Fake{Services: tc.services}.State("CiscoAMP")
			if err != nil || got != tc.want {
				t.Errorf("got %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
	boom := errors.New("rpc unavailable")
	if _, err := (Fake{Err: boom}).State("CiscoAMP"); !errors.Is(err, boom) {
		t.Errorf("error not passed through: %v", err)
	}
}

func TestNames(t *testing.T) {
	want := []string{"unknown", "stopped", "start_pending", "stop_pending", "running",
		"continue_pending", "pause_pending", "paused", "unknown"}
	for state, name := range want {
		if got := stateName(uint32(state)); got != name || !slices.Contains(States, got) {
			t.Errorf("state %d = %q, want %q", state, got, name)
		}
	}
	for st, name := range []string{"boot", "system", "auto", "manual", "disabled", "unknown"} {
		if got := startTypeName(uint32(st), false); got != name || !slices.Contains(StartTypes, got) {
			t.Errorf("start type %d = %q, want %q", st, got, name)
		}
	}
	if got := startTypeName(2, true); got != "delayed_auto" {
		t.Errorf("delayed auto = %q", got)
	}
}

func TestUnsupportedOffWindows(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the real implementation")
	}
	if _, err := New().State("QualysAgent"); !errors.Is(err, ErrUnsupported) {
		t.Errorf("err = %v, want ErrUnsupported", err)
	}
}
