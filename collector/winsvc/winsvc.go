// Package winsvc reads the state of Windows services read-only, behind one interface the
// vendor collectors share, with a fake so their Windows logic is tested on Linux. It is
// the service-manager twin of collector/winreg.
package winsvc

import (
	"errors"
	"strings"

	"github.com/secagent-exporter/secagent_exporter/internal/textutil"
)

// States is the closed set Status.State takes (the service control manager's
// SERVICE_* states, winsvc.h), "unknown" for anything else.
var States = []string{"stopped", "start_pending", "stop_pending", "running",
	"continue_pending", "pause_pending", "paused", "unknown"}

// StartTypes is the closed set Status.StartType takes; "unknown" when the
// configuration could not be read (Wine answers "Invalid level.").
var StartTypes = []string{"boot", "system", "auto", "delayed_auto", "manual", "disabled", "unknown"}

// Status is one service as the service control manager reports it.
type Status struct {
	// Installed is false when no service matches; the other fields are then empty.
	Installed bool
	Name      string
	State     string // States
	StartType string // StartTypes
	PID       uint32 // 0 when not running
}

// Running reports whether the service is in the running state.
func (s Status) Running() bool { return s.State == "running" }

// Querier reports the service named name, or name_<suffix> (the Cisco 7.x connector's
// CiscoAMP_<version>): a running one before any other, then the newest version suffix
// (after an upgrade a stopped CiscoAMP_<old> can linger). No match is Status{}, not an
// error.
type Querier interface {
	State(name string) (Status, error)
}

// ErrUnsupported is returned off Windows.
var ErrUnsupported = errors.New("service control manager is only available on Windows")

// Matches reports whether service is name itself or name followed by "_" and a suffix,
// case-insensitively. Drivers whose names merely start with name (CiscoAMPCEFWDriver)
// and a future helper such as CiscoAMPSomething do not match.
func Matches(service, name string) bool {
	if len(service) < len(name) || !strings.EqualFold(service[:len(name)], name) {
		return false
	}
	return len(service) == len(name) || service[len(name)] == '_'
}

// Select picks among candidates already filtered by Matches (see Querier).
func Select(candidates []Status) Status {
	var best Status
	for _, c := range candidates {
		c.Installed = true
		switch {
		case !best.Installed:
			best = c
		case c.Running() != best.Running():
			if c.Running() {
				best = c
			}
		case textutil.CompareVersions(suffix(c.Name), suffix(best.Name)) > 0:
			best = c
		}
	}
	return best
}

func suffix(name string) string {
	if i := strings.IndexByte(name, '_'); i >= 0 {
		return name[i+1:]
	}
	return ""
}

// stateName maps SCM's dwCurrentState (SERVICE_STOPPED=1 ... SERVICE_PAUSED=7) to
// States; OS-independent so Linux tests cover it.
func stateName(state uint32) string {
	if state >= 1 && state <= 7 {
		return States[state-1]
	}
	return "unknown"
}

// startTypeName maps dwStartType (SERVICE_BOOT_START=0 ... SERVICE_DISABLED=4) and the
// delayed-auto-start flag to StartTypes.
func startTypeName(startType uint32, delayed bool) string {
	switch startType {
	case 0:
		return "boot"
	case 1:
		return "system"
	case 2:
		if delayed {
			return "delayed_auto"
		}
		return "auto"
	case 3:
		return "manual"
	case 4:
		return "disabled"
	}
	return "unknown"
}

// Fake is a Querier for tests: it applies the same match and selection as the Windows
// implementation to a fixed list.
type Fake struct {
	Services []Status
	Err      error
}

// State implements Querier.
func (f Fake) State(name string) (Status, error) {
	if f.Err != nil {
		return Status{}, f.Err
	}
	var matched []Status
	for _, s := range f.Services {
		if Matches(s.Name, name) {
			matched = append(matched, s)
		}
	}
	return Select(matched), nil
}
