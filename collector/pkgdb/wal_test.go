package pkgdb

import (
	"bytes"
	"encoding/binary"
	"testing"
)

func walFixture(t testing.TB) (main, wal []byte) {
	return testdata(t, "wal/rpmdb.sqlite"), testdata(t, "wal/rpmdb.sqlite-wal")
}

func readWithWAL(main, wal []byte, names []string) (map[string]Package, error) {
	return RPMSQLiteWALPackages(bytes.NewReader(main), int64(len(main)), bytes.NewReader(wal), int64(len(wal)), names)
}

// The main file of the WAL fixture alone: the commit in the -wal is not seen.
func TestSQLiteWALMainOnly(t *testing.T) {
	testReaders(t, RPMSQLitePackages, "wal/rpmdb.sqlite")
}

func TestSQLiteWAL(t *testing.T) {
	main, wal := walFixture(t)
	newer := map[string]Package{}
	for n, p := range wantAgents {
		newer[n] = p
	}
	newer["qualys-cloud-agent"] = Package{"qualys-cloud-agent", "6.2.0.5", "1", "rpm"}
	be := binary.BigEndian
	frame := walHeaderSize // the first (and only) frame, a commit frame
	flip := func(off int) []byte { c := bytes.Clone(wal); c[off] ^= 1; return c }
	if be.Uint32(wal[frame+4:]) == 0 {
		t.Fatal("fixture: the first frame is not a commit frame")
	}
	for _, tc := range []struct {
		name string
		wal  []byte
		want map[string]Package
	}{
		{"committed frame", wal, newer},
		{"no wal", nil, wantAgents},
		{"empty wal", []byte{}, wantAgents},
		{"frame page corrupted", flip(frame + walFrameHdr + 2000), wantAgents},
		{"frame checksum corrupted", flip(frame + 23), wantAgents},
		{"frame salt differs", flip(frame + 11), wantAgents},
		{"header checksum corrupted", flip(27), wantAgents},
		{"bad magic", put32(wal, 0, be, 0x377f0680), wantAgents},
		{"not committed", func() []byte { c := put32(wal, frame+4, be, 0); return c }(), wantAgents}, // checksum covers it: invalid too
		{"truncated frame", wal[:len(wal)-1], wantAgents},
		{"header only", wal[:walHeaderSize], wantAgents},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got map[string]Package
			var err error
			if tc.wal == nil {
				got, err = readBytes(RPMSQLitePackages, main, agentNames)
			} else {
				got, err = readWithWAL(main, tc.wal, agentNames)
			}
			if err != nil {
				t.Fatal(err)
			}
			samePackages(t, got, tc.want)
		})
	}
}

// A second commit appended after the first, and an uncommitted frame after that: the
// latest committed copy of a page wins, the uncommitted one is not used.
func TestSQLiteWALLatestCommit(t *testing.T) {
	main, wal := walFixture(t)
	ps := int(binary.BigEndian.Uint32(wal[8:]))
	first := wal[walHeaderSize : walHeaderSize+walFrameHdr+ps]
	page := first[walFrameHdr:]
	pgno := binary.BigEndian.Uint32(first)
	// The main file's copy of the page: the version before the first commit.
	old := main[int(pgno-1)*ps : int(pgno)*ps]
	order := binary.ByteOrder(binary.LittleEndian)
	if binary.BigEndian.Uint32(wal)&1 == 1 {
		order = binary.BigEndian
	}
	s0, s1 := binary.BigEndian.Uint32(first[16:]), binary.BigEndian.Uint32(first[20:])
	appendFrame := func(w []byte, content []byte, commit uint32) []byte {
		h := make([]byte, walFrameHdr)
		binary.BigEndian.PutUint32(h, pgno)
		binary.BigEndian.PutUint32(h[4:], commit)
		copy(h[8:16], wal[16:24])
		s0, s1 = walChecksum(order, s0, s1, h[:8])
		s0, s1 = walChecksum(order, s0, s1, content)
		binary.BigEndian.PutUint32(h[16:], s0)
		binary.BigEndian.PutUint32(h[20:], s1)
		return append(append(w, h...), content...)
	}
	dbPages := binary.BigEndian.Uint32(first[4:])
	back := appendFrame(bytes.Clone(wal), old, dbPages) // commit 2: the old page again
	got, err := readWithWAL(main, back, agentNames)
	if err != nil {
		t.Fatal(err)
	}
	samePackages(t, got, wantAgents)
	uncommitted := appendFrame(back, page, 0) // the new page, never committed
	if got, err = readWithWAL(main, uncommitted, agentNames); err != nil {
		t.Fatal(err)
	}
	samePackages(t, got, wantAgents)
}

func TestSQLiteWALHostile(t *testing.T) {
	main, wal := walFixture(t)
	// A valid WAL whose page size differs from the database's.
	ps := put32(wal, 8, binary.BigEndian, 8192)
	s0, s1 := walChecksum(binary.LittleEndian, 0, 0, ps[:24])
	if binary.BigEndian.Uint32(ps)&1 == 1 {
		s0, s1 = walChecksum(binary.BigEndian, 0, 0, ps[:24])
	}
	binary.BigEndian.PutUint32(ps[24:], s0)
	binary.BigEndian.PutUint32(ps[28:], s1)
	frames := bytes.Clone(ps[:walHeaderSize])
	for len(frames) < walHeaderSize+(walFrameHdr+8192) {
		frames = append(frames, 0)
	}
	// Page size mismatch only matters with a committed frame; this one has none: ignored.
	if _, err := readWithWAL(main, frames, agentNames); err != nil {
		t.Errorf("uncommitted WAL of another page size: %v", err)
	}
	// Flipping any byte of the WAL never panics.
	for i := 0; i < len(wal); i += 3 {
		b := bytes.Clone(wal)
		b[i] ^= 0x5a
		if got, err := readWithWAL(main, b, agentNames); err == nil {
			for n, p := range got {
				if p.Name != n || p.Version == "" {
					t.Fatalf("flip at %d: %+v", i, p)
				}
			}
		}
	}
}

// The WAL is fuzzed against the fixed main file it belongs to.
func FuzzSQLiteWAL(f *testing.F) {
	main, wal := walFixture(f)
	f.Add(wal)
	f.Add(wal[:walHeaderSize])
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := readWithWAL(main, b, agentNames)
		checkFuzzResult(t, got, err)
	})
}

func BenchmarkRPMSQLite(b *testing.B) { benchReader(b, RPMSQLitePackages, testdata(b, "rpmdb.sqlite")) }

func BenchmarkRPMSQLiteWAL(b *testing.B) {
	main, wal := walFixture(b)
	b.SetBytes(int64(len(main) + len(wal)))
	for b.Loop() {
		if got, err := readWithWAL(main, wal, agentNames); err != nil || got["qualys-cloud-agent"].Version != "6.2.0.5" {
			b.Fatal(got, err)
		}
	}
}

// The page-read budget stops a walk that would read the file's pages many times over.
func TestSQLiteReadBudget(t *testing.T) {
	raw := testdata(t, "rpmdb.sqlite")
	d, err := openSQLite(bytes.NewReader(raw), int64(len(raw)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if d.maxReads != 4*int64(len(raw)/d.pageSize)+1024 {
		t.Errorf("budget %d", d.maxReads)
	}
	root, err := d.tableRoot("Packages")
	if err != nil {
		t.Fatal(err)
	}
	d.reads, d.maxReads = 0, 3
	if err := d.walkTable(root, func(int64, []byte) error { return nil }); err == nil {
		t.Error("a walk of more pages than the budget succeeded")
	}
}
