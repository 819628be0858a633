//go:build unix

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// The uid and gid the exporter runs as when the tests run as root: "nobody" on Debian and
// RHEL. Running unprivileged is how the product is meant to be deployed, and it makes a
// chmod 000 file really unreadable to the process under test.
const unprivilegedID = 65534

// unprivileged returns a prepare function for startExporterWith that drops the exporter
// to nobody when the test runs as root (nil otherwise: the test user is already
// unprivileged). readable are trees the exporter must read (made traversable up to the
// temporary directory); writable are directories it must write (its state directory).
func unprivileged(t testing.TB, readable, writable []string) func(*exec.Cmd) {
	t.Helper()
	if os.Getuid() != 0 {
		return nil
	}
	for _, dir := range append(append([]string{filepath.Dir(exporterBinary)}, readable...), writable...) {
		openAncestors(t, dir)
	}
	for _, dir := range writable {
		if err := os.Chown(dir, unprivilegedID, unprivilegedID); err != nil {
			t.Fatal(err)
		}
	}
	return func(cmd *exec.Cmd) {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: unprivilegedID, Gid: unprivilegedID}}
	}
}

// openAncestors lets others traverse dir and its parents up to the temporary directory
// (t.TempDir and os.MkdirTemp create them 0700).
func openAncestors(t testing.TB, dir string) {
	t.Helper()
	tmp := filepath.Clean(os.TempDir())
	for d := filepath.Clean(dir); strings.HasPrefix(d, tmp+string(filepath.Separator)); d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(d, fi.Mode().Perm()|0o055); err != nil {
			t.Fatal(err)
		}
	}
}
