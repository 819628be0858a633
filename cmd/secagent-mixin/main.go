// Command secagent-mixin regenerates the alert rules and dashboards for a site
// configuration (alerts/site.example.yml documents it):
//
//	go run ./cmd/secagent-mixin -config site.yml -out /srv/prometheus/secagent
//
// writes <out>/alerts/rules/*.yml and <out>/dashboards/*.json. Without -config it writes
// the default configuration's output, which is what the repository commits (`make site`).
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/secagent-exporter/secagent_exporter/dashboards"
	"github.com/secagent-exporter/secagent_exporter/internal/site"
)

func main() {
	config := flag.String("config", "", "site configuration YAML (default: the built-in defaults)")
	out := flag.String("out", ".", "directory to write alerts/rules/ and dashboards/ into")
	src := flag.String("source", "alerts/source", "directory of the rule sources")
	flag.Parse()
	if err := run(*config, *out, *src); err != nil {
		fmt.Fprintln(os.Stderr, "secagent-mixin:", err)
		os.Exit(1)
	}
}

func run(config, out, src string) error {
	c := site.Default()
	if config != "" {
		var err error
		if c, err = site.Load(config); err != nil {
			return err
		}
	}
	rules, err := site.RenderRules(c, src)
	if err != nil {
		return err
	}
	boards, err := dashboards.Render(c)
	if err != nil {
		return err
	}
	for dir, files := range map[string]map[string][]byte{"alerts/rules": rules, "dashboards": boards} {
		d := filepath.Join(out, dir)
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
		for _, name := range site.SortedNames(files) {
			if err := os.WriteFile(filepath.Join(d, name), files[name], 0o644); err != nil {
				return err
			}
		}
	}
	fmt.Printf("wrote %d rule files and %d dashboards under %s\n", len(rules), len(boards), out)
	return nil
}
