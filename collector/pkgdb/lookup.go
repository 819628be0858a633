// Package pkgdb reads agent versions from the host's package database: dpkg's status
// file and the rpm database in its sqlite form (rpm 4.16+: RHEL/Alma/Rocky 9, Fedora 33+).
// The Berkeley DB (RHEL/CentOS 7 and 8, /var/lib/rpm/Packages) and ndb (SUSE,
// Packages.db) forms are recognised but not read: such a host reports the reason
// "package_db_unsupported" and the collectors fall back to their other sources.
package pkgdb

import (
	"errors"
	"io/fs"
	"sync"
	"time"

	"github.com/secagent-exporter/secagent_exporter/internal/hostfs"
)

// Reasons a version could not be taken from the package database, the closed set of
// secagent_agent_version_missing_total{reason}.
const (
	ReasonNotInstalled = "not_in_package_db"      // a database was read and lists none of the names
	ReasonNoDB         = "no_package_db"          // no dpkg status or rpm database on the host
	ReasonUnreadable   = "package_db_unreadable"  // a database exists but could not be read or parsed
	ReasonUnsupported  = "package_db_unsupported" // only a Berkeley DB or ndb rpm database exists
)

// Reasons lists the closed set.
var Reasons = []string{ReasonNotInstalled, ReasonNoDB, ReasonUnreadable, ReasonUnsupported}

// Database locations, relative to the root file system.
var (
	DpkgStatus    = "var/lib/dpkg/status"
	RPMSQLite     = []string{"var/lib/rpm/rpmdb.sqlite", "usr/lib/sysimage/rpm/rpmdb.sqlite"}
	RPMBerkeleyDB = []string{"var/lib/rpm/Packages", "usr/lib/sysimage/rpm/Packages"}
	RPMNdb        = []string{"var/lib/rpm/Packages.db", "usr/lib/sysimage/rpm/Packages.db"}
)

// Package is one installed package found.
type Package struct {
	Name    string
	Version string // upstream version (rpm VERSION; dpkg without epoch and revision)
	Release string // rpm RELEASE; "" for dpkg
	DB      string // "dpkg" or "rpm"
}

// Finder looks packages up, re-reading a database only when its size or modification
// time changed (a real rpmdb.sqlite is tens of MB).
type Finder struct {
	hfs  hostfs.FS           // every database is opened through it (regular files only, confined)
	root func(string) string // host path (relative to /) -> path to open

	mu    sync.Mutex
	cache map[string]cached
}

type cached struct {
	size  int64
	mtime time.Time
	pkgs  map[string]Package
	err   error
}

// NewFinder returns a Finder opening root(path) through hfs for each database path.
func NewFinder(hfs hostfs.FS, root func(string) string) *Finder {
	return &Finder{hfs: hfs, root: root, cache: map[string]cached{}}
}

// Find returns the first of names installed, trying dpkg then rpm. reason is set (and
// ok false) when none is found.
func (f *Finder) Find(names []string) (pkg Package, ok bool, reason string) {
	found, anyDB, anyErr, unsupported := false, false, false, false
	var best Package
	try := func(path string, read func(string, []string) (map[string]Package, error)) {
		if found {
			return
		}
		pkgs, exists, err := f.read(path, names, read)
		if !exists {
			return
		}
		anyDB = true
		if err != nil {
			anyErr = true
			return
		}
		for _, n := range names {
			if p, ok := pkgs[n]; ok {
				best, found = p, true
				return
			}
		}
	}
	try(DpkgStatus, f.readDpkg)
	for _, p := range RPMSQLite {
		try(p, f.readRPMSQLite)
	}
	if found {
		return best, true, ""
	}
	for _, p := range append(append([]string{}, RPMBerkeleyDB...), RPMNdb...) {
		if _, err := f.hfs.Stat(f.root(p)); err == nil {
			unsupported = true
		}
	}
	switch {
	case anyErr:
		return Package{}, false, ReasonUnreadable
	case unsupported:
		return Package{}, false, ReasonUnsupported
	case anyDB:
		return Package{}, false, ReasonNotInstalled
	}
	return Package{}, false, ReasonNoDB
}

func (f *Finder) read(rel string, names []string, read func(string, []string) (map[string]Package, error)) (map[string]Package, bool, error) {
	path := f.root(rel)
	fi, err := f.hfs.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, true, err
	}
	key := path + "\x00" + joinNames(names)
	f.mu.Lock()
	c, hit := f.cache[key]
	f.mu.Unlock()
	if hit && c.size == fi.Size() && c.mtime.Equal(fi.ModTime()) {
		return c.pkgs, true, c.err
	}
	pkgs, err := read(path, names)
	f.mu.Lock()
	f.cache[key] = cached{size: fi.Size(), mtime: fi.ModTime(), pkgs: pkgs, err: err}
	f.mu.Unlock()
	return pkgs, true, err
}

func joinNames(names []string) string {
	out := ""
	for _, n := range names {
		out += n + "\x00"
	}
	return out
}

// MaxDpkgStatus bounds dpkg's status file (a few MB on a full desktop install).
const MaxDpkgStatus = 64 << 20

func (f *Finder) readDpkg(path string, names []string) (map[string]Package, error) {
	raw, err := f.hfs.ReadFile(path, MaxDpkgStatus)
	if err != nil {
		return nil, err
	}
	out := map[string]Package{}
	for n, v := range ParseDpkgStatus(raw, names) {
		out[n] = Package{Name: n, Version: v, DB: "dpkg"}
	}
	return out, nil
}

// The rpm database is read page by page through ReadAt, never whole, so only the pages
// the package table needs are touched.
func (f *Finder) readRPMSQLite(path string, names []string) (map[string]Package, error) {
	file, err := f.hfs.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	fi, err := file.Stat()
	if err != nil {
		return nil, err
	}
	return RPMSQLitePackages(file, fi.Size(), names)
}
