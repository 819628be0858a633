package cisco

import (
	"errors"
	"runtime"
	"testing"
)

func isUnsupportedPlatform() bool { return runtime.GOOS != "windows" }

func TestServiceSelection(t *testing.T) {
	for _, tc := range []struct {
		name     string
		services []ServiceState
		want     ServiceState
	}{
		{"absent", []ServiceState{{Name: "QualysAgent", Status: "running"}}, ServiceState{}},
		{"8.x", []ServiceState{{Name: "CiscoAMP", Status: "running", StartType: "auto"}},
			ServiceState{Installed: true, Name: "CiscoAMP", Status: "running", StartType: "auto"}},
		{"7.x lingering old service", []ServiceState{
			{Name: "CiscoAMP_7.2.7", Status: "stopped"},
			{Name: "CiscoAMP_7.10.1", Status: "stopped"},
			{Name: "CiscoAMP_7.9.3", Status: "stopped"},
		}, ServiceState{Installed: true, Name: "CiscoAMP_7.10.1", Status: "stopped"}},
		{"running wins over newer", []ServiceState{
			{Name: "CiscoAMP_7.3.15", Status: "running"},
			{Name: "CiscoAMP_7.4.1", Status: "stopped"},
		}, ServiceState{Installed: true, Name: "CiscoAMP_7.3.15", Status: "running"}},
		{"driver-like names are not the connector", []ServiceState{
			{Name: "CiscoAMPCEFWDriver", Status: "running"},
			{Name: "CiscoAMPHeurDriver", Status: "running"},
		}, ServiceState{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := FakeServiceQuerier{Services: tc.services}.State(ConnectorServicePrefix)
			if err != nil || got != tc.want {
				t.Errorf("got %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
	boom := errors.New("rpc unavailable")
	if _, err := (FakeServiceQuerier{Err: boom}).State(ConnectorServicePrefix); !errors.Is(err, boom) {
		t.Errorf("error not passed through: %v", err)
	}
}

func TestServiceStubOffWindows(t *testing.T) {
	if !isUnsupportedPlatform() {
		t.Skip("the stub exists only off Windows")
	}
	if _, err := NewServiceQuerier().State(ConnectorServicePrefix); !errors.Is(err, ErrServiceUnsupported) {
		t.Errorf("err = %v, want ErrServiceUnsupported", err)
	}
}
