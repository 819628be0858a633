package mcafee

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/secagent-exporter/secagent_exporter/collector/winreg"
)

// RegistryReader reads values under HKEY_LOCAL_MACHINE; key is a path below HKLM. The
// Windows implementation opens keys read-only; tests use FakeRegistry.
type RegistryReader = winreg.Reader

// Errors a RegistryReader wraps so callers can tell absence from failure.
var (
	ErrRegistryKeyNotFound   = winreg.ErrKeyNotFound
	ErrRegistryValueNotFound = winreg.ErrValueNotFound
	ErrRegistryValueType     = winreg.ErrValueType
	ErrRegistryUnsupported   = winreg.ErrUnsupported
)

// AgentRegistryKeys are the agent's keys, the 64-bit OS location first: the agent's
// framework is 32-bit, so on a 64-bit Windows its values live under WOW6432Node
// (sources.md S12; public inventory scripts read both).
var AgentRegistryKeys = []string{
	`SOFTWARE\WOW6432Node\Network Associates\ePolicy Orchestrator\Agent`,
	`SOFTWARE\Network Associates\ePolicy Orchestrator\Agent`,
}

// The values the exporter reads; nothing else under the key is opened.
const (
	RegistryAgentGUID     = "AgentGUID"     // sources.md S12 [V]
	RegistryLastASCTime   = "LastASCTime"   // sources.md S12 [V] name; [?] value type and format
	RegistryEPOServerList = "ePOServerList" // sources.md S12 [V] ";"-separated
)

// RegistryAgentInfo is what the agent's registry key says, the fallback when cmdagent
// fails or hangs: reading it spawns no process.
type RegistryAgentInfo struct {
	// KeyPresent is false when neither AgentRegistryKeys entry exists.
	KeyPresent bool
	// Key is the key the values were read from.
	Key string
	// GUID is normalised like CmdAgentInfo.GUID.
	GUID string
	// LastASCTime is zero when the value is missing or unreadable.
	LastASCTime time.Time
	EPOServers  []EPOServer
}

// ReadAgentRegistry reads the agent key. Absent values leave fields empty; any other error
// (access denied, a value of an unexpected type) is returned with what was read.
//
// LastASCTime's type is unverified (sources.md S12): a string is read like cmdagent's
// yyyyMMddHHmmss wall time in loc, an integer as Unix seconds [?].
func ReadAgentRegistry(r RegistryReader, loc *time.Location) (RegistryAgentInfo, error) {
	if loc == nil {
		loc = time.Local
	}
	var info RegistryAgentInfo
	var errs []error
	for _, key := range AgentRegistryKeys {
		guid, err := r.ReadString(key, RegistryAgentGUID)
		switch {
		case errors.Is(err, ErrRegistryKeyNotFound):
			continue
		case err == nil:
			info.GUID = NormalizeGUID(guid)
		case !errors.Is(err, ErrRegistryValueNotFound):
			errs = append(errs, fmt.Errorf("%s: %w", RegistryAgentGUID, err))
		}
		info.KeyPresent, info.Key = true, key
		break
	}
	if !info.KeyPresent {
		return info, errors.Join(errs...)
	}
	if s, err := r.ReadString(info.Key, RegistryEPOServerList); err == nil {
		info.EPOServers = parseEPOServers(s, "")
	} else if !registryAbsent(err) {
		errs = append(errs, fmt.Errorf("%s: %w", RegistryEPOServerList, err))
	}
	s, err := r.ReadString(info.Key, RegistryLastASCTime)
	switch {
	case err == nil:
		t, ok := parseCmdAgentTime(strings.TrimSpace(s), loc)
		if !ok {
			errs = append(errs, fmt.Errorf("%s: unreadable time %q", RegistryLastASCTime, truncateForError(s)))
		}
		info.LastASCTime = t
	case errors.Is(err, ErrRegistryValueType):
		n, err := r.ReadInt(info.Key, RegistryLastASCTime)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", RegistryLastASCTime, err))
		} else if n > 0 && n < 1<<40 {
			info.LastASCTime = time.Unix(int64(n), 0)
		}
	case !registryAbsent(err):
		errs = append(errs, fmt.Errorf("%s: %w", RegistryLastASCTime, err))
	}
	return info, errors.Join(errs...)
}

func registryAbsent(err error) bool {
	return errors.Is(err, ErrRegistryValueNotFound) || errors.Is(err, ErrRegistryKeyNotFound)
}

// truncateForError keeps an unexpected value short in an error message.
func truncateForError(s string) string {
	if len(s) > 32 {
		return s[:32] + "..."
	}
	return s
}

// FakeRegistry is an in-memory RegistryReader for tests on any OS.
type FakeRegistry = winreg.Fake

// NewRegistryReader returns the platform's RegistryReader.
func NewRegistryReader() RegistryReader { return winreg.New() }
