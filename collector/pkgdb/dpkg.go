package pkgdb

import (
	"bufio"
	"bytes"
	"strings"
)

// ParseDpkgStatus returns each of names that /var/lib/dpkg/status (deb-status(5): RFC
// 822-style paragraphs) lists as installed ("Status: install ok installed" or "hold ok
// installed"). Version is the upstream version without the epoch ("1:"), Release the
// Debian revision (after the last '-'), the same split as rpm's VERSION and RELEASE.
func ParseDpkgStatus(raw []byte, names []string) map[string]Package {
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	out := map[string]Package{}
	var pkg, status, version string
	flush := func() {
		if want[pkg] && version != "" && strings.HasSuffix(status, " ok installed") {
			upstream, revision := SplitDebianVersion(version)
			out[pkg] = Package{Name: pkg, Version: upstream, Release: revision, DB: "dpkg"}
		}
		pkg, status, version = "", "", ""
	}
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := strings.TrimSuffix(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" {
			flush()
			continue
		}
		if line[0] == ' ' || line[0] == '\t' {
			continue // continuation of a multi-line field
		}
		key, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		value = strings.TrimSpace(value)
		switch key {
		case "Package":
			pkg = value
		case "Status":
			status = value
		case "Version":
			version = value
		}
	}
	flush()
	return out
}

// SplitDebianVersion splits a Debian package version ([epoch:]upstream[-revision],
// deb-version(5)) into its upstream version and revision, dropping the epoch.
func SplitDebianVersion(v string) (upstream, revision string) {
	if i := strings.IndexByte(v, ':'); i >= 0 && i < len(v)-1 {
		v = v[i+1:]
	}
	if i := strings.LastIndexByte(v, '-'); i > 0 {
		return v[:i], v[i+1:]
	}
	return v, ""
}
