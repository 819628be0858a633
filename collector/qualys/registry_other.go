//go:build !windows

package qualys

import "errors"

type unsupportedRegistry struct{}

// NewRegistryReader returns a reader that reports errors.ErrUnsupported: there is no
// registry outside Windows.
func NewRegistryReader() RegistryReader { return unsupportedRegistry{} }

func (unsupportedRegistry) ReadQualysKey() (RegistryState, error) {
	return RegistryState{}, errors.ErrUnsupported
}
