// Command logbench writes the log engine's benchmark inputs and scans them with the
// engine, so scripts/bench-logs.sh can time it exactly like grep and mtail.
//
//	logbench gen -size 128 -out masvc.log [-ja] [-patterns pats.txt] [-mtail prog.mtail]
//	logbench scan masvc.log   # cold scan + classify; prints the number of matching records
package main

import (
	"context"
	"flag"
	"fmt"
	"github.com/secagent-exporter/secagent_exporter/collector/msgtable"
	"os"

	"github.com/secagent-exporter/secagent_exporter/collector/logtail"
	"github.com/secagent-exporter/secagent_exporter/collector/logtail/internal/synthlog"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: logbench gen|scan ...")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "gen":
		err = gen(os.Args[2:])
	case "scan":
		err = scan(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "logbench:", err)
		os.Exit(1)
	}
}

func gen(args []string) error {
	fs := flag.NewFlagSet("gen", flag.ExitOnError)
	sizeMiB := fs.Int64("size", 128, "log size in MiB")
	out := fs.String("out", "", "log file to write")
	ja := fs.Bool("ja", false, "ja-JP MA 4.x log in CP932 instead of an English MA 5.x masvc log")
	patterns := fs.String("patterns", "", "also write the literals (encoded like the log) here")
	mtail := fs.String("mtail", "", "also write the equivalent mtail program here")
	fs.Parse(args)
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			return err
		}
		if err := synthlog.Generate(f, *sizeMiB<<20, *ja); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
	}
	if *patterns != "" {
		b, err := synthlog.Patterns(*ja)
		if err != nil {
			return err
		}
		if err := os.WriteFile(*patterns, b, 0o644); err != nil {
			return err
		}
	}
	if *mtail != "" {
		return os.WriteFile(*mtail, []byte(synthlog.MtailProgram()), 0o644)
	}
	return nil
}

func scan(args []string) error {
	if len(args) != 1 {
		return fmt.Errorf("scan wants one log file")
	}
	fi, err := os.Stat(args[0])
	if err != nil {
		return err
	}
	rules := make([]msgtable.Rule, len(synthlog.Literals))
	for i, lit := range synthlog.Literals {
		rules[i] = msgtable.Rule{Event: fmt.Sprint("e", i), Any: []string{lit}}
	}
	c := msgtable.MustClassifier(rules)
	tl := logtail.NewTailer(logtail.Source{Name: "bench", Globs: []string{args[0]}, BackfillBytes: fi.Size() + 1}, nil, nil)
	matched := 0
	err = tl.Poll(context.Background(), func(r logtail.Record) {
		if _, ok := c.Classify(r.Text); ok {
			matched++
		}
	})
	fmt.Println(matched)
	return err
}
