package collector

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"time"

	"github.com/secagent-exporter/secagent_exporter/collector/msgtable"
	"github.com/secagent-exporter/secagent_exporter/collector/probe"
	"github.com/secagent-exporter/secagent_exporter/internal/bundle"

	"github.com/alecthomas/kingpin/v2"
	"github.com/secagent-exporter/secagent_exporter/collector/logtail"
	"github.com/secagent-exporter/secagent_exporter/collector/pkgdb"
	"github.com/secagent-exporter/secagent_exporter/collector/qualys"
	"github.com/secagent-exporter/secagent_exporter/collector/winsvc"
)

// The qualys collector reports the Qualys Cloud Agent's health: is it installed and
// running, does it reach the Qualys platform (its log is the only local witness, sources.md S4:
// no HTTPS/443 path or a wrong proxy), is FIM fed by the audit subsystem it is configured
// for (sources.md S10; sources.md S4: auditd holding the netlink socket loses FIM events).
//
// The flags fill qualysFlags; qualys.AgentLayout (collector/qualys/layout.go) turns them into paths.
var qualysFlags = func() *qualysFlagValues {
	f := &qualysFlagValues{}
	LinuxOnlyFlag(runtime.GOOS, kingpin.Flag("collector.qualys.config",
		"qualys-cloud-agent.conf to read on Linux. Empty: the first of /etc/qualys/cloud-agent/qualys-cloud-agent.conf and /etc/opt/qualys/cloud-agent/qualys-cloud-agent.conf. Resolved under --path.rootfs.")).
		Default("").StringVar(&f.Config)
	kingpin.Flag("collector.qualys.log-dir",
		`Directory holding the agent log and its archives. Empty: the LogFileDir of qualys-cloud-agent.conf (absolute paths only), then /var/log/qualys and /var/opt/qualys/cloud-agent/log on Linux (qualys-cloud-agent.log, .log.N), C:\ProgramData\Qualys\QualysAgent on Windows (Log.txt, Archive.*.txt). Resolved under --path.rootfs.`).
		Default("").StringVar(&f.LogDir)
	messagesFileFlag("qualys", "Qualys Cloud Agent log", &f.MessagesFile)
	return f
}()

type qualysFlagValues struct {
	qualys.Settings
	MessagesFile string
}

func init() {
	registerCollector("qualys", true, newQualysCollector)
}

