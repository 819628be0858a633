package mcafee

import (
	"github.com/secagent-exporter/secagent_exporter/collector/msgtable"
	"sort"
	"strconv"
	"sync"
	"time"
)

// ePO server log events.
const (
	ServerEventSequenceInvalid    = "sequence_invalid"
	ServerEventAgentRequestFailed = "agent_request_failed"
)

// ServerMessages classifies ePO Server.log messages. The server logs in English on every
// locale: the ja-JP copy of KB60776 (sources.md S2) quotes the same English lines. The GUID
// is printable ASCII without braces ([!-z|~]), so its 64-character bound is a byte bound
// that upper-casing keeps.
var ServerMessages = []msgtable.Rule{
	{Event: ServerEventSequenceInvalid, Any: []string{"sequence number invalid"},
		Regexp: `Agent with GUID \{(?P<guid>[!-z|~]{1,64})\} sequence number invalid(?:, expected (?P<expected>[0-9]{1,18}) > (?P<compared>[0-9]{1,18}))?`,
		Source: "sources.md S14 [V] KB60776 EPOServer; sources.md S2"},
	{Event: ServerEventAgentRequestFailed, Any: []string{"Failed to process agent request"},
		Source: "sources.md S14 [V] KB60776 mod_epo; sources.md S2"},
}

// ServerEvents is the closed set of events ServerMessages may produce.
var ServerEvents = []string{ServerEventSequenceInvalid, ServerEventAgentRequestFailed}

var serverClassifier = sync.OnceValue(func() *msgtable.Classifier {
	return msgtable.MustClassifier(ServerMessages)
})

// ServerLine is one record of the ePO server log (Server.log, server_<name>.log in
// <ePO>\DB\Logs, KB96404):
//
//	20090101010101   E   #7148   EPOServer     Agent with GUID {...} sequence number invalid, expected 113 > 3716
type ServerLine struct {
	Time    time.Time
	Level   string // letters spelled as in AgentLine.Level (E -> Error)
	TID     int    // the "#id"
	Module  string
	Message string
	// Event is a ServerEvent* constant when ServerMessages knows the message, else "".
	Event string
	// AgentGUID is the rejected agent (normalised like NormalizeGUID) for sequence_invalid.
	AgentGUID string
	// SeqExpected and SeqCompared are the two numbers of "expected N > M" as printed;
	// which of them is the agent's is not documented, so neither is named so.
	SeqExpected int64
	SeqCompared int64
}

// ParseServerLine parses one ePO server log line, reading its zone-less timestamp in loc
// (nil means time.Local). The KB shows yyyyMMddHHmmss; a dashed timestamp is accepted too [?].
func ParseServerLine(line string, loc *time.Location) (ServerLine, bool) {
	return ParseServerLineWith(serverClassifier(), line, loc)
}

// ParseServerLineWith is ParseServerLine classifying with c (ServerMessages plus a site's
// rows).
func ParseServerLineWith(c *msgtable.Classifier, line string, loc *time.Location) (ServerLine, bool) {
	if loc == nil {
		loc = time.Local
	}
	s := trimLogLine(line)
	w, rest, ok := cutCompactTimestamp(s)
	if !ok {
		if w, rest, ok = cutDashedTimestamp(s); !ok {
			return ServerLine{}, false
		}
	}
	body := trimBlankLeft(rest)
	if len(body) == len(rest) {
		return ServerLine{}, false
	}
	var al AgentLine
	if !parseMA4Body(body, &al) {
		return ServerLine{}, false
	}
	sl := ServerLine{
		Time:    w.in(loc),
		Level:   al.Level,
		TID:     al.TID,
		Module:  al.Module,
		Message: al.Message,
	}
	if m, ok := c.Classify(sl.Message); ok {
		sl.Event = m.Event
		if m.Event == ServerEventSequenceInvalid {
			sl.AgentGUID = NormalizeGUID(m.Fields["guid"])
			sl.SeqExpected, _ = strconv.ParseInt(m.Fields["expected"], 10, 64)
			sl.SeqCompared, _ = strconv.ParseInt(m.Fields["compared"], 10, 64)
		}
	}
	return sl, true
}

