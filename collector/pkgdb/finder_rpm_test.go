package pkgdb

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"

	"github.com/secagent-exporter/secagent_exporter/internal/hostfs"
)

// The Finder: sqlite with its -wal first, then Berkeley DB, then ndb; a recognised but
// unread form gives package_db_unsupported.
func TestFinderRPMForms(t *testing.T) {
	main, wal := walFixture(t)
	bdb, ndb, sqlite := testdata(t, "Packages"), testdata(t, "Packages.db"), testdata(t, "rpmdb.sqlite")
	btree := put32(bdb, 12, binary.LittleEndian, bdbBtreeMagic)
	ndb1 := put32(ndb, 4, binary.LittleEndian, 1)
	for _, tc := range []struct {
		name    string
		files   map[string][]byte
		names   []string
		version string
		reason  string
	}{
		{"Berkeley DB (EL7)", map[string][]byte{"var/lib/rpm/Packages": bdb}, []string{"MFEcma"}, "5.7.9", ""},
		{"Berkeley DB in /usr/lib/sysimage", map[string][]byte{"usr/lib/sysimage/rpm/Packages": bdb}, []string{"MFErt"}, "2.13.0", ""},
		{"ndb (SUSE)", map[string][]byte{"usr/lib/sysimage/rpm/Packages.db": ndb}, []string{"ciscoampconnector"}, "1.24.1.1047", ""},
		{"ndb in /var/lib/rpm", map[string][]byte{"var/lib/rpm/Packages.db": ndb}, []string{"qualys-cloud-agent"}, "6.1.0.28", ""},
		{"sqlite with wal", map[string][]byte{"var/lib/rpm/rpmdb.sqlite": main, "var/lib/rpm/rpmdb.sqlite-wal": wal}, []string{"qualys-cloud-agent"}, "6.2.0.5", ""},
		{"sqlite before Berkeley DB", map[string][]byte{"var/lib/rpm/rpmdb.sqlite": main, "var/lib/rpm/rpmdb.sqlite-wal": wal, "var/lib/rpm/Packages": bdb}, []string{"qualys-cloud-agent"}, "6.2.0.5", ""},
		{"Berkeley DB before ndb", map[string][]byte{"var/lib/rpm/Packages": bdb, "var/lib/rpm/Packages.db": ndb1}, []string{"MFEcma"}, "5.7.9", ""},
		{"a read sqlite rules out a leftover Berkeley DB", map[string][]byte{"var/lib/rpm/rpmdb.sqlite": sqlite, "var/lib/rpm/Packages": bdb}, []string{"absent"}, "", ReasonNotInstalled},
		{"corrupt Berkeley DB, good ndb", map[string][]byte{"var/lib/rpm/Packages": bdb[:8192], "var/lib/rpm/Packages.db": ndb}, []string{"MFEcma"}, "5.7.9", ""},
		{"Berkeley DB not installed", map[string][]byte{"var/lib/rpm/Packages": bdb}, []string{"absent"}, "", ReasonNotInstalled},
		{"Berkeley DB junk", map[string][]byte{"var/lib/rpm/Packages": []byte("bdb")}, []string{"bash"}, "", ReasonUnreadable},
		{"ndb junk", map[string][]byte{"usr/lib/sysimage/rpm/Packages.db": []byte("ndb")}, []string{"bash"}, "", ReasonUnreadable},
		{"Berkeley DB btree", map[string][]byte{"var/lib/rpm/Packages": btree}, []string{"bash"}, "", ReasonUnsupported},
		{"ndb version 1", map[string][]byte{"var/lib/rpm/Packages.db": ndb1}, []string{"bash"}, "", ReasonUnsupported},
		{"unsupported then readable", map[string][]byte{"var/lib/rpm/Packages": btree, "var/lib/rpm/Packages.db": ndb}, []string{"bash"}, "5.1.8", ""},
	} {
		t.Run(tc.name, func(t *testing.T) { checkFind(t, tc.files, tc.names, tc.version, tc.reason) })
	}
}

// A -wal appearing (or changing) after a first lookup is seen: the cache is keyed on it too.
func TestFinderWALInvalidatesCache(t *testing.T) {
	main, wal := walFixture(t)
	root := t.TempDir()
	dir := filepath.Join(root, "var", "lib", "rpm")
	os.MkdirAll(dir, 0o755)
	if err := os.WriteFile(filepath.Join(dir, "rpmdb.sqlite"), main, 0o644); err != nil {
		t.Fatal(err)
	}
	f := NewFinder(hostfs.New(root), func(p string) string { return filepath.Join(root, p) })
	if p, _, _ := f.Find([]string{"qualys-cloud-agent"}); p.Version != "6.1.0.28" {
		t.Fatalf("before the wal: %+v", p)
	}
	if err := os.WriteFile(filepath.Join(dir, "rpmdb.sqlite-wal"), wal, 0o644); err != nil {
		t.Fatal(err)
	}
	if p, _, _ := f.Find([]string{"qualys-cloud-agent"}); p.Version != "6.2.0.5" || p.Release != "1" {
		t.Fatalf("with the wal: %+v", p)
	}
	if err := os.WriteFile(filepath.Join(dir, "rpmdb.sqlite-wal"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if p, _, _ := f.Find([]string{"qualys-cloud-agent"}); p.Version != "6.1.0.28" {
		t.Fatalf("after a checkpoint emptied the wal: %+v", p)
	}
}
