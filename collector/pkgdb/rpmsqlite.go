package pkgdb

import (
	"io"
)

// RPMSQLitePackages finds names in an rpmdb.sqlite: through the Name table (key, hnum)
// when it exists, reading only those headers, else by walking every header in Packages.
func RPMSQLitePackages(r io.ReaderAt, size int64, names []string) (map[string]Package, error) {
	return RPMSQLiteWALPackages(r, size, nil, 0, names)
}

// RPMSQLiteWALPackages is RPMSQLitePackages with the database's write-ahead log wal
// (rpmdb.sqlite-wal, walSize bytes; nil for none): its committed pages override the main
// file's. A WAL without a valid header or commit is ignored, as SQLite does.
func RPMSQLiteWALPackages(r io.ReaderAt, size int64, wal io.ReaderAt, walSize int64, names []string) (map[string]Package, error) {
	var w *walIndex
	if wal != nil {
		var err error
		if w, err = readWAL(wal, walSize); err != nil {
			return nil, err
		}
	}
	d, err := openSQLite(r, size, w)
	if err != nil {
		return nil, err
	}
	want := wantSet(names)
	pkgRoot, err := d.tableRoot("Packages")
	if err != nil {
		return nil, err
	}
	out := map[string]Package{}
	add := func(blob []byte) error { return addHeader(out, want, blob) }
	if nameRoot, err := d.tableRoot("Name"); err == nil {
		var hnums []int64
		err := d.walkTable(nameRoot, func(_ int64, payload []byte) error {
			cols, ints, err := recordColumns(payload)
			if err != nil {
				return err
			}
			if len(cols) >= 2 && want[string(cols[0])] {
				hnums = append(hnums, ints[1])
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		for _, h := range hnums {
			payload, ok, err := d.findRow(pkgRoot, h)
			if err != nil {
				return nil, err
			}
			if !ok {
				continue
			}
			if blob, err := blobColumn(payload); err != nil {
				return nil, err
			} else if err := add(blob); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	err = d.walkTable(pkgRoot, func(_ int64, payload []byte) error {
		blob, err := blobColumn(payload)
		if err != nil {
			return err
		}
		return add(blob)
	})
	return out, err
}

// blobColumn is column 1 of a Packages row (hnum is the rowid, stored as NULL).
func blobColumn(payload []byte) ([]byte, error) {
	cols, _, err := recordColumns(payload)
	if err != nil {
		return nil, err
	}
	if len(cols) < 2 || cols[1] == nil {
		return nil, errSQLite
	}
	return cols[1], nil
}
