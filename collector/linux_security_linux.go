//go:build linux

package collector

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"

	"github.com/alecthomas/kingpin/v2"

	"github.com/secagent-exporter/secagent_exporter/internal/bundle"
	"github.com/secagent-exporter/secagent_exporter/internal/hostfs"
)

// The linux_security collector reports the host prerequisites the Cisco Secure Endpoint
// Linux connector and Qualys FIM depend on, so operators see the cause before the
// connector raises the fault (sources.md S5: faults 5, 8/9, 11, 16, 19; sources.md S4: auditd).
var linuxSecFlags = func() *linuxSecFlagValues {
	f := &linuxSecFlagValues{}
	kingpin.Flag("collector.linux_security.selinux-module",
		"SELinux policy module whose presence selinux_bpf_module_loaded reports (Cisco fault 19).").
		Default("cisco-secure-bpf").StringVar(&f.BPFModule)
	kingpin.Flag("collector.linux_security.kernel-module",
		"Kernel module reported by kernel_module_loaded{module} (repeatable).").StringsVar(&f.KernelModules)
	kingpin.Flag("collector.linux_security.scan-user",
		"User the Cisco connector's scan service runs as; connector_scan_user_present reports it (Cisco fault 5).").
		Default("cisco-amp-scan-svc").StringVar(&f.ScanUser)
	return f
}()

type linuxSecFlagValues struct {
	BPFModule     string
	KernelModules []string
	ScanUser      string
}

func init() {
	registerCollector("linux_security", true, newLinuxSecurityCollector)
}

var (
	selinuxEnabledDesc   = NewDesc("selinux_enabled", "1 if SELinux is enabled (selinuxfs is mounted).")
	selinuxEnforcingDesc = NewDesc("selinux_enforcing", "1 if SELinux is in enforcing mode.")
	selinuxBPFModuleDesc = NewDesc("selinux_bpf_module_loaded",
		"1 if the SELinux policy module named by --collector.linux_security.selinux-module (cisco-secure-bpf) is installed and enabled in the active policy store. Without it an enforcing host raises Cisco connector fault 19.")
	kernelBTFDesc     = NewDesc("kernel_btf_available", "1 if the running kernel exposes BTF type information (/sys/kernel/btf/vmlinux), which the Cisco eBPF monitors need.")
	kernelHeadersDesc = NewDesc("kernel_headers_installed", "1 if headers (a build tree) for the running kernel are installed, which the Cisco kernel modules need when no BTF is available.")
	kernelModuleDesc  = NewDesc("kernel_module_loaded", "1 if the kernel module is loaded (/proc/modules).", "module")
	scanUserDesc      = NewDesc("connector_scan_user_present", "1 if the Cisco connector's scan-service user exists in /etc/passwd (its absence is Cisco connector fault 5).")
	auditdRunningDesc = NewDesc("auditd_running", "1 if an auditd process is running.")
	auditImmutable    = NewDesc("audit_immutable", "1 if the audit rules lock the audit configuration (-e 2), which blocks the rules Qualys FIM needs until reboot.")
)

type linuxSecurityCollector struct {
	env Env
}

func newLinuxSecurityCollector(env Env) (Collector, error) {
	return &linuxSecurityCollector{env: env}, nil
}

