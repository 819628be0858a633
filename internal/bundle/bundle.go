// Package bundle writes a support bundle: a redacted archive with exactly what is needed
// to understand a host and to extend a parser — the tool version and flags, one
// collection of metrics and its diagnosis, the agent CLI outputs, the agents'
// configuration files, the last lines of each agent log, the log lines no vendor table
// understood, and the encodings detected. Every text passes through redact first.
package bundle

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/secagent-exporter/secagent_exporter/collector/logtail"
	"github.com/secagent-exporter/secagent_exporter/collector/msgtable"
	"github.com/secagent-exporter/secagent_exporter/internal/host"
	"github.com/secagent-exporter/secagent_exporter/internal/hostfs"
	"github.com/secagent-exporter/secagent_exporter/internal/redact"
)

// Options is what the command hands the bundle.
type Options struct {
	Paths    host.Paths
	Runner   *host.Runner
	GOOS     string
	Location *time.Location
	Now      time.Time
	Version  string
	// Flags are the effective flag values, name -> value (flags.txt).
	Flags map[string]string
	// Agents are what is collected per agent (collector.BundleAgents).
	Agents []Agent
	// Metrics, Diagnosis and ExporterLog come from one collection run by the command.
	Metrics, Diagnosis, ExporterLog []byte
	// LogLines is how many lines of each log file are kept (default 500).
	LogLines int
	// MaskHostIdentifiers also masks host names, IP addresses and GUIDs (bundles that
	// leave the company).
	MaskHostIdentifiers bool
	// MaxFileBytes caps each configuration file and each log excerpt read (default 1 MiB,
	// at most hostfs.MaxBundleFile).
	MaxFileBytes int64
}

// maxLogFiles is how many files of one log directory and pattern go into a bundle,
// newest first: a directory holding 50,000 matching files yields a bounded archive.
const maxLogFiles = 32

// Summary says what went into the archive.
type Summary struct {
	Entries      []string
	Unclassified int
}

type archive struct {
	tw      *tar.Writer
	now     time.Time
	redact  redact.Options
	entries []string
}

func (a *archive) add(name string, content []byte) error {
	clean := a.redact.Bytes(content)
	hdr := &tar.Header{Name: name, Mode: 0o644, Size: int64(len(clean)), ModTime: a.now, Typeflag: tar.TypeReg}
	if err := a.tw.WriteHeader(hdr); err != nil {
		return err
	}
	if _, err := a.tw.Write(clean); err != nil {
		return err
	}
	a.entries = append(a.entries, name)
	return nil
}

// Write streams the gzip-compressed tar archive to w.
func Write(ctx context.Context, w io.Writer, o Options) (Summary, error) {
	if o.LogLines <= 0 {
		o.LogLines = 500
	}
	if o.MaxFileBytes <= 0 {
		o.MaxFileBytes = 1 << 20
	}
	o.MaxFileBytes = min(o.MaxFileBytes, hostfs.MaxBundleFile)
	if o.GOOS != "windows" {
		o.GOOS = "linux"
	}
	if o.Location == nil {
		o.Location = time.Local
	}
	gz := gzip.NewWriter(w)
	a := &archive{tw: tar.NewWriter(gz), now: o.Now}
	if o.MaskHostIdentifiers {
		host, _ := os.Hostname()
		a.redact = redact.Options{HostIdentifiers: true, HostNames: []string{host, strings.SplitN(host, ".", 2)[0]}}
	}
	var sum Summary
	outputs := map[string][]byte{}

	steps := []func() error{
		func() error { return a.add("README.txt", []byte(readme)) },
		func() error { return a.add("version.txt", []byte(o.Version+"\n")) },
		func() error { return a.add("flags.txt", flagsText(o.Flags)) },
		func() error { return a.add("metrics.prom", o.Metrics) },
		func() error { return a.add("diagnose.txt", o.Diagnosis) },
		func() error { return a.add("exporter.log", o.ExporterLog) },
		func() error { return addCommands(ctx, a, o, outputs) },
		func() error { return addFiles(ctx, a, o) },
		func() error {
			n, err := addLogs(ctx, a, o, outputs)
			sum.Unclassified = n
			return err
		},
	}
	for _, step := range steps {
		// The overall deadline and SIGINT/SIGTERM end the bundle between steps; every
		// read inside one is bounded and never blocks (hostfs).
		if err := ctx.Err(); err != nil {
			return sum, err
		}
		if err := step(); err != nil {
			return sum, err
		}
	}
	if err := a.tw.Close(); err != nil {
		return sum, err
	}
	if err := gz.Close(); err != nil {
		return sum, err
	}
	sum.Entries = a.entries
	return sum, nil
}