var (
	qualysAgentInfoDesc = NewDesc("qualys_agent_info",
		"Always 1 when the Qualys Cloud Agent is installed. version comes from the agent log (or the package documentation directory on Linux), host_id from <HostIdSearchDir>/qualys/hostid (default /etc/qualys/hostid) or the HostID registry value; either is empty when unknown.",
		"version", "host_id")
	qualysVersionMissingDesc = NewDesc("qualys_version_missing_reason",
		"1 for why the qualys_agent_info version is empty, 0 for the other reasons; all 0 when the version is known (Linux): not_in_package_db, no_package_db, package_db_unreadable, package_db_unsupported (an rpm database in a form not read); the agent log and the package documentation directory gave none either.",
		"reason")
	qualysLogDestDesc = NewDesc("qualys_log_destination",
		"1 for the log destination qualys-cloud-agent.conf LogDestType configures, 0 for the others: file (qualys-cloud-agent.log, also when the key is unset), syslog (the agent writes no log file; its records are read from /var/log/messages or /var/log/syslog), other (Linux).",
		"destination")
	qualysAgentRunningDesc = NewDesc("qualys_agent_running",
		"1 if the agent runs: the qualys-cloud-agent process on Linux, the QualysAgent service in state running on Windows.")
	qualysProcessRunningDesc = NewDesc("qualys_agent_process_running",
		"1 if a process of the agent (or the auditd it depends on for FIM) runs (Linux).", "process")
	qualysLastSuccessDesc = NewDesc("qualys_last_platform_success_timestamp_seconds",
		"Time of the newest successful exchange with the Qualys platform seen in the agent log (kept across exporter restarts); 0 if none was seen.")
	qualysLastFailureDesc = NewDesc("qualys_last_platform_failure_timestamp_seconds",
		"Time of the newest failed exchange with the Qualys platform or its proxy seen in the agent log (kept across exporter restarts); 0 if none was seen.")
	qualysLogEventsDesc = NewDesc("qualys_log_events_total",
		"Agent log records classified as each event since the exporter started (the first start reads a bounded tail of the log).",
		"event")
	qualysWinHTTPErrorsDesc = NewDesc("qualys_winhttp_errors_total",
		"WinHTTP 12xxx errors in the Windows agent log since the exporter started, by reason (Microsoft winhttp.h codes).",
		"reason")
	qualysProxyConfiguredDesc = NewDesc("qualys_proxy_configured",
		"1 if the agent's proxy env file (/etc/sysconfig or /etc/default/qualys-cloud-agent) sets https_proxy or qualys_https_proxy (Linux).")
	qualysProxyAuthDesc = NewDesc("qualys_proxy_auth_configured",
		"1 if a configured proxy URL carries credentials (which are never exported) (Linux).")
	qualysAuditDispatcherDesc = NewDesc("qualys_audit_dispatcher_enabled",
		"UseAuditDispatcher from qualys-cloud-agent.conf: 1 FIM gets audit events through auditd's dispatcher (auditd must run with edr-plugin), 0 the agent owns the audit netlink socket (auditd must be stopped). Absent when the key is not set.")
	qualysFIMConflictDesc = NewDesc("qualys_fim_audit_conflict",
		"1 if the audit set-up contradicts UseAuditDispatcher or the audit rules are immutable (-e 2): FIM events are lost (Linux).")
	qualysFIMConflictReasonDesc = NewDesc("qualys_fim_audit_conflict_reason",
		"1 for the current FIM/audit judgement, 0 for the others: none, auditd_stopped, edr_plugin_missing, auditd_running, audit_immutable (Linux).",
		"reason")
	qualysManifestDesc = NewDesc("qualys_manifest_last_download_timestamp_seconds",
		"Time of the newest manifest download the agent log reports (kept across exporter restarts); absent until one is seen.")
	qualysActivationDesc = NewDesc("qualys_activation_id_configured",
		"1 if an ActivationId is configured (qualys-cloud-agent.conf on Linux, the ActivationID registry value on Windows). The value itself is a secret and never read into the exporter's output.")
)

// qualysLogSource names the agent log in secagent_log_lines_total and the state store.
const qualysLogSource = "qualys_cloud_agent"

// Linux install directory (sources.md S9): its presence alone means installed, even when
// the conf and log are unreadable to an unprivileged exporter.
const qualysInstallDir = "/usr/local/qualys/cloud-agent"

var (
	qualysClassifier = msgtable.MustClassifier(qualys.LogMessages)
	// The WinHTTP rows also run on their own: a line naming a 12xxx code is usually
	// classified as an HTTP or platform failure first, and the reason is still wanted.
	qualysWinHTTPClassifier = msgtable.MustClassifier(rulesFor(qualys.LogMessages, qualys.EventWinHTTPError))
	qualysEventOutcome      = func() map[string]string {
		m := make(map[string]string, len(qualys.LogEvents))
		for _, e := range qualys.LogEvents {
			m[e.Name] = e.Outcome
		}
		return m
	}()
)

func rulesFor(rules []msgtable.Rule, event string) []msgtable.Rule {
	var out []msgtable.Rule
	for _, r := range rules {
		if r.Event == event {
			out = append(out, r)
		}
	}
	return out
}

// qualysLogState is what the log has told so far, persisted with the log offsets so a
// restarted exporter still knows the last platform contact without re-reading the log.
type qualysLogState struct {
	LastSuccess  time.Time `json:"last_platform_success"`
	LastFailure  time.Time `json:"last_platform_failure"`
	LastManifest time.Time `json:"last_manifest_download"`
	Version      string    `json:"version"`
}

