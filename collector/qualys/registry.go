package qualys

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

// RegistryReader reads the Qualys registry key, read-only. The Windows implementation
// comes from NewRegistryReader; tests and other systems use fakes.
type RegistryReader interface {
	ReadQualysKey() (RegistryState, error)
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
		case equalFoldASCII(n, regValueActivationID):
			st.ActivationIDPresent = true
		case equalFoldASCII(n, regValueCustomerID):
			st.CustomerIDPresent = true
		}
	}
	return st
}

func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		ca, cb := a[i], b[i]
		if ca >= 'A' && ca <= 'Z' {
			ca += 'a' - 'A'
		}
		if cb >= 'A' && cb <= 'Z' {
			cb += 'a' - 'A'
		}
		if ca != cb {
			return false
		}
	}
	return true
}
