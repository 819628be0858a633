// Command genrunbooks writes docs/runbooks.md and docs/runbooks.ja.md from the knowledge
// table embedded in internal/knowledge. Run it with `make runbooks` (or
// `go generate ./internal/knowledge`); a test of internal/knowledge fails when the committed
// pages differ from what it writes.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/secagent-exporter/secagent_exporter/internal/knowledge"
)

func main() {
	docs := flag.String("docs", "docs", "directory the runbook pages are written to")
	flag.Parse()
	for _, lang := range knowledge.Languages {
		path := filepath.Join(*docs, knowledge.RunbookFile(lang))
		if err := os.WriteFile(path, knowledge.Default.Runbook(lang), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "genrunbooks:", err)
			os.Exit(1)
		}
	}
}
