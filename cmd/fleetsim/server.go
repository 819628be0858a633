package main

import (
	"bytes"
	"compress/gzip"
	"log"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// server serves /hosts/<i>/metrics. A host's metrics change once per refresh period
// (timestamps and durations are those of the period's start), so the gzip body of each
// host is compressed once per period and kept: every scrape of the period, by any number
// of scrapers, writes the same bytes. Compressing is most of the cost of a scrape
// (BenchmarkHandler); the writers are pooled, the plain text goes through pooled buffers.
type server struct {
	prog    *program
	hosts   int
	refresh time.Duration // 0: render every request at its own time
	now     func() time.Time
	entries []entry
	plain   sync.Pool // *[]byte
	gzips   sync.Pool // *gzip.Writer
}

type entry struct {
	mu     sync.Mutex
	period int64 // start of the period gz was rendered for, Unix nanoseconds
	gz     []byte
}

var (
	textType = []string{"text/plain; version=0.0.4; charset=utf-8"}
	gzipEnc  = []string{"gzip"}
)

func newServer(prog *program, hosts int, refresh time.Duration) *server {
	return &server{prog: prog, hosts: hosts, refresh: refresh, now: time.Now, entries: make([]entry, hosts+1)}
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, "/hosts/")
	num, ok2 := strings.CutSuffix(rest, "/metrics")
	i, err := strconv.Atoi(num)
	if !ok || !ok2 || err != nil || i < 1 || i > s.hosts {
		http.NotFound(w, r)
		return
	}
	at := s.now()
	if s.refresh > 0 {
		at = at.Truncate(s.refresh)
	}
	var body []byte
	h := w.Header()
	h["Content-Type"] = textType
	if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		body = s.gzipped(i, at)
		h["Content-Encoding"] = gzipEnc
	} else {
		buf := s.buffer()
		defer s.plain.Put(buf)
		*buf = s.prog.render((*buf)[:0], i, at)
		body = *buf
	}
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	if _, err := w.Write(body); err != nil {
		log.Printf("host %d: %v", i, err)
	}
}

// gzipped returns host i's compressed exposition for the period starting at at. The
// slice is never written again (a new period gets a new one), so it is written to the
// client outside the lock.
func (s *server) gzipped(i int, at time.Time) []byte {
	e := &s.entries[i]
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.gz != nil && e.period == at.UnixNano() && s.refresh > 0 {
		return e.gz
	}
	buf := s.buffer()
	defer s.plain.Put(buf)
	*buf = s.prog.render((*buf)[:0], i, at)
	out := bytes.NewBuffer(make([]byte, 0, len(e.gz)+512))
	zw, _ := s.gzips.Get().(*gzip.Writer)
	if zw == nil {
		zw = gzip.NewWriter(out)
	} else {
		zw.Reset(out)
	}
	_, _ = zw.Write(*buf) // a bytes.Buffer does not fail
	_ = zw.Close()
	s.gzips.Put(zw)
	e.gz, e.period = out.Bytes(), at.UnixNano()
	return e.gz
}

func (s *server) buffer() *[]byte {
	if b, ok := s.plain.Get().(*[]byte); ok {
		return b
	}
	b := make([]byte, 0, 32<<10)
	return &b
}
