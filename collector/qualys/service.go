package qualys

// WindowsServiceName is the Qualys agent's service (sources.md S9).
const WindowsServiceName = "QualysAgent"

// Service states, the closed set ServiceStatus.State takes (SCM SERVICE_* state values).
const (
	ServiceNotInstalled    = "not_installed"
	ServiceStopped         = "stopped"
	ServiceStartPending    = "start_pending"
	ServiceStopPending     = "stop_pending"
	ServiceRunning         = "running"
	ServiceContinuePending = "continue_pending"
	ServicePausePending    = "pause_pending"
	ServicePaused          = "paused"
	ServiceUnknown         = "unknown"
)

// ServiceStates lists the closed set in a stable order.
var ServiceStates = []string{ServiceNotInstalled, ServiceStopped, ServiceStartPending,
	ServiceStopPending, ServiceRunning, ServiceContinuePending, ServicePausePending,
	ServicePaused, ServiceUnknown}

// Start types, the closed set ServiceStatus.StartType takes.
var ServiceStartTypes = []string{"boot", "system", "auto", "demand", "disabled", "unknown"}

// ServiceStatus is one service's state as the service control manager reports it.
type ServiceStatus struct {
	State     string // ServiceStates
	StartType string // ServiceStartTypes; "unknown" when not installed or not readable
	PID       uint32 // 0 when not running
}

// ServiceQuerier reads a service's state without changing it. The Windows implementation
// comes from NewServiceQuerier; tests and other systems use fakes.
type ServiceQuerier interface {
	QueryService(name string) (ServiceStatus, error)
}

// serviceStateName maps SCM's dwCurrentState (SERVICE_STOPPED=1 … SERVICE_PAUSED=7,
// winsvc.h) to the closed set. Kept OS-independent so Linux tests cover it.
func serviceStateName(state uint32) string {
	switch state {
	case 1:
		return ServiceStopped
	case 2:
		return ServiceStartPending
	case 3:
		return ServiceStopPending
	case 4:
		return ServiceRunning
	case 5:
		return ServiceContinuePending
	case 6:
		return ServicePausePending
	case 7:
		return ServicePaused
	}
	return ServiceUnknown
}

// serviceStartTypeName maps dwStartType (SERVICE_BOOT_START=0 … SERVICE_DISABLED=4).
func serviceStartTypeName(startType uint32) string {
	switch startType {
	case 0:
		return "boot"
	case 1:
		return "system"
	case 2:
		return "auto"
	case 3:
		return "demand"
	case 4:
		return "disabled"
	}
	return "unknown"
}
