package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/prometheus/common/promslog"
)

type recordedEvent struct {
	kind string
	id   uint32
	msg  string
}

type fakeEventLog struct{ events []recordedEvent }

func (f *fakeEventLog) Info(id uint32, msg string) error {
	f.events = append(f.events, recordedEvent{"info", id, msg})
	return nil
}
func (f *fakeEventLog) Warning(id uint32, msg string) error {
	f.events = append(f.events, recordedEvent{"warning", id, msg})
	return nil
}
func (f *fakeEventLog) Error(id uint32, msg string) error {
	f.events = append(f.events, recordedEvent{"error", id, msg})
	return nil
}

func logConfig(t *testing.T, level, format string) *promslog.Config {
	t.Helper()
	cfg := &promslog.Config{Level: promslog.NewLevel(), Format: promslog.NewFormat()}
	if err := cfg.Level.Set(level); err != nil {
		t.Fatal(err)
	}
	if err := cfg.Format.Set(format); err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestEventLogLoggerMapsLevelsToEventTypes(t *testing.T) {
	sink := &fakeEventLog{}
	logger := newEventLogLogger(sink)(logConfig(t, "info", "logfmt")).With("collector", "mcafee")
	logger.Debug("hidden at info")
	logger.Info("Listening on", "address", "[::]:9847")
	logger.Warn("source degraded", "source", "policy_xml")
	logger.Error("web server stopped", "err", "bind: address already in use")

	want := []struct {
		kind string
		id   uint32
		has  []string
	}{
		{"info", eventIDInfo, []string{`level=INFO`, `msg="Listening on"`, `address=[::]:9847`, `collector=mcafee`}},
		{"warning", eventIDWarning, []string{`level=WARN`, `source=policy_xml`, `collector=mcafee`}},
		{"error", eventIDError, []string{`level=ERROR`, `err="bind: address already in use"`}},
	}
	if len(sink.events) != len(want) {
		t.Fatalf("events %+v, want %d (debug filtered out)", sink.events, len(want))
	}
	for i, w := range want {
		ev := sink.events[i]
		if ev.kind != w.kind || ev.id != w.id {
			t.Errorf("event %d: %s/%d, want %s/%d", i, ev.kind, ev.id, w.kind, w.id)
		}
		for _, s := range w.has {
			if !strings.Contains(ev.msg, s) {
				t.Errorf("event %d %q lacks %q", i, ev.msg, s)
			}
		}
		if strings.HasSuffix(ev.msg, "\n") {
			t.Errorf("event %d keeps the trailing newline", i)
		}
	}
}

func TestEventLogLoggerHonoursFormatAndLevel(t *testing.T) {
	sink := &fakeEventLog{}
	logger := newEventLogLogger(sink)(logConfig(t, "debug", "json"))
	logger.WithGroup("scrape").Debug("collector finished", "collector", "qualys")
	if len(sink.events) != 1 {
		t.Fatalf("events %+v", sink.events)
	}
	if msg := sink.events[0].msg; !strings.HasPrefix(msg, "{") || !strings.Contains(msg, `"scrape":{"collector":"qualys"}`) {
		t.Errorf("json event %q", msg)
	}
}

func TestEventLogErrorsCarryStartupErrors(t *testing.T) {
	sink := &fakeEventLog{}
	fmt.Fprintf(eventLogErrors{sink}, "%s: error: %s\n", exporterName, "--collector.timeout must be positive, got -1s")
	fmt.Fprint(eventLogErrors{sink}, "\n")
	if len(sink.events) != 1 || sink.events[0].kind != "error" ||
		sink.events[0].msg != "secagent_exporter: error: --collector.timeout must be positive, got -1s" {
		t.Errorf("events %+v", sink.events)
	}
}
