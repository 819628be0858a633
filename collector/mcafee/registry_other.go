//go:build !windows

package mcafee

// unsupportedRegistry answers every read with ErrRegistryUnsupported.
type unsupportedRegistry struct{}

// NewRegistryReader returns the platform's RegistryReader.
func NewRegistryReader() RegistryReader { return unsupportedRegistry{} }

func (unsupportedRegistry) ReadString(string, string) (string, error) {
	return "", ErrRegistryUnsupported
}

func (unsupportedRegistry) ReadInt(string, string) (uint64, error) {
	return 0, ErrRegistryUnsupported
}
