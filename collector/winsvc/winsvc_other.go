//go:build !windows

package winsvc

type unsupported struct{}

// New returns the platform's Querier; off Windows every query fails with
// ErrUnsupported.
func New() Querier { return unsupported{} }

func (unsupported) State(string) (Status, error) { return Status{}, ErrUnsupported }