const readme = `secagent_exporter support bundle

What is inside:
  version.txt, flags.txt   the exporter version and its effective flags
  metrics.prom             one collection of every enabled collector
  diagnose.txt             what "secagent_exporter diagnose" says about it
  exporter.log             the exporter's debug log of that collection
  commands/                the agent CLIs' output (read-only commands only: cmdagent -i, ampcli status)
  files/                   the agents' configuration files
  logs/<agent>/            the last lines of each agent log file
  logs/unclassified.txt    log lines no vendor message table understood (what a parser needs next)
  logs/unclassified-shapes.txt  the same lines reduced to shapes (numbers, GUIDs, addresses masked)
                           with their counts, as "secagent_exporter classify" prints them
  logs/encodings.txt       the encoding detected for each log file

Every file was redacted before it was written: activation and customer ids, keypairs,
tokens, unlock codes, passwords and proxy credentials are replaced by <redacted>.
Review it before you send it.
`

func flagsText(flags map[string]string) []byte {
	names := make([]string, 0, len(flags))
	for n := range flags {
		names = append(names, n)
	}
	sort.Strings(names)
	var b bytes.Buffer
	for _, n := range names {
		fmt.Fprintf(&b, "--%s=%s\n", n, flags[n])
	}
	return b.Bytes()
}

func (o Options) host() Host { return Host{Paths: o.Paths, GOOS: o.GOOS, Location: o.Location} }

// addCommands runs the read-only agent commands and keeps their outputs for the agents'
// Logs (cmdagent's LogLocation).
func addCommands(ctx context.Context, a *archive, o Options, outputs map[string][]byte) error {
	var cmds []Command
	for _, ag := range o.Agents {
		cmds = append(cmds, ag.Commands...)
	}
	for _, c := range cmds {
		for _, p := range c.Paths {
			resolved := o.Paths.Root(p)
			if _, err := o.Paths.Host().Stat(resolved); err != nil {
				continue
			}
			var out bytes.Buffer
			fmt.Fprintf(&out, "$ %s %s\n", p, strings.Join(c.Args, " "))
			res, err := o.Runner.Run(ctx, resolved, c.Args...)
			out.Write(res.Stdout)
			outputs[c.Name] = res.Stdout
			if res.Truncated {
				out.WriteString("\n[output truncated]\n")
			}
			if err != nil {
				fmt.Fprintf(&out, "\n[error: %v]\n", err)
			}
			if err := a.add("commands/"+c.Name+".txt", out.Bytes()); err != nil {
				return err
			}
			break
		}
	}
	return nil
}

func addFiles(ctx context.Context, a *archive, o Options) error {
	var files []File
	for _, ag := range o.Agents {
		if ag.Files != nil {
			files = append(files, ag.Files(o.host())...)
		}
	}
	for _, f := range files {
		for _, p := range f.Paths {
			if err := ctx.Err(); err != nil {
				return err
			}
			raw, err := readCapped(o.Paths.Host(), o.Paths.Root(p), o.MaxFileBytes)
			if os.IsNotExist(err) {
				continue
			}
			if err != nil {
				raw = []byte(fmt.Sprintf("[could not read %s: %v]\n", p, err))
			} else if enc := logtail.DetectEncoding(raw); enc != "utf-8" {
				raw = []byte(logtail.DecodeAll(raw, enc))
			}
			if err := a.add("files/"+f.Name+"/"+path.Base(filepath.ToSlash(p)), raw); err != nil {
				return err
			}
		}
	}
	return nil
}

