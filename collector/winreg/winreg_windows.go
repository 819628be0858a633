//go:build windows

package winreg

import (
	"errors"
	"fmt"

	"golang.org/x/sys/windows/registry"
)

// system reads through the Win32 registry API in the 64-bit view, so a WOW6432Node path
// means what it says whatever the exporter's own bitness.
type system struct{}

// New returns the platform's Reader.
func New() Reader { return system{} }

// access is KEY_READ | KEY_WOW64_64KEY: never a write right.
const access = registry.READ | registry.WOW64_64KEY

// ReadString returns REG_SZ and REG_EXPAND_SZ values as stored, unexpanded.
func (system) ReadString(key, name string) (string, error) {
	k, err := open(key)
	if err != nil {
		return "", err
	}
	defer k.Close()
	s, _, err := k.GetStringValue(name)
	return s, valueError(key, name, err)
}

// ReadInt reads REG_DWORD and REG_QWORD values.
func (system) ReadInt(key, name string) (uint64, error) {
	k, err := open(key)
	if err != nil {
		return 0, err
	}
	defer k.Close()
	v, _, err := k.GetIntegerValue(name)
	return v, valueError(key, name, err)
}

// ValueNames lists the key's value names without reading any data.
func (system) ValueNames(key string) ([]string, error) {
	k, err := open(key)
	if err != nil {
		return nil, err
	}
	defer k.Close()
	names, err := k.ReadValueNames(0)
	if err != nil {
		return nil, fmt.Errorf(`HKLM\%s: %w`, key, err)
	}
	return names, nil
}

func open(key string) (registry.Key, error) {
	k, err := registry.OpenKey(registry.LOCAL_MACHINE, key, access)
	if errors.Is(err, registry.ErrNotExist) {
		return 0, fmt.Errorf(`HKLM\%s: %w`, key, ErrKeyNotFound)
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
		return fmt.Errorf(`HKLM\%s\%s: %w`, key, name, ErrValueNotFound)
	case errors.Is(err, registry.ErrUnexpectedType):
		return fmt.Errorf(`HKLM\%s\%s: %w`, key, name, ErrValueType)
	}
	return fmt.Errorf(`HKLM\%s\%s: %w`, key, name, err)
}
