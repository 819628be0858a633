package qualys

import (
	"errors"
	"path"
	"strings"
)

// PackageNames are the agent's rpm and deb package names (sources.md S9, S25).
var PackageNames = []string{"qualys-cloud-agent"}

// HostIDPath is where the Linux agent keeps its host id by default (sources.md S9, puppet
// module): <HostIdSearchDir>/qualys/hostid with HostIdSearchDir defaulting to /etc.
const HostIDPath = "/etc/qualys/hostid"

// HostIDFile is the host id file (a host path) for the
// HostIdSearchDir of qualys-cloud-agent.conf: <dir>/qualys/hostid. An empty, relative
// or climbing ("..") dir is not followed and gives the default HostIDPath; ok is false
// for such a dir when it was set.
func HostIDFile(searchDir string) (file string, ok bool) {
	if searchDir == "" {
		return HostIDPath, true
	}
	if !strings.HasPrefix(searchDir, "/") || strings.Contains(searchDir, "..") || strings.ContainsRune(searchDir, 0) {
		return HostIDPath, false
	}
	return path.Join(path.Clean(searchDir), "qualys", "hostid"), true
}

var (
	// ErrHostIDEmpty: the file exists but holds nothing (agent not yet activated).
	ErrHostIDEmpty = errors.New("qualys: host id is empty")
	// ErrHostIDInvalid: the content is not a UUID. The error never repeats the content.
	ErrHostIDInvalid = errors.New("qualys: host id is not a UUID")
)

// ParseHostID returns the host id as a lower-case canonical UUID (8-4-4-4-12).
//
// The file format is UNVERIFIED (sources.md S9): public scripts
// only show a UUID. Accepted forms are the canonical one, the same in braces (as Windows
// registry GUIDs are written) and 32 bare hex digits, surrounded by whitespace; anything
// else, including a second line of content, is rejected so that junk never becomes a
// label value.
func ParseHostID(b []byte) (string, error) {
	s := strings.TrimSpace(strings.TrimPrefix(string(b), "\ufeff"))
	s = strings.TrimRight(s, "\x00")
	if s == "" {
		return "", ErrHostIDEmpty
	}
	if len(s) == 38 && s[0] == '{' && s[37] == '}' {
		s = s[1:37]
	}
	var hex [32]byte
	switch len(s) {
	case 36:
		n := 0
		for i := 0; i < 36; i++ {
			c := s[i]
			if i == 8 || i == 13 || i == 18 || i == 23 {
				if c != '-' {
					return "", ErrHostIDInvalid
				}
				continue
			}
			if !isHex(c) {
				return "", ErrHostIDInvalid
			}
			hex[n] = lowerHex(c)
			n++
		}
	case 32:
		for i := 0; i < 32; i++ {
			if !isHex(s[i]) {
				return "", ErrHostIDInvalid
			}
			hex[i] = lowerHex(s[i])
		}
	default:
		return "", ErrHostIDInvalid
	}
	h := string(hex[:])
	if h == strings.Repeat("0", 32) {
		// The nil UUID is a placeholder, never an activated agent's id.
		return "", ErrHostIDInvalid
	}
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32], nil
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func lowerHex(c byte) byte {
	if c >= 'A' && c <= 'F' {
		return c + 'a' - 'A'
	}
	return c
}