// addLogs keeps the tail of each log file and lists the lines none of the vendor's
// message rows matched. It returns how many unclassified lines it found.
func addLogs(ctx context.Context, a *archive, o Options, outputs map[string][]byte) (int, error) {
	var encodings, unclassified, shapesText bytes.Buffer
	count := 0
	fmt.Fprintln(&shapesText, "# Unclassified line shapes per log source, most frequent first (docs/classify.md).")
	var logs []Log
	for _, ag := range o.Agents {
		if ag.Logs != nil {
			logs = append(logs, ag.Logs(o.host(), outputs)...)
		}
	}
	for _, src := range logs {
		shapes := map[string]int{}
		classifier := src.Classifier
		if src.Note != "" {
			fmt.Fprintf(&shapesText, "# %s: %s\n", src.Name, src.Note)
		}
		for _, dir := range src.Dirs {
			resolvedDir := o.Paths.Root(dir)
			var files []string
			for _, pat := range src.Patterns {
				m, skipped, _ := o.Paths.Host().Glob(filepath.Join(resolvedDir, pat), maxLogFiles)
				files = append(files, m...)
				if skipped > 0 {
					fmt.Fprintf(&encodings, "%s/%s: %d older files left out\n", src.Name, pat, skipped)
				}
			}
			sort.Strings(files)
			seen := map[string]bool{}
			for _, f := range files {
				if seen[f] {
					continue
				}
				if err := ctx.Err(); err != nil {
					return count, err
				}
				seen[f] = true
				raw, enc, err := readTail(o.Paths.Host(), f, o.MaxFileBytes)
				if err != nil {
					fmt.Fprintf(&encodings, "%s/%s: unreadable: %v\n", src.Name, filepath.Base(f), err)
					continue
				}
				fmt.Fprintf(&encodings, "%s/%s: %s\n", src.Name, filepath.Base(f), enc)
				lines := lastLines(logtail.DecodeAll(raw, enc), o.LogLines)
				if err := a.add("logs/"+src.Name+"/"+filepath.Base(f)+".tail.txt", []byte(strings.Join(lines, "\n")+"\n")); err != nil {
					return count, err
				}
				for _, line := range lines {
					msg, ok := src.Message(line, o.Location)
					if !ok {
						continue
					}
					if _, hit := classifier.Classify(msg); !hit {
						count++
						fmt.Fprintf(&unclassified, "%s/%s: %s\n", src.Name, filepath.Base(f), line)
						shapes[msgtable.Shape(msg)]++
					}
				}
			}
		}
		writeShapes(&shapesText, src.Name, shapes)
	}
	if err := a.add("logs/unclassified-shapes.txt", shapesText.Bytes()); err != nil {
		return count, err
	}
	if err := a.add("logs/encodings.txt", encodings.Bytes()); err != nil {
		return count, err
	}
	return count, a.add("logs/unclassified.txt", unclassified.Bytes())
}

// writeShapes lists one source's unclassified shapes, most frequent first.
func writeShapes(w io.Writer, source string, shapes map[string]int) {
	list := make([]msgtable.ShapeCount, 0, len(shapes))
	for s, n := range shapes {
		list = append(list, msgtable.ShapeCount{Shape: s, Count: n})
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].Count != list[j].Count {
			return list[i].Count > list[j].Count
		}
		return list[i].Shape < list[j].Shape
	})
	fmt.Fprintf(w, "%s: %d shapes\n", source, len(list))
	for _, s := range list {
		fmt.Fprintf(w, "  %6d  %s\n", s.Count, s.Shape)
	}
}

// readCapped reads the first max bytes of a regular file of the host tree: a link out of
// --path.rootfs resolves inside it, a FIFO or device is refused before any read.
func readCapped(hfs hostfs.FS, p string, max int64) ([]byte, error) {
	f, err := hfs.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, max))
}

// readTail reads at most max bytes from the end of a file, starting at a line boundary,
// and the file's encoding detected from its head (a tail has no BOM, and a UTF-16 tail
// must start on a code unit).
func readTail(hfs hostfs.FS, p string, max int64) ([]byte, string, error) {
	f, err := hfs.Open(p)
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, "", err
	}
	if fi.IsDir() {
		return nil, "", fmt.Errorf("is a directory")
	}
	head := make([]byte, 4096)
	n, _ := io.ReadFull(f, head)
	enc := logtail.DetectEncoding(head[:n])
	start := fi.Size() - max
	if start <= 0 {
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return nil, "", err
		}
		raw, err := io.ReadAll(io.LimitReader(f, max)) // it may be growing
		return raw, enc, err
	}
	newline := []byte("\n")
	switch enc {
	case "utf-16le":
		start &^= 1
		newline = []byte("\n\x00")
	case "utf-16be":
		start &^= 1
		newline = []byte("\x00\n")
	}
	if _, err := f.Seek(start, io.SeekStart); err != nil {
		return nil, "", err
	}
	raw, err := io.ReadAll(io.LimitReader(f, max))
	if err != nil {
		return nil, "", err
	}
	for i := 0; i+len(newline) <= len(raw); i += len(newline) {
		if bytes.Equal(raw[i:i+len(newline)], newline) {
			return raw[i+len(newline):], enc, nil
		}
	}
	return raw, enc, nil
}

func lastLines(s string, n int) []string {
	lines := strings.Split(strings.TrimRight(strings.ReplaceAll(s, "\r\n", "\n"), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return lines
}