// IsServerRecordStart reports whether line starts an ePO server log record; the log engine
// glues every other line (stack traces) to the record before it.
func IsServerRecordStart(line string) bool {
	s := trimLogLine(line)
	_, rest, ok := cutCompactTimestamp(s)
	if !ok {
		if _, rest, ok = cutDashedTimestamp(s); !ok {
			return false
		}
	}
	body := trimBlankLeft(rest)
	var al AgentLine
	return len(body) < len(rest) && parseMA4Body(body, &al)
}

// Defaults for SequenceErrorWindow: the documented 24 h window and a GUID cap that bounds
// memory on an ePO server with a flood of cloned agents.
const (
	DefaultSequenceErrorRetention = 24 * time.Hour
	DefaultSequenceErrorMaxGUIDs  = 10000
	sequenceErrorBuckets          = 256
)

// SequenceErrorWindow counts sequence-number rejections per agent GUID over a sliding
// window. Counts are kept in Retention/256 (at least one minute) buckets per GUID, so a
// window count can include up to one bucket of older errors; Distinct is exact. Entries
// older than Retention are pruned and at most MaxGUIDs agents are tracked, the least
// recently rejected evicted first. It is persisted as JSON across exporter restarts.
type SequenceErrorWindow struct {
	Retention time.Duration `json:"retention"`
	MaxGUIDs  int           `json:"max_guids"`
	// Agents maps the normalised GUID to its recent rejections.
	Agents     map[string]*AgentSequenceErrors `json:"agents,omitempty"`
	TotalCount uint64                          `json:"total"`
	LastSeen   time.Time                       `json:"last"`
	// Evicted counts GUIDs dropped by the MaxGUIDs cap while still inside the window.
	Evicted uint64 `json:"evicted"`
}

// AgentSequenceErrors is the per-GUID part of SequenceErrorWindow.
type AgentSequenceErrors struct {
	// Buckets are ordered by Start (Unix seconds, aligned to the bucket width).
	Buckets []SequenceErrorBucket `json:"buckets"`
	Last    time.Time             `json:"last"`
}

// SequenceErrorBucket counts the rejections of one GUID in one time slot; Last is the
// newest of them (Unix seconds).
type SequenceErrorBucket struct {
	Start int64  `json:"start"`
	Last  int64  `json:"last"`
	Count uint64 `json:"count"`
}

// GUIDCount is one row of SequenceErrorWindow.Top.
type GUIDCount struct {
	GUID  string
	Count uint64
}

// NewSequenceErrorWindow returns a window keeping retention of history for at most
// maxGUIDs agents; zero values select the defaults.
func NewSequenceErrorWindow(retention time.Duration, maxGUIDs int) *SequenceErrorWindow {
	w := &SequenceErrorWindow{Retention: retention, MaxGUIDs: maxGUIDs}
	w.normalise()
	return w
}

func (w *SequenceErrorWindow) normalise() {
	if w.Retention <= 0 {
		w.Retention = DefaultSequenceErrorRetention
	}
	if w.MaxGUIDs <= 0 {
		w.MaxGUIDs = DefaultSequenceErrorMaxGUIDs
	}
	if w.Agents == nil {
		w.Agents = make(map[string]*AgentSequenceErrors)
	}
}

func (w *SequenceErrorWindow) bucketWidth() int64 {
	width := int64(w.Retention/time.Second) / sequenceErrorBuckets
	if width < 60 {
		width = 60
	}
	return width
}

// horizon is the oldest Unix second still inside Retention, measured from the newest error.
func (w *SequenceErrorWindow) horizon() int64 {
	return w.LastSeen.Unix() - int64(w.Retention/time.Second)
}

// Add records one rejection of guid at t. Rejections older than Retention (relative to the
// newest one seen) still count in Total but are not stored.
func (w *SequenceErrorWindow) Add(guid string, t time.Time) {
	w.normalise()
	w.TotalCount++
	guid = NormalizeGUID(guid)
	if guid == "" || t.IsZero() {
		return
	}
	if t.After(w.LastSeen) {
		w.LastSeen = t
	}
	sec := t.Unix()
	if sec <= w.horizon() {
		return
	}
	a := w.Agents[guid]
	if a == nil {
		if len(w.Agents) >= w.MaxGUIDs {
			w.makeRoom()
		}
		a = &AgentSequenceErrors{}
		w.Agents[guid] = a
	}
	if t.After(a.Last) {
		a.Last = t
	}
	width := w.bucketWidth()
	start := sec - floorMod(sec, width)
	i := sort.Search(len(a.Buckets), func(i int) bool { return a.Buckets[i].Start >= start })
	if i < len(a.Buckets) && a.Buckets[i].Start == start {
		b := &a.Buckets[i]
		b.Count++
		if sec > b.Last {
			b.Last = sec
		}
	} else {
		a.Buckets = append(a.Buckets, SequenceErrorBucket{})
		copy(a.Buckets[i+1:], a.Buckets[i:])
		a.Buckets[i] = SequenceErrorBucket{Start: start, Last: sec, Count: 1}
	}
	a.prune(w.horizon())
}

