package pkgdb

import (
	"bytes"
	"encoding/binary"
	"errors"
)

// RPM header tags and types (rpm's lib/rpmtag.h; the header blob layout is rpm's
// "header structure": index count, data length, 16-byte index entries, data store).
const (
	tagName    = 1000
	tagVersion = 1001
	tagRelease = 1002

	typeString      = 6
	typeStringArray = 8
	typeI18NString  = 9

	// maxHeaderTags and maxHeaderData are rpm's own limits (HEADER_MAX_TAGS-ish, 256 MiB).
	maxHeaderTags = 0xffff
	maxHeaderData = 256 << 20
)

var errHeader = errors.New("not an rpm header blob")

// Header is what the exporter reads from an rpm package header.
type Header struct {
	Name, Version, Release string
}

// ParseHeader reads the name, version and release of an rpm header blob as rpmdb keeps it
// (without the lead and signature of a package file).
func ParseHeader(blob []byte) (Header, error) {
	if len(blob) < 8 {
		return Header{}, errHeader
	}
	il := binary.BigEndian.Uint32(blob[0:4])
	dl := binary.BigEndian.Uint32(blob[4:8])
	if il == 0 || il > maxHeaderTags || dl > maxHeaderData || uint64(8)+uint64(il)*16+uint64(dl) > uint64(len(blob)) {
		return Header{}, errHeader
	}
	index := blob[8 : 8+il*16]
	data := blob[8+il*16 : 8+il*16+dl]
	var h Header
	for i := uint32(0); i < il; i++ {
		e := index[i*16 : i*16+16]
		tag := binary.BigEndian.Uint32(e[0:4])
		typ := binary.BigEndian.Uint32(e[4:8])
		off := binary.BigEndian.Uint32(e[8:12])
		var dst *string
		switch tag {
		case tagName:
			dst = &h.Name
		case tagVersion:
			dst = &h.Version
		case tagRelease:
			dst = &h.Release
		default:
			continue
		}
		if typ != typeString && typ != typeStringArray && typ != typeI18NString {
			return Header{}, errHeader
		}
		if off >= dl {
			return Header{}, errHeader
		}
		end := bytes.IndexByte(data[off:], 0)
		if end < 0 {
			return Header{}, errHeader
		}
		*dst = string(data[off : off+uint32(end)])
	}
	if h.Name == "" || h.Version == "" {
		return Header{}, errHeader
	}
	return h, nil
}
