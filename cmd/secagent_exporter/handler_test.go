package main

import (
	"compress/gzip"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/secagent-exporter/secagent_exporter/collector"
)

// countingCollector counts its runs and reports one series named after itself.
type countingCollector struct {
	desc *prometheus.Desc
	runs atomic.Int32
}

func (c *countingCollector) Update(_ context.Context, s *collector.Scrape) error {
	c.runs.Add(1)
	s.Gauge(c.desc, 1)
	return nil
}

func TestCollectParam(t *testing.T) {
	cols := map[string]*countingCollector{}
	set := map[string]collector.Collector{}
	// mcafee and cisco are registered collector names; "mcafee" and "cisco" here stand in
	// for them so the error for a registered but disabled one can be told apart.
	for _, n := range []string{"mcafee", "cisco"} {
		c := &countingCollector{desc: prometheus.NewDesc("test_"+n+"_up", "test", nil, nil)}
		cols[n], set[n] = c, c
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	h := newMetricsHandler(collector.NewSetFrom(logger, set), prometheus.NewRegistry(), 5*time.Second, 0, 0, logger)
	get := func(query string) (int, string) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics"+query, nil))
		return rec.Code, rec.Body.String()
	}

	code, body := get("?collect[]=mcafee")
	if code != 200 || !strings.Contains(body, "test_mcafee_up 1") || strings.Contains(body, "test_cisco_up") ||
		strings.Contains(body, `collector="cisco"`) {
		t.Fatalf("collect[]=mcafee: %d\n%s", code, body)
	}
	if cols["cisco"].runs.Load() != 0 || cols["mcafee"].runs.Load() != 1 {
		t.Errorf("runs: mcafee %d cisco %d, want 1 and 0", cols["mcafee"].runs.Load(), cols["cisco"].runs.Load())
	}

	for _, q := range []string{"", "?collect[]=mcafee&collect[]=cisco", "?collect[]=mcafee,cisco"} {
		code, body = get(q)
		if code != 200 || !strings.Contains(body, "test_mcafee_up 1") || !strings.Contains(body, "test_cisco_up 1") {
			t.Errorf("%q: %d\n%s", q, code, body)
		}
	}

	code, body = get("?collect[]=mcafee&collect[]=nosuch")
	if code != http.StatusBadRequest || !strings.Contains(body, `unknown collector "nosuch"`) || !strings.Contains(body, "enabled: cisco, mcafee") {
		t.Errorf("unknown collector: %d %q, want 400 naming it and the enabled ones", code, body)
	}
	code, body = get("?collect[]=qualys")
	if code != http.StatusBadRequest || !strings.Contains(body, `collector "qualys" is not enabled`) || !strings.Contains(body, "--collector.qualys") {
		t.Errorf("disabled collector: %d %q, want 400 telling how to enable it", code, body)
	}
}

func TestAcceptsGzip(t *testing.T) {
	for _, tc := range []struct {
		values []string
		want   bool
	}{
		{nil, false},
		{[]string{""}, false},
		{[]string{"gzip"}, true}, // what Prometheus sends
		{[]string{"GZip"}, true},
		{[]string{"x-gzip"}, true},
		{[]string{"deflate, gzip;q=1.0, *;q=0.5"}, true},
		{[]string{"identity"}, false},
		{[]string{"gzip;q=0"}, false},
		{[]string{"gzip; q=0.000"}, false},
		{[]string{"gzip;q=0, *"}, false}, // named gzip wins over *
		{[]string{"*"}, true},
		{[]string{"*;q=0"}, false},
		{[]string{"br", "gzip;q=0.2"}, true}, // several header lines
		{[]string{"gzip;q=bogus"}, false},
		{[]string{"gzip;q=NaN"}, false},
		{[]string{"gzipx"}, false},
	} {
		if got := acceptsGzip(tc.values); got != tc.want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", tc.values, got, tc.want)
		}
	}
}

// A gzip scrape gets the same exposition, compressed, with the headers a scraper needs;
// one that does not ask for gzip gets it plain.
func TestMetricsHandlerGzip(t *testing.T) {
	c := &countingCollector{desc: prometheus.NewDesc("test_gzip_up", "test", nil, nil)}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	h := newMetricsHandler(collector.NewSetFrom(logger, map[string]collector.Collector{"mcafee": c}),
		prometheus.NewRegistry(), 5*time.Second, 0, 0, logger)
	scrape := func(acceptEncoding string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
		if acceptEncoding != "" {
			req.Header.Set("Accept-Encoding", acceptEncoding)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	plain := scrape("")
	if plain.Code != 200 || plain.Header().Get("Content-Encoding") != "" || !strings.Contains(plain.Body.String(), "test_gzip_up 1") {
		t.Fatalf("plain scrape: %d %v\n%s", plain.Code, plain.Header(), plain.Body)
	}
	for i := 0; i < 3; i++ { // the pooled compressor is reused
		rec := scrape("gzip")
		if rec.Code != 200 || rec.Header().Get("Content-Encoding") != "gzip" || rec.Header().Get("Vary") != "Accept-Encoding" ||
			!strings.HasPrefix(rec.Header().Get("Content-Type"), "text/plain; version=0.0.4") {
			t.Fatalf("gzip scrape: %d %v", rec.Code, rec.Header())
		}
		zr, err := gzip.NewReader(rec.Body)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(zr)
		if err != nil {
			t.Fatalf("gzip body: %v", err)
		}
		// Durations differ between scrapes; the series set does not.
		if !strings.Contains(string(body), "test_gzip_up 1") || strings.Count(string(body), "\n") != strings.Count(plain.Body.String(), "\n") {
			t.Errorf("gzip scrape %d decodes to\n%s\nwant the plain exposition\n%s", i, body, plain.Body)
		}
	}
}

// BenchmarkExpositionGzip compresses the demo host's exposition (its golden, without the
// self-metrics a live scrape adds) at the level the handler uses and at promhttp's default.
func BenchmarkExpositionGzip(b *testing.B) {
	body, err := os.ReadFile(filepath.Join(fixturesDir(b), "e2e", "demo.metrics"))
	if err != nil {
		b.Fatal(err)
	}
	for _, level := range []struct {
		name  string
		level int
	}{{"best-speed", gzip.BestSpeed}, {"default", gzip.DefaultCompression}} {
		b.Run(level.name, func(b *testing.B) {
			gz, _ := gzip.NewWriterLevel(io.Discard, level.level)
			var out countingWriter
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				out = 0
				gz.Reset(&out)
				_, _ = gz.Write(body)
				_ = gz.Close()
			}
			b.ReportMetric(float64(out), "gzip_bytes/op")
		})
	}
}

type countingWriter int

func (w *countingWriter) Write(p []byte) (int, error) {
	*w += countingWriter(len(p))
	return len(p), nil
}
