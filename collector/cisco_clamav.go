package collector

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"

	"github.com/secagent-exporter/secagent_exporter/collector/cisco"
	"github.com/secagent-exporter/secagent_exporter/internal/hostfs"
)

// The Linux connector's ClamAV database headers (sources.md S7).

// clamavDefinitions reads the header of each ClamAV database. Where the connector keeps
// them is UNVERIFIED (sources.md S7), so a missing directory is not a failure: the
// source is then not listed.
func (c *ciscoCollector) clamavDefinitions(s *Scrape) {
	dir := c.env.Paths.Root(c.layout.ClamavDir)
	hfs := c.env.Paths.Host()
	// One listing of the directory instead of a stat of each name: most of the six
	// names (.cvd and .cld of three databases) are absent on any host.
	entries, err := hfs.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		c.env.Logger.Debug("no ClamAV database directory", "dir", dir)
		return
	}
	var listed map[string]bool // nil: the listing failed, every name is tried as before
	if err == nil {
		listed = make(map[string]bool, len(entries))
		for _, e := range entries {
			listed[e.Name()] = true
		}
	}
	var errs []error
	for _, db := range clamavDatabases {
		var best *cisco.CVDHeader
		// freshclam keeps a database as .cvd (as downloaded) or .cld (after
		// incremental updates); if both linger, the newer version is the one loaded.
		for _, ext := range []string{".cvd", ".cld"} {
			if listed != nil && !listed[db+ext] {
				continue // as a missing file
			}
			h, err := readCVDHeader(hfs, filepath.Join(dir, db+ext))
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			if err != nil {
				errs = append(errs, fmt.Errorf("%s%s: %w", db, ext, err))
				continue
			}
			if best == nil || h.Version > best.Version {
				best = &h
			}
		}
		if best == nil {
			continue
		}
		s.Gauge(clamavVersionDesc, float64(best.Version), db)
		if t := best.Time(); !t.IsZero() {
			s.Gauge(clamavTimestampDesc, unixSeconds(t), db)
		}
	}
	s.Source("clamav_definitions", errors.Join(errs...))
}

// readCVDHeader parses the 512-byte header of a ClamAV database, read again only when
// the file's identity changed (freshclam replaces the file on an update).
func readCVDHeader(hfs hostfs.FS, path string) (cisco.CVDHeader, error) {
	return cachedParse(hostFileCache, "cisco.cvd_header", hfs, path, readCVDHead, cisco.ParseCVDHeader)
}

// readCVDHead reads the first 512 bytes of a database (hundreds of MiB).
func readCVDHead(hfs hostfs.FS, path string) ([]byte, error) {
	f, err := hfs.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	head := make([]byte, 512)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return head[:n], nil
}
