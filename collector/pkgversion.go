package collector

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/secagent-exporter/secagent_exporter/collector/pkgdb"
)

// newPackageFinder reads the host's package databases through its file system seam.
func newPackageFinder(env Env) *pkgdb.Finder {
	return pkgdb.NewFinder(env.Paths.Host(), func(rel string) string { return env.Paths.Root("/" + rel) })
}

// packageVersion returns the version the package database lists for the first of names
// installed, in the agent's own four-part form (pkgdb.Package.AgentVersion), or "" and the
// reason (one of pkgdb.Reasons) it has none.
func packageVersion(f *pkgdb.Finder, names []string) (version, reason string) {
	pkg, ok, reason := f.Find(names)
	if !ok {
		return "", reason
	}
	return pkg.AgentVersion(), ""
}

// emitVersionMissing publishes desc{reason}: 1 for the reason the version label is
// empty, all 0 once a version is known from any source.
func emitVersionMissing(s *Scrape, desc *prometheus.Desc, version, reason string) {
	for _, r := range pkgdb.Reasons {
		s.Bool(desc, version == "" && r == reason, r)
	}
}
