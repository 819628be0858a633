// Command fleetsim serves N synthetic endpoints from one process for the fleet cost
// measurement (scripts/bench-fleetsim.sh, part of `make bench`). Each endpoint is
// /hosts/<i>/metrics and exposes what the exporter exposes on one host running the named
// scenarios' collectors (collector/fixtures/e2e/<scenario>.metrics, merged), with its
// own GUIDs, agent versions from a small set and timestamps that follow the clock in
// steps of --refresh (set it to the scrape interval: each host is then rendered and
// gzipped once per interval however often it is scraped).
//
//	fleetsim --hosts 1000 --listen 127.0.0.1:9900 --sd.file targets.json --refresh 60s
//
// --sd.file writes a Prometheus file_sd list: one target per host, the host's path as
// __metrics_path__ and instance sim-00001 ... so one scrape job covers the fleet.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/secagent-exporter/secagent_exporter/internal/fleetsim"
)

func main() {
	hosts := flag.Int("hosts", 1000, "number of synthetic endpoints")
	listen := flag.String("listen", "127.0.0.1:9900", "address to serve on (loopback only)")
	fixtures := flag.String("fixtures", "collector/fixtures/e2e", "directory of the golden .metrics files")
	scenarios := flag.String("scenarios", "mcafee-healthy,cisco-win-healthy,qualys-healthy",
		"comma-separated scenarios merged into one host")
	sdFile := flag.String("sd.file", "", "write a file_sd target list for the hosts here")
	refresh := flag.Duration("refresh", 15*time.Second,
		"period of the clock-following values (timestamps, durations): each host is rendered and compressed once per period; 0 renders every request")
	flag.Parse()

	host, err := loadHost(*fixtures, strings.Split(*scenarios, ","))
	if err != nil {
		log.Fatal(err)
	}
	l, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Fatal(err)
	}
	if ip := l.Addr().(*net.TCPAddr).IP; !ip.IsLoopback() {
		log.Fatalf("refusing to serve on %s: loopback only", ip)
	}
	if *sdFile != "" {
		if err := writeSD(*sdFile, l.Addr().String(), *hosts); err != nil {
			log.Fatal(err)
		}
	}
	log.Printf("serving %d hosts on http://%s/hosts/<i>/metrics", *hosts, l.Addr())
	log.Fatal(http.Serve(l, newServer(compile(host), *hosts, *refresh)))
}

func loadHost(dir string, names []string) ([]fleetsim.Family, error) {
	var all [][]fleetsim.Family
	for _, n := range names {
		f, err := os.Open(filepath.Join(dir, strings.TrimSpace(n)+".metrics"))
		if err != nil {
			return nil, err
		}
		fams, err := fleetsim.Parse(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %v", n, err)
		}
		all = append(all, fams)
	}
	return fleetsim.Merge(all...), nil
}

func writeSD(path, addr string, hosts int) error {
	type group struct {
		Targets []string          `json:"targets"`
		Labels  map[string]string `json:"labels"`
	}
	groups := make([]group, 0, hosts)
	for i := 1; i <= hosts; i++ {
		groups = append(groups, group{Targets: []string{addr}, Labels: map[string]string{
			"__metrics_path__": fmt.Sprintf("/hosts/%d/metrics", i),
			"instance":         fmt.Sprintf("sim-%05d", i),
		}})
	}
	raw, err := json.Marshal(groups)
	if err != nil {
		return err
	}
	return os.WriteFile(path, raw, 0o644)
}
