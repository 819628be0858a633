package mcafee

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ENSLCLIPaths are the status CLIs of Endpoint Security for Linux Threat Prevention, as
// host paths: mfetpcli of ENSL 10.7 and later, then isecav of ENSL 10.2 to 10.6
// (sources.md S18). Only their read-only status switches are run: ENSLVersionArgs and
// ENSLOnAccessArgs.
var ENSLCLIPaths = []string{
	"/opt/McAfee/ens/tp/bin/mfetpcli",
	"/opt/isec/ens/threatprevention/bin/isecav",
}

// ENSLDATDirs hold one directory per installed DAT version, named by its number
// (/var/McAfee/ens/tp/engine/dat/4978 on ENSL 10.6.5 and later, sources.md S23). The
// directory's modification time is when the content was installed: the fallback content
// timestamp when `--version` prints no DAT date (ENSL 10.7, sources.md S23).
var ENSLDATDirs = []string{
	"/var/McAfee/ens/tp/engine/dat",
}

var (
	// ENSLVersionArgs prints the product, DAT version, DAT date and engine version.
	ENSLVersionArgs = []string{"--version"}
	// ENSLOnAccessArgs prints the on-access scan status (sources.md S22: KB89803).
	ENSLOnAccessArgs = []string{"--getoasconfig", "--summary"}
)

// enslField is a value of the `--version` output.
type enslField int

const (
	enslProduct enslField = iota
	enslDATVersion
	enslDATDate
	enslEngine
)

// enslVersionRow maps the key of a "Key : Value" line of `--version` to a field.
//
// verified rows: the keys of a public ENSL 10.7.8 capture (sources.md S23: "Version",
// "DAT Version", "Engine Version"). The DAT date key is UNVERIFIED: the OMS agent
// (sources.md S21) reads the ENSL 10.2-10.6 isecav output by position (line 1 version, 3
// DAT version, 4 DAT date, 5 engine version) and never names the key, so line
// is that position: a line whose key is no key of this table is taken for the field at
// its position. A site that sees another key corrects this table.
type enslVersionRow struct {
	field    enslField
	keys     []string // lower case, spaces collapsed
	line     int
	verified bool
}

var enslVersionTable = []enslVersionRow{
	{field: enslProduct, keys: []string{"version"}, line: 1, verified: true},
	{field: enslDATVersion, keys: []string{"dat version"}, line: 3, verified: true},
	{field: enslDATDate, keys: []string{"dat date", "dat created on", "dat creation date", "dat created", "dat time"}, line: 4},
	{field: enslEngine, keys: []string{"engine version"}, line: 5, verified: true},
}

// enslOtherKeys are keys of the public captures that belong to no field; they keep their
// line from being taken by position.
var enslOtherKeys = []string{"license", "exploit prevention content version"}

// ENSLVersion is what the ENSL `--version` output says.
type ENSLVersion struct {
	// Name is the first line, the product name.
	Name    string
	Version string
	Content AVContent
}

// ErrNoENSLVersion is wrapped when the `--version` output has no DAT version and no DAT
// date, under any key of the table or at the positions of sources.md S21.
var ErrNoENSLVersion = errors.New("no DAT version or date in the ENSL --version output")

