//go:build windows

package qualys

import (
	"errors"
	"io/fs"
	"strings"

	"golang.org/x/sys/windows/registry"
)

type windowsRegistry struct{}

// NewRegistryReader returns the reader for HKLM\SOFTWARE\Qualys.
func NewRegistryReader() RegistryReader { return windowsRegistry{} }

func (windowsRegistry) ReadQualysKey() (RegistryState, error) {
	// QUERY_VALUE only: the exporter never writes, and a 32-bit build must still see
	// the 64-bit hive the agent writes.
	k, err := registry.OpenKey(registry.LOCAL_MACHINE, RegistryKeyPath, registry.QUERY_VALUE|registry.WOW64_64KEY)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, registry.ErrNotExist) {
			return RegistryState{}, nil
		}
		return RegistryState{}, err
	}
	defer k.Close()
	names, err := k.ReadValueNames(0)
	if err != nil {
		return RegistryState{KeyPresent: true}, err
	}
	st := registryStateFromNames(names)
	for _, n := range names {
		if !equalFoldASCII(n, regValueHostID) {
			continue
		}
		v, _, err := k.GetStringValue(n)
		if err != nil {
			return st, err
		}
		st.HostID = strings.TrimSpace(v)
	}
	return st, nil
}
