package qualys

import (
	"errors"
	"io/fs"
	"runtime"
	"testing"

	"github.com/secagent-exporter/secagent_exporter/collector/winreg"
)

func TestReadRegistryState(t *testing.T) {
	r := winreg.Fake{`SOFTWARE\Qualys`: {"HostID": " 6f1c2d3e-4b5a-4c6d-9e8f-0a1b2c3d4e5f\n", "activationid": errors.New("must not be read"), "AgentInstallPath": `C:\x`}}
	st, err := ReadRegistryState(r)
	if err != nil || !st.KeyPresent || !st.ActivationIDPresent || st.CustomerIDPresent {
		t.Fatalf("got %+v, %v", st, err)
	}
	if _, err := ParseHostID([]byte(st.HostID)); err != nil {
		t.Fatal(err)
	}
	if st := registryStateFromNames([]string{"CUSTOMERID", "ActivationIDx"}); !st.CustomerIDPresent || st.ActivationIDPresent {
		t.Fatalf("got %+v", st)
	}
	if st, err := ReadRegistryState(winreg.Fake{}); err != nil || st.KeyPresent {
		t.Errorf("absent key: %+v, %v", st, err)
	}
	denied := winreg.Fake{`SOFTWARE\Qualys`: {"HostID": fs.ErrPermission}}
	if st, err := ReadRegistryState(denied); !errors.Is(err, fs.ErrPermission) || !st.KeyPresent {
		t.Errorf("denied HostID: %+v, %v", st, err)
	}
}

func TestRegistryUnsupportedOffWindows(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the real implementation")
	}
	if _, err := ReadRegistryState(NewRegistryReader()); !errors.Is(err, winreg.ErrUnsupported) {
		t.Errorf("registry: %v", err)
	}
}
