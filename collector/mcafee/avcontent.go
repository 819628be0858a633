package mcafee

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Anti-virus products, the closed set of the product label of the mcafee_av_* metrics.
const (
	// ProductENS is Endpoint Security (ENS) Threat Prevention on Windows.
	ProductENS = "ens"
	// ProductVSE is VirusScan Enterprise 8.8 on Windows, the fallback when ENS is absent.
	ProductVSE = "vse"
	// ProductENSL is Endpoint Security for Linux (ENSL) Threat Prevention.
	ProductENSL = "ensl"
)

// AVProducts lists the product label values in a fixed order.
var AVProducts = []string{ProductENS, ProductVSE, ProductENSL}

// Anti-virus content dates as the Windows products write them: Endpoint Security
// HKLM\SOFTWARE\McAfee\AVSolution\DS\DS szContentCreationDate (yyyy-mm-dd), VirusScan
// Enterprise 8.8 HKLM\SOFTWARE\(Wow6432Node\)McAfee\AVEngine AVDatDate (yyyy/mm/dd), as
// read by Checkmk's mcafee_av_client plugin (sources.md S19). The ENSL CLI's day-first or
// month-first dates are ParseENSLDATDate's.
var contentDateLayouts = []string{"2006-01-02", "2006/01/02"}

// ErrBadContentDate is wrapped by ParseContentDate for an empty, zero, unreadable or
// future date: the caller counts a failed source and invents no timestamp.
var ErrBadContentDate = errors.New("unusable anti-virus content date")

