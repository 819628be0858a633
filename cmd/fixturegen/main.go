// Command fixturegen expands a scenario host spec (collector/fixtures/specs/<name>.spec)
// into a directory, for the demo and the benchmarks:
//
//	go run ./cmd/fixturegen [-fixtures collector/fixtures] NAME DIR
//
// DIR must not exist. A host with a committed tree (collector/fixtures/hosts/<name>) is
// copied as it is. To turn a tree that differs from another in a few files into a spec:
//
//	go run ./cmd/fixturegen -diff BASE_TREE TREE > PIECE.ttar
//
// writes the entries TREE adds to or changes in BASE_TREE, for `include: hosts/<base>`
// followed by `include: specs/<piece>.ttar`, and on stderr the `remove:` lines for what
// TREE lacks.
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
	diff := flag.Bool("diff", false, "print the text archive of what TREE adds to BASE_TREE (arguments BASE_TREE TREE)")
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
	if *diff {
		if err := diffTrees(name, out); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	if err := run(*fixtures, name, out); err != nil {
		fmt.Fprintln(os.Stderr, err)
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

func diffTrees(baseDir, treeDir string) error {
	base, err := fixturegen.Pack(baseDir)
	if err != nil {
		return err
	}
	tree, err := fixturegen.Pack(treeDir)
	if err != nil {
		return err
	}
	piece, removed := fixturegen.Diff(base, tree)
	for _, r := range removed {
		fmt.Fprintf(os.Stderr, "remove: %s\n", r) // spec lines, after the base's include
	}
	return fixturegen.Format(os.Stdout, piece)
}
