// Command fleetsim serves N synthetic endpoints from one process for the fleet cost
// measurement (scripts/bench-fleet.sh, part of `make bench`). Each endpoint is
// /hosts/<i>/metrics and exposes what the exporter exposes on one host running the named
// scenarios' collectors (collector/fixtures/e2e/<scenario>.metrics, merged), with its
// own GUIDs, agent versions from a small set and timestamps that follow the clock.
//
//	fleetsim --hosts 1000 --listen 127.0.0.1:9900 --sd.file targets.json
//
// --sd.file writes a Prometheus file_sd list: one target per host, the host's path as
// __metrics_path__ and instance sim-00001 ... so one scrape job covers the fleet.
package main

import (
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
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
	log.Fatal(http.Serve(l, handler(host, *hosts)))
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

func handler(host []fleetsim.Family, hosts int) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rest, ok := strings.CutPrefix(r.URL.Path, "/hosts/")
		num, ok2 := strings.CutSuffix(rest, "/metrics")
		i, err := strconv.Atoi(num)
		if !ok || !ok2 || err != nil || i < 1 || i > hosts {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		out := http.ResponseWriter(w)
		var gz *gzip.Writer
		if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			w.Header().Set("Content-Encoding", "gzip")
			gz = gzip.NewWriter(w)
			defer gz.Close()
		}
		var err2 error
		if gz != nil {
			err2 = fleetsim.Host(gz, host, i, time.Now())
		} else {
			err2 = fleetsim.Host(out, host, i, time.Now())
		}
		if err2 != nil {
			log.Printf("host %d: %v", i, err2)
		}
	})
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
