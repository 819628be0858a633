package pkgdb

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// A minimal read-only reader of the SQLite 3 file format (https://www.sqlite.org/fileformat2.html),
// enough to walk one rowid table: rpm 4.16+ keeps its database in rpmdb.sqlite with every
// package header a blob in table Packages (hnum INTEGER PRIMARY KEY, blob BLOB). Given the
// index of a -wal file (wal.go), a page committed there is read from it instead of the main
// file.

var errSQLite = errors.New("not a readable SQLite database")

type sqliteDB struct {
	r        io.ReaderAt
	size     int64
	pageSize int
	usable   int
	wal      *walIndex // nil without a committed WAL
	// reads counts the pages read, at most maxReads: a valid database is read in a few passes
	// over its pages, while page cycles, overflow chains shared by many cells or index rows
	// naming one big row many times would multiply the work.
	reads, maxReads int64
}

// openSQLite opens the database file r (size bytes) with the committed frames of wal (nil
// for none) overriding its pages.
func openSQLite(r io.ReaderAt, size int64, wal *walIndex) (*sqliteDB, error) {
	raw := make([]byte, 100)
	if off, ok := wal.frame(1); ok {
		if _, err := wal.r.ReadAt(raw, off); err != nil {
			return nil, err
		}
	} else {
		if size < 100 {
			return nil, errSQLite
		}
		if _, err := r.ReadAt(raw, 0); err != nil {
			return nil, err
		}
	}
	if string(raw[:16]) != "SQLite format 3\x00" {
		return nil, errSQLite
	}
	ps := int(binary.BigEndian.Uint16(raw[16:18]))
	if ps == 1 {
		ps = 65536
	}
	if ps < 512 || ps&(ps-1) != 0 {
		return nil, fmt.Errorf("%w: page size %d", errSQLite, ps)
	}
	usable := ps - int(raw[20])
	if usable < 480 {
		return nil, fmt.Errorf("%w: usable page size %d", errSQLite, usable)
	}
	if wal != nil && wal.pageSize != ps {
		return nil, fmt.Errorf("%w: WAL page size %d, database %d", errSQLite, wal.pageSize, ps)
	}
	pages := size / int64(ps)
	if wal != nil {
		pages += int64(len(wal.frames))
	}
	return &sqliteDB{r: r, size: size, pageSize: ps, usable: usable, wal: wal, maxReads: 4*pages + 1024}, nil
}

// frame returns the WAL offset of the committed copy of page n, if any.
func (w *walIndex) frame(n uint32) (int64, bool) {
	if w == nil {
		return 0, false
	}
	off, ok := w.frames[n]
	return off, ok
}

func (d *sqliteDB) page(n uint32) ([]byte, error) {
	if n == 0 {
		return nil, fmt.Errorf("%w: page 0", errSQLite)
	}
	if d.reads++; d.reads > d.maxReads {
		return nil, fmt.Errorf("%w: more than %d page reads (cycles or shared pages)", errSQLite, d.maxReads)
	}
	if d.wal != nil {
		if n > d.wal.dbPages {
			return nil, fmt.Errorf("%w: page %d beyond the committed database", errSQLite, n)
		}
		if off, ok := d.wal.frames[n]; ok {
			p := make([]byte, d.pageSize)
			if _, err := d.wal.r.ReadAt(p, off); err != nil {
				return nil, err
			}
			return p, nil
		}
	}
	off := int64(n-1) * int64(d.pageSize)
	if off+int64(d.pageSize) > d.size {
		return nil, fmt.Errorf("%w: page %d beyond the file", errSQLite, n)
	}
	p := make([]byte, d.pageSize)
	if _, err := d.r.ReadAt(p, off); err != nil {
		return nil, err
	}
	return p, nil
}

// maxPagesVisited bounds a walk, so a corrupt file with a page cycle cannot loop.
const maxPagesVisited = 1 << 20

