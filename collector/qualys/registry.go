package qualys

import (
	"errors"
	"strings"

	"github.com/secagent-exporter/secagent_exporter/collector/winreg"
)

// WindowsServiceName is the Qualys agent's service (sources.md S9).
const WindowsServiceName = "QualysAgent"

// RegistryKeyPath is the Qualys breadcrumb key under HKLM (sources.md S9); the 64-bit view
// is read.
const RegistryKeyPath = `SOFTWARE\Qualys`

// RegistryState is HKLM\SOFTWARE\Qualys reduced to what may be exported.
type RegistryState struct {
	// KeyPresent is false when the key does not exist (agent not installed): absence
	// is data, not an error.
	KeyPresent bool
	// HostID is the HostID value as stored (trimmed); validate it with ParseHostID
	// before using it as a label. Empty when absent.
	HostID string
	// ActivationIDPresent and CustomerIDPresent say the values exist. Their data is
	// never read: these are secrets (sources.md S9, docs/metrics.md).
	ActivationIDPresent bool
	CustomerIDPresent   bool
}

// RegistryReader is the shared read-only registry reader (collector/winreg).
type RegistryReader = winreg.Reader

// NewRegistryReader returns the platform's reader.
func NewRegistryReader() RegistryReader { return winreg.New() }

// ReadRegistryState reads HKLM\SOFTWARE\Qualys: the value names first, so the
// ActivationID and CustomerID secrets are known to exist without their data being read;
// then HostID. A missing key is KeyPresent false and no error.
func ReadRegistryState(r RegistryReader) (RegistryState, error) {
	names, err := r.ValueNames(RegistryKeyPath)
	if errors.Is(err, winreg.ErrKeyNotFound) {
		return RegistryState{}, nil
	}
	if err != nil {
		return RegistryState{}, err
	}
	st := registryStateFromNames(names)
	for _, n := range names {
		if !strings.EqualFold(n, regValueHostID) {
			continue
		}
		v, err := r.ReadString(RegistryKeyPath, n)
		if err != nil {
			return st, err
		}
		st.HostID = strings.TrimSpace(v)
	}
	return st, nil
}

// Registry value names as public scripts read them (THIRD-PARTY, sources.md S9). Windows
// compares value names case-insensitively, so the implementation does too.
const (
	regValueHostID       = "HostID"
	regValueActivationID = "ActivationID"
	regValueCustomerID   = "CustomerID"
)

// registryStateFromNames fills the presence flags from the key's value names alone, so
// the secret values are never fetched. Shared by the Windows reader and tests.
func registryStateFromNames(names []string) RegistryState {
	st := RegistryState{KeyPresent: true}
	for _, n := range names {
		switch {
		case strings.EqualFold(n, regValueActivationID):
			st.ActivationIDPresent = true
		case strings.EqualFold(n, regValueCustomerID):
			st.CustomerIDPresent = true
		}
	}
	return st
}
