package pkgdb

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// A read-only reader of rpm's Berkeley DB "Packages" file (rpm before 4.16; RHEL/CentOS 7
// and 8). rpm keeps it as a Berkeley DB hash database: each key is a 4-byte header number in
// the byte order of the host that wrote it (key 0, when present, holds the largest number in
// use and is skipped), each value an rpm header blob. The layout below is Berkeley DB's
// db_page.h (https://github.com/berkeleydb/libdb, src/dbinc/db_page.h; docs/sources.md S25):
//
// Page 0, the hash metadata page, starts with the generic DBMETA: lsn (8 bytes), pgno (4),
// magic (4; 0x061561 for hash, 0x053162 for btree), version (4), pagesize (4), encrypt_alg
// (1), type (1; 8 = P_HASHMETA), metaflags (1), unused (1), free (4), last_pgno (4), ... All
// integers are in the byte order of the creating host; the magic tells which.
//
// Every other page starts with a 26-byte header: lsn (8), pgno (4), prev_pgno (4), next_pgno
// (4), entries (2), hf_offset (2), level (1), type (1); then, on hash pages (type 13 P_HASH,
// or 2 P_HASH_UNSORTED from older releases), an array of `entries` 2-byte item offsets.
// Items are stored from the end of the page down, so item i spans [inp[i], inp[i-1]) with
// inp[-1] taken as the page size. Items alternate key, data. Each starts with a type byte:
// H_KEYDATA (1) is followed by the bytes themselves; H_OFFPAGE (3) by 3 unused bytes, the
// first overflow page number (4) and the total length (4). H_DUPLICATE (2) and H_OFFDUP (4)
// hold duplicate data sets, which rpm's Packages never has: they are refused as a corrupt
// or foreign file rather than skipped, so a package is never silently missed.
//
// An overflow page (type 7 P_OVERFLOW) keeps hf_offset bytes of the item right after its
// header and chains on through next_pgno (0 ends the chain).
//
// Pages are read one at a time through ReadAt and the walk is sequential (page 1 to
// last_pgno): free pages are typed P_INVALID, btree pages are not expected, so every
// key/data pair on a hash page is a live one.

var (
	errBDB = errors.New("not a readable Berkeley DB hash database")
	// errUnsupported marks a database recognised but in a form not read (a Berkeley DB btree,
	// an encrypted or checksummed Berkeley DB, an unknown ndb version): reason
	// package_db_unsupported.
	errUnsupported = errors.New("rpm database in an unsupported format")
)

const (
	bdbHashMagic  = 0x061561
	bdbBtreeMagic = 0x053162

	bdbPageHeader = 26

	pInvalid       = 0
	pHashUnsorted  = 2
	pOverflow      = 7
	pHashMeta      = 8
	pHash          = 13
	hKeyData       = 1
	hDuplicate     = 2
	hOffPage       = 3
	hOffDup        = 4
	hOffPageLength = 12

	// maxBDBPages bounds the walk (a large RHEL 8 Packages is ~100 MB: 25k pages of 4 KiB).
	maxBDBPages = 1 << 20
	// maxBlob bounds one header blob (rpm refuses headers above 256 MiB; real ones are under
	// a few MB), in every reader.
	maxBlob = 64 << 20
)