type qualysCollector struct {
	env      Env
	windows  bool
	registry qualys.RegistryReader
	services winsvc.Querier
	layout   qualys.Layout
	logDirs  []string // resolved
	log      *logPipeline
	parse    func(string, *time.Location) (qualys.LogLine, bool)
	store    *logtail.Store
	// classifier is LogMessages with the site's rows (--collector.qualys.messages-file).
	classifier *msgtable.Classifier
	// packages reads the version from dpkg or rpm.
	packages *pkgdb.Finder
	// syslog reads the agent's records from the host's syslog files once the conf says
	// LogDestType=syslog; nil until then.
	syslog *logPipeline

	state   qualysLogState
	events  map[string]uint64
	winhttp map[string]uint64
}

func newQualysCollector(env Env) (Collector, error) {
	classifier, err := loadClassifier("qualys", qualysFlags.MessagesFile)
	if err != nil {
		return nil, err
	}
	c := newQualysCollectorFor(env, runtime.GOOS, qualys.NewRegistryReader(), winsvc.New())
	c.classifier = classifier
	return c, nil
}

// newQualysCollectorFor builds the collector for goos; tests pass "windows" with fake
// registry and service readers to run the Windows logic against a fixture tree.
func newQualysCollectorFor(env Env, goos string, registry qualys.RegistryReader, services winsvc.Querier) *qualysCollector {
	c := &qualysCollector{
		env:      env,
		windows:  goos == "windows",
		registry: registry,
		services: services,
		events:   map[string]uint64{},
		winhttp:  map[string]uint64{},
		// Tests build the collector here; newQualysCollector adds the site's rows.
		classifier: qualysClassifier,
	}
	c.packages = newPackageFinder(env)
	// The layout of goos (tests run the Windows logic on Linux).
	c.layout = qualys.AgentLayout(goos, qualysFlags.Settings)
	dirs, _ := c.layout.LogDirs("")
	c.logDirs = c.env.Paths.RootAll(dirs)
	if c.windows {
		c.parse = qualys.ParseWindowsLogLine
	} else {
		c.parse = qualys.ParseLogLine
	}
	c.store = env.logStore()
	src := logtail.Source{Name: qualysLogSource, FS: env.Paths.Host(), OnSkip: skipCounter("qualys"),
		IsRecordStart: qualys.IsRecordStart}
	if c.windows {
		src.IsRecordStart = qualys.IsWindowsRecordStart
	}
	c.log = newLogPipeline(env, c.store, src, &c.state)
	c.buildTailer()
	return c
}

// buildTailer points the log pipeline at c.logDirs. A rebuild continues from the state in
// memory, which the last poll saved.
func (c *qualysCollector) buildTailer() {
	// Linux: Poco's numbered archives (.log.0 ... .log.N); "compress: true" would add .gz
	// files, which the patterns leave out rather than read as text.
	var globs []string
	for _, dir := range c.logDirs {
		for _, pat := range c.layout.LogPatterns {
			globs = append(globs, filepath.Join(dir, pat))
		}
	}
	c.log.setGlobs(globs)
}

// followLogFileDir points the log at the conf's LogFileDir (first, then the default
// directories, which keep archives written before the change) unless
// --collector.qualys.log-dir fixes it. A relative LogFileDir is not followed.
func (c *qualysCollector) followLogFileDir(logFileDir string) {
	if c.layout.LogDirsFixed() || c.windows {
		return
	}
	dirs, ok := c.layout.LogDirs(logFileDir)
	if !ok {
		c.env.Logger.Debug("qualys-cloud-agent.conf LogFileDir is not an absolute path; reading the default log directories")
	}
	resolved := c.env.Paths.RootAll(dirs)
	if slices.Equal(resolved, c.logDirs) {
		return
	}
	c.logDirs = resolved
	c.buildTailer()
}