func floorMod(a, b int64) int64 {
	m := a % b
	if m < 0 {
		m += b
	}
	return m
}

func (a *AgentSequenceErrors) prune(horizon int64) {
	n := 0
	for n < len(a.Buckets) && a.Buckets[n].Last <= horizon {
		n++
	}
	if n > 0 {
		a.Buckets = append(a.Buckets[:0], a.Buckets[n:]...)
	}
}

// makeRoom drops expired GUIDs and, if the cap is still reached, the least recently
// rejected tenth, so a flood of new GUIDs costs one sort per many additions.
func (w *SequenceErrorWindow) makeRoom() {
	w.Prune(w.LastSeen)
	if len(w.Agents) < w.MaxGUIDs {
		return
	}
	type aged struct {
		guid string
		last time.Time
	}
	all := make([]aged, 0, len(w.Agents))
	for g, a := range w.Agents {
		all = append(all, aged{g, a.Last})
	}
	sort.Slice(all, func(i, j int) bool {
		if !all[i].last.Equal(all[j].last) {
			return all[i].last.Before(all[j].last)
		}
		return all[i].guid < all[j].guid
	})
	drop := len(all)/10 + 1
	if excess := len(all) - w.MaxGUIDs + 1; excess > drop {
		drop = excess
	}
	for _, e := range all[:min(drop, len(all))] {
		delete(w.Agents, e.guid)
		w.Evicted++
	}
}

// Prune forgets GUIDs whose newest rejection is older than Retention before now.
func (w *SequenceErrorWindow) Prune(now time.Time) {
	cutoff := now.Unix() - int64(w.Retention/time.Second)
	for g, a := range w.Agents {
		a.prune(cutoff)
		if len(a.Buckets) == 0 || a.Last.Unix() <= cutoff {
			delete(w.Agents, g)
		}
	}
}

// Distinct counts the agents rejected in (now-window, now]; a window longer than
// Retention is cut to it.
func (w *SequenceErrorWindow) Distinct(now time.Time, window time.Duration) int {
	from, to := w.span(now, window)
	n := 0
	for _, a := range w.Agents {
		for i := len(a.Buckets) - 1; i >= 0; i-- {
			b := a.Buckets[i]
			if b.Last <= from {
				break
			}
			if b.Start <= to {
				n++
				break
			}
		}
	}
	return n
}

// Top returns the n agents with the most rejections in (now-window, now], by count
// descending then GUID.
func (w *SequenceErrorWindow) Top(now time.Time, window time.Duration, n int) []GUIDCount {
	if n <= 0 {
		return nil
	}
	from, to := w.span(now, window)
	var all []GUIDCount
	for g, a := range w.Agents {
		var c uint64
		for i := len(a.Buckets) - 1; i >= 0; i-- {
			b := a.Buckets[i]
			if b.Last <= from {
				break
			}
			if b.Start <= to {
				c += b.Count
			}
		}
		if c > 0 {
			all = append(all, GUIDCount{GUID: g, Count: c})
		}
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].Count != all[j].Count {
			return all[i].Count > all[j].Count
		}
		return all[i].GUID < all[j].GUID
	})
	if len(all) > n {
		all = all[:n]
	}
	return all
}

func (w *SequenceErrorWindow) span(now time.Time, window time.Duration) (from, to int64) {
	if window <= 0 || (w.Retention > 0 && window > w.Retention) {
		window = w.Retention
	}
	to = now.Unix()
	return to - int64(window/time.Second), to
}

// Total is the number of rejections ever added, including pruned and evicted ones.
func (w *SequenceErrorWindow) Total() uint64 { return w.TotalCount }

// Last is the time of the newest rejection added, zero if none.
func (w *SequenceErrorWindow) Last() time.Time { return w.LastSeen }
