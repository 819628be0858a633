//go:build !windows

package main

import (
	"fmt"
	"os"
)

func runService(string) int {
	fmt.Fprintln(os.Stderr, "fakecli: service mode needs Windows")
	return 2
}
