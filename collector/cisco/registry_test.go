package cisco

import (
	"errors"
	"runtime"
	"testing"
)

// recordingRegistry remembers every value name asked for, to prove client_keypair and
// install_token are never read.
type recordingRegistry struct {
	FakeRegistry
	asked []string
}

func (r *recordingRegistry) ReadString(key, name string) (string, error) {
	r.asked = append(r.asked, name)
	return r.FakeRegistry.ReadString(key, name)
}

func (r *recordingRegistry) ReadInt(key, name string) (uint64, error) {
	r.asked = append(r.asked, name)
	return r.FakeRegistry.ReadInt(key, name)
}

func TestReadRegistryState(t *testing.T) {
	full := map[string]any{
		"guid":           "{E1BFF43D-9395-438A-AD02-E6D094CA31D7}",
		"business_guid":  "3c53040d-0000-4000-8000-000000000000",
		"install_token":  "never-read-token",
		"client_keypair": "-----BEGIN EC PRIVATE KEY-----",
		"InstallDir":     `C:\Program Files\Cisco\AMP`,
	}
	withValues := func(extra map[string]any) map[string]any {
		m := map[string]any{}
		for k, v := range full {
			m[k] = v
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	for _, tc := range []struct {
		name    string
		reg     FakeRegistry
		want    RegistryState
		wantErr bool
	}{
		{"absent", FakeRegistry{}, RegistryState{}, false},
		{
			"healthy",
			FakeRegistry{ImmunetProtectKey: full},
			RegistryState{KeyPresent: true, GUID: "e1bff43d-9395-438a-ad02-e6d094ca31d7", BusinessGUID: "3c53040d-0000-4000-8000-000000000000", InstallDir: `C:\Program Files\Cisco\AMP`},
			false,
		},
		{
			"isolated with reboot value",
			FakeRegistry{ImmunetProtectKey: withValues(map[string]any{"unlock_code": "secret-unlock", "Reboot": uint64(1)})},
			RegistryState{KeyPresent: true, GUID: "e1bff43d-9395-438a-ad02-e6d094ca31d7", BusinessGUID: "3c53040d-0000-4000-8000-000000000000", InstallDir: `C:\Program Files\Cisco\AMP`, Isolated: true, RebootPending: true},
			false,
		},
		{
			"reboot subkey",
			FakeRegistry{ImmunetProtectKey: full, ImmunetProtectKey + `\Reboot`: {}},
			RegistryState{KeyPresent: true, GUID: "e1bff43d-9395-438a-ad02-e6d094ca31d7", BusinessGUID: "3c53040d-0000-4000-8000-000000000000", InstallDir: `C:\Program Files\Cisco\AMP`, RebootPending: true},
			false,
		},
		{
			"access denied on guid",
			FakeRegistry{ImmunetProtectKey: withValues(map[string]any{"guid": errors.New("Access is denied.")})},
			RegistryState{KeyPresent: true, BusinessGUID: "3c53040d-0000-4000-8000-000000000000", InstallDir: `C:\Program Files\Cisco\AMP`},
			true,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &recordingRegistry{FakeRegistry: tc.reg}
			got, err := ReadRegistryState(r)
			if (err != nil) != tc.wantErr || got != tc.want {
				t.Errorf("got %+v, %v; want %+v (error %v)", got, err, tc.want, tc.wantErr)
			}
			for _, name := range r.asked {
				if name == "client_keypair" || name == "install_token" || name == "client_cert" {
					t.Errorf("read secret value %q", name)
				}
			}
		})
	}
}

func TestRegistryStubOffWindows(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the stub exists only off Windows")
	}
	st, err := ReadRegistryState(NewRegistryReader())
	if !errors.Is(err, ErrRegistryUnsupported) || st.GUID != "" {
		t.Errorf("got %+v, %v; want ErrRegistryUnsupported", st, err)
	}
}
