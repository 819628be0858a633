//go:build windows

package cisco

import (
	"errors"
	"fmt"

	"golang.org/x/sys/windows/registry"
)

// WindowsRegistry reads HKEY_LOCAL_MACHINE through the Win32 registry API, read-only
// and in the 64-bit view.
type WindowsRegistry struct{}

// NewRegistryReader returns the platform's RegistryReader.
func NewRegistryReader() RegistryReader { return WindowsRegistry{} }

// registryAccess is KEY_READ | KEY_WOW64_64KEY: never a write right.
const registryAccess = registry.READ | registry.WOW64_64KEY

// ReadString implements RegistryReader; REG_SZ and REG_EXPAND_SZ values are returned
// as stored, without expanding environment variables.
func (WindowsRegistry) ReadString(key, name string) (string, error) {
	k, err := openKey(key)
	if err != nil {
		return "", err
	}
	defer k.Close()
	s, _, err := k.GetStringValue(name)
	return s, valueError(key, name, err)
}

// ReadInt implements RegistryReader for REG_DWORD and REG_QWORD values.
func (WindowsRegistry) ReadInt(key, name string) (uint64, error) {
	k, err := openKey(key)
	if err != nil {
		return 0, err
	}
	defer k.Close()
	v, _, err := k.GetIntegerValue(name)
	return v, valueError(key, name, err)
}

func openKey(key string) (registry.Key, error) {
	k, err := registry.OpenKey(registry.LOCAL_MACHINE, key, registryAccess)
	if errors.Is(err, registry.ErrNotExist) {
		return 0, fmt.Errorf(`HKLM\%s: %w`, key, ErrRegistryKeyNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf(`HKLM\%s: %w`, key, err)
	}
	return k, nil
}

func valueError(key, name string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, registry.ErrNotExist):
		return fmt.Errorf(`HKLM\%s\%s: %w`, key, name, ErrRegistryValueNotFound)
	case errors.Is(err, registry.ErrUnexpectedType):
		return fmt.Errorf(`HKLM\%s\%s: %w`, key, name, ErrRegistryValueType)
	}
	return fmt.Errorf(`HKLM\%s\%s: %w`, key, name, err)
}
