//go:build !windows

package cisco

// unsupportedRegistry answers every read with ErrRegistryUnsupported, so a collector
// running the Windows parsers on Linux (--collector.cisco.platform=windows against a
// fixture tree) reports the registry source as failed, not the connector as absent.
type unsupportedRegistry struct{}

// NewRegistryReader returns the platform's RegistryReader.
func NewRegistryReader() RegistryReader { return unsupportedRegistry{} }

func (unsupportedRegistry) ReadString(string, string) (string, error) {
	return "", ErrRegistryUnsupported
}

func (unsupportedRegistry) ReadInt(string, string) (uint64, error) {
	return 0, ErrRegistryUnsupported
}