// walkTable calls fn with the payload of every row of the table b-tree rooted at root, in
// rowid order.
func (d *sqliteDB) walkTable(root uint32, fn func(rowid int64, payload []byte) error) error {
	visited := 0
	var walk func(n uint32, depth int) error
	walk = func(n uint32, depth int) error {
		if visited++; visited > maxPagesVisited || depth > 64 {
			return fmt.Errorf("%w: b-tree too deep or cyclic", errSQLite)
		}
		p, err := d.page(n)
		if err != nil {
			return err
		}
		hdr := 0
		if n == 1 {
			hdr = 100
		}
		if len(p) < hdr+8 {
			return errSQLite
		}
		kind := p[hdr]
		cells := int(binary.BigEndian.Uint16(p[hdr+3 : hdr+5]))
		ptrs := hdr + 8
		if kind == 0x05 {
			ptrs = hdr + 12
		}
		if ptrs+2*cells > len(p) {
			return fmt.Errorf("%w: cell pointers beyond page %d", errSQLite, n)
		}
		for i := 0; i < cells; i++ {
			off := int(binary.BigEndian.Uint16(p[ptrs+2*i:]))
			if off >= len(p) {
				return fmt.Errorf("%w: cell beyond page %d", errSQLite, n)
			}
			cell := p[off:]
			switch kind {
			case 0x05: // interior table page: left child, rowid
				if len(cell) < 4 {
					return errSQLite
				}
				if err := walk(binary.BigEndian.Uint32(cell), depth+1); err != nil {
					return err
				}
			case 0x0d: // leaf table page: payload size, rowid, payload
				payload, err := d.leafPayload(cell)
				if err != nil {
					return err
				}
				_, sn := uvarint(cell)
				rowid, _ := uvarint(cell[sn:])
				if err := fn(int64(rowid), payload); err != nil {
					return err
				}
			default:
				return fmt.Errorf("%w: page %d of type %#x in a table b-tree", errSQLite, n, kind)
			}
		}
		if kind == 0x05 {
			return walk(binary.BigEndian.Uint32(p[hdr+8:hdr+12]), depth+1)
		}
		return nil
	}
	return walk(root, 0)
}

func (d *sqliteDB) leafPayload(cell []byte) ([]byte, error) {
	size, n := uvarint(cell)
	if n == 0 || size > uint64(d.size) {
		return nil, fmt.Errorf("%w: payload size", errSQLite)
	}
	cell = cell[n:]
	if _, n = uvarint(cell); n == 0 { // rowid
		return nil, fmt.Errorf("%w: rowid", errSQLite)
	}
	cell = cell[n:]
	p := int(size)
	u := d.usable
	x := u - 35
	if p <= x {
		if p > len(cell) {
			return nil, fmt.Errorf("%w: payload beyond page", errSQLite)
		}
		return cell[:p], nil
	}
	m := ((u-12)*32)/255 - 23
	k := m + (p-m)%(u-4)
	local := m
	if k <= x {
		local = k
	}
	if local+4 > len(cell) {
		return nil, fmt.Errorf("%w: payload beyond page", errSQLite)
	}
	out := make([]byte, 0, p)
	out = append(out, cell[:local]...)
	next := binary.BigEndian.Uint32(cell[local:])
	for visited := 0; len(out) < p; visited++ {
		if visited > maxPagesVisited {
			return nil, fmt.Errorf("%w: overflow chain cyclic", errSQLite)
		}
		op, err := d.page(next)
		if err != nil {
			return nil, err
		}
		take := min(p-len(out), u-4)
		out = append(out, op[4:4+take]...)
		next = binary.BigEndian.Uint32(op)
	}
	return out, nil
}

// uvarint reads SQLite's big-endian varint (1 to 9 bytes); n is 0 when b is too short.
func uvarint(b []byte) (v uint64, n int) {
	for i := 0; i < 9; i++ {
		if i >= len(b) {
			return 0, 0
		}
		if i == 8 {
			return v<<8 | uint64(b[i]), 9
		}
		v = v<<7 | uint64(b[i]&0x7f)
		if b[i]&0x80 == 0 {
			return v, i + 1
		}
	}
	return v, 9
}