func (c *qualysCollector) Update(ctx context.Context, s *Scrape) error {
	if c.windows {
		return c.updateWindows(ctx, s)
	}
	return c.updateLinux(ctx, s)
}

func (c *qualysCollector) updateLinux(ctx context.Context, s *Scrape) error {
	p := c.env.Paths
	confPath, conf, confErr := readFirst(p.Host(), "qualys.agent_conf", c.confPaths(), qualys.ParseAgentConf)
	// The host id lives in <HostIdSearchDir>/qualys/hostid (default /etc); a dir that is
	// not an absolute path is not followed.
	hostIDFile, hostIDDirOK := c.layout.HostIDFile(conf.HostIDSearchDir)
	if !hostIDDirOK {
		c.env.Logger.Debug("qualys-cloud-agent.conf HostIdSearchDir is not an absolute path; reading the default host id file")
	}
	hostIDRaw, hostIDErr := cachedParse(hostFileCache, "qualys.hostid", p.Host(), p.Root(hostIDFile), readSmall, rawBytes)
	procs, procErr := scanQualysProcesses(ctx, s, p)
	installed := confPath != "" || !errors.Is(hostIDErr, fs.ErrNotExist) ||
		procs.running[qualys.ProcAgent] || pathExists(p.Host(), p.Root(qualysInstallDir))
	if !installed {
		if procErr != nil {
			s.Source("procfs", procErr)
		}
		s.AgentInstalled(AgentQualys, false)
		return nil
	}
	s.AgentInstalled(AgentQualys, true)

	// A conf that does not exist on an installed agent means "not activated", which is
	// data; one that cannot be read leaves the activation and FIM mode unknown.
	confKnown := true
	if confPath != "" {
		confKnown = sourceResult(s, "agent_conf", confErr)
		if confKnown && len(conf.UnknownKeys)+len(conf.InvalidKeys) > 0 {
			c.env.Logger.Debug("qualys-cloud-agent.conf has keys this exporter does not understand",
				"unknown_keys", conf.UnknownKeys, "invalid_keys", conf.InvalidKeys)
		}
	}
	if confKnown {
		s.Bool(qualysActivationDesc, conf.ActivationIDPresent)
		if conf.UseAuditDispatcher != nil {
			s.Bool(qualysAuditDispatcherDesc, *conf.UseAuditDispatcher)
		}
		dest := qualys.LogDest(conf.LogDest)
		for _, d := range qualys.LogDests {
			s.Bool(qualysLogDestDesc, d == dest, d)
		}
	}
	toSyslog := confKnown && qualys.LogDest(conf.LogDest) == qualys.LogDestSyslog
	if confKnown {
		c.followLogFileDir(conf.LogFileDir)
	}

	hostID := ""
	if !errors.Is(hostIDErr, fs.ErrNotExist) {
		hostID = hostIDLabel(s, hostIDRaw, hostIDErr)
	}

	proxyPath, proxy, proxyErr := readFirst(p.Host(), "qualys.proxy_env", c.env.Paths.RootAll(c.layout.ProxyEnvPaths), qualys.ParseProxyEnv)
	if proxyPath == "" || sourceResult(s, "proxy_env", proxyErr) {
		s.Bool(qualysProxyConfiguredDesc, len(proxy.Proxies) > 0)
		s.Bool(qualysProxyAuthDesc, proxy.AuthConfigured)
	}

	if s.Source("procfs", procErr) {
		s.Bool(qualysAgentRunningDesc, procs.running[qualys.ProcAgent])
		for _, name := range qualys.AgentProcesses {
			s.Bool(qualysProcessRunningDesc, procs.running[name], name)
		}
		immutable, err := auditRulesImmutable(p)
		// Unreadable rules (root-only on RHEL) still leave the mode mismatch to judge;
		// the failed source says immutability was not checked.
		sourceResult(s, "audit_rules", err)
		var dispatcher *bool
		if confKnown {
			dispatcher = conf.UseAuditDispatcher
		}
		conflict, reason := qualys.FIMAuditConflict(dispatcher, procs.running[qualys.ProcAuditd],
			procs.edrPluginUnderAuditd, err == nil && immutable)
		s.Bool(qualysFIMConflictDesc, conflict)
		for _, r := range qualys.FIMAuditReasons {
			s.Bool(qualysFIMConflictReasonDesc, r == reason, r)
		}
	}

	logRead := c.pollLog(ctx, s)
	if toSyslog {
		// The agent writes no qualys-cloud-agent.log: its records are in the syslog
		// files, and the "syslog" source says whether they could be read.
		logRead = c.pollSyslog(ctx, s)
	}
	// The package database first (the doc-dir name carries a version only on older RPM
	// systems), then the agent log, then the doc directory.
	version, reason := packageVersion(c.packages, c.layout.Packages)
	if version == "" {
		version = c.state.Version
	}
	if version == "" {
		version = docDirVersion(p)
	}
	emitVersionMissing(s, qualysVersionMissingDesc, version, reason)
	s.Gauge(qualysAgentInfoDesc, 1, s.VersionLabel("version", version), s.GUIDLabel("host_id", hostID))
	c.emitLog(s, logRead)
	return nil
}

