package main

import (
	"runtime/debug"
	"strings"

	"github.com/prometheus/common/version"
)

// A binary built with plain `go build` or `go install` carries no -X version flags, but
// the Go toolchain records the main module's version (from the VCS tag, or a
// pseudo-version such as v0.0.0-20261203073611-5f4e0051fdb4+dirty) and the commit in the
// binary. `make` sets the flags from VERSION or the tag; whatever it set is kept.
func init() {
	if bi, ok := debug.ReadBuildInfo(); ok {
		applyBuildInfo(bi)
	}
}

// develVersion is reported when neither ldflags nor the toolchain gave a version (a build
// outside a VCS checkout, or with -buildvcs=false).
const develVersion = "devel"

// applyBuildInfo fills the version variables that ldflags left empty from bi.
func applyBuildInfo(bi *debug.BuildInfo) {
	settings := map[string]string{}
	for _, s := range bi.Settings {
		settings[s.Key] = s.Value
	}
	if version.Version == "" {
		version.Version = moduleVersion(bi.Main.Version, settings)
	}
	if version.Revision == "" && settings["vcs.revision"] != "" {
		rev := settings["vcs.revision"]
		if settings["vcs.modified"] == "true" {
			rev += "-dirty"
		}
		version.Revision = rev
	}
	if version.BuildDate == "" && settings["vcs.time"] != "" {
		// The commit time, not the build time: two builds of one commit are identical.
		version.BuildDate = settings["vcs.time"]
	}
	if version.Branch == "" {
		// The toolchain does not record the branch.
		version.Branch = "unknown"
	}
	if version.BuildUser == "" {
		version.BuildUser = "go build"
	}
}

// moduleVersion is the main module's version without the leading "v"; "(devel)" (no VCS
// information) becomes develVersion, with the short commit when the toolchain has one.
func moduleVersion(mainVersion string, settings map[string]string) string {
	if mainVersion != "" && mainVersion != "(devel)" {
		return strings.TrimPrefix(mainVersion, "v")
	}
	if rev := settings["vcs.revision"]; len(rev) >= 12 {
		return develVersion + "-" + rev[:12]
	}
	return develVersion
}
