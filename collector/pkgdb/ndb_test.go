package pkgdb

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"
)

func TestRPMNdb(t *testing.T) {
	testReaders(t, RPMNdbPackages, "Packages.db")
}

func TestNdbByteFlips(t *testing.T) {
	byteFlips(t, RPMNdbPackages, "Packages.db", 7)
}

func TestNdbWalk(t *testing.T) {
	raw := testdata(t, "Packages.db")
	var idx []uint32
	err := walkNdb(bytes.NewReader(raw), int64(len(raw)), func(pkgidx uint32, blob []byte) error {
		idx = append(idx, pkgidx)
		_, err := ParseHeader(blob)
		return err
	})
	if err != nil || len(idx) != 8 {
		t.Fatalf("pkgidx %v, %v", idx, err)
	}
}

func TestNdbHostile(t *testing.T) {
	raw := testdata(t, "Packages.db")
	le := binary.LittleEndian
	firstBlob := int(le.Uint32(raw[32+8:])) * 16
	flip := func(off int) []byte { c := bytes.Clone(raw); c[off] ^= 0x40; return c }
	// Every used slot naming the first blob: each read alone is valid, together they would
	// read more blocks than the file holds.
	shared := bytes.Clone(raw)
	for o := 32 + 16; o < 4096; o += 16 {
		if le.Uint32(raw[o+8:]) != 0 {
			copy(shared[o+4:o+16], raw[32+4:32+16])
		}
	}
	for name, tc := range map[string]struct {
		b           []byte
		unsupported bool
	}{
		"empty":           {nil, false},
		"text":            {bytes.Repeat([]byte("not a database\n"), 300)[:4096], false},
		"truncated":       {raw[:len(raw)-16], false},
		"unaligned":       {raw[:len(raw)-3], false},
		"slot pages":      {put32(raw, 12, le, 1<<20), false},
		"bad slot magic":  {flip(32), false},
		"slot beyond":     {put32(raw, 32+8, le, 1<<30), false},
		"blob in slots":   {put32(raw, 32+8, le, 2), false},
		"bad head magic":  {flip(firstBlob), false},
		"bad length":      {put32(raw, firstBlob+12, le, 5), false},
		"bad checksum":    {flip(firstBlob + 100), false},
		"bad tail magic":  {flip(firstBlob + int(le.Uint32(raw[32+12:]))*16 - 1), false},
		"other pkgidx":    {put32(raw, firstBlob+4, le, 99), false},
		"ndb version 1":   {put32(raw, 4, le, 1), true},
		"huge blob count": {put32(raw, 32+12, le, 1<<31), false},
		"shared blob":     {shared, false},
	} {
		_, err := readBytes(RPMNdbPackages, tc.b, agentNames)
		if err == nil {
			t.Errorf("%s accepted", name)
		} else if errors.Is(err, errUnsupported) != tc.unsupported {
			t.Errorf("%s: %v, unsupported want %v", name, err, tc.unsupported)
		}
	}
}

func FuzzRPMNdb(f *testing.F) {
	raw := testdata(f, "Packages.db")
	f.Add(raw)
	f.Add(raw[:4096+16*100])
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := readBytes(RPMNdbPackages, b, agentNames)
		checkFuzzResult(t, got, err)
	})
}

func BenchmarkRPMNdb(b *testing.B) { benchReader(b, RPMNdbPackages, testdata(b, "Packages.db")) }
