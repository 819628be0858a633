package qualys

import (
	"errors"
	"runtime"
	"slices"
	"testing"
)

// fakeRegistry stands in for the Windows reader in collector tests.
type fakeRegistry struct {
	names  []string
	hostID string
}

func (f fakeRegistry) ReadQualysKey() (RegistryState, error) {
	st := registryStateFromNames(f.names)
	st.HostID = f.hostID
	return st, nil
}

func TestRegistryStateFromNames(t *testing.T) {
	var r RegistryReader = fakeRegistry{names: []string{"HostID", "activationid", "AgentInstallPath"}, hostID: "6f1c2d3e-4b5a-4c6d-9e8f-0a1b2c3d4e5f"}
	st, err := r.ReadQualysKey()
	if err != nil || !st.KeyPresent || !st.ActivationIDPresent || st.CustomerIDPresent {
		t.Fatalf("got %+v, %v", st, err)
	}
	if _, err := ParseHostID([]byte(st.HostID)); err != nil {
		t.Fatal(err)
	}
	if st := registryStateFromNames([]string{"CUSTOMERID", "ActivationIDx"}); !st.CustomerIDPresent || st.ActivationIDPresent {
		t.Fatalf("got %+v", st)
	}
}

func TestSeamsUnsupportedOffWindows(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("real implementations")
	}
	if _, err := NewRegistryReader().ReadQualysKey(); !errors.Is(err, errors.ErrUnsupported) {
		t.Errorf("registry: %v", err)
	}
	if st, err := NewServiceQuerier().QueryService(WindowsServiceName); !errors.Is(err, errors.ErrUnsupported) || st.State != ServiceUnknown {
		t.Errorf("service: %+v, %v", st, err)
	}
}

func TestServiceNames(t *testing.T) {
	want := []string{ServiceUnknown, ServiceStopped, ServiceStartPending, ServiceStopPending, ServiceRunning,
		ServiceContinuePending, ServicePausePending, ServicePaused, ServiceUnknown}
	for state, name := range want {
		if got := serviceStateName(uint32(state)); got != name || !slices.Contains(ServiceStates, got) {
			t.Errorf("state %d = %q, want %q", state, got, name)
		}
	}
	for st, name := range []string{"boot", "system", "auto", "demand", "disabled", "unknown"} {
		if got := serviceStartTypeName(uint32(st)); got != name || !slices.Contains(ServiceStartTypes, got) {
			t.Errorf("start type %d = %q, want %q", st, got, name)
		}
	}
}
