package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/prometheus/common/expfmt"

	"github.com/secagent-exporter/secagent_exporter/collector"
)

// writeTextfile runs every enabled collector once and replaces path with the result in
// one rename, so node_exporter's or windows_exporter's textfile collector never reads a
// half-written file. The temporary file does not end in .prom, so a textfile collector
// scanning the directory meanwhile ignores it.
//
// The exporter's own go_* and process_* metrics are left out: they would describe this
// short-lived run and collide with the metrics of the exporter that reads the file.
func writeTextfile(ctx context.Context, path string, set *collector.Set, timeout time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	families, err := collectOnce(set, timeout)
	if err != nil {
		return err
	}

	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return fmt.Errorf("--output.textfile: %w", err)
	}
	committed := false
	defer func() {
		if !committed {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	w := bufio.NewWriter(tmp)
	enc := expfmt.NewEncoder(w, expfmt.NewFormat(expfmt.TypeTextPlain))
	for _, mf := range families {
		if err := enc.Encode(mf); err != nil {
			return fmt.Errorf("--output.textfile: encoding %s: %w", mf.GetName(), err)
		}
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("--output.textfile: %w", err)
	}
	// CreateTemp makes the file 0600; the reading exporter may run as another user.
	if err := tmp.Chmod(0o644); err != nil {
		return fmt.Errorf("--output.textfile: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("--output.textfile: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("--output.textfile: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("--output.textfile: %w", err)
	}
	committed = true
	return nil
}
