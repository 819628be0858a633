package main

import (
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
	promhttp.HandlerFor(prometheus.Gatherers{h.exporter, registry}, promhttp.HandlerOpts{
		ErrorLog:      h.errLogger,
		ErrorHandling: promhttp.ContinueOnError,
	}).ServeHTTP(w, r)
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
