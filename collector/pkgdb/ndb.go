package pkgdb

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/adler32"
	"io"
	"slices"
)

// A read-only reader of rpm's ndb package store "Packages.db" (rpm 4.15+, the default on
// SUSE/openSUSE), after rpm's lib/backend/ndb/rpmpkg.c
// (https://github.com/rpm-software-management/rpm/blob/master/lib/backend/ndb/rpmpkg.c;
// docs/sources.md S25). All integers are little-endian.
//
// The file starts with slot pages of 4096 bytes. The first 32 bytes of page 0 are the file
// header: magic "RpmP", version (0), generation, number of slot pages, next package index.
// The rest of the slot pages are 16-byte slots: magic "Slot", package index, block offset,
// block count (offset 0: a free slot). Blocks are 16 bytes; a slot's blocks hold one blob:
// a 16-byte head (magic "BlbS", package index, timestamp, blob length), the rpm header blob,
// zero padding, and a 12-byte tail (adler32 of everything before the tail, blob length,
// magic "BlbE"). Every magic, both lengths, the block count and the checksum are verified.

var errNdb = errors.New("not a readable rpm ndb database")

const (
	ndbPage       = 4096
	ndbSlot       = 16
	ndbBlock      = 16
	ndbHeaderSize = 32
	ndbBlobHead   = 16
	ndbBlobTail   = 12
	ndbVersion    = 0
	// maxNdbSlotPages bounds the slot table (each page holds 256 slots; rpm adds a page when
	// the slots are full, so 64 pages are 16k packages).
	maxNdbSlotPages = 256
)

// RPMNdbPackages finds names in an rpm ndb Packages.db, reading every blob the slots name.
func RPMNdbPackages(r io.ReaderAt, size int64, names []string) (map[string]Package, error) {
	want := wantSet(names)
	out := map[string]Package{}
	err := walkNdb(r, size, func(_ uint32, blob []byte) error {
		return addHeader(out, want, blob)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func walkNdb(r io.ReaderAt, size int64, fn func(pkgidx uint32, blob []byte) error) error {
	le := binary.LittleEndian
	if size < ndbPage {
		return fmt.Errorf("%w: %d bytes", errNdb, size)
	}
	if size%ndbBlock != 0 {
		return fmt.Errorf("%w: size %d not a multiple of %d", errNdb, size, ndbBlock)
	}
	page := make([]byte, ndbPage)
	if _, err := r.ReadAt(page, 0); err != nil {
		return err
	}
	if string(page[0:4]) != "RpmP" {
		return errNdb
	}
	if v := le.Uint32(page[4:]); v != ndbVersion {
		return fmt.Errorf("%w: ndb version %d", errUnsupported, v)
	}
	npages := le.Uint32(page[12:])
	if npages == 0 || npages > maxNdbSlotPages || int64(npages)*ndbPage > size {
		return fmt.Errorf("%w: %d slot pages", errNdb, npages)
	}
	fileBlocks := uint64(size / ndbBlock)
	firstBlob := uint64(npages) * ndbPage / ndbBlock
	// First the slot table, then the blobs in file order. Blobs never overlap (rpm refuses
	// overlapping slots), so slots sharing or overlapping blobs are refused and the reads
	// never outgrow the file.
	type slot struct{ pkgidx, blkoff, blkcnt uint32 }
	var slots []slot
	for pg := uint32(0); pg < npages; pg++ {
		if pg > 0 {
			if _, err := r.ReadAt(page, int64(pg)*ndbPage); err != nil {
				return err
			}
		}
		o := 0
		if pg == 0 {
			o = ndbHeaderSize
		}
		for ; o < ndbPage; o += ndbSlot {
			s := page[o : o+ndbSlot]
			if string(s[0:4]) != "Slot" {
				return fmt.Errorf("%w: bad slot magic in page %d at %d", errNdb, pg, o)
			}
			sl := slot{le.Uint32(s[4:]), le.Uint32(s[8:]), le.Uint32(s[12:])}
			if sl.blkoff == 0 {
				continue // free slot
			}
			if sl.pkgidx == 0 || sl.blkcnt == 0 || uint64(sl.blkoff) < firstBlob || uint64(sl.blkoff)+uint64(sl.blkcnt) > fileBlocks {
				return fmt.Errorf("%w: slot for package %d at block %d+%d", errNdb, sl.pkgidx, sl.blkoff, sl.blkcnt)
			}
			slots = append(slots, sl)
		}
	}
	slices.SortFunc(slots, func(a, b slot) int { return cmp.Compare(a.blkoff, b.blkoff) })
	for i := 1; i < len(slots); i++ {
		if uint64(slots[i-1].blkoff)+uint64(slots[i-1].blkcnt) > uint64(slots[i].blkoff) {
			return fmt.Errorf("%w: slots for packages %d and %d overlap", errNdb, slots[i-1].pkgidx, slots[i].pkgidx)
		}
	}
	var head [ndbBlobHead]byte
	var tail [ndbBlobTail]byte
	for _, sl := range slots {
		off := int64(sl.blkoff) * ndbBlock
		total := int64(sl.blkcnt) * ndbBlock
		if total < ndbBlobHead+ndbBlobTail || total-ndbBlobHead-ndbBlobTail > maxBlob {
			return fmt.Errorf("%w: blob of %d blocks", errNdb, sl.blkcnt)
		}
		if _, err := r.ReadAt(head[:], off); err != nil {
			return err
		}
		n := le.Uint32(head[12:])
		if string(head[0:4]) != "BlbS" || le.Uint32(head[4:]) != sl.pkgidx ||
			(ndbBlobHead+uint64(n)+ndbBlobTail+ndbBlock-1)/ndbBlock != uint64(sl.blkcnt) {
			return fmt.Errorf("%w: bad blob head for package %d", errNdb, sl.pkgidx)
		}
		body := make([]byte, total-ndbBlobHead-ndbBlobTail)
		if _, err := r.ReadAt(body, off+ndbBlobHead); err != nil {
			return err
		}
		if _, err := r.ReadAt(tail[:], off+total-ndbBlobTail); err != nil {
			return err
		}
		sum := adler32.New()
		sum.Write(head[:])
		sum.Write(body)
		if string(tail[8:12]) != "BlbE" || le.Uint32(tail[4:]) != n || le.Uint32(tail[0:]) != sum.Sum32() {
			return fmt.Errorf("%w: bad blob tail or checksum for package %d", errNdb, sl.pkgidx)
		}
		if err := fn(sl.pkgidx, body[:n]); err != nil {
			return err
		}
	}
	return nil
}
