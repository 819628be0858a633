//go:build windows

package qualys

import (
	"errors"

	"golang.org/x/sys/windows"
	"golang.org/x/sys/windows/svc/mgr"
)

type windowsServices struct{}

// NewServiceQuerier returns the SCM-backed querier.
func NewServiceQuerier() ServiceQuerier { return windowsServices{} }

func (windowsServices) QueryService(name string) (ServiceStatus, error) {
	// mgr.Connect asks for SC_MANAGER_ALL_ACCESS, which needs Administrators; connect and
	// query rights are enough here and work for an unprivileged service account.
	scm, err := windows.OpenSCManager(nil, nil, windows.SC_MANAGER_CONNECT)
	if err != nil {
		return ServiceStatus{State: ServiceUnknown, StartType: "unknown"}, err
	}
	defer windows.CloseServiceHandle(scm)
	namePtr, err := windows.UTF16PtrFromString(name)
	if err != nil {
		return ServiceStatus{State: ServiceUnknown, StartType: "unknown"}, err
	}
	h, err := windows.OpenService(scm, namePtr, windows.SERVICE_QUERY_STATUS|windows.SERVICE_QUERY_CONFIG)
	if err != nil {
		if errors.Is(err, windows.ERROR_SERVICE_DOES_NOT_EXIST) {
			return ServiceStatus{State: ServiceNotInstalled, StartType: "unknown"}, nil
		}
		return ServiceStatus{State: ServiceUnknown, StartType: "unknown"}, err
	}
	s := &mgr.Service{Name: name, Handle: h}
	defer s.Close()
	st := ServiceStatus{State: ServiceUnknown, StartType: "unknown"}
	q, err := s.Query()
	if err != nil {
		return st, err
	}
	st.State = serviceStateName(uint32(q.State))
	st.PID = q.ProcessId
	// The start type is extra: a failed configuration query (Wine answers "Invalid
	// level.") keeps the running state already read, as the Cisco querier does.
	if cfg, err := s.Config(); err == nil {
		st.StartType = serviceStartTypeName(cfg.StartType)
	}
	return st, nil
}