// ParseContentDate reads a content date at midnight in loc. now bounds it: a date after
// the day of now is refused.
func ParseContentDate(s string, loc *time.Location, now time.Time) (time.Time, error) {
	if loc == nil {
		loc = time.Local
	}
	v := strings.TrimSpace(s)
	if v == "" || v == "0" {
		return time.Time{}, fmt.Errorf("%w: %q", ErrBadContentDate, truncateForError(s))
	}
	for _, layout := range contentDateLayouts {
		t, err := time.ParseInLocation(layout, v, loc)
		if err != nil {
			continue
		}
		if t.Year() < 1990 || t.After(now.Add(24*time.Hour)) {
			return time.Time{}, fmt.Errorf("%w: %q out of range", ErrBadContentDate, v)
		}
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%w: %q", ErrBadContentDate, truncateForError(s))
}

// AVContent is what one anti-virus product says about its content (AMCore content on ENS,
// DAT files on VSE and ENSL) and engine. Zero fields were not read; Read* functions
// return the error that explains each one.
type AVContent struct {
	// Product is one of AVProducts; "" when no product was found.
	Product string
	// Source is where the values were read (a registry key or a CLI path).
	Source string
	// Created is the content creation date at midnight in the collector's zone.
	Created time.Time
	// Version is the content version: the major number plus the minor as four decimals
	// (5971.0000 -> 5971, 9999.0001 -> 9999.0001); HasVersion says it was read.
	Version    float64
	HasVersion bool
	// Engine is the scan engine version, "major.minor".
	Engine string
}

// ErrBadContentVersion is wrapped for a content or engine version that is zero or out of
// range.
var ErrBadContentVersion = errors.New("unusable anti-virus content version")

// contentVersion combines a major and minor version number the way the products show
// them (major.minor with four minor digits).
func contentVersion(major, minor uint64) (float64, error) {
	if major == 0 || major >= 1<<31 || minor >= 10000 {
		return 0, fmt.Errorf("%w: %d.%d", ErrBadContentVersion, major, minor)
	}
	return float64(major) + float64(minor)/10000, nil
}

// Registry locations of the Windows products. ENS: the DS\DS key with
// dwContentMajorVersion and szContentCreationDate (sources.md S18) and
// dwContentMinorVersion (sources.md S19); the AMCore version szAMCoreVersion under
// AVS\AVS, read as the engine version (sources.md S19 [?]: a public script reads the value,
// no vendor page says what it holds); the on-access switch enableoas under
// MCSHIELDGLOBAL\GLOBAL (sources.md S18). VSE 8.8: the AVEngine key in both registry views,
// the 32-bit product's WOW6432Node view first (sources.md S19, S20).
const (
	ENSContentKey  = `SOFTWARE\McAfee\AVSolution\DS\DS`
	ENSEngineKey   = `SOFTWARE\McAfee\AVSolution\AVS\AVS`
	ENSOnAccessKey = `SOFTWARE\McAfee\AVSolution\MCSHIELDGLOBAL\GLOBAL`

	RegistryENSContentDate  = "szContentCreationDate"
	RegistryENSContentMajor = "dwContentMajorVersion"
	RegistryENSContentMinor = "dwContentMinorVersion"
	RegistryENSEngine       = "szAMCoreVersion"
	RegistryENSOnAccess     = "enableoas"

	RegistryVSEDatDate       = "AVDatDate"
	RegistryVSEDatVersion    = "AVDatVersion"
	RegistryVSEDatMinor      = "AVDatVersionMinor"
	RegistryVSEEngineMajor   = "EngineVersionMajor"
	RegistryVSEEngineMinor   = "EngineVersionMinor"
	RegistryVSEEngine32Major = "EngineVersion32Major"
	RegistryVSEEngine32Minor = "EngineVersion32Minor"
)

// VSEContentKeys are the VirusScan Enterprise AVEngine keys, WOW6432Node first.
var VSEContentKeys = []string{
	`SOFTWARE\WOW6432Node\McAfee\AVEngine`,
	`SOFTWARE\McAfee\AVEngine`,
}

// ReadAVRegistry finds the Windows anti-virus product and reads its content: ENS when its
// DS\DS key exists, otherwise VSE 8.8 from the first AVEngine key that exists. No key
// gives AVContent{} and no error. A value that is missing, empty, zero, in the future or
// of the wrong registry type leaves its field zero and is reported in the error; the
// other values are still read.
func ReadAVRegistry(r RegistryReader, loc *time.Location, now time.Time) (AVContent, error) {
	_, err := r.ReadString(ENSContentKey, RegistryENSContentDate)
	switch {
	case errors.Is(err, ErrRegistryUnsupported):
		return AVContent{}, nil
	case !errors.Is(err, ErrRegistryKeyNotFound):
		return readENS(r, loc, now)
	}
	for _, key := range VSEContentKeys {
		if _, err := r.ReadString(key, RegistryVSEDatDate); errors.Is(err, ErrRegistryKeyNotFound) {
			continue
		}
		return readVSE(r, key, loc, now)
	}
	return AVContent{}, nil
}

func readENS(r RegistryReader, loc *time.Location, now time.Time) (AVContent, error) {
	c := AVContent{Product: ProductENS, Source: `HKLM\` + ENSContentKey}
	var errs []error
	c.Created, errs = readContentDate(r, ENSContentKey, RegistryENSContentDate, loc, now, errs)
	c.Version, c.HasVersion, errs = readVersion(r, ENSContentKey, RegistryENSContentMajor, RegistryENSContentMinor, errs)
	engine, err := r.ReadString(ENSEngineKey, RegistryENSEngine)
	switch {
	case err == nil:
		if v, ok := engineVersion(engine); ok {
			c.Engine = v
		} else {
			errs = append(errs, fmt.Errorf("%s: %w: %q", RegistryENSEngine, ErrBadContentVersion, truncateForError(engine)))
		}
	case !registryAbsent(err):
		errs = append(errs, fmt.Errorf("%s: %w", RegistryENSEngine, err))
	}
	return c, errors.Join(errs...)
}

// engineVersion accepts a dotted version of digits ("6600.9927", "10.7.0.1234"), at most
// 32 bytes: it becomes a label value.
func engineVersion(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 32 || strings.HasPrefix(s, ".") || strings.HasSuffix(s, ".") || strings.Contains(s, "..") {
		return "", false
	}
	for _, r := range s {
		if (r < '0' || r > '9') && r != '.' {
			return "", false
		}
	}
	if strings.Trim(s, "0.") == "" {
		return "", false
	}
	return s, true
}

// ReadENSOnAccessEnabled reads the ENS on-access switch: ok is false when the value is
// absent, so the caller decides from the service alone.
func ReadENSOnAccessEnabled(r RegistryReader) (enabled, ok bool, err error) {
	n, err := r.ReadInt(ENSOnAccessKey, RegistryENSOnAccess)
	switch {
	case err == nil:
		return n != 0, true, nil
	case registryAbsent(err):
		return false, false, nil
	}
	return false, false, fmt.Errorf("%s: %w", RegistryENSOnAccess, err)
}

func readVSE(r RegistryReader, key string, loc *time.Location, now time.Time) (AVContent, error) {
	c := AVContent{Product: ProductVSE, Source: `HKLM\` + key}
	var errs []error
	c.Created, errs = readContentDate(r, key, RegistryVSEDatDate, loc, now, errs)
	c.Version, c.HasVersion, errs = readVersion(r, key, RegistryVSEDatVersion, RegistryVSEDatMinor, errs)
	// The 64-bit engine first; a 32-bit OS has only the 32-bit engine values.
	engine, err := readEngine(r, key, RegistryVSEEngineMajor, RegistryVSEEngineMinor)
	if registryAbsent(err) {
		engine, err = readEngine(r, key, RegistryVSEEngine32Major, RegistryVSEEngine32Minor)
	}
	if err != nil && !registryAbsent(err) {
		errs = append(errs, err)
	}
	c.Engine = engine
	return c, errors.Join(errs...)
}

// readContentDate reads a REG_SZ date; a missing value is an error too, since the
// content date is what the product's key is read for.
func readContentDate(r RegistryReader, key, name string, loc *time.Location, now time.Time, errs []error) (time.Time, []error) {
	s, err := r.ReadString(key, name)
	if err != nil {
		return time.Time{}, append(errs, fmt.Errorf("%s: %w", name, err))
	}
	t, err := ParseContentDate(s, loc, now)
	if err != nil {
		return time.Time{}, append(errs, fmt.Errorf("%s: %w", name, err))
	}
	return t, errs
}

// readVersion reads a REG_DWORD major version and its optional minor.
func readVersion(r RegistryReader, key, majorName, minorName string, errs []error) (float64, bool, []error) {
	major, err := r.ReadInt(key, majorName)
	if err != nil {
		return 0, false, append(errs, fmt.Errorf("%s: %w", majorName, err))
	}
	minor, err := r.ReadInt(key, minorName)
	switch {
	case registryAbsent(err):
		minor = 0
	case err != nil:
		return 0, false, append(errs, fmt.Errorf("%s: %w", minorName, err))
	}
	v, err := contentVersion(major, minor)
	if err != nil {
		return 0, false, append(errs, fmt.Errorf("%s: %w", majorName, err))
	}
	return v, true, errs
}

// readEngine reads a REG_DWORD engine major and minor version as "major.minor".
func readEngine(r RegistryReader, key, majorName, minorName string) (string, error) {
	major, err := r.ReadInt(key, majorName)
	if err != nil {
		return "", fmt.Errorf("%s: %w", majorName, err)
	}
	minor, err := r.ReadInt(key, minorName)
	if err != nil && !registryAbsent(err) {
		return "", fmt.Errorf("%s: %w", minorName, err)
	}
	if major == 0 || major >= 1<<31 || minor >= 1<<31 {
		return "", fmt.Errorf("%s: %w: %d.%d", majorName, ErrBadContentVersion, major, minor)
	}
	return fmt.Sprintf("%d.%d", major, minor), nil
}

// OnAccessServices are the Windows services whose running state says the on-access
// scanner runs: mfetp, the ENS Threat Prevention service (sources.md S22 [?]: public
// scripts list it among the ENS services next to mfeesp, the platform service), and
// McShield, the VSE on-access scanner service (sources.md S22).
var OnAccessServices = map[string]string{
	ProductENS: "mfetp",
	ProductVSE: "McShield",
}
