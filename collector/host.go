package collector

import "github.com/secagent-exporter/secagent_exporter/internal/host"

// The host access seam (paths under the rootfs, the CLI runner) is package
// internal/host, shared with diagnose and the support bundle; the collectors use it
// under these names.
type (
	Paths        = host.Paths
	Runner       = host.Runner
	CommandError = host.CommandError
	Result       = host.Result
)

var (
	ErrCommandNotFound = host.ErrCommandNotFound
	ErrOutputTruncated = host.ErrOutputTruncated
)
