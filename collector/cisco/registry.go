package cisco

import (
	"errors"
	"fmt"
	"strings"

	"github.com/secagent-exporter/secagent_exporter/collector/winreg"
)

// RegistryReader reads values under HKEY_LOCAL_MACHINE. key is a path below HKLM
// (`SOFTWARE\Immunet Protect`); name "" is the key's default value. Implementations
// open keys read-only in the 64-bit view (the connector is a 64-bit service and the
// vendor's health checker uses KEY_WOW64_64KEY, sources.md S6).
type RegistryReader = winreg.Reader

// Errors a RegistryReader wraps so callers can tell absence from failure.
var (
	ErrRegistryKeyNotFound   = winreg.ErrKeyNotFound
	ErrRegistryValueNotFound = winreg.ErrValueNotFound
	ErrRegistryValueType     = winreg.ErrValueType
	ErrRegistryUnsupported   = winreg.ErrUnsupported
)

// ImmunetProtectKey is the connector's registry key (sources.md S6).
const ImmunetProtectKey = `SOFTWARE\Immunet Protect`

// The values the exporter reads under ImmunetProtectKey. Nothing else is read: in
// particular `client_keypair` (the connector's EC private key), `client_cert` and
// `install_token` are never opened, so no code path can leak them.
const (
	// RegistryGUID is the connector UUID (REG_SZ).
	RegistryGUID = "guid"
	// RegistryBusinessGUID is the organisation UUID (REG_SZ).
	RegistryBusinessGUID = "business_guid"
	// RegistryInstallDir is the install root, when not the default.
	RegistryInstallDir = "InstallDir"
	// RegistryUnlockCode exists only while the endpoint is isolated; its content is
	// the isolation unlock code, a secret, so only its presence is used.
	RegistryUnlockCode = "unlock_code"
	// RegistryReboot marks a pending reboot after an upgrade or uninstall. The guide
	// calls it a "registry key"; whether it is a value or a subkey is UNVERIFIED,
	// so both are checked.
	RegistryReboot = "Reboot"
)

// RegistryState is what the connector's registry key tells the exporter.
type RegistryState struct {
	// KeyPresent is false when ImmunetProtectKey does not exist (connector absent).
	KeyPresent    bool
	GUID          string
	BusinessGUID  string
	InstallDir    string
	Isolated      bool
	RebootPending bool
}

// ReadRegistryState reads the documented values under ImmunetProtectKey. Absent values
// leave fields empty; any other error (access denied, I/O) is returned with what was
// read so far.
func ReadRegistryState(r RegistryReader) (RegistryState, error) {
	var st RegistryState
	var errs []error
	guid, err := r.ReadString(ImmunetProtectKey, RegistryGUID)
	switch {
	case errors.Is(err, ErrRegistryKeyNotFound):
		return st, nil
	case err == nil:
		st.GUID = normaliseGUID(guid)
	case !errors.Is(err, ErrRegistryValueNotFound):
		errs = append(errs, fmt.Errorf("%s: %w", RegistryGUID, err))
	}
	st.KeyPresent = true
	if s, err := r.ReadString(ImmunetProtectKey, RegistryBusinessGUID); err == nil {
		st.BusinessGUID = normaliseGUID(s)
	} else if !absent(err) {
		errs = append(errs, fmt.Errorf("%s: %w", RegistryBusinessGUID, err))
	}
	if s, err := r.ReadString(ImmunetProtectKey, RegistryInstallDir); err == nil {
		st.InstallDir = strings.TrimSpace(s)
	} else if !absent(err) {
		errs = append(errs, fmt.Errorf("%s: %w", RegistryInstallDir, err))
	}
	present, err := valuePresent(r, ImmunetProtectKey, RegistryUnlockCode)
	if err != nil {
		errs = append(errs, fmt.Errorf("%s: %w", RegistryUnlockCode, err))
	}
	st.Isolated = present
	present, err = valuePresent(r, ImmunetProtectKey, RegistryReboot)
	if err != nil {
		errs = append(errs, fmt.Errorf("%s: %w", RegistryReboot, err))
	}
	if !present {
		// The subkey form: its existence is the flag, its default value may be unset.
		_, err := r.ReadString(ImmunetProtectKey+`\`+RegistryReboot, "")
		present = err == nil || errors.Is(err, ErrRegistryValueNotFound) || errors.Is(err, ErrRegistryValueType)
	}
	st.RebootPending = present
	return st, errors.Join(errs...)
}

// valuePresent reports whether a value exists, whatever its type, discarding its content.
func valuePresent(r RegistryReader, key, name string) (bool, error) {
	_, err := r.ReadString(key, name)
	switch {
	case err == nil, errors.Is(err, ErrRegistryValueType):
		return true, nil
	case absent(err):
		return false, nil
	}
	return false, err
}

func absent(err error) bool {
	return errors.Is(err, ErrRegistryValueNotFound) || errors.Is(err, ErrRegistryKeyNotFound)
}

// normaliseGUID trims braces and whitespace and lower-cases, the form local.xml uses.
func normaliseGUID(s string) string {
	return strings.ToLower(strings.Trim(strings.TrimSpace(s), "{}"))
}

// FakeRegistry is an in-memory RegistryReader for tests on any OS.
type FakeRegistry = winreg.Fake

// NewRegistryReader returns the platform's RegistryReader.
func NewRegistryReader() RegistryReader { return winreg.New() }