func (c *linuxSecurityCollector) Update(ctx context.Context, s *Scrape) error {
	p := c.env.Paths

	enforce, err := p.SysFiles().ReadFile(p.Sys("fs", "selinux", "enforce"), hostfs.MaxSmall)
	enabled := err == nil
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		s.Source("selinuxfs", err)
	}
	s.Bool(selinuxEnabledDesc, enabled)
	s.Bool(selinuxEnforcingDesc, enabled && strings.TrimSpace(string(enforce)) == "1")

	loaded, err := selinuxModuleInstalled(p, linuxSecFlags.BPFModule)
	if s.Source("selinux_policy_store", err) {
		s.Bool(selinuxBPFModuleDesc, loaded)
	}

	s.Bool(kernelBTFDesc, pathExists(p.SysFiles(), p.Sys("kernel", "btf", "vmlinux")))

	release, err := p.ProcFiles().ReadFile(p.Proc("sys", "kernel", "osrelease"), hostfs.MaxSmall)
	if s.Source("kernel_release", err) {
		s.Bool(kernelHeadersDesc, kernelHeadersPresent(p, strings.TrimSpace(string(release))))
	}

	if len(linuxSecFlags.KernelModules) > 0 {
		modules, err := loadedKernelModules(p.ProcFiles(), p.Proc("modules"))
		if s.Source("proc_modules", err) {
			for _, m := range uniqueSorted(linuxSecFlags.KernelModules) {
				s.Bool(kernelModuleDesc, modules[m], m)
			}
		}
	}

	present, err := passwdHasUser(p.Host(), p.Root("/etc/passwd"), linuxSecFlags.ScanUser)
	if s.Source("passwd", err) {
		s.Bool(scanUserDesc, present)
	}

	running, err := s.processRunning(ctx, p, "auditd")
	if s.Source("procfs_processes", err) {
		s.Bool(auditdRunningDesc, running)
	}

	immutable, err := auditRulesImmutable(p)
	if s.Source("audit_rules", err) {
		s.Bool(auditImmutable, immutable)
	}
	return nil
}

// selinuxModuleInstalled looks the module up in the active policy store of the policy
// type named in /etc/selinux/config, as semodule would, without running it (it needs
// root and is slow). Three store layouts exist (sources.md S16):
//   - RHEL 8+, Fedora 23+, Debian: <store-root>/<type>/active/modules/<priority>/<name>/
//     with store-root /var/lib/selinux;
//   - RHEL/CentOS 7: the same priority layout with store-root /etc/selinux, i.e.
//     /etc/selinux/<type>/active/modules/<priority>/<name>/ (RHEL 7 SELinux guide 4.12);
//   - older (RHEL 6): /etc/selinux/<type>/modules/active/modules/<name>.pp, disabled as <name>.pp.disabled.
//
// In the priority layouts a disabled module is marked by active/modules/disabled/<name>.
// store-root in /etc/selinux/semanage.conf moves the store: when it is set, only that
// root is read. A host without /etc/selinux/config has no store: the module is reported
// absent.
func selinuxModuleInstalled(p Paths, module string) (bool, error) {
	policyType, err := selinuxPolicyType(p.Host(), p.Root("/etc/selinux/config"))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	roots, err := selinuxStoreRoots(p)
	if err != nil {
		return false, err
	}
	for _, root := range roots {
		store := p.Root(filepath.Join(root, policyType, "active", "modules"))
		entries, err := p.Host().ReadDir(store)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return false, err
		}
		if pathExists(p.Host(), filepath.Join(store, "disabled", module)) {
			return false, nil
		}
		for _, e := range entries {
			if !e.IsDir() || e.Name() == "disabled" {
				continue
			}
			if pathExists(p.Host(), filepath.Join(store, e.Name(), module)) {
				return true, nil
			}
		}
		return false, nil
	}
	legacy := p.Root(filepath.Join("/etc/selinux", policyType, "modules", "active", "modules"))
	return pathExists(p.Host(), filepath.Join(legacy, module+".pp")), nil
}

// Default store roots of the priority layout, newest first: /var/lib/selinux (RHEL 8+,
// Fedora 23+) and /etc/selinux (RHEL/CentOS 7), sources.md S16.
var selinuxDefaultStoreRoots = []string{"/var/lib/selinux", "/etc/selinux"}

// selinuxStoreRoots is the store-root of /etc/selinux/semanage.conf when it sets one,
// else the default roots. A missing semanage.conf is the default.
func selinuxStoreRoots(p Paths) ([]string, error) {
	root, err := cachedParse(hostFileCache, "linux_security.semanage_conf", p.Host(), p.Root("/etc/selinux/semanage.conf"), readSmall,
		func(raw []byte) (string, error) {
			root, _ := semanageStoreRoot(raw)
			return root, nil
		})
	if errors.Is(err, fs.ErrNotExist) {
		return selinuxDefaultStoreRoots, nil
	}
	if err != nil {
		return nil, err
	}
	if root != "" {
		return []string{root}, nil
	}
	return selinuxDefaultStoreRoots, nil
}

