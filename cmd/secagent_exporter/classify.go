package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"

	"github.com/alecthomas/kingpin/v2"
	"github.com/secagent-exporter/secagent_exporter/collector"
)

const classifyCommand = "classify"

type classifyOptions struct {
	collector    string
	messagesFile string
	encoding     string
	emit         string
	files        []string
}

func addClassifyCommand(app *kingpin.Application) *classifyOptions {
	c := &classifyOptions{}
	cmd := app.Command(classifyCommand, "Classify agent log files with the collector's decoder and message tables, touching no state: print the events and ASCI/platform outcome derived, the encoding detected and each unclassified line shape (numbers and ids masked) with its count (docs/classify.md).")
	cmd.Flag("collector", "Whose log the files are: mcafee (agent log), epo_server (ePO server log) or qualys.").Required().EnumVar(&c.collector, collector.MessageTableCollectors...)
	cmd.Flag("messages-file", "Site messages-file to add to the built-in rows, as --collector.<name>.messages-file.").Default("").StringVar(&c.messagesFile)
	cmd.Flag("encoding", "Encoding of the files: auto (BOM, UTF-16LE, UTF-8, then Shift_JIS), utf-8, utf-16le, utf-16be or shift_jis.").Default("auto").EnumVar(&c.encoding, "auto", "utf-8", "utf-16le", "utf-16be", "shift_jis")
	cmd.Flag("emit-messages-file", "Also write a messages-file skeleton with one row per unclassified shape to this file (- for stdout after the report).").Default("").StringVar(&c.emit)
	cmd.Arg("file", "Log files to read.").Required().ExistingFilesVar(&c.files)
	return c
}

func runClassify(ctx context.Context, o *options, c *classifyOptions, stdout, stderr io.Writer) int {
	loc, err := loadLocation(o.timezone)
	if err != nil {
		fmt.Fprintf(stderr, "%s: error: --collector.timezone: %v\n", exporterName, err)
		return 2
	}
	rep, err := collector.Classify(ctx, collector.ClassifyOptions{
		Collector:    c.collector,
		Files:        c.files,
		MessagesFile: c.messagesFile,
		Encoding:     c.encoding,
		Location:     loc,
	})
	if err != nil {
		fmt.Fprintf(stderr, "%s: error: %v\n", exporterName, err)
		return 2
	}
	collector.WriteClassifyReport(stdout, rep)
	switch c.emit {
	case "":
	case "-":
		fmt.Fprintln(stdout)
		collector.WriteMessagesSkeleton(stdout, rep)
	default:
		var b bytes.Buffer
		collector.WriteMessagesSkeleton(&b, rep)
		if err := os.WriteFile(c.emit, b.Bytes(), 0o644); err != nil {
			fmt.Fprintf(stderr, "%s: error: %v\n", exporterName, err)
			return 2
		}
	}
	return 0
}
