//go:build windows

package main

import (
	"fmt"
	"os"

	"golang.org/x/sys/windows/svc"
)

type agentService struct{}

func (agentService) Execute(_ []string, r <-chan svc.ChangeRequest, s chan<- svc.Status) (bool, uint32) {
	s <- svc.Status{State: svc.Running, Accepts: svc.AcceptStop | svc.AcceptShutdown}
	for c := range r {
		switch c.Cmd {
		case svc.Interrogate:
			s <- c.CurrentStatus
		case svc.Stop, svc.Shutdown:
			return false, 0
		}
	}
	return false, 0
}

// runService serves the Service Control Manager as name until it is stopped.
func runService(name string) int {
	if err := svc.Run(name, agentService{}); err != nil {
		fmt.Fprintln(os.Stderr, "fakecli: service:", err)
		return 1
	}
	return 0
}