// recordColumns decodes a record into its columns: nil for NULL, the bytes of a text or
// blob, the big-endian bytes of an integer; ints is set for integer columns.
func recordColumns(rec []byte) (cols [][]byte, ints []int64, err error) {
	hsize, n := uvarint(rec)
	if n == 0 || hsize > uint64(len(rec)) || hsize < uint64(n) {
		return nil, nil, fmt.Errorf("%w: record header", errSQLite)
	}
	hdr := rec[n:hsize]
	body := rec[hsize:]
	for len(hdr) > 0 {
		st, n := uvarint(hdr)
		if n == 0 {
			return nil, nil, fmt.Errorf("%w: serial type", errSQLite)
		}
		hdr = hdr[n:]
		var size int
		switch {
		case st == 0 || st == 8 || st == 9:
			size = 0
		case st >= 1 && st <= 4:
			size = int(st)
		case st == 5:
			size = 6
		case st == 6 || st == 7:
			size = 8
		case st >= 12:
			if st > uint64(len(rec))*2+13 {
				return nil, nil, fmt.Errorf("%w: column size", errSQLite)
			}
			size = int((st - 12) / 2)
		default:
			return nil, nil, fmt.Errorf("%w: serial type %d", errSQLite, st)
		}
		if size > len(body) {
			return nil, nil, fmt.Errorf("%w: column beyond record", errSQLite)
		}
		var iv int64
		if st >= 1 && st <= 6 {
			for _, c := range body[:size] {
				iv = iv<<8 | int64(c)
			}
			if size > 0 && body[0]&0x80 != 0 && size < 8 {
				iv -= 1 << (8 * size)
			}
		} else if st == 9 {
			iv = 1
		}
		if st == 0 {
			cols = append(cols, nil)
		} else {
			cols = append(cols, body[:size:size])
		}
		ints = append(ints, iv)
		body = body[size:]
	}
	return cols, ints, nil
}

// tableRoot returns the root page of table from sqlite_schema (type, name, tbl_name,
// rootpage, sql).
func (d *sqliteDB) tableRoot(table string) (uint32, error) {
	var root uint32
	err := d.walkTable(1, func(_ int64, payload []byte) error {
		cols, ints, err := recordColumns(payload)
		if err != nil {
			return err
		}
		if len(cols) >= 4 && string(cols[0]) == "table" && string(cols[1]) == table && ints[3] > 0 && ints[3] < 1<<32 {
			root = uint32(ints[3])
		}
		return nil
	})
	if err == nil && root == 0 {
		err = fmt.Errorf("%w: no table %s", errSQLite, table)
	}
	return root, err
}

// findRow returns the payload of the row with rowid in the table b-tree rooted at root,
// descending only the pages on its path; ok is false when there is no such row.
func (d *sqliteDB) findRow(root uint32, rowid int64) (payload []byte, ok bool, err error) {
	n := root
	for depth := 0; depth <= 64; depth++ {
		p, err := d.page(n)
		if err != nil {
			return nil, false, err
		}
		hdr := 0
		if n == 1 {
			hdr = 100
		}
		kind := p[hdr]
		cells := int(binary.BigEndian.Uint16(p[hdr+3 : hdr+5]))
		ptrs := hdr + 8
		if kind == 0x05 {
			ptrs = hdr + 12
		}
		if ptrs+2*cells > len(p) {
			return nil, false, fmt.Errorf("%w: cell pointers beyond page %d", errSQLite, n)
		}
		switch kind {
		case 0x05:
			next := binary.BigEndian.Uint32(p[hdr+8 : hdr+12])
			for i := 0; i < cells; i++ {
				off := int(binary.BigEndian.Uint16(p[ptrs+2*i:]))
				if off+4 >= len(p) {
					return nil, false, errSQLite
				}
				key, kn := uvarint(p[off+4:])
				if kn == 0 {
					return nil, false, errSQLite
				}
				if rowid <= int64(key) {
					next = binary.BigEndian.Uint32(p[off:])
					break
				}
			}
			n = next
		case 0x0d:
			for i := 0; i < cells; i++ {
				off := int(binary.BigEndian.Uint16(p[ptrs+2*i:]))
				if off >= len(p) {
					return nil, false, errSQLite
				}
				_, sn := uvarint(p[off:])
				if sn == 0 {
					return nil, false, errSQLite
				}
				id, in := uvarint(p[off+sn:])
				if in == 0 {
					return nil, false, errSQLite
				}
				if int64(id) == rowid {
					pl, err := d.leafPayload(p[off:])
					return pl, err == nil, err
				}
			}
			return nil, false, nil
		default:
			return nil, false, fmt.Errorf("%w: page %d of type %#x in a table b-tree", errSQLite, n, kind)
		}
	}
	return nil, false, fmt.Errorf("%w: b-tree too deep", errSQLite)
}