func (c *qualysCollector) updateWindows(ctx context.Context, s *Scrape) error {
	reg, regErr := qualys.ReadRegistryState(c.registry)
	svc, svcErr := c.services.State(c.layout.ServiceName)
	installed := (regErr == nil && reg.KeyPresent) || (svcErr == nil && svc.Installed)
	if !installed {
		// Either reader failing leaves presence undecided: say which.
		if regErr != nil {
			sourceResult(s, "registry", regErr)
		}
		if svcErr != nil {
			sourceResult(s, "service", svcErr)
		}
		s.AgentInstalled(AgentQualys, false)
		return nil
	}
	s.AgentInstalled(AgentQualys, true)
	hostID := ""
	if sourceResult(s, "registry", regErr) {
		s.Bool(qualysActivationDesc, reg.ActivationIDPresent)
		if reg.HostID != "" {
			hostID = hostIDLabel(s, []byte(reg.HostID), nil)
		}
	}
	if sourceResult(s, "service", svcErr) {
		s.Bool(qualysAgentRunningDesc, svc.Running())
	}
	logRead := c.pollLog(ctx, s)
	s.Gauge(qualysAgentInfoDesc, 1, s.VersionLabel("version", c.state.Version), s.GUIDLabel("host_id", hostID))
	c.emitLog(s, logRead)
	for _, r := range qualys.WinHTTPReasons {
		s.Counter(qualysWinHTTPErrorsDesc, float64(c.winhttp[r]), r)
	}
	return nil
}

// hostIDLabel validates a host id before it becomes a label. An empty file is an agent
// not yet activated; anything that is not a UUID degrades the source (the file format
// is UNVERIFIED, sources.md S9) without failing the collector, and the content is never
// logged.
func hostIDLabel(s *Scrape, raw []byte, readErr error) string {
	if readErr != nil {
		sourceResult(s, "host_id", readErr)
		return ""
	}
	id, err := qualys.ParseHostID(raw)
	switch {
	case errors.Is(err, qualys.ErrHostIDEmpty):
		s.Source("host_id", nil)
		return ""
	case err != nil:
		s.SourceOptional("host_id", err)
		return ""
	}
	s.Source("host_id", nil)
	return id
}

func (c *qualysCollector) confPaths() []string {
	return c.env.Paths.RootAll(c.layout.ConfPaths)
}

// pollLog reads what the log gained since the last scrape and persists the derived state
// with the offsets. It reports whether the log directory could be read.
func (c *qualysCollector) pollLog(ctx context.Context, s *Scrape) bool {
	return sourceResult(s, "log", c.log.poll(ctx, c.logDirs, c.handleRecord))
}

