package pkgdb

import (
	"encoding/binary"
	"fmt"
	"io"
)

// SQLite's write-ahead log (https://www.sqlite.org/fileformat2.html#walformat; docs/sources.md
// S25). rpm on EL9 runs rpmdb.sqlite in WAL mode, so recent commits may exist only in
// rpmdb.sqlite-wal until a checkpoint copies them back.
//
// The WAL starts with a 32-byte header, big-endian: magic 0x377f0682 or 0x377f0683 (the low
// bit says whether the checksums sum big-endian words), format version 3007000, page size,
// checkpoint sequence, salt-1, salt-2, and a checksum of the first 24 bytes. Then frames: a
// 24-byte frame header (page number, database size in pages after the commit for a commit
// frame else 0, salt-1, salt-2, checksum) and one page. Each frame checksum continues the
// previous one (the header's for the first frame) over the first 8 bytes of its frame header
// and its page. A frame is valid while its salts equal the header's and its checksum matches;
// the first invalid frame ends the log. Readers use the frames up to the last valid commit
// frame, the latest frame of a page winning. A WAL whose header is not valid is ignored, as
// SQLite does.

const (
	walHeaderSize = 32
	walFrameHdr   = 24
	walVersion    = 3007000
	// maxWALFrames bounds the frames read (rpm keeps SQLite's automatic checkpoint at 1000
	// pages, so a live WAL holds a few thousand frames at most).
	maxWALFrames = 1 << 18
)

// walIndex is the committed content of a WAL: the file offset of the latest committed copy
// of each page and the database size in pages after the last commit.
type walIndex struct {
	r        io.ReaderAt
	pageSize int
	frames   map[uint32]int64
	dbPages  uint32
}

// readWAL indexes the committed frames of a WAL; nil (and no error) when the file holds no
// valid WAL header or no committed frame.
func readWAL(r io.ReaderAt, size int64) (*walIndex, error) {
	if size < walHeaderSize {
		return nil, nil
	}
	var hdr [walHeaderSize]byte
	if _, err := r.ReadAt(hdr[:], 0); err != nil {
		return nil, err
	}
	be := binary.BigEndian
	magic := be.Uint32(hdr[0:])
	if magic != 0x377f0682 && magic != 0x377f0683 || be.Uint32(hdr[4:]) != walVersion {
		return nil, nil
	}
	var order binary.ByteOrder = binary.LittleEndian
	if magic&1 == 1 {
		order = binary.BigEndian
	}
	ps := int(be.Uint32(hdr[8:]))
	if ps == 1 {
		ps = 65536
	}
	if ps < 512 || ps > 65536 || ps&(ps-1) != 0 {
		return nil, nil
	}
	s0, s1 := walChecksum(order, 0, 0, hdr[:24])
	if s0 != be.Uint32(hdr[24:]) || s1 != be.Uint32(hdr[28:]) {
		return nil, nil
	}
	frameSize := int64(walFrameHdr + ps)
	n := (size - walHeaderSize) / frameSize
	if n > maxWALFrames {
		return nil, fmt.Errorf("%w: WAL of %d frames", errSQLite, n)
	}
	w := &walIndex{r: r, pageSize: ps, frames: map[uint32]int64{}}
	pending := map[uint32]int64{} // frames after the last commit seen
	frame := make([]byte, frameSize)
	for i := int64(0); i < n; i++ {
		off := walHeaderSize + i*frameSize
		if _, err := r.ReadAt(frame, off); err != nil {
			return nil, err
		}
		if be.Uint32(frame[8:]) != be.Uint32(hdr[16:]) || be.Uint32(frame[12:]) != be.Uint32(hdr[20:]) {
			break
		}
		s0, s1 = walChecksum(order, s0, s1, frame[:8])
		s0, s1 = walChecksum(order, s0, s1, frame[walFrameHdr:])
		if s0 != be.Uint32(frame[16:]) || s1 != be.Uint32(frame[20:]) {
			break
		}
		pg := be.Uint32(frame[0:])
		if pg == 0 {
			break
		}
		pending[pg] = off + walFrameHdr
		if commit := be.Uint32(frame[4:]); commit != 0 {
			for p, o := range pending {
				w.frames[p] = o
			}
			clear(pending)
			w.dbPages = commit
		}
	}
	if w.dbPages == 0 {
		return nil, nil
	}
	return w, nil
}

// walChecksum continues SQLite's WAL checksum over b (a multiple of 8 bytes), words read in
// order.
func walChecksum(order binary.ByteOrder, s0, s1 uint32, b []byte) (uint32, uint32) {
	for i := 0; i+8 <= len(b); i += 8 {
		s0 += order.Uint32(b[i:]) + s1
		s1 += order.Uint32(b[i+4:]) + s0
	}
	return s0, s1
}
