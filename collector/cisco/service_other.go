//go:build !windows

package cisco

type unsupportedServices struct{}

// NewServiceQuerier returns the platform's ServiceQuerier; off Windows every query
// fails with ErrServiceUnsupported.
func NewServiceQuerier() ServiceQuerier { return unsupportedServices{} }

func (unsupportedServices) State(string) (ServiceState, error) {
	return ServiceState{}, ErrServiceUnsupported
}
