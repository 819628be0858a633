//go:build !windows

package winreg

// unsupported answers every read with ErrUnsupported, so a collector running the Windows
// parsers against a fixture tree on Linux reports its registry source as not applicable
// rather than the agent as absent.
type unsupported struct{}

// New returns the platform's Reader.
func New() Reader { return unsupported{} }

func (unsupported) ReadString(string, string) (string, error) { return "", ErrUnsupported }

func (unsupported) ReadInt(string, string) (uint64, error) { return 0, ErrUnsupported }

func (unsupported) ValueNames(string) ([]string, error) { return nil, ErrUnsupported }
