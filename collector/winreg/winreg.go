// Package winreg reads HKEY_LOCAL_MACHINE values read-only, behind an interface every
// vendor package shares, with an in-memory fake so the Windows logic of the collectors
// is tested on Linux.
package winreg

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Reader reads one value of a key under HKEY_LOCAL_MACHINE, or the names of a key's
// values (so a secret value's presence is known without reading its data).
type Reader interface {
	ReadString(key, name string) (string, error)
	ReadInt(key, name string) (uint64, error)
	ValueNames(key string) ([]string, error)
}

var (
	ErrKeyNotFound   = errors.New("registry key not found")
	ErrValueNotFound = errors.New("registry value not found")
	ErrValueType     = errors.New("registry value has an unexpected type")
	ErrUnsupported   = errors.New("registry is only available on Windows")
)

// Fake is an in-memory Reader. Keys map to their values, matched case-insensitively as
// Windows does; a string or uint64 value answers the matching read only, and an error
// value is returned as is (access denied).
type Fake map[string]map[string]any

// ReadString implements Reader.
func (f Fake) ReadString(key, name string) (string, error) {
	v, err := f.lookup(key, name)
	if err != nil {
		return "", err
	}
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf(`HKLM\%s\%s: %w`, key, name, ErrValueType)
	}
	return s, nil
}

// ReadInt implements Reader.
func (f Fake) ReadInt(key, name string) (uint64, error) {
	v, err := f.lookup(key, name)
	if err != nil {
		return 0, err
	}
	n, ok := v.(uint64)
	if !ok {
		return 0, fmt.Errorf(`HKLM\%s\%s: %w`, key, name, ErrValueType)
	}
	return n, nil
}

// ValueNames implements Reader: the key's value names, sorted.
func (f Fake) ValueNames(key string) ([]string, error) {
	for k, values := range f {
		if !strings.EqualFold(k, key) {
			continue
		}
		names := make([]string, 0, len(values))
		for n := range values {
			names = append(names, n)
		}
		sort.Strings(names)
		return names, nil
	}
	return nil, fmt.Errorf(`HKLM\%s: %w`, key, ErrKeyNotFound)
}

func (f Fake) lookup(key, name string) (any, error) {
	for k, values := range f {
		if !strings.EqualFold(k, key) {
			continue
		}
		for n, v := range values {
			if strings.EqualFold(n, name) {
				if err, ok := v.(error); ok {
					return nil, err
				}
				return v, nil
			}
		}
		return nil, fmt.Errorf(`HKLM\%s\%s: %w`, key, name, ErrValueNotFound)
	}
	return nil, fmt.Errorf(`HKLM\%s: %w`, key, ErrKeyNotFound)
}
