// Command gendashboards writes the generated Grafana dashboards for the default site
// configuration into a directory (default: the current directory). Run it from
// dashboards/: `go run ./gendashboards`. For a site's own configuration use
// `make site SITE=site.yml OUT=dir` (cmd/secagent-mixin).
package main

import (
	"flag"
	"log"
	"os"
	"path/filepath"

	"github.com/secagent-exporter/secagent_exporter/dashboards"
	"github.com/secagent-exporter/secagent_exporter/internal/site"
)

func main() {
	dir := flag.String("dir", ".", "directory to write the dashboard JSON files into")
	flag.Parse()
	files, err := dashboards.Render(site.Default())
	if err != nil {
		log.Fatal(err)
	}
	for name, raw := range files {
		if err := os.WriteFile(filepath.Join(*dir, name), raw, 0o644); err != nil {
			log.Fatal(err)
		}
	}
}
