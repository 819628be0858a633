package collector

import (
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
)

// auditRulesImmutable reports whether the rules loaded at boot end with "-e 2". Shared by
// linux_security (audit_immutable) and qualys (the FIM/audit conflict check). The
// running state needs auditctl -s (root, netlink); the rules files tell the same for a
// host that has booted with them, which is what blocks FIM until the next reboot.
func auditRulesImmutable(p Paths) (bool, error) {
	files := []string{p.Root("/etc/audit/audit.rules")}
	// Listed rather than globbed: filepath.Glob matches nothing in a directory it cannot
	// read (rules.d is 0750 root on RHEL), which would pass for "not immutable".
	rulesDir := p.Root("/etc/audit/rules.d")
	hfs := p.Host()
	entries, err := hfs.ReadDir(rulesDir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return false, err
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".rules") {
			files = append(files, filepath.Join(rulesDir, e.Name()))
		}
	}
	immutable := false
	for _, f := range files {
		// Each file's last -e setting, kept while the file's identity does not change.
		last, err := cachedParse(hostFileCache, "audit_rules", hfs, f, readSmall, lastAuditEnable)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return false, err
		}
		if last.set {
			immutable = last.immutable
		}
	}
	return immutable, nil
}

// auditEnable is the last "-e" line of one rules file.
type auditEnable struct{ set, immutable bool }

func lastAuditEnable(raw []byte) (auditEnable, error) {
	var last auditEnable
	for _, line := range strings.Split(string(raw), "\n") {
		fields := strings.Fields(line)
		if len(fields) >= 2 && fields[0] == "-e" {
			last = auditEnable{set: true, immutable: fields[1] == "2"}
		}
	}
	return last, nil
}
