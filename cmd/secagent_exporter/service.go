package main

import (
	"context"
	"time"
)

// The Windows service life cycle, kept free of golang.org/x/sys/windows types so the
// state machine is tested on every platform; service_windows.go only translates.

// serviceRequest is a control request from the Service Control Manager.
type serviceRequest int

const (
	requestInterrogate serviceRequest = iota
	requestStop
	requestShutdown
)

type serviceState int

const (
	stateStartPending serviceState = iota + 1
	stateRunning
	stateStopPending
	stateStopped
)

// serviceStatus is what the service reports back. AcceptStop is set only while running:
// a stop during start-up is queued by the SCM until the service says it can take one.
type serviceStatus struct {
	State      serviceState
	AcceptStop bool
	ExitCode   uint32
}

// exitStopTimeout is the service-specific exit code when the exporter did not finish
// within the stop deadline (the process is ending anyway; the SCM records it).
const exitStopTimeout = 3

// serviceLifecycle drives one service run.
type serviceLifecycle struct {
	// start runs the exporter until ctx is cancelled and returns its exit status.
	start func(ctx context.Context) int
	// report sends a status to the SCM.
	report func(serviceStatus)
	// stopDeadline starts the wait for the exporter after a stop request; the SCM
	// kills services that sit in StopPending too long.
	stopDeadline func() <-chan time.Time
}

// run reports Running before the exporter does any work (parsing flags, building
// collectors, opening state): the SCM waits only about 30 seconds for a service to
// start, and a loaded host at boot must not turn slow start-up into "failed to start".
// It returns the exit code for the SCM: non-zero when the exporter stopped on its own
// (bad flags, port in use), which lets the recovery actions restart it.
func (l serviceLifecycle) run(requests <-chan serviceRequest) uint32 {
	l.report(serviceStatus{State: stateStartPending})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() { done <- l.start(ctx) }()
	running := serviceStatus{State: stateRunning, AcceptStop: true}
	l.report(running)
	for {
		select {
		case code := <-done:
			l.report(serviceStatus{State: stateStopped, ExitCode: uint32(code)})
			return uint32(code)
		case req := <-requests:
			switch req {
			case requestInterrogate:
				l.report(running)
			case requestStop, requestShutdown:
				l.report(serviceStatus{State: stateStopPending})
				cancel()
				var code uint32
				select {
				case c := <-done:
					code = uint32(c)
				case <-l.stopDeadline():
					code = exitStopTimeout
				}
				l.report(serviceStatus{State: stateStopped, ExitCode: code})
				return code
			}
		}
	}
}
