package collector

import (
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

// Label values that come from the host (versions, GUIDs, server names) are validated
// here, at the edge, before they become series: each kind by its own format, anything
// else dropped (the label is then empty) and counted in secagent_label_rejected_total,
// so a hostile or corrupt file can neither create a 12 MB label nor a new series per
// scrape, and an operator sees that something was refused.

// maxLabelBytes is the hard bound of any label value the exporter emits.
const maxLabelBytes = 128

// Reasons of secagent_label_rejected_total.
const (
	labelTooLong = "too_long" // more than the kind's length bound
	labelCharset = "charset"  // a character the kind never holds (control, space, markup ...)
	labelFormat  = "format"   // the right characters in the wrong shape (not a GUID, a URL for a host)
)

var (
	labelRejectedDesc = prometheus.NewDesc("secagent_label_rejected_total",
		"Label values read from the host that were dropped (exported empty) since the exporter started, by collector, label and reason: too_long, charset, format. Only combinations that occurred are listed.",
		[]string{"collector", "label", "reason"}, nil)

	labelRejects = struct {
		sync.Mutex
		m map[[3]string]uint64
	}{m: map[[3]string]uint64{}}
)

func countLabelRejected(collector, label, reason string) {
	labelRejects.Lock()
	labelRejects.m[[3]string{collector, label, reason}]++
	labelRejects.Unlock()
}

// labelRejectedMetrics returns the collector's secagent_label_rejected_total series.
func labelRejectedMetrics(collector string) []prometheus.Metric {
	labelRejects.Lock()
	defer labelRejects.Unlock()
	var keys [][3]string
	for k := range labelRejects.m {
		if k[0] == collector {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i][1]+"\x00"+keys[i][2] < keys[j][1]+"\x00"+keys[j][2] })
	out := make([]prometheus.Metric, 0, len(keys))
	for _, k := range keys {
		out = append(out, prometheus.MustNewConstMetric(labelRejectedDesc, prometheus.CounterValue,
			float64(labelRejects.m[k]), k[0], k[1], k[2]))
	}
	return out
}

// maxVersionBytes bounds a version label: the agents' versions are dotted numbers
// (5.7.9.139, 8.4.2.30302, 1.24.1.1047, 6.1.0.28), at most a few dozen bytes with a
// build suffix.
const maxVersionBytes = 64

func versionChar(r rune) bool {
	return r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || strings.ContainsRune(".-_+~", r)
}

// VersionLabel validates a version for the label named label: letters, digits and
// . - _ + ~ only, at most 64 bytes; "" passes as "unknown".
func (s *Scrape) VersionLabel(label, v string) string {
	v = strings.TrimSpace(v)
	switch {
	case v == "":
		return ""
	case len(v) > maxVersionBytes:
		return s.rejectLabel(label, labelTooLong)
	case strings.IndexFunc(v, func(r rune) bool { return !versionChar(r) }) >= 0:
		return s.rejectLabel(label, labelCharset)
	}
	return v
}

var guidFormat = regexp.MustCompile(`^\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}?$`)

// GUIDLabel validates a GUID/UUID by its format (8-4-4-4-12 hex digits, optionally in
// braces) and keeps the spelling the agent uses; "" passes as "unknown".
func (s *Scrape) GUIDLabel(label, v string) string {
	v = strings.TrimSpace(v)
	switch {
	case v == "":
		return ""
	case len(v) > 38:
		return s.rejectLabel(label, labelTooLong)
	case !guidFormat.MatchString(v) || (v[0] == '{') != (v[len(v)-1] == '}'):
		return s.rejectLabel(label, labelFormat)
	}
	return v
}

// HostLabel is serverHostLabel (host name only, no scheme, userinfo, port or path)
// with a dropped value counted.
func (s *Scrape) HostLabel(label, server string) string {
	h := serverHostLabel(server)
	if h == "" && strings.TrimSpace(server) != "" {
		reason := labelFormat
		if len(server) > maxLabelBytes {
			reason = labelTooLong
		}
		return s.rejectLabel(label, reason)
	}
	return h
}

func (s *Scrape) rejectLabel(label, reason string) string {
	countLabelRejected(s.collector, label, reason)
	return ""
}

// boundLabelValues is the last line of defence for label values no validator saw: one
// over maxLabelBytes is dropped and counted (label "other"), never exported.
func (s *Scrape) boundLabelValues(labels []string) []string {
	for i, v := range labels {
		if len(v) > maxLabelBytes {
			if labels[i] == v {
				labels = append([]string(nil), labels...)
			}
			labels[i] = s.rejectLabel("other", labelTooLong)
		}
	}
	return labels
}
