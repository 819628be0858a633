// Package pkgdb reads agent versions from the host's package database: dpkg's status
// file and the rpm database in its three forms, tried in this order: sqlite (rpm 4.16+:
// RHEL/Alma/Rocky 9, Fedora 33+; rpmdb.sqlite with its rpmdb.sqlite-wal), Berkeley DB hash
// (RHEL/CentOS 7 and 8, Packages) and ndb (SUSE/openSUSE, Packages.db). All are read by
// hand-written, bounded readers through ReadAt, page by page. A database recognised in a
// form these readers do not take (a Berkeley DB btree, an encrypted Berkeley DB, an ndb
// version other than 0) reports the reason "package_db_unsupported", and the collectors
// fall back to their other sources.
package pkgdb

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"strings"
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
	ReasonUnsupported  = "package_db_unsupported" // a database is recognised but in a form not read
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
	Release string // rpm RELEASE; the Debian revision for dpkg ("" when it has none)
	DB      string // "dpkg" or "rpm"
}

// AgentVersion returns the version in the four-part form the agents themselves print
// (cmdagent -i "5.7.9.139", the Qualys log "6.1.0.28", global.xml "1.24.1.1047"). The
// vendors package a build as VERSION 5.7.9 with RELEASE 139 (MFEcma-5.7.9-139, deb
// mfecma 5.7.9-139): a numeric version of fewer than four parts gets the release's leading
// digits as its last part ("1.el9" gives 1). A version that already has four parts, or one
// that is not all digits and dots, is returned as it is.
func (p Package) AgentVersion() string {
	parts := strings.Split(p.Version, ".")
	if len(parts) >= 4 {
		return p.Version
	}
	for _, part := range parts {
		if part == "" || strings.Trim(part, "0123456789") != "" {
			return p.Version
		}
	}
	n := 0
	for n < len(p.Release) && p.Release[n] >= '0' && p.Release[n] <= '9' {
		n++
	}
	if n == 0 {
		return p.Version
	}
	return p.Version + "." + p.Release[:n]
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
	stamp, walStamp stamp
	pkgs            map[string]Package
	err             error
}

// stamp identifies a version of a file; the zero stamp stands for an absent one.
type stamp struct {
	size  int64
	mtime time.Time
}

// NewFinder returns a Finder opening root(path) through hfs for each database path.
func NewFinder(hfs hostfs.FS, root func(string) string) *Finder {
	return &Finder{hfs: hfs, root: root, cache: map[string]cached{}}
}

// Find returns the first of names installed, trying dpkg, then rpm's sqlite, Berkeley DB
// and ndb databases. rpm uses one backend, so once an rpm database has been read the later
// forms are not consulted: a Packages file left behind by a backend conversion must not
// report a package the live database no longer lists. reason is set (and ok false) when
// none is found.
func (f *Finder) Find(names []string) (pkg Package, ok bool, reason string) {
	found, anyDB, anyErr, unsupported, rpmRead := false, false, false, false, false
	var best Package
	try := func(path string, rpm, wal bool, read func(string, []string) (map[string]Package, error)) {
		if found || rpm && rpmRead {
			return
		}
		pkgs, exists, err := f.read(path, wal, names, read)
		if !exists {
			return
		}
		anyDB = true
		if errors.Is(err, errUnsupported) {
			unsupported = true
			return
		}
		if err != nil {
			anyErr = true
			return
		}
		rpmRead = rpmRead || rpm
		for _, n := range names {
			if p, ok := pkgs[n]; ok {
				best, found = p, true
				return
			}
		}
	}
	try(DpkgStatus, false, false, f.readDpkg)
	for _, p := range RPMSQLite {
		try(p, true, true, f.readRPMSQLite)
	}
	for _, p := range RPMBerkeleyDB {
		try(p, true, false, f.readAt(RPMBerkeleyDBPackages))
	}
	for _, p := range RPMNdb {
		try(p, true, false, f.readAt(RPMNdbPackages))
	}
	switch {
	case found:
		return best, true, ""
	case anyErr:
		return Package{}, false, ReasonUnreadable
	case unsupported:
		return Package{}, false, ReasonUnsupported
	case anyDB:
		return Package{}, false, ReasonNotInstalled
	}
	return Package{}, false, ReasonNoDB
}

// stampOf stats path: its stamp, whether it exists, and an error other than absence.
func (f *Finder) stampOf(path string) (stamp, bool, error) {
	fi, err := f.hfs.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return stamp{}, false, nil
	}
	if err != nil {
		return stamp{}, true, err
	}
	return stamp{fi.Size(), fi.ModTime()}, true, nil
}

// read reads the database at rel through the cache, re-reading it when it (or, with wal,
// its -wal file) changed size or modification time.
func (f *Finder) read(rel string, wal bool, names []string, read func(string, []string) (map[string]Package, error)) (map[string]Package, bool, error) {
	path := f.root(rel)
	st, exists, err := f.stampOf(path)
	if !exists || err != nil {
		return nil, exists, err
	}
	var walSt stamp
	if wal {
		// An unreadable -wal is the reader's error to report; here it only misses the cache.
		walSt, _, _ = f.stampOf(path + "-wal")
	}
	key := path + "\x00" + joinNames(names)
	f.mu.Lock()
	c, hit := f.cache[key]
	f.mu.Unlock()
	if hit && c.stamp.size == st.size && c.stamp.mtime.Equal(st.mtime) &&
		c.walStamp.size == walSt.size && c.walStamp.mtime.Equal(walSt.mtime) {
		return c.pkgs, true, c.err
	}
	pkgs, err := read(path, names)
	f.mu.Lock()
	f.cache[key] = cached{stamp: st, walStamp: walSt, pkgs: pkgs, err: err}
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
	return ParseDpkgStatus(raw, names), nil
}

// The rpm databases are read page by page through ReadAt, never whole, so only the pages
// a reader needs are touched.
func (f *Finder) readRPMSQLite(path string, names []string) (map[string]Package, error) {
	file, size, err := f.open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	wal, walSize, err := f.open(path + "-wal")
	if errors.Is(err, fs.ErrNotExist) {
		return RPMSQLitePackages(file, size, names)
	}
	if err != nil {
		return nil, err
	}
	defer wal.Close()
	return RPMSQLiteWALPackages(file, size, wal, walSize, names)
}

// readAt adapts a reader of an io.ReaderAt to a path opened through the hostfs seam.
func (f *Finder) readAt(read func(io.ReaderAt, int64, []string) (map[string]Package, error)) func(string, []string) (map[string]Package, error) {
	return func(path string, names []string) (map[string]Package, error) {
		file, size, err := f.open(path)
		if err != nil {
			return nil, err
		}
		defer file.Close()
		return read(file, size, names)
	}
}

func (f *Finder) open(path string) (*os.File, int64, error) {
	file, err := f.hfs.Open(path)
	if err != nil {
		return nil, 0, err
	}
	fi, err := file.Stat()
	if err != nil {
		file.Close()
		return nil, 0, err
	}
	return file, fi.Size(), nil
}
