//go:build windows

package winsvc

import (
	"errors"
	"fmt"

	"golang.org/x/sys/windows"
	"golang.org/x/sys/windows/svc/mgr"
)

// system queries the service control manager with the least access that works for a
// non-administrator: mgr.Connect and Mgr.OpenService ask for ALL_ACCESS, so the handles
// are opened here with connect/enumerate and query rights only.
type system struct{}

// New returns the platform's Querier.
func New() Querier { return system{} }

// State implements Querier: the service of that exact name, plus every name_<suffix>
// service the manager lists.
func (system) State(name string) (Status, error) {
	h, err := windows.OpenSCManager(nil, nil, windows.SC_MANAGER_CONNECT|windows.SC_MANAGER_ENUMERATE_SERVICE)
	if err != nil {
		return Status{}, fmt.Errorf("opening service control manager: %w", err)
	}
	m := &mgr.Mgr{Handle: h}
	defer m.Disconnect()
	names, err := m.ListServices()
	if err != nil {
		return Status{}, fmt.Errorf("listing services: %w", err)
	}
	var candidates []Status
	var errs []error
	for _, n := range names {
		if !Matches(n, name) {
			continue
		}
		st, err := query(h, n)
		if errors.Is(err, windows.ERROR_SERVICE_DOES_NOT_EXIST) {
			continue // removed between the listing and the query
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		candidates = append(candidates, st)
	}
	if len(candidates) == 0 && len(errs) > 0 {
		return Status{}, errors.Join(errs...)
	}
	return Select(candidates), nil
}

func query(scm windows.Handle, name string) (Status, error) {
	namePtr, err := windows.UTF16PtrFromString(name)
	if err != nil {
		return Status{}, err
	}
	h, err := windows.OpenService(scm, namePtr, windows.SERVICE_QUERY_STATUS|windows.SERVICE_QUERY_CONFIG)
	if err != nil {
		return Status{}, fmt.Errorf("opening service %s: %w", name, err)
	}
	s := &mgr.Service{Name: name, Handle: h}
	defer s.Close()
	q, err := s.Query()
	if err != nil {
		return Status{}, fmt.Errorf("querying service %s: %w", name, err)
	}
	st := Status{Installed: true, Name: name, State: stateName(uint32(q.State)), StartType: "unknown", PID: q.ProcessId}
	// The start type is extra: a failed configuration query keeps the state read.
	if cfg, err := s.Config(); err == nil {
		st.StartType = startTypeName(cfg.StartType, cfg.DelayedAutoStart)
	}
	return st, nil
}