// pollSyslog reads what the host's syslog files gained, keeping only the agent's lines.
// It reports whether the files could be read.
func (c *qualysCollector) pollSyslog(ctx context.Context, s *Scrape) bool {
	if c.syslog == nil {
		// Both sources save the one derived state; the syslog's saved copy is merged in.
		c.syslog = newLogPipeline(c.env, c.store, logtail.Source{Name: qualysLogSource + "_syslog",
			FS: c.env.Paths.Host(), OnSkip: skipCounter("qualys")}, &c.state)
		var saved qualysLogState
		c.syslog.load = &saved
		c.syslog.setGlobs(c.env.Paths.RootAll(c.layout.SyslogFiles))
		if c.syslog.loaded {
			c.state.merge(saved)
		}
	}
	now := time.Now()
	if c.env.Now != nil {
		now = c.env.Now()
	}
	err := c.syslog.poll(ctx, nil, func(r logtail.Record) lineResult {
		l, ours, ok := qualys.ParseSyslogLine(r.Text, c.env.Location, now)
		if !ours {
			return lineIgnored // another program's line
		}
		if !ok {
			return lineUnclassified
		}
		return c.handleLine(l)
	})
	return sourceResult(s, "syslog", err)
}

// merge keeps the newer of each derived time; the version of o fills an empty one.
func (st *qualysLogState) merge(o qualysLogState) {
	for _, p := range []struct{ dst, src *time.Time }{
		{&st.LastSuccess, &o.LastSuccess}, {&st.LastFailure, &o.LastFailure}, {&st.LastManifest, &o.LastManifest},
	} {
		if p.src.After(*p.dst) {
			*p.dst = *p.src
		}
	}
	if st.Version == "" {
		st.Version = o.Version
	}
}

func (c *qualysCollector) handleRecord(r logtail.Record) lineResult {
	l, ok := c.parse(r.Text, c.env.Location)
	if !ok {
		return lineUnclassified
	}
	return c.handleLine(l)
}

// handleLine classifies one parsed agent record, from the log file or from syslog.
func (c *qualysCollector) handleLine(l qualys.LogLine) lineResult {
	if v := qualys.AgentVersion(l); v != "" {
		c.state.Version = v
	}
	if c.windows {
		if m, ok := qualysWinHTTPClassifier.Classify(l.Message); ok {
			code, _ := strconv.Atoi(m.Fields["winhttp_code"])
			c.winhttp[qualys.WinHTTPReason(code)]++
		}
	}
	m, ok := c.classifier.Classify(l.Message)
	if !ok {
		return lineUnclassified
	}
	c.events[m.Event]++
	// Newest by time, not by position: the agent's threads do not always write in order.
	latest := func(t *time.Time) {
		if l.Time.After(*t) {
			*t = l.Time
		}
	}
	switch qualysEventOutcome[m.Event] {
	case qualys.OutcomeSuccess:
		latest(&c.state.LastSuccess)
	case qualys.OutcomeFailure:
		latest(&c.state.LastFailure)
	}
	if m.Event == qualys.EventManifestDownloaded {
		latest(&c.state.LastManifest)
	}
	return lineClassified
}

// emitLog records the log-derived series. The platform timestamps are only reported when
// the log could be read: a 0 from an unreadable log would look like "never contacted".
func (c *qualysCollector) emitLog(s *Scrape, logRead bool) {
	if logRead {
		s.Gauge(qualysLastSuccessDesc, unixSeconds(c.state.LastSuccess))
		s.Gauge(qualysLastFailureDesc, unixSeconds(c.state.LastFailure))
	}
	if !c.state.LastManifest.IsZero() {
		s.Gauge(qualysManifestDesc, unixSeconds(c.state.LastManifest))
	}
	for _, e := range qualys.LogEvents {
		if e.Name == qualys.EventWinHTTPError && !c.windows {
			continue
		}
		s.Counter(qualysLogEventsDesc, float64(c.events[e.Name]), e.Name)
	}
	c.log.emitLines(s, qualysLogSource, c.syslog)
}

