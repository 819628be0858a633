package collector

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/secagent-exporter/secagent_exporter/collector/logtail"
	"github.com/secagent-exporter/secagent_exporter/collector/mcafee"
	"github.com/secagent-exporter/secagent_exporter/collector/msgtable"
	"github.com/secagent-exporter/secagent_exporter/collector/qualys"
)

// ClassifyOptions select what Classify reads. Nothing is persisted: the log engine runs
// with an in-memory state and reads each file whole.
type ClassifyOptions struct {
	Collector    string // mcafee, epo_server or qualys
	Files        []string
	MessagesFile string // site rows, as --collector.<vendor>.messages-file
	Encoding     string // "auto" or one of the engine's encodings
	Location     *time.Location
}

// ClassifyFile is what Classify saw of one file.
type ClassifyFile struct {
	Name     string
	Encoding string // detected (auto) or as configured
	Records  int
}

// ClassifyReport is the result of Classify.
type ClassifyReport struct {
	Collector    string
	Files        []ClassifyFile
	Records      int
	Classified   int
	Unclassified int
	Undecodable  uint64
	Events       map[string]int
	// EventOrder lists the collector's events in documentation order.
	EventOrder []string
	// Shapes are the unclassified shapes, most frequent first.
	Shapes []msgtable.ShapeCount
	// Outcome lists what the derived state says (ASCI or platform outcome), in order.
	Outcome [][2]string
}

