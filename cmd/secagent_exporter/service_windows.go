//go:build windows

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"golang.org/x/sys/windows"
	"golang.org/x/sys/windows/svc"
	"golang.org/x/sys/windows/svc/eventlog"
)

// serviceName is the name the MSI installs the service and its Event Log source under.
const serviceName = exporterName

// runWindowsService runs the exporter under the Service Control Manager when the process
// was started by it; from a console it reports isService false. It tries the service
// dispatcher first and falls back to console mode when the dispatcher reports that the
// process was not started by the service controller (ERROR_FAILED_SERVICE_CONTROLLER_CONNECT).
// svc.IsWindowsService alone is not enough: Wine runs services in an interactive session,
// where it reports false and `sc start` would end in error 1053.
func runWindowsService() (code int, isService bool) {
	elog, err := eventlog.Open(serviceName)
	var sink eventSink = discardEvents{}
	if err == nil {
		defer elog.Close()
		sink = elog
	}
	h := &windowsService{sink: sink}
	if err := svc.Run(serviceName, h); err != nil {
		if errors.Is(err, windows.ERROR_FAILED_SERVICE_CONTROLLER_CONNECT) {
			return 0, false
		}
		_ = sink.Error(eventIDError, fmt.Sprintf("%s: error: service: %v", exporterName, err))
		return 1, true
	}
	return int(h.exitCode), true
}

type windowsService struct {
	sink     eventSink
	exitCode uint32
}

// Execute implements svc.Handler by translating to and from serviceLifecycle.
func (s *windowsService) Execute(args []string, requests <-chan svc.ChangeRequest, changes chan<- svc.Status) (bool, uint32) {
	translated := make(chan serviceRequest)
	quit := make(chan struct{})
	defer close(quit)
	var current svc.Status
	go func() {
		for {
			select {
			case r := <-requests:
				var req serviceRequest
				switch r.Cmd {
				case svc.Interrogate:
					req = requestInterrogate
				case svc.Stop:
					req = requestStop
				case svc.Shutdown:
					req = requestShutdown
				default:
					continue
				}
				select {
				case translated <- req:
				case <-quit:
					return
				}
			case <-quit:
				return
			}
		}
	}()
	lifecycle := serviceLifecycle{
		start: func(ctx context.Context) int {
			// The service's command line (ImagePath) carries the flags; args holds
			// only the start parameters typed into the Services console.
			return runContext(ctx, os.Args[1:], io.Discard, eventLogErrors{s.sink}, newEventLogLogger(s.sink))
		},
		report: func(st serviceStatus) {
			switch st.State {
			case stateStartPending:
				current = svc.Status{State: svc.StartPending, WaitHint: 10000}
			case stateRunning:
				current = svc.Status{State: svc.Running, Accepts: svc.AcceptStop | svc.AcceptShutdown}
			case stateStopPending:
				current = svc.Status{State: svc.StopPending, WaitHint: 15000}
			case stateStopped:
				// svc.Run reports Stopped itself, with the exit code returned below.
				return
			}
			changes <- current
		},
		stopDeadline: func() <-chan time.Time { return time.After(15 * time.Second) },
	}
	s.exitCode = lifecycle.run(translated)
	return s.exitCode != 0, s.exitCode
}

type discardEvents struct{}

func (discardEvents) Info(uint32, string) error    { return nil }
func (discardEvents) Warning(uint32, string) error { return nil }
func (discardEvents) Error(uint32, string) error   { return nil }
