package cisco

import (
	"errors"
	"strings"
)

// ConnectorServicePrefix matches the connector's Windows service: `CiscoAMP` on 8.x,
// `CiscoAMP_<version>` on 7.x (sources.md S6).
const ConnectorServicePrefix = "CiscoAMP"

// ServiceQuerier reports the state of the service whose name starts with namePrefix.
type ServiceQuerier interface {
	State(namePrefix string) (ServiceState, error)
}

// ServiceState is one Windows service as the service control manager reports it.
type ServiceState struct {
	// Installed is false when no service matches; the other fields are then empty.
	Installed bool
	Name      string
	// Status is a closed set: stopped, start_pending, stop_pending, running,
	// continue_pending, pause_pending, paused, unknown.
	Status string
	// StartType is a closed set: boot, system, auto, delayed_auto, manual, disabled, unknown.
	StartType string
}

// Running reports whether the service is in the running state.
func (s ServiceState) Running() bool { return s.Status == "running" }

// ErrServiceUnsupported is returned by the service querier on non-Windows systems.
var ErrServiceUnsupported = errors.New("service control manager is only available on Windows")

// MatchesServicePrefix reports whether name is prefix itself or prefix followed by
// "_" (CiscoAMP, CiscoAMP_7.2.7). The connector also installs kernel drivers whose
// names start with CiscoAMP; those are not Win32 services, and this keeps a future
// `CiscoAMPSomething` helper service from being taken for the connector.
func MatchesServicePrefix(name, prefix string) bool {
	if len(name) < len(prefix) || !strings.EqualFold(name[:len(prefix)], prefix) {
		return false
	}
	return len(name) == len(prefix) || name[len(prefix)] == '_'
}

// SelectService picks the connector service among candidates already filtered by
// MatchesServicePrefix: a running one before any other, then the newest version
// suffix (after an upgrade a stopped CiscoAMP_<old> can linger). No candidate gives
// ServiceState{Installed: false}.
func SelectService(candidates []ServiceState) ServiceState {
	var best ServiceState
	for _, c := range candidates {
		c.Installed = true
		switch {
		case !best.Installed:
			best = c
		case c.Running() != best.Running():
			if c.Running() {
				best = c
			}
		case CompareVersions(serviceVersion(c.Name), serviceVersion(best.Name)) > 0:
			best = c
		}
	}
	return best
}

func serviceVersion(name string) string {
	if i := strings.IndexByte(name, '_'); i >= 0 {
		return name[i+1:]
	}
	return ""
}

// FakeServiceQuerier is a ServiceQuerier for tests: it applies the same prefix match
// and selection as the Windows implementation to a fixed list.
type FakeServiceQuerier struct {
	Services []ServiceState
	Err      error
}

// State implements ServiceQuerier.
func (f FakeServiceQuerier) State(namePrefix string) (ServiceState, error) {
	if f.Err != nil {
		return ServiceState{}, f.Err
	}
	var matched []ServiceState
	for _, s := range f.Services {
		if MatchesServicePrefix(s.Name, namePrefix) {
			matched = append(matched, s)
		}
	}
	return SelectService(matched), nil
}