// ParseENSLVersion reads `mfetpcli --version` / `isecav --version`. Fields are taken by
// key (enslVersionTable), else by position. A DAT date or version that is present but
// unusable (empty, 0, in the future) leaves its field zero and is returned as an error
// with what was read; a DAT date that is not printed at all leaves Content.Created zero
// without an error (ENSL 10.7 prints none; the caller falls back to ENSLDATDirs).
func ParseENSLVersion(out []byte, loc *time.Location, now time.Time) (ENSLVersion, error) {
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 0, 4096), 64*1024)
	for sc.Scan() {
		lines = append(lines, strings.TrimRight(sc.Text(), "\r"))
		if len(lines) > 256 {
			break
		}
	}
	var v ENSLVersion
	v.Content.Product = ProductENSL
	if len(lines) > 0 {
		v.Name = strings.TrimSpace(lines[0])
	}
	values := map[enslField]string{}
	found := map[enslField]bool{}
	for _, line := range lines {
		key, val, ok := splitKeyValue(line)
		if !ok {
			continue
		}
		for _, row := range enslVersionTable {
			if !found[row.field] && containsString(row.keys, key) {
				values[row.field], found[row.field] = val, true
			}
		}
	}
	for _, row := range enslVersionTable {
		if found[row.field] || row.line >= len(lines) {
			continue
		}
		if key, val, ok := splitKeyValue(lines[row.line]); ok && !knownENSLKey(key) {
			values[row.field], found[row.field] = val, true
		}
	}
	if !found[enslDATVersion] && !found[enslDATDate] {
		return v, ErrNoENSLVersion
	}
	v.Version = boundedVersion(values[enslProduct])
	if e, ok := engineVersion(values[enslEngine]); ok {
		v.Content.Engine = e
	}
	var errs []error
	if found[enslDATDate] {
		t, err := ParseENSLDATDate(values[enslDATDate], loc, now)
		if err != nil {
			errs = append(errs, fmt.Errorf("DAT date: %w", err))
		}
		v.Content.Created = t
	}
	if found[enslDATVersion] {
		ver, err := parseDATVersion(values[enslDATVersion])
		if err != nil {
			errs = append(errs, fmt.Errorf("DAT version: %w", err))
		} else {
			v.Content.Version, v.Content.HasVersion = ver, true
		}
	}
	return v, errors.Join(errs...)
}

func knownENSLKey(key string) bool {
	if containsString(enslOtherKeys, key) {
		return true
	}
	for _, row := range enslVersionTable {
		if containsString(row.keys, key) {
			return true
		}
	}
	return false
}

// boundedVersion keeps a product version that looks like one ("10.7.8.12").
func boundedVersion(s string) string {
	v, _ := engineVersion(s)
	return v
}

// LatestDATDir picks, among the names of a DAT directory's entries, the one named by
// the DAT major version want (when > 0), else the highest all-digit name. "" when none.
func LatestDATDir(names []string, want uint64) string {
	best, bestN := "", uint64(0)
	for _, n := range names {
		v, ok := parseUint(n)
		if !ok || v == 0 {
			continue
		}
		if want > 0 && v == want {
			return n
		}
		if v > bestN {
			best, bestN = n, v
		}
	}
	return best
}

// ParseENSLDATDate reads the DAT date of the ENSL `--version` output. Its layout is
// UNVERIFIED and differs between the public readers: the OMS agent parses mm-dd-yyyy, the
// later PowerShell DSC for Linux plugin dd-mm-yyyy after a "time format" fix (sources.md
// S21), and the CLI follows the locale. So a dd-mm-yyyy and an mm-dd-yyyy reading (with
// "-", "/" or "." between) are both tried, as are the ISO layouts of ParseContentDate; a
// reading after tomorrow is refused, and when both readings are possible and differ the
// more recent one is taken (content is renewed daily, so the true date is the recent one).
func ParseENSLDATDate(s string, loc *time.Location, now time.Time) (time.Time, error) {
	if loc == nil {
		loc = time.Local
	}
	if t, err := ParseContentDate(s, loc, now); err == nil {
		return t, nil
	}
	v := strings.TrimSpace(s)
	var parts []string
	for _, sep := range []string{"-", "/", "."} {
		if p := strings.Split(v, sep); len(p) == 3 {
			parts = p
			break
		}
	}
	if parts == nil || len(parts[2]) != 4 || len(parts[0]) > 2 || len(parts[1]) > 2 {
		return time.Time{}, fmt.Errorf("%w: %q", ErrBadContentDate, truncateForError(s))
	}
	a, okA := parseUint(parts[0])
	b, okB := parseUint(parts[1])
	year, okY := parseUint(parts[2])
	if !okA || !okB || !okY {
		return time.Time{}, fmt.Errorf("%w: %q", ErrBadContentDate, truncateForError(s))
	}
	var best time.Time
	for _, dm := range [][2]uint64{{a, b}, {b, a}} {
		day, month := dm[0], dm[1]
		if month < 1 || month > 12 || day < 1 || day > 31 {
			continue
		}
		t := time.Date(int(year), time.Month(month), int(day), 0, 0, 0, 0, loc)
		if t.Day() != int(day) || t.Year() < 1990 || t.After(now.Add(24*time.Hour)) {
			continue // 31-02 rolls over; out of range
		}
		if t.After(best) {
			best = t
		}
	}
	if best.IsZero() {
		return time.Time{}, fmt.Errorf("%w: %q out of range", ErrBadContentDate, truncateForError(v))
	}
	return best, nil
}