// RPMBerkeleyDBPackages finds names in rpm's Berkeley DB Packages file, walking every header.
func RPMBerkeleyDBPackages(r io.ReaderAt, size int64, names []string) (map[string]Package, error) {
	want := wantSet(names)
	out := map[string]Package{}
	err := walkBDBHash(r, size, func(key, blob []byte) error {
		if len(key) != 4 {
			return fmt.Errorf("%w: key of %d bytes", errBDB, len(key))
		}
		if key[0]|key[1]|key[2]|key[3] == 0 {
			return nil // rpm's record of the largest header number
		}
		return addHeader(out, want, blob)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

type bdbFile struct {
	r        io.ReaderAt
	order    binary.ByteOrder
	pageSize int
	pages    uint32 // pages in the file, meta page included
	// overflowRead counts the overflow pages read in the walk: each belongs to one item, so
	// more than the file holds means chains shared or cyclic, and the walk stops.
	overflowRead uint32
}

func (b *bdbFile) page(n uint32, buf []byte) error {
	if n == 0 || n >= b.pages {
		return fmt.Errorf("%w: page %d beyond the file", errBDB, n)
	}
	_, err := b.r.ReadAt(buf, int64(n)*int64(b.pageSize))
	if err == io.EOF {
		err = fmt.Errorf("%w: page %d truncated", errBDB, n)
	}
	return err
}

func openBDB(r io.ReaderAt, size int64) (*bdbFile, error) {
	var meta [36]byte
	if size < 512 {
		return nil, fmt.Errorf("%w: %d bytes", errBDB, size)
	}
	if _, err := r.ReadAt(meta[:], 0); err != nil {
		return nil, err
	}
	var order binary.ByteOrder
	switch {
	case binary.LittleEndian.Uint32(meta[12:]) == bdbHashMagic:
		order = binary.LittleEndian
	case binary.BigEndian.Uint32(meta[12:]) == bdbHashMagic:
		order = binary.BigEndian
	case binary.LittleEndian.Uint32(meta[12:]) == bdbBtreeMagic, binary.BigEndian.Uint32(meta[12:]) == bdbBtreeMagic:
		return nil, fmt.Errorf("%w: Berkeley DB btree", errUnsupported)
	default:
		return nil, errBDB
	}
	version := order.Uint32(meta[16:])
	ps := int(order.Uint32(meta[20:]))
	if version < 8 || version > 10 {
		return nil, fmt.Errorf("%w: Berkeley DB hash version %d", errUnsupported, version)
	}
	if meta[24] != 0 || meta[26]&1 != 0 {
		return nil, fmt.Errorf("%w: encrypted or checksummed Berkeley DB", errUnsupported)
	}
	if ps < 512 || ps > 65536 || ps&(ps-1) != 0 || meta[25] != pHashMeta {
		return nil, fmt.Errorf("%w: page size %d, meta type %d", errBDB, ps, meta[25])
	}
	last := order.Uint32(meta[32:])
	if last >= maxBDBPages {
		return nil, fmt.Errorf("%w: %d pages", errBDB, last)
	}
	if int64(last+1)*int64(ps) > size {
		return nil, fmt.Errorf("%w: truncated (%d pages of %d bytes in %d bytes)", errBDB, last+1, ps, size)
	}
	return &bdbFile{r: r, order: order, pageSize: ps, pages: last + 1}, nil
}

// walkBDBHash calls fn with every key/data pair on the hash pages of a Berkeley DB hash
// file, overflow items reassembled.
func walkBDBHash(r io.ReaderAt, size int64, fn func(key, data []byte) error) error {
	b, err := openBDB(r, size)
	if err != nil {
		return err
	}
	p := make([]byte, b.pageSize)
	ov := make([]byte, b.pageSize)
	for n := uint32(1); n < b.pages; n++ {
		if err := b.page(n, p); err != nil {
			return err
		}
		typ := p[25]
		if typ != pHash && typ != pHashUnsorted {
			if typ == pOverflow || typ == pInvalid {
				continue
			}
			return fmt.Errorf("%w: page %d of type %d", errBDB, n, typ)
		}
		entries := int(b.order.Uint16(p[20:]))
		if entries%2 != 0 || bdbPageHeader+2*entries > b.pageSize {
			return fmt.Errorf("%w: page %d with %d items", errBDB, n, entries)
		}
		item := func(i int) ([]byte, error) {
			off := int(b.order.Uint16(p[bdbPageHeader+2*i:]))
			end := b.pageSize
			if i > 0 {
				end = int(b.order.Uint16(p[bdbPageHeader+2*i-2:]))
			}
			if off < bdbPageHeader+2*entries || off >= end || end > b.pageSize {
				return nil, fmt.Errorf("%w: item %d of page %d at %d..%d", errBDB, i, n, off, end)
			}
			return p[off:end], nil
		}
		for i := 0; i < entries; i += 2 {
			k, err := item(i)
			if err != nil {
				return err
			}
			d, err := item(i + 1)
			if err != nil {
				return err
			}
			key, err := b.value(k, ov)
			if err != nil {
				return err
			}
			data, err := b.value(d, ov)
			if err != nil {
				return err
			}
			if err := fn(key, data); err != nil {
				return err
			}
		}
	}
	return nil
}

// value returns the bytes of a hash item: on the page for H_KEYDATA, else read through its
// overflow chain (ov is the page buffer for it).
func (b *bdbFile) value(it []byte, ov []byte) ([]byte, error) {
	switch it[0] {
	case hKeyData:
		return it[1:], nil
	case hOffPage:
		if len(it) < hOffPageLength {
			return nil, fmt.Errorf("%w: short off-page item", errBDB)
		}
		next := b.order.Uint32(it[4:])
		total := b.order.Uint32(it[8:])
		if total > maxBlob || int64(total) > int64(b.pages)*int64(b.pageSize) {
			return nil, fmt.Errorf("%w: off-page item of %d bytes", errBDB, total)
		}
		out := make([]byte, 0, total)
		for next != 0 {
			if b.overflowRead++; b.overflowRead >= b.pages {
				return nil, fmt.Errorf("%w: overflow chains cyclic or shared", errBDB)
			}
			if err := b.page(next, ov); err != nil {
				return nil, err
			}
			if ov[25] != pOverflow {
				return nil, fmt.Errorf("%w: overflow chain reaches page %d of type %d", errBDB, next, ov[25])
			}
			n := int(b.order.Uint16(ov[22:]))
			if n > b.pageSize-bdbPageHeader || len(out)+n > int(total) {
				return nil, fmt.Errorf("%w: overflow page %d holds %d bytes", errBDB, next, n)
			}
			out = append(out, ov[bdbPageHeader:bdbPageHeader+n]...)
			next = b.order.Uint32(ov[16:])
		}
		if len(out) != int(total) {
			return nil, fmt.Errorf("%w: overflow chain of %d bytes, want %d", errBDB, len(out), total)
		}
		return out, nil
	case hDuplicate, hOffDup:
		return nil, fmt.Errorf("%w: duplicate data items (not an rpm Packages file)", errBDB)
	}
	return nil, fmt.Errorf("%w: item type %d", errBDB, it[0])
}

func wantSet(names []string) map[string]bool {
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	return want
}

// addHeader parses blob and records it in out when its name is wanted.
func addHeader(out map[string]Package, want map[string]bool, blob []byte) error {
	h, err := ParseHeader(blob)
	if err != nil {
		return err
	}
	if want[h.Name] {
		out[h.Name] = Package{Name: h.Name, Version: h.Version, Release: h.Release, DB: "rpm"}
	}
	return nil
}
