package collector

import (
	"context"
	"os"
	"strings"
)

// processRunning scans <procfs>/<pid>/comm for an exact command name.
func processRunning(ctx context.Context, p Paths, comm string) (bool, error) {
	entries, err := os.ReadDir(p.Proc())
	if err != nil {
		return false, err
	}
	for _, e := range entries {
		if ctx.Err() != nil {
			return false, ctx.Err()
		}
		name := e.Name()
		if name == "" || name[0] < '0' || name[0] > '9' {
			continue
		}
		raw, err := os.ReadFile(p.Proc(name, "comm"))
		if err != nil {
			continue // processes exit while we scan
		}
		if strings.TrimSpace(string(raw)) == comm {
			return true, nil
		}
	}
	return false, nil
}
