package cisco

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/secagent-exporter/secagent_exporter/internal/wallclock"
)

// AmpcliStatus is the output of `/opt/cisco/amp/bin/ampcli status` (sources.md S8,
// Cisco doc 220575). Values are kept as printed; healthy-state wording ("Mode:
// Normal"?, "Faults: None"?) is UNVERIFIED, so only documented words drive flags.
type AmpcliStatus struct {
	// Status is e.g. "Connected"; Connected is Status == "Connected".
	Status    string
	Connected bool
	// Mode is e.g. "Degraded"; Degraded is Mode == "Degraded" (fault 18 sets it).
	Mode     string
	Degraded bool
	Scan     string
	// LastScan is "Last Scan" read in the caller's zone; zero when absent or "Never".
	LastScan time.Time
	// PolicyName and PolicySerial come from "Policy: <name> (#<serial>)".
	PolicyName   string
	PolicySerial *int64
	// FaultCounts is the "Faults:" summary by severity, e.g. {SeverityMajor: 1}.
	FaultCounts map[int]int
	// Faults is every active fault, from "Fault IDs:" and the "ID n - Sev: text"
	// lines, sorted by id.
	Faults []ActiveFault
	// Definitions holds lines whose key mentions definitions, raw (format UNVERIFIED).
	Definitions map[string]string
	// Fields holds every "Key: Value" line as printed, for keys not modelled above.
	Fields map[string]string
}

// ActiveFault is one fault `ampcli status` reports.
type ActiveFault struct {
	ID int
	// Severity is from the fault's own line, else the summary when it names a single
	// severity, else the table default; SeverityUnknown for an undocumented id.
	Severity int
	// Message is the text after "ID n - Sev:"; free text, for logs, never a label.
	Message string
	// Known reports whether the id is in LinuxFaults; Fault is that row.
	Known bool
	Fault Fault
}

// ErrDaemonUnreachable is returned when ampcli could not reach ampdaemon: the banner's
// "Trying to connect..." was not followed by "Connected." or a status line.
var ErrDaemonUnreachable = errors.New("ampcli could not connect to ampdaemon")

// ErrNoStatus is returned when the output holds no status line at all.
var ErrNoStatus = errors.New("no status lines in ampcli output")

var (
	// Fault detail lines also match the generic key regexp, so they are tried first.
	ampcliFaultLine = regexp.MustCompile(`^ID\s+(\d+)\s*-\s*([A-Za-z]+)\s*:\s*(.*)$`)
	ampcliKeyLine   = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9 ()/_-]*?)\s*:\s*(.*)$`)
	ampcliPolicy    = regexp.MustCompile(`^(.*?)\s*\(#(\d+)\)\s*$`)
	ampcliFaultSum  = regexp.MustCompile(`(\d+)\s+([A-Za-z]+)`)
	ampcliIDList    = regexp.MustCompile(`\d+`)
)

// ampcliBanner lists the interactive banner lines of Cisco doc 215256 (sources.md S7).
var ampcliBanner = []string{
	"ampcli - ",
	"Interactive mode",
	"Enter 'q'",
	"[logger]",
	"Trying to connect",
	"Connected.",
}

// ampcliUnreachable are texts taken to mean the daemon is down when no status line
// follows. ampcli's wording for this case is UNVERIFIED (sources.md S8); these are the
// generic socket-client phrases, matched case-insensitively.
var ampcliUnreachable = []string{
	"unable to connect",
	"could not connect",
	"failed to connect",
	"connection refused",
	"is not running",
	"no such file or directory",
}

func containsAny(line string, phrases []string) bool {
	l := strings.ToLower(line)
	for _, p := range phrases {
		if strings.Contains(l, p) {
			return true
		}
	}
	return false
}

// lastScanLayouts: 12-hour clock with AM/PM, no zone (sources.md S8), then a 24-hour
// fallback in case a locale or release prints it that way.
var lastScanLayouts = []string{
	"2006-01-02 03:04:05 PM",
	"2006-01-02 3:04:05 PM",
	"2006-01-02 15:04:05",
}