// sourceResult records a source, degrading instead of failing when the exporter lacks
// the privilege: the conf, log and audit rules are root-only on most distributions, and an
// unprivileged exporter should still report what it can (docs/collectors/qualys.md).
func sourceResult(s *Scrape, name string, err error) bool {
	if errors.Is(err, fs.ErrPermission) {
		return s.SourceOptional(name, err)
	}
	return s.Source(name, err)
}

// docDirVersion is the newest version among the package documentation directories, ""
// when there is none.
func docDirVersion(p Paths) string {
	matches, _, _ := p.Host().Glob(p.Root("/"+qualys.DocDirGlob), 0)
	newest := ""
	for _, m := range matches {
		if v, ok := qualys.ParseDocDirVersion(filepath.Base(m)); ok && qualys.NewerVersion(v, newest) {
			newest = v
		}
	}
	return newest
}

// qualysProcesses is what procfs says about the agent and auditd.
type qualysProcesses struct {
	running map[string]bool
	// edrPluginUnderAuditd: an edr-plugin descends from auditd, directly (auditd 3.x runs
	// its plugins itself) or through audispd (sources.md S10 sample).
	edrPluginUnderAuditd bool
}

// scanQualysProcesses takes the name of every process from the scrape's shared process
// list (one comm read per process for all collectors) and reads the stat and cmdline only
// of those whose name is a watched one, and the stat of an edr-plugin's ancestors. A
// process that renamed itself away from its binary's name is missed, and so is one whose
// stat cannot be read (a fixture process that gives a name only).
func scanQualysProcesses(ctx context.Context, s *Scrape, p Paths) (qualysProcesses, error) {
	procs := qualysProcesses{running: map[string]bool{}}
	list, err := s.processes(ctx, p)
	if err != nil {
		return procs, err
	}
	names := map[int]string{}
	parents := map[int]int{}
	for _, pr := range list {
		if _, ok := qualys.MatchAgentProcess(pr.Comm, nil); !ok {
			continue
		}
		ppid, ok := pr.parent()
		if !ok {
			continue
		}
		parents[pr.PID] = ppid
		if name, ok := qualys.MatchAgentProcess(pr.Comm, pr.cmdline()); ok {
			names[pr.PID] = name
			procs.running[name] = true
		}
	}
	if !procs.running[qualys.ProcEDRPlugin] || !procs.running[qualys.ProcAuditd] {
		return procs, nil
	}
	byPID := make(map[int]int, len(list))
	for i, pr := range list {
		byPID[pr.PID] = i
	}
	procs.edrPluginUnderAuditd = qualys.EDRPluginUnderAuditd(names, func(pid int) (int, bool) {
		if ppid, ok := parents[pid]; ok {
			return ppid, true
		}
		i, ok := byPID[pid]
		if !ok {
			return 0, false
		}
		ppid, ok := list[i].parent()
		if ok {
			parents[pid] = ppid
		}
		return ppid, ok
	})
	return procs, nil
}

func init() { registerBundleAgent("qualys", qualysBundleAgent) }

