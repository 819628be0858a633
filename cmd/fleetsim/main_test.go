package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/secagent-exporter/secagent_exporter/internal/fleetsim"
)

const goldens = "../../collector/fixtures/e2e"

var defaultScenarios = []string{"mcafee-healthy", "cisco-win-healthy", "qualys-healthy"}

func testHost(t testing.TB, names []string) []fleetsim.Family {
	t.Helper()
	host, err := loadHost(goldens, names)
	if err != nil {
		t.Fatal(err)
	}
	return host
}

// The compiled program writes what fleetsim.Host writes, byte for byte, for the default
// host and for every golden merged into one (every identity label, version table,
// timestamp, age and duration placeholder the goldens have), across hosts and clocks.
func TestProgramMatchesHost(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join(goldens, "*.metrics"))
	var all []string
	for _, p := range paths {
		all = append(all, strings.TrimSuffix(filepath.Base(p), ".metrics"))
	}
	if len(all) < 10 {
		t.Fatalf("goldens: %v", all)
	}
	times := []time.Time{
		time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC),
		time.Date(2027, 1, 1, 0, 0, 59, 123456789, time.UTC),
		time.Unix(fleetsim.GoldenTime, 0),
	}
	for _, set := range [][]string{defaultScenarios, all} {
		host := testHost(t, set)
		prog := compile(host)
		dynamic := 0
		for _, o := range prog.ops {
			if o.kind != opLit {
				dynamic++
			}
		}
		if dynamic == 0 {
			t.Fatalf("%v: no per-host slots compiled", set)
		}
		var buf []byte
		for _, at := range times {
			for _, i := range []int{1, 2, 7, 9, 10, 99, 100, 1000, 4999, 5000, 12345, 100000} {
				var want bytes.Buffer
				if err := fleetsim.Host(&want, host, i, at); err != nil {
					t.Fatal(err)
				}
				buf = prog.render(buf[:0], i, at)
				if !bytes.Equal(buf, want.Bytes()) {
					t.Fatalf("%d scenarios, host %d at %v: render differs from fleetsim.Host:\n%s",
						len(set), i, at, firstDiff(buf, want.Bytes()))
				}
			}
		}
	}
}

func firstDiff(got, want []byte) string {
	g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for k := 0; k < len(g) && k < len(w); k++ {
		if g[k] != w[k] {
			return fmt.Sprintf("line %d\n got %s\nwant %s", k+1, g[k], w[k])
		}
	}
	return fmt.Sprintf("%d lines, want %d", len(g), len(w))
}

type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

