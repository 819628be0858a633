package main

import (
	"context"
	"reflect"
	"sync"
	"testing"
	"time"
)

// statusLog records what the lifecycle reports to the SCM.
type statusLog struct {
	mu       sync.Mutex
	statuses []serviceStatus
}

func (l *statusLog) report(s serviceStatus) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.statuses = append(l.statuses, s)
}

func (l *statusLog) last() serviceStatus {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.statuses[len(l.statuses)-1]
}

func neverDeadline() <-chan time.Time { return nil }

func TestServiceReportsRunningBeforeStartUpWork(t *testing.T) {
	reports := make(chan serviceStatus, 16)
	release := make(chan struct{})
	requests := make(chan serviceRequest)
	code := make(chan uint32, 1)
	l := serviceLifecycle{
		start: func(ctx context.Context) int {
			// Slow start-up (flags, collectors, state) happens here; the SCM must
			// already have heard Running.
			<-release
			<-ctx.Done()
			return 0
		},
		report:       func(s serviceStatus) { reports <- s },
		stopDeadline: neverDeadline,
	}
	go func() { code <- l.run(requests) }()
	if s := <-reports; s.State != stateStartPending {
		t.Fatalf("first status %+v, want StartPending", s)
	}
	if s := <-reports; s.State != stateRunning || !s.AcceptStop {
		t.Fatalf("second status %+v, want Running accepting stop while start-up work is still pending", s)
	}
	requests <- requestInterrogate
	if s := <-reports; s.State != stateRunning {
		t.Errorf("interrogate answered %+v", s)
	}
	close(release)
	requests <- requestStop
	if c := <-code; c != 0 {
		t.Errorf("exit code %d after a clean stop", c)
	}
	close(reports)
	var rest []serviceState
	for s := range reports {
		rest = append(rest, s.State)
	}
	if want := []serviceState{stateStopPending, stateStopped}; !reflect.DeepEqual(rest, want) {
		t.Errorf("states after stop %v, want %v", rest, want)
	}
}

func TestServiceStopAndShutdownCancelTheExporter(t *testing.T) {
	for _, req := range []serviceRequest{requestStop, requestShutdown} {
		var log statusLog
		requests := make(chan serviceRequest, 1)
		cancelled := false
		l := serviceLifecycle{
			start: func(ctx context.Context) int {
				<-ctx.Done()
				cancelled = true
				return 0
			},
			report:       log.report,
			stopDeadline: neverDeadline,
		}
		requests <- req
		code := l.run(requests)
		if !cancelled || code != 0 {
			t.Errorf("request %d: cancelled=%v code=%d", req, cancelled, code)
		}
		if last := log.last(); last.State != stateStopped || last.ExitCode != 0 {
			t.Errorf("request %d: last status %+v", req, last)
		}
	}
}

func TestServiceExporterFailureIsANonZeroExit(t *testing.T) {
	// Bad flags or a busy port end the exporter by itself; the non-zero exit code is
	// what lets the SCM recovery actions (sc.exe failure/failureflag) restart it.
	var log statusLog
	l := serviceLifecycle{
		start:        func(context.Context) int { return 2 },
		report:       log.report,
		stopDeadline: neverDeadline,
	}
	if code := l.run(make(chan serviceRequest)); code != 2 {
		t.Errorf("exit code %d, want 2", code)
	}
	if last := log.last(); last.State != stateStopped || last.ExitCode != 2 {
		t.Errorf("last status %+v", last)
	}
}

func TestServiceStopDeadline(t *testing.T) {
	var log statusLog
	stuck := make(chan struct{})
	defer close(stuck)
	expired := make(chan time.Time)
	close(expired)
	requests := make(chan serviceRequest, 1)
	requests <- requestStop
	l := serviceLifecycle{
		start:        func(context.Context) int { <-stuck; return 0 },
		report:       log.report,
		stopDeadline: func() <-chan time.Time { return expired },
	}
	if code := l.run(requests); code != exitStopTimeout {
		t.Errorf("exit code %d, want %d", code, exitStopTimeout)
	}
	if last := log.last(); last.State != stateStopped || last.ExitCode != exitStopTimeout {
		t.Errorf("last status %+v", last)
	}
}
