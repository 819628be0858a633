package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
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
