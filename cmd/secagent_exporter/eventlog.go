package main

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"

	"github.com/prometheus/common/promslog"
)

// eventSink is the part of golang.org/x/sys/windows/svc/eventlog.Log the service uses.
type eventSink interface {
	Info(eventID uint32, msg string) error
	Warning(eventID uint32, msg string) error
	Error(eventID uint32, msg string) error
}

// Event IDs. The MSI registers EventCreate.exe as the message file, which renders any ID
// from 1 to 1000 as the message text itself.
const (
	eventIDInfo    = 1
	eventIDWarning = 2
	eventIDError   = 3
)

// eventLogHandler formats records exactly as the console logger would (--log.level and
// --log.format apply) and sends each as one Event Log entry of the matching type.
type eventLogHandler struct {
	sink  eventSink
	mu    *sync.Mutex
	buf   *bytes.Buffer
	inner slog.Handler
}

func newEventLogLogger(sink eventSink) func(*promslog.Config) *slog.Logger {
	return func(cfg *promslog.Config) *slog.Logger {
		buf := &bytes.Buffer{}
		c := *cfg
		c.Writer = buf
		return slog.New(&eventLogHandler{sink: sink, mu: &sync.Mutex{}, buf: buf, inner: promslog.New(&c).Handler()})
	}
}

func (h *eventLogHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.inner.Enabled(ctx, level)
}

func (h *eventLogHandler) Handle(ctx context.Context, r slog.Record) error {
	h.mu.Lock()
	h.buf.Reset()
	err := h.inner.Handle(ctx, r)
	msg := strings.TrimRight(h.buf.String(), "\n")
	h.mu.Unlock()
	if err != nil {
		return err
	}
	switch {
	case r.Level >= slog.LevelError:
		return h.sink.Error(eventIDError, msg)
	case r.Level >= slog.LevelWarn:
		return h.sink.Warning(eventIDWarning, msg)
	default:
		return h.sink.Info(eventIDInfo, msg)
	}
}

func (h *eventLogHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &eventLogHandler{sink: h.sink, mu: h.mu, buf: h.buf, inner: h.inner.WithAttrs(attrs)}
}

func (h *eventLogHandler) WithGroup(name string) slog.Handler {
	return &eventLogHandler{sink: h.sink, mu: h.mu, buf: h.buf, inner: h.inner.WithGroup(name)}
}

// eventLogErrors is the service's stderr: the one-line start-up errors ("bad flag",
// "port in use") become Error events instead of vanishing with the console a service
// does not have.
type eventLogErrors struct{ sink eventSink }

func (w eventLogErrors) Write(p []byte) (int, error) {
	if msg := strings.TrimSpace(string(p)); msg != "" {
		if err := w.sink.Error(eventIDError, msg); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}