// Classify reads files with the same decoder, parsers and tables (plus the site's
// messages-file) as the collector and reports the events, the outcome they derive and
// the unclassified line shapes.
func Classify(ctx context.Context, o ClassifyOptions) (*ClassifyReport, error) {
	table, ok := MessageTable(o.Collector)
	if !ok {
		return nil, fmt.Errorf("classify: unknown collector %q (one of %s)", o.Collector, strings.Join(MessageTableCollectors, ", "))
	}
	classifier, err := loadClassifier(o.Collector, o.MessagesFile)
	if err != nil {
		return nil, err
	}
	loc := o.Location
	if loc == nil {
		loc = time.Local
	}
	enc := o.Encoding
	if enc == "" {
		enc = "auto"
	}
	rep := &ClassifyReport{Collector: o.Collector, Events: map[string]int{}, EventOrder: table.Events}
	shapes := map[string]int{}
	unclassified := func(msg string) {
		rep.Unclassified++
		shapes[msgtable.Shape(msg)]++
	}
	var (
		asci       mcafee.ASCIState
		qLast      = map[string]time.Time{}
		qVersion   string
		seqAgents  = map[string]bool{}
		handle     func(logtail.Record)
		recordFunc func(string) bool
		now        = time.Now()
	)
	switch o.Collector {
	case "mcafee":
		recordFunc = mcafee.IsAgentRecordStart
		handle = func(r logtail.Record) {
			line, ok := mcafee.ParseAgentLine(r.Text, loc)
			if !ok {
				unclassified(recordFirstLine(r.Text))
				return
			}
			ev, ok := mcafee.EventFromLine(classifier, line)
			if ok {
				rep.Classified++
				rep.Events[ev.Event]++
			} else {
				unclassified(line.Message)
				ev = mcafee.AgentEvent{Time: line.Time, Process: line.Process, PID: line.PID}
			}
			asci.Apply(ev)
		}
	case "epo_server":
		recordFunc = mcafee.IsServerRecordStart
		handle = func(r logtail.Record) {
			line, ok := mcafee.ParseServerLineWith(classifier, r.Text, loc)
			switch {
			case !ok:
				unclassified(recordFirstLine(r.Text))
			case line.Event == "":
				unclassified(line.Message)
			default:
				rep.Classified++
				rep.Events[line.Event]++
				if line.AgentGUID != "" {
					seqAgents[line.AgentGUID] = true
				}
			}
		}
	case "qualys":
		recordFunc = func(l string) bool {
			return qualys.IsRecordStart(l) || qualys.IsWindowsRecordStart(l) || qualys.IsSyslogRecordStart(l)
		}
		handle = func(r logtail.Record) {
			l, ok := qualys.ParseWindowsLogLine(r.Text, loc)
			if !ok {
				var ours bool
				if l, ours, ok = qualys.ParseSyslogLine(recordFirstLine(r.Text), loc, now); !ours {
					if qualys.IsSyslogRecordStart(r.Text) {
						return // another program's syslog line
					}
					unclassified(recordFirstLine(r.Text))
					return
				}
				if !ok {
					unclassified(l.Message)
					return
				}
			}
			if v := qualys.AgentVersion(l); v != "" {
				qVersion = v
			}
			m, ok := classifier.Classify(l.Message)
			if !ok {
				unclassified(l.Message)
				return
			}
			rep.Classified++
			rep.Events[m.Event]++
			if out := qualysEventOutcome[m.Event]; out != "" && l.Time.After(qLast[out]) {
				qLast[out] = l.Time
			}
		}
	}
	for _, f := range o.Files {
		fi, err := os.Stat(f)
		if err != nil {
			return nil, fmt.Errorf("classify: %w", err)
		}
		if fi.IsDir() {
			return nil, fmt.Errorf("classify: %s is a directory", f)
		}
		cf := ClassifyFile{Name: f, Encoding: enc}
		if enc == "auto" {
			cf.Encoding = detectFileEncoding(f)
		}
		before := rep.Records
		t := logtail.NewTailer(logtail.Source{
			Name:          "classify",
			Globs:         []string{globEscape(f)},
			Encoding:      enc,
			BackfillBytes: fi.Size() + 1,
			MaxLineBytes:  0,
			IsRecordStart: recordFunc,
		}, logtail.OpenStore("", slog.New(slog.NewTextHandler(io.Discard, nil))), slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err := t.Poll(ctx, func(r logtail.Record) {
			rep.Records++
			handle(r)
		}); err != nil {
			return nil, fmt.Errorf("classify: %s: %w", f, err)
		}
		rep.Undecodable += t.Counts().Undecodable
		cf.Records = rep.Records - before
		rep.Files = append(rep.Files, cf)
	}
	for s, n := range shapes {
		rep.Shapes = append(rep.Shapes, msgtable.ShapeCount{Shape: s, Count: n})
	}
	sort.Slice(rep.Shapes, func(i, j int) bool {
		if rep.Shapes[i].Count != rep.Shapes[j].Count {
			return rep.Shapes[i].Count > rep.Shapes[j].Count
		}
		return rep.Shapes[i].Shape < rep.Shapes[j].Shape
	})
	ts := func(t time.Time) string {
		if t.IsZero() {
			return "never"
		}
		return t.UTC().Format(time.RFC3339Nano)
	}
	switch o.Collector {
	case "mcafee":
		last := "unknown"
		if asci.HasOutcome {
			last = map[bool]string{true: "succeeded", false: "failed"}[asci.LastSuccessful]
		}
		reason := asci.LastFailureReason
		if reason == "" {
			reason = "none"
		}
		rep.Outcome = [][2]string{
			{"asci attempts succeeded", strconv.FormatUint(asci.Successes, 10)},
			{"asci attempts failed", strconv.FormatUint(asci.Failures, 10)},
			{"asci attempts abandoned", strconv.FormatUint(asci.Abandoned, 10)},
			{"last asci attempt", ts(asci.LastAttempt)},
			{"last asci outcome", last},
			{"last asci success", ts(asci.LastSuccess)},
			{"last asci failure", ts(asci.LastFailure)},
			{"last failure reason", reason},
			{"consecutive failures", strconv.FormatUint(asci.ConsecutiveFailures, 10)},
			{"key update pending", strconv.FormatBool(asci.KeyUpdatePending)},
			{"service restarts", strconv.FormatUint(asci.ServiceRestarts, 10)},
		}
	case "epo_server":
		rep.Outcome = [][2]string{{"agents with sequence errors", strconv.Itoa(len(seqAgents))}}
	case "qualys":
		v := qVersion
		if v == "" {
			v = "unknown"
		}
		rep.Outcome = [][2]string{
			{"last platform success", ts(qLast[qualys.OutcomeSuccess])},
			{"last platform failure", ts(qLast[qualys.OutcomeFailure])},
			{"agent version", v},
		}
	}
	return rep, nil
}

func recordFirstLine(s string) string {
	first, _, _ := strings.Cut(s, "\n")
	return strings.TrimSuffix(first, "\r")
}

// globEscape makes a path literal for the engine's glob matching.
func globEscape(p string) string {
	dir, base := filepath.Split(p)
	return escapeGlob(dir) + escapeGlob(base)
}

func detectFileEncoding(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	head := make([]byte, 64<<10)
	n, _ := io.ReadFull(f, head)
	return logtail.DetectEncoding(head[:n])
}

// WriteClassifyReport prints rep as the classify command shows it.
func WriteClassifyReport(w io.Writer, rep *ClassifyReport) {
	fmt.Fprintf(w, "collector: %s\n", rep.Collector)
	for _, f := range rep.Files {
		fmt.Fprintf(w, "file: %s\n  encoding: %s\n  records: %d\n", f.Name, f.Encoding, f.Records)
	}
	fmt.Fprintf(w, "records: %d classified, %d unclassified, %d undecodable lines\n", rep.Classified, rep.Unclassified, rep.Undecodable)
	fmt.Fprintln(w, "events:")
	for _, e := range rep.EventOrder {
		if n := rep.Events[e]; n > 0 {
			fmt.Fprintf(w, "  %-28s %d\n", e, n)
		}
	}
	fmt.Fprintln(w, "outcome:")
	for _, kv := range rep.Outcome {
		fmt.Fprintf(w, "  %-28s %s\n", kv[0]+":", kv[1])
	}
	fmt.Fprintf(w, "unclassified shapes: %d\n", len(rep.Shapes))
	for _, s := range rep.Shapes {
		fmt.Fprintf(w, "  %6d  %s\n", s.Count, s.Shape)
	}
}

// WriteMessagesSkeleton writes a messages-file with one row per unclassified shape, to be
// edited: every event is "TODO", which validation rejects until a real event is written.
func WriteMessagesSkeleton(w io.Writer, rep *ClassifyReport) {
	fmt.Fprintf(w, "# messages-file skeleton for --collector.%s.messages-file, written by classify.\n", rep.Collector)
	fmt.Fprintln(w, "# For each row: set event (one of the list below), narrow literal/regexp, say where the")
	fmt.Fprintln(w, "# text comes from (source), delete the rows you do not want. See docs/classify.md.")
	fmt.Fprintf(w, "# events: %s\n", strings.Join(rep.EventOrder, ", "))
	fmt.Fprintln(w, "rows:")
	for i, s := range rep.Shapes {
		fmt.Fprintf(w, "  # %d records: %s\n", s.Count, s.Shape)
		fmt.Fprintf(w, "  - id: site-%d\n", i+1)
		if lit := msgtable.ShapeLiteral(s.Shape); len(lit) >= 3 {
			fmt.Fprintf(w, "    literal: %s\n", yamlSingleQuoted(lit))
		}
		fmt.Fprintf(w, "    regexp: %s\n", yamlSingleQuoted(msgtable.ShapeRegexp(s.Shape)))
		fmt.Fprintln(w, "    event: TODO")
		fmt.Fprintln(w, "    source: 'TODO: host, agent version and date of the captured line'")
	}
}

func yamlSingleQuoted(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}
