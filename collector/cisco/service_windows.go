//go:build windows

package cisco

import (
	"errors"
	"fmt"

	"golang.org/x/sys/windows"
	"golang.org/x/sys/windows/svc"
	"golang.org/x/sys/windows/svc/mgr"
)

// WindowsServices queries the service control manager with the least access that
// works for a non-administrator: mgr.Connect and Mgr.OpenService ask for ALL_ACCESS,
// so the handles are opened here with connect/enumerate and query rights only.
type WindowsServices struct{}

// NewServiceQuerier returns the platform's ServiceQuerier.
func NewServiceQuerier() ServiceQuerier { return WindowsServices{} }

// State implements ServiceQuerier.
func (WindowsServices) State(namePrefix string) (ServiceState, error) {
	h, err := windows.OpenSCManager(nil, nil, windows.SC_MANAGER_CONNECT|windows.SC_MANAGER_ENUMERATE_SERVICE)
	if err != nil {
		return ServiceState{}, fmt.Errorf("opening service control manager: %w", err)
	}
	m := &mgr.Mgr{Handle: h}
	defer m.Disconnect()
	names, err := m.ListServices()
	if err != nil {
		return ServiceState{}, fmt.Errorf("listing services: %w", err)
	}
	var candidates []ServiceState
	var errs []error
	for _, name := range names {
		if !MatchesServicePrefix(name, namePrefix) {
			continue
		}
		st, err := queryService(h, name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		candidates = append(candidates, st)
	}
	if len(candidates) == 0 && len(errs) > 0 {
		return ServiceState{}, errors.Join(errs...)
	}
	return SelectService(candidates), nil
}

func queryService(scm windows.Handle, name string) (ServiceState, error) {
	namePtr, err := windows.UTF16PtrFromString(name)
	if err != nil {
		return ServiceState{}, err
	}
	h, err := windows.OpenService(scm, namePtr, windows.SERVICE_QUERY_STATUS|windows.SERVICE_QUERY_CONFIG)
	if err != nil {
		return ServiceState{}, fmt.Errorf("opening service %s: %w", name, err)
	}
	s := &mgr.Service{Name: name, Handle: h}
	defer s.Close()
	status, err := s.Query()
	if err != nil {
		return ServiceState{}, fmt.Errorf("querying service %s: %w", name, err)
	}
	st := ServiceState{Installed: true, Name: name, Status: serviceStatusName(status.State), StartType: "unknown"}
	if cfg, err := s.Config(); err == nil {
		st.StartType = startTypeName(cfg.StartType, cfg.DelayedAutoStart)
	}
	return st, nil
}

func serviceStatusName(s svc.State) string {
	switch s {
	case svc.Stopped:
		return "stopped"
	case svc.StartPending:
		return "start_pending"
	case svc.StopPending:
		return "stop_pending"
	case svc.Running:
		return "running"
	case svc.ContinuePending:
		return "continue_pending"
	case svc.PausePending:
		return "pause_pending"
	case svc.Paused:
		return "paused"
	}
	return "unknown"
}

func startTypeName(t uint32, delayed bool) string {
	switch t {
	case windows.SERVICE_BOOT_START:
		return "boot"
	case windows.SERVICE_SYSTEM_START:
		return "system"
	case windows.SERVICE_AUTO_START:
		if delayed {
			return "delayed_auto"
		}
		return "auto"
	case windows.SERVICE_DEMAND_START:
		return "manual"
	case windows.SERVICE_DISABLED:
		return "disabled"
	}
	return "unknown"
}