// parseDATVersion reads "10123.0" or "10123" (DAT number, optional minor).
func parseDATVersion(s string) (float64, error) {
	s = strings.TrimSpace(s)
	majorText, minorText, _ := strings.Cut(s, ".")
	major, ok1 := parseUint(majorText)
	minor, ok2 := uint64(0), true
	if minorText != "" {
		minor, ok2 = parseUint(minorText)
	}
	if !ok1 || !ok2 {
		return 0, fmt.Errorf("%w: %q", ErrBadContentVersion, truncateForError(s))
	}
	return contentVersion(major, minor)
}

func parseUint(s string) (uint64, bool) {
	if s == "" || len(s) > 10 {
		return 0, false
	}
	var n uint64
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, false
		}
		n = n*10 + uint64(r-'0')
	}
	return n, true
}

// splitKeyValue splits "Key : Value" at the first colon; the key is lower-cased with its
// spaces collapsed. Lines without a colon or with an empty key are not key-value lines.
func splitKeyValue(line string) (key, value string, ok bool) {
	k, v, found := strings.Cut(line, ":")
	if !found {
		return "", "", false
	}
	key = strings.ToLower(strings.Join(strings.Fields(k), " "))
	if key == "" {
		return "", "", false
	}
	return key, strings.TrimSpace(v), true
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// ErrUnknownOnAccessStatus is wrapped when the on-access scan summary has no status line
// or a status outside enslOnAccessStates.
var ErrUnknownOnAccessStatus = errors.New("unknown ENSL on-access scan status")

// enslOnAccessStates are the on-access scan compliance statuses of KB89803 (sources.md
// S22), lower case: only "Enabled and Compliant" means the configuration is on and every
// scanner process runs. Bare "enabled"/"disabled" are what sources.md S21 tests for on
// older releases [?].
var enslOnAccessStates = map[string]bool{
	"enabled and compliant":     true,
	"enabled and noncompliant":  false,
	"disabled and compliant":    false,
	"disabled and noncompliant": false,
	"enabled":                   true,
	"disabled":                  false,
}

// ParseENSLOnAccess reads `--getoasconfig --summary`: the line whose key names the
// on-access scan ("On-Access Scan : Enabled and Compliant") says whether it runs.
func ParseENSLOnAccess(out []byte) (running bool, status string, err error) {
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 0, 4096), 64*1024)
	for n := 0; sc.Scan() && n < 256; n++ {
		key, val, ok := splitKeyValue(sc.Text())
		if !ok || strings.ReplaceAll(key, "-", " ") != "on access scan" {
			continue
		}
		status = strings.ToLower(strings.Join(strings.Fields(val), " "))
		running, known := enslOnAccessStates[status]
		if !known {
			return false, "", fmt.Errorf("%w: %q", ErrUnknownOnAccessStatus, truncateForError(val))
		}
		return running, status, nil
	}
	return false, "", fmt.Errorf("%w: no on-access scan line", ErrUnknownOnAccessStatus)
}
