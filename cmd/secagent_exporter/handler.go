package main

import (
	"compress/gzip"
	"io"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/secagent-exporter/secagent_exporter/collector"
)

// metricsHandler runs the collectors once per request with a deadline derived from the
// scraper's own timeout, and refuses excess concurrent scrapes with a clear 503.
type metricsHandler struct {
	set       *collector.Set
	exporter  *prometheus.Registry
	timeout   time.Duration
	margin    time.Duration
	inFlight  chan struct{}
	logger    *slog.Logger
	errLogger promhttp.Logger
}

func newMetricsHandler(set *collector.Set, exporter *prometheus.Registry, timeout, margin time.Duration, maxRequests int, logger *slog.Logger) *metricsHandler {
	h := &metricsHandler{set: set, exporter: exporter, timeout: timeout, margin: margin, logger: logger,
		errLogger: slog.NewLogLogger(logger.Handler(), slog.LevelError)}
	if maxRequests > 0 {
		h.inFlight = make(chan struct{}, maxRequests)
	}
	return h
}

func (h *metricsHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h.inFlight != nil {
		select {
		case h.inFlight <- struct{}{}:
			defer func() { <-h.inFlight }()
		default:
			h.logger.Warn("refusing scrape: too many concurrent requests", "limit", cap(h.inFlight))
			http.Error(w, "too many concurrent scrape requests (limit set by --web.max-requests)", http.StatusServiceUnavailable)
			return
		}
	}
	timeout := collectorDeadline(r.Header.Get("X-Prometheus-Scrape-Timeout-Seconds"), h.timeout, h.margin)
	// collect[]=name (repeatable), as node_exporter and windows_exporter take it, runs only
	// those collectors, so a site can scrape a slow one less often.
	scraper, err := h.set.ScraperOf(timeout, collectParams(r))
	if err != nil {
		http.Error(w, "collect[]: "+err.Error(), http.StatusBadRequest)
		return
	}
	registry := prometheus.NewRegistry()
	registry.MustRegister(scraper)
	handler := promhttp.HandlerFor(prometheus.Gatherers{h.exporter, registry}, promhttp.HandlerOpts{
		ErrorLog:      h.errLogger,
		ErrorHandling: promhttp.ContinueOnError,
		// Compressed here, at gzip.BestSpeed: promhttp compresses at the default level,
		// which costs more than twice the CPU for about 15% fewer bytes (docs/performance.md).
		DisableCompression: true,
	})
	w.Header().Add("Vary", "Accept-Encoding")
	if !acceptsGzip(r.Header.Values("Accept-Encoding")) {
		handler.ServeHTTP(w, r)
		return
	}
	gz := getGzipWriter(w)
	defer putGzipWriter(gz)
	w.Header().Set("Content-Encoding", "gzip")
	handler.ServeHTTP(gzipResponseWriter{ResponseWriter: w, gz: gz}, r)
}

// gzipWriters keeps compressors between scrapes. A gzip.Writer holds about 600 KB of state;
// a sync.Pool loses it at every garbage collection, which on this small heap comes every few
// scrapes, so a scrape would mostly allocate a new one. Two are kept for good (Prometheus HA
// pairs scrape about at the same time); a scrape beyond them allocates one and drops it.
var gzipWriters = make(chan *gzip.Writer, 2)

func getGzipWriter(w io.Writer) *gzip.Writer {
	select {
	case gz := <-gzipWriters:
		gz.Reset(w)
		return gz
	default:
		gz, _ := gzip.NewWriterLevel(w, gzip.BestSpeed) // a valid level never fails
		return gz
	}
}

func putGzipWriter(gz *gzip.Writer) {
	_ = gz.Close()
	gz.Reset(io.Discard) // drop the reference to the response
	select {
	case gzipWriters <- gz:
	default:
	}
}

// gzipResponseWriter sends the body through gz; headers and status go to the
// ResponseWriter as they are.
type gzipResponseWriter struct {
	http.ResponseWriter
	gz *gzip.Writer
}

func (w gzipResponseWriter) Write(b []byte) (int, error) { return w.gz.Write(b) }

// acceptsGzip reports whether the Accept-Encoding values (RFC 9110, section 12.5.3) take
// gzip: named with a non-zero q, or, when gzip is not named, "*" with a non-zero q.
func acceptsGzip(values []string) bool {
	gzipQ, starQ := -1.0, -1.0
	for _, v := range values {
		for _, item := range strings.Split(v, ",") {
			name, params, _ := strings.Cut(item, ";")
			q := 1.0
			for _, p := range strings.Split(params, ";") {
				k, val, ok := strings.Cut(p, "=")
				if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
					f, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
					if err != nil || math.IsNaN(f) {
						f = 0
					}
					q = f
				}
			}
			switch name = strings.TrimSpace(name); {
			case strings.EqualFold(name, "gzip"), strings.EqualFold(name, "x-gzip"):
				gzipQ = max(gzipQ, q)
			case name == "*":
				starQ = max(starQ, q)
			}
		}
	}
	if gzipQ >= 0 {
		return gzipQ > 0
	}
	return starQ > 0
}

// collectParams returns the collect[] values; windows_exporter's comma-separated form
// (collect[]=a,b) is accepted too.
func collectParams(r *http.Request) []string {
	var names []string
	for _, v := range r.URL.Query()["collect[]"] {
		for _, n := range strings.Split(v, ",") {
			if n = strings.TrimSpace(n); n != "" {
				names = append(names, n)
			}
		}
	}
	return names
}

// collectorDeadline caps the configured per-collector timeout by what the scraper waits
// for. With a scrape timeout too small for the margin, half of it is used rather than a
// zero or negative deadline.
// minScrapeTimeoutHeader is the smallest X-Prometheus-Scrape-Timeout-Seconds honoured.
const minScrapeTimeoutHeader = 0.1

func collectorDeadline(header string, configured, margin time.Duration) time.Duration {
	if header == "" {
		return configured
	}
	secs, err := strconv.ParseFloat(header, 64)
	// Below minScrapeTimeoutHeader (1e-300 gave a zero deadline), NaN or Inf: ignored.
	if err != nil || math.IsNaN(secs) || math.IsInf(secs, 0) || secs < minScrapeTimeoutHeader {
		return configured
	}
	scrape := time.Duration(secs * float64(time.Second))
	d := scrape - margin
	if d < scrape/2 {
		d = scrape / 2
	}
	if d < configured {
		return d
	}
	return configured
}
