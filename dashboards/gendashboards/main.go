// Command gendashboards writes the generated Grafana dashboards into a directory
// (default: the current directory). Run it from dashboards/: `go run ./gendashboards`.
package main

import (
	"flag"
	"log"
	"os"
	"path/filepath"

	"github.com/secagent-exporter/secagent_exporter/dashboards"
)

func main() {
	dir := flag.String("dir", ".", "directory to write the dashboard JSON files into")
	flag.Parse()
	for name, d := range dashboards.Files() {
		raw, err := dashboards.Marshal(d)
		if err != nil {
			log.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(*dir, name), raw, 0o644); err != nil {
			log.Fatal(err)
		}
	}
}