// semanageStoreRoot returns the store-root semanage.conf(5) sets: "key = value" lines,
// '#' starting a comment anywhere, the last setting winning. Only an absolute path that
// does not climb with ".." is accepted; anything else is ignored as libsemanage would
// fail on it rather than guess.
func semanageStoreRoot(raw []byte) (string, bool) {
	root, found := "", false
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		key, value, ok := strings.Cut(line, "=")
		if !ok || strings.TrimSpace(key) != "store-root" {
			continue
		}
		value = strings.Trim(strings.TrimSpace(value), `"`)
		if !strings.HasPrefix(value, "/") || strings.Contains(value, "..") || strings.ContainsRune(value, 0) {
			continue
		}
		root, found = filepath.Clean(value), true
	}
	return root, found
}

func selinuxPolicyType(hfs hostfs.FS, configPath string) (string, error) {
	return cachedParse(hostFileCache, "linux_security.selinux_config", hfs, configPath, readSmall, parseSELinuxType)
}

// parseSELinuxType is the SELINUXTYPE of /etc/selinux/config, "targeted" by default.
func parseSELinuxType(raw []byte) (string, error) {
	policyType := "targeted"
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if v, ok := strings.CutPrefix(line, "SELINUXTYPE="); ok {
			v = strings.Trim(strings.TrimSpace(v), `"'`)
			// The type names a directory: refuse anything that could climb out of it.
			if v != "" && !strings.ContainsAny(v, `/\`) && v != "." && v != ".." {
				policyType = v
			}
		}
	}
	return policyType, nil
}

// kernelHeadersPresent checks the places distributions install a kernel build tree:
// /lib/modules/<release>/build (all, usually a link), /usr/src/kernels/<release>
// (RHEL family) and /usr/src/linux-headers-<release> (Debian family).
func kernelHeadersPresent(p Paths, release string) bool {
	if release == "" || strings.ContainsAny(release, `/\`) {
		return false
	}
	for _, dir := range []string{
		filepath.Join("/lib/modules", release, "build"),
		filepath.Join("/usr/src/kernels", release),
		"/usr/src/linux-headers-" + release,
	} {
		if fi, err := p.Host().Stat(p.Root(dir)); err == nil && fi.IsDir() {
			return true
		}
	}
	return false
}

func loadedKernelModules(procfs hostfs.FS, path string) (map[string]bool, error) {
	raw, err := procfs.ReadFile(path, hostfs.MaxSmall)
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, line := range strings.Split(string(raw), "\n") {
		if name, _, ok := strings.Cut(line, " "); ok && name != "" {
			out[name] = true
		}
	}
	return out, nil
}

func passwdHasUser(hfs hostfs.FS, path, user string) (bool, error) {
	present, err := cachedParse(hostFileCache, "linux_security.passwd\x00"+user, hfs, path, readSmall,
		func(raw []byte) (bool, error) {
			prefix := user + ":"
			for _, line := range strings.Split(string(raw), "\n") {
				if strings.HasPrefix(line, prefix) {
					return true, nil
				}
			}
			return false, nil
		})
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return present, err
}

func uniqueSorted(in []string) []string {
	seen := map[string]bool{}
	out := make([]string, 0, len(in))
	for _, v := range in {
		if v != "" && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	sort.Strings(out)
	return out
}

func init() {
	registerBundleAgent("linux_security", func(string) bundle.Agent {
		return bundle.Agent{Name: "linux_security", Files: func(bundle.Host) []bundle.File {
			return []bundle.File{{Name: "selinux_config", Paths: []string{"/etc/selinux/config"}}}
		}}
	})
}
