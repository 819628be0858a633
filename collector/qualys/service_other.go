//go:build !windows

package qualys

import "errors"

type unsupportedServices struct{}

// NewServiceQuerier returns a querier that reports errors.ErrUnsupported: on Linux the
// collector reads the agent's processes instead (MatchAgentProcess).
func NewServiceQuerier() ServiceQuerier { return unsupportedServices{} }

func (unsupportedServices) QueryService(string) (ServiceStatus, error) {
	return ServiceStatus{State: ServiceUnknown, StartType: "unknown"}, errors.ErrUnsupported
}
