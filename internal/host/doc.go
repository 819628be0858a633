// Package host is the exporter's access to the monitored host in one place: where its
// paths are under --path.rootfs, --path.procfs and --path.sysfs (Paths, whose file
// systems are internal/hostfs), and how its agents' CLIs are run (Runner: timeout,
// output cap, process-group or Job-object kill, a minimal environment). The collectors,
// diagnose and the support bundle all import it; it imports no collector, so the bundle
// does not pull in collector registrations.
package host
