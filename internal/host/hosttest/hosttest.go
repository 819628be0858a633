// Package hosttest holds helpers for tests that run fake agent CLIs.
package hosttest

import (
	"os"
	"path/filepath"
	"testing"
)

// WriteScript writes an executable /bin/sh script dir/name running body and returns
// its path.
func WriteScript(t testing.TB, dir, name, body string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}
