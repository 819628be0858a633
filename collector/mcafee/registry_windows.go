//go:build windows

package mcafee

import (
	"errors"
	"fmt"

	"golang.org/x/sys/windows/registry"
)

// windowsRegistry reads HKEY_LOCAL_MACHINE through the Win32 registry API, read-only. The
// 64-bit view is opened so that the WOW6432Node path in AgentRegistryKeys means what it
// says whatever the exporter's own bitness.
type windowsRegistry struct{}

// NewRegistryReader returns the platform's RegistryReader.
func NewRegistryReader() RegistryReader { return windowsRegistry{} }

// registryAccess is KEY_READ | KEY_WOW64_64KEY: never a write right.
const registryAccess = registry.READ | registry.WOW64_64KEY

func (windowsRegistry) ReadString(key, name string) (string, error) {
	k, err := openRegistryKey(key)
	if err != nil {
		return "", err
	}
	defer k.Close()
	s, _, err := k.GetStringValue(name)
	return s, registryValueError(key, name, err)
}

func (windowsRegistry) ReadInt(key, name string) (uint64, error) {
	k, err := openRegistryKey(key)
	if err != nil {
		return 0, err
	}
	defer k.Close()
	v, _, err := k.GetIntegerValue(name)
	return v, registryValueError(key, name, err)
}

func openRegistryKey(key string) (registry.Key, error) {
	k, err := registry.OpenKey(registry.LOCAL_MACHINE, key, registryAccess)
	if errors.Is(err, registry.ErrNotExist) {
		return 0, fmt.Errorf(`HKLM\%s: %w`, key, ErrRegistryKeyNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf(`HKLM\%s: %w`, key, err)
	}
	return k, nil
}

func registryValueError(key, name string, err error) error {
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
