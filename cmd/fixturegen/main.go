// Command fixturegen expands a scenario host spec (collector/fixtures/specs/<name>.spec)
// into a directory, for the demo and the benchmarks:
//
//	go run ./cmd/fixturegen [-fixtures collector/fixtures] NAME DIR
//
// DIR must not exist. A host with a committed tree (collector/fixtures/hosts/<name>) is
// copied as it is.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/secagent-exporter/secagent_exporter/internal/fixturegen"
)

func main() {
	fixtures := flag.String("fixtures", "collector/fixtures", "the fixtures directory")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: fixturegen [-fixtures DIR] NAME OUTDIR")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 2 {
		flag.Usage()
		os.Exit(2)
	}
	name, out := flag.Arg(0), flag.Arg(1)
	if err := run(*fixtures, name, out); err != nil {
		fmt.Fprintln(os.Stderr, "fixturegen:", err)
		os.Exit(1)
	}
}

func run(fixtures, name, out string) error {
	tree := filepath.Join(fixtures, "hosts", name)
	if fi, err := os.Stat(tree); err == nil && fi.IsDir() {
		return os.CopyFS(out, os.DirFS(tree))
	}
	return fixturegen.ExpandSpecFile(filepath.Join(fixtures, "specs", name+".spec"), fixtures, out)
}
