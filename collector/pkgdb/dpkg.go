package pkgdb

import (
	"bufio"
	"bytes"
	"strings"
)

// ParseDpkgStatus returns the upstream version of each of names that /var/lib/dpkg/status
// (deb-status(5): RFC 822-style paragraphs) lists as installed ("Status: install ok
// installed" or "hold ok installed"). The version drops the epoch ("1:") and the Debian
// revision (after the last '-'), so it compares with the vendor's version.
func ParseDpkgStatus(raw []byte, names []string) map[string]string {
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	out := map[string]string{}
	var pkg, status, version string
	flush := func() {
		if want[pkg] && version != "" && strings.HasSuffix(status, " ok installed") {
			out[pkg] = UpstreamVersion(version)
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

// UpstreamVersion strips a Debian epoch and revision from a package version.
func UpstreamVersion(v string) string {
	if i := strings.IndexByte(v, ':'); i >= 0 && i < len(v)-1 {
		v = v[i+1:]
	}
	if i := strings.LastIndexByte(v, '-'); i > 0 {
		v = v[:i]
	}
	return v
}