// ParseAmpcliStatus parses `ampcli status` output. loc is the host's zone, used for
// "Last Scan" which carries none; nil means UTC.
func ParseAmpcliStatus(out []byte, loc *time.Location) (AmpcliStatus, error) {
	if loc == nil {
		loc = time.UTC
	}
	var st AmpcliStatus
	var tryingToConnect, connectedBanner, unreachableText bool
	faults := map[int]*ActiveFault{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		line := cleanLine(sc.Text())
		for {
			rest, ok := strings.CutPrefix(line, "ampcli>")
			if !ok {
				break
			}
			line = strings.TrimSpace(rest)
		}
		if line == "" {
			continue
		}
		if isAmpcliBanner(line) {
			if strings.HasPrefix(line, "Trying to connect") {
				tryingToConnect = true
			}
			if line == "Connected." {
				connectedBanner = true
			}
			continue
		}
		if containsAny(line, ampcliUnreachable) {
			unreachableText = true
		}
		if m := ampcliFaultLine.FindStringSubmatch(line); m != nil {
			id, err := strconv.Atoi(m[1])
			if err != nil {
				continue
			}
			f := faultEntry(faults, id)
			f.Severity = ParseSeverity(m[2])
			f.Message = m[3]
			continue
		}
		m := ampcliKeyLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		key, value := strings.TrimSpace(m[1]), strings.TrimSpace(m[2])
		switch strings.ToLower(key) {
		case "status":
			st.Status = value
			st.Connected = strings.EqualFold(value, "Connected")
		case "mode":
			st.Mode = value
			st.Degraded = strings.EqualFold(value, "Degraded")
		case "scan":
			st.Scan = value
		case "last scan":
			st.LastScan = parseLastScan(value, loc)
		case "policy":
			if pm := ampcliPolicy.FindStringSubmatch(value); pm != nil {
				st.PolicyName = pm[1]
				if v, err := strconv.ParseInt(pm[2], 10, 64); err == nil {
					st.PolicySerial = &v
				}
			} else {
				st.PolicyName = value
			}
		case "faults":
			st.FaultCounts = parseFaultSummary(value)
		case "fault ids":
			for _, s := range ampcliIDList.FindAllString(value, -1) {
				if id, err := strconv.Atoi(s); err == nil {
					faultEntry(faults, id)
				}
			}
		default:
			if strings.Contains(strings.ToLower(key), "definition") {
				if st.Definitions == nil {
					st.Definitions = map[string]string{}
				}
				st.Definitions[key] = value
				continue
			}
			if st.Fields == nil {
				st.Fields = map[string]string{}
			}
			st.Fields[key] = value
		}
	}
	if st.Status == "" && st.Mode == "" && st.FaultCounts == nil && len(faults) == 0 {
		if unreachableText || (tryingToConnect && !connectedBanner) {
			return AmpcliStatus{}, ErrDaemonUnreachable
		}
		return AmpcliStatus{}, fmt.Errorf("%w: %s", ErrNoStatus, snippet(out))
	}
	st.Faults = finishFaults(faults, st.FaultCounts)
	return st, nil
}

func isAmpcliBanner(line string) bool {
	for _, b := range ampcliBanner {
		if strings.HasPrefix(line, b) {
			return true
		}
	}
	return false
}

func faultEntry(faults map[int]*ActiveFault, id int) *ActiveFault {
	f, ok := faults[id]
	if !ok {
		f = &ActiveFault{ID: id, Severity: SeverityUnknown}
		faults[id] = f
	}
	return f
}

// parseFaultSummary reads "1 Major" or "2 Critical, 1 Major" (the multi-severity
// wording is UNVERIFIED, sources.md S8); "None" gives an empty, non-nil map.
func parseFaultSummary(s string) map[int]int {
	counts := map[int]int{}
	for _, m := range ampcliFaultSum.FindAllStringSubmatch(s, -1) {
		n, err := strconv.Atoi(m[1])
		if err != nil {
			continue
		}
		counts[ParseSeverity(m[2])] += n
	}
	return counts
}

func finishFaults(faults map[int]*ActiveFault, counts map[int]int) []ActiveFault {
	if len(faults) == 0 {
		return nil
	}
	// A summary naming one severity tells the severity of every listed fault.
	summarySeverity := SeverityUnknown
	if len(counts) == 1 {
		for sev := range counts {
			summarySeverity = sev
		}
	}
	list := make([]ActiveFault, 0, len(faults))
	for _, f := range faults {
		f.Fault, f.Known = FaultByID(f.ID)
		if f.Severity == SeverityUnknown {
			switch {
			case summarySeverity > SeverityNone:
				f.Severity = summarySeverity
			case f.Known:
				f.Severity = f.Fault.Severity
			}
		}
		list = append(list, *f)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].ID < list[j].ID })
	return list
}

// parseLastScan reads the zone-less "Last Scan" in loc, deciding DST edges as the other
// vendor parsers do (wallclock.Date).
func parseLastScan(s string, loc *time.Location) time.Time {
	for _, layout := range lastScanLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return wallclock.Read(t, loc)
		}
	}
	return time.Time{}
}