// qualysBundleAgent: the conf, host id and proxy env file (Linux, redacted by the
// bundle) where the conf says, and the agent log in its LogFileDir and the defaults.
func qualysBundleAgent(goos string) bundle.Agent {
	l := qualys.AgentLayout(goos, qualysFlags.Settings)
	classifier, note := bundleClassifier("qualys", qualysFlags.MessagesFile, func() *msgtable.Classifier { return qualysClassifier })
	conf := func(h bundle.Host) qualys.AgentConf {
		if h.GOOS == "windows" {
			return qualys.AgentConf{}
		}
		_, c, _ := readFirst(h.Paths.Host(), "qualys.agent_conf", h.Paths.RootAll(l.ConfPaths), qualys.ParseAgentConf)
		return c
	}
	return bundle.Agent{
		Name: "qualys",
		Files: func(h bundle.Host) []bundle.File {
			if h.GOOS == "windows" {
				return nil
			}
			hostID, _ := l.HostIDFile(conf(h).HostIDSearchDir)
			return []bundle.File{
				{Name: "qualys_agent_conf", Paths: l.ConfPaths},
				{Name: "qualys_hostid", Paths: []string{hostID}},
				{Name: "qualys_proxy_env", Paths: l.ProxyEnvPaths},
			}
		},
		Logs: func(h bundle.Host, _ map[string][]byte) []bundle.Log {
			dirs, _ := l.LogDirs(conf(h).LogFileDir)
			parse := qualys.ParseLogLine
			if h.GOOS == "windows" {
				parse = qualys.ParseWindowsLogLine
			}
			return []bundle.Log{{
				Name:     "qualys_cloud_agent",
				Dirs:     dirs,
				Patterns: l.LogPatterns,
				Message: func(line string, loc *time.Location) (string, bool) {
					ll, ok := parse(line, loc)
					return ll.Message, ok
				},
				Classifier: classifier,
				Note:       note,
			}}
		},
	}
}

func init() { registerProbeAgent("qualys", qualysProbeTargets) }

// qualysTargets probes the platform named by ServerUri through the proxy of the agent's
// env file: qualys_https_proxy (platform traffic only) before https_proxy (all traffic),
// the first of up to five, with its credentials. The env file is the only proxy setting
// the Linux agent's service reads, so no other proxy is assumed. The Windows agent keeps
// both in the registry (value names UNVERIFIED, sources.md S9) and is not derived.
func qualysProbeTargets(c *probeCollector, _ context.Context) ([]probe.Target, []probeSource) {
	if c.goos() == "windows" {
		return nil, nil
	}
	// The qualys collector's layout: --collector.qualys.config applies here.
	layout := qualys.AgentLayout(c.goos(), qualysFlags.Settings)
	confPath, conf, err := readFirst(c.env.Paths.Host(), "qualys.agent_conf", c.env.Paths.RootAll(layout.ConfPaths), qualys.ParseAgentConf)
	if confPath == "" {
		return nil, nil
	}
	if err == nil && conf.ServerURI == "" {
		err = errors.New("ServerUri is missing or not a URL")
	}
	sources := []probeSource{{"qualys_agent_conf", err}}
	if err != nil {
		return nil, sources
	}
	host, port, err := probe.SplitName(conf.ServerURI)
	if err != nil {
		sources[0].err = err
		return nil, sources
	}
	target := probe.Target{Agent: AgentQualys, Name: probe.JoinName(host, port)}

	// The logins hold the proxy password: read every run, never cached.
	envPath, logins, err := readFirstIn(nil, c.env.Paths.Host(), "", c.env.Paths.RootAll(layout.ProxyEnvPaths), qualys.ParseProxyLogins)
	if envPath == "" {
		return []probe.Target{target}, sources
	}
	if err == nil {
		target.Proxy, err = qualysProxy(logins)
	}
	sources = append(sources, probeSource{"qualys_proxy_env", err})
	return []probe.Target{target}, sources
}

func qualysProxy(logins []qualys.ProxyLogin) (*probe.ProxySpec, error) {
	for _, kind := range []string{qualys.ProxyKindQualysHTTPS, qualys.ProxyKindHTTPS} {
		for _, l := range logins {
			if l.Kind != kind {
				continue
			}
			host, port, err := probe.SplitName(l.HostPort)
			if err != nil {
				return nil, fmt.Errorf("%s %s has no port; the agent's default is undocumented", l.Kind, l.HostPort)
			}
			return &probe.ProxySpec{Address: probe.JoinName(host, port), Username: l.Username, Password: l.Password}, nil
		}
	}
	return nil, nil
}