func get(t *testing.T, h http.Handler, path string, gz bool) (int, []byte, http.Header) {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, path, nil)
	if gz {
		r.Header.Set("Accept-Encoding", "gzip, deflate")
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	body := w.Body.Bytes()
	if n, err := strconv.Atoi(w.Header().Get("Content-Length")); w.Code == http.StatusOK && (err != nil || n != len(body)) {
		t.Errorf("%s: Content-Length %q, body %d bytes", path, w.Header().Get("Content-Length"), len(body))
	}
	return w.Code, body, w.Header()
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// A host's body is that of its refresh period's start, gzipped once per period: the
// same bytes for every scrape of the period, new ones in the next; plain text for a
// scraper that does not ask for gzip; 404 outside /hosts/1..N/metrics.
func TestServer(t *testing.T) {
	host := testHost(t, defaultScenarios)
	prog := compile(host)
	s := newServer(prog, 50, time.Minute)
	clock := &fakeClock{time.Date(2026, 12, 3, 10, 0, 17, 5e8, time.UTC)}
	s.now = clock.now
	period := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)

	code, first, hdr := get(t, s, "/hosts/7/metrics", true)
	if code != http.StatusOK || hdr.Get("Content-Encoding") != "gzip" || !strings.HasPrefix(hdr.Get("Content-Type"), "text/plain; version=0.0.4") {
		t.Fatalf("gzip request: %d %v", code, hdr)
	}
	if got, want := gunzip(t, first), prog.render(nil, 7, period); !bytes.Equal(got, want) {
		t.Fatalf("gzip body is not host 7 at the period's start:\n%s", firstDiff(got, want))
	}
	clock.t = clock.t.Add(40 * time.Second) // same period
	if _, again, _ := get(t, s, "/hosts/7/metrics", true); !bytes.Equal(again, first) {
		t.Error("second scrape in the period: different bytes")
	}
	if _, other, _ := get(t, s, "/hosts/8/metrics", true); bytes.Equal(gunzip(t, other), gunzip(t, first)) {
		t.Error("hosts 7 and 8 serve the same metrics")
	}
	clock.t = clock.t.Add(10 * time.Second) // next period
	_, next, _ := get(t, s, "/hosts/7/metrics", true)
	if got, want := gunzip(t, next), prog.render(nil, 7, period.Add(time.Minute)); !bytes.Equal(got, want) {
		t.Errorf("next period: body is not host 7 at its start:\n%s", firstDiff(got, want))
	}
	if bytes.Equal(next, first) {
		t.Error("next period serves the previous period's bytes")
	}
	code, plain, hdr := get(t, s, "/hosts/7/metrics", false)
	if code != http.StatusOK || hdr.Get("Content-Encoding") != "" || !bytes.Equal(plain, prog.render(nil, 7, period.Add(time.Minute))) {
		t.Errorf("plain request: %d %v, body differs from the render", code, hdr)
	}
	for _, bad := range []string{"/hosts/0/metrics", "/hosts/51/metrics", "/hosts/x/metrics", "/hosts/7", "/metrics", "/hosts/-1/metrics"} {
		if code, _, _ := get(t, s, bad, true); code != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", bad, code)
		}
	}

	// refresh 0: every request at its own time
	s0 := newServer(prog, 50, 0)
	s0.now = clock.now
	_, b0, _ := get(t, s0, "/hosts/3/metrics", true)
	if got, want := gunzip(t, b0), prog.render(nil, 3, clock.t); !bytes.Equal(got, want) {
		t.Errorf("refresh 0: body is not host 3 at the request time:\n%s", firstDiff(got, want))
	}
}

// BenchmarkHandler is one scrape of one host of 5,000 through the handler, as Prometheus
// asks (gzip). new-period: every scrape renders and compresses (each host scraped once
// per refresh period, the fleet measurement's case); same-period: the host's body is
// already compressed (a second scraper, an HA pair); plain: no gzip, rendered per request.
func BenchmarkHandler(b *testing.B) {
	host := testHost(b, defaultScenarios)
	prog := compile(host)
	const hosts = 5000
	var reqs [hosts]*http.Request
	for k := range reqs {
		reqs[k] = httptest.NewRequest(http.MethodGet, fmt.Sprintf("/hosts/%d/metrics", k+1), nil)
		reqs[k].Header.Set("Accept-Encoding", "gzip")
	}
	plain := httptest.NewRequest(http.MethodGet, "/hosts/7/metrics", nil)
	w := &discard{h: http.Header{}}
	run := func(b *testing.B, s *server, req func(n int) *http.Request) {
		b.ReportAllocs()
		n := 0
		for b.Loop() {
			w.n = 0
			s.ServeHTTP(w, req(n))
			n++
		}
		b.ReportMetric(float64(w.n), "bytes/scrape")
	}
	b.Run("gzip/new-period", func(b *testing.B) {
		s := newServer(prog, hosts, time.Minute)
		clock := &fakeClock{time.Unix(1796000000, 0)}
		s.now = clock.now
		run(b, s, func(n int) *http.Request {
			clock.t = clock.t.Add(time.Minute)
			return reqs[n%hosts]
		})
	})
	b.Run("gzip/same-period", func(b *testing.B) {
		s := newServer(prog, hosts, time.Hour)
		clock := &fakeClock{time.Unix(1796000000, 0)}
		s.now = clock.now
		for _, r := range reqs { // every host compressed for the period before timing
			s.ServeHTTP(w, r)
		}
		run(b, s, func(n int) *http.Request { return reqs[n%hosts] })
	})
	b.Run("plain", func(b *testing.B) {
		run(b, newServer(prog, hosts, time.Minute), func(int) *http.Request { return plain })
	})
}

// discard is a ResponseWriter that counts the body.
type discard struct {
	h http.Header
	n int
}

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) WriteHeader(int)             {}
func (d *discard) Write(p []byte) (int, error) { d.n += len(p); return len(p), nil }
