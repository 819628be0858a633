package collector

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/secagent-exporter/secagent_exporter/collector/msgtable"
	"github.com/secagent-exporter/secagent_exporter/collector/probe"
	"github.com/secagent-exporter/secagent_exporter/internal/bundle"
	"github.com/secagent-exporter/secagent_exporter/internal/host"

	"github.com/alecthomas/kingpin/v2"

	"github.com/secagent-exporter/secagent_exporter/collector/logtail"
	"github.com/secagent-exporter/secagent_exporter/collector/mcafee"
	"github.com/secagent-exporter/secagent_exporter/collector/pkgdb"
)

// The mcafee collector reports the McAfee / Trellix Agent on this host: what `cmdagent -i`
// says (version, GUID, managed mode, last ASCI and policy times) and what the agent service
// logs tell about each agent-to-server communication (ASCI): its outcome, the key update
// an MA 4.5 -> 4.6/4.8 upgrade needs (sources.md S1), the sequence refusal of a restored or
// cloned agent (sources.md S2 / KB60776), and service restarts.
//
// The flags fill mcafeeFlags; mcafee.AgentLayout (collector/mcafee/layout.go) turns them into paths.
var mcafeeFlags = func() *mcafeeFlagValues {
	f := &mcafeeFlagValues{}
	kingpin.Flag("collector.mcafee.cmdagent",
		`Path of cmdagent. Default: /opt/McAfee/agent/bin/cmdagent, then the MA 4.x /opt/McAfee/cma/bin/cmdagent (under --path.rootfs); C:\Program Files\McAfee\Agent\cmdagent.exe, then the MA 4.x C:\Program Files\McAfee\Common Framework\cmdagent.exe and its Program Files (x86) twin on Windows. Only "cmdagent -i" is ever run.`).
		Default("").StringVar(&f.CmdAgent)
	kingpin.Flag("collector.mcafee.log-dir",
		`Directory of the agent logs (masvc_*.log, macmnsvc_*.log, MA 4.x Agent_*.log or the Linux MA 4.x file "log"). Default: cmdagent's LogLocation plus /var/McAfee/agent/logs and /opt/McAfee/cma/scratch/etc; C:\ProgramData\McAfee\Agent\logs and C:\ProgramData\McAfee\Common Framework\DB on Windows.`).
		Default("").StringVar(&f.LogDir)
	kingpin.Flag("collector.mcafee.log-encoding",
		"Encoding of the agent logs: auto (BOM, UTF-16LE, UTF-8, then Shift_JIS), utf-8, utf-16le, utf-16be or shift_jis.").
		Default("auto").StringVar(&f.LogEncoding)
	messagesFileFlag("mcafee", "McAfee/Trellix agent log", &f.MessagesFile)
	return f
}()

type mcafeeFlagValues struct {
	mcafee.Settings
	LogEncoding  string
	MessagesFile string
}

func init() {
	registerCollector("mcafee", true, newMcAfeeCollector)
}

// Log source names: the state key of each log family and the source label of
// secagent_log_lines_total, epo_agent_log_files and secagent_source_success.
const (
	mcafeeAgentLogSource    = "mcafee_agent_log"
	mcafeeMacmnsvcLogSource = "mcafee_macmnsvc_log"
)

var (
	epoAgentInfoDesc = NewDesc("epo_agent_info",
		"Always 1; labels from cmdagent -i (or the Windows registry when cmdagent fails): agent version, GUID (upper-case, no braces), mode (managed, unmanaged or the raw AgentMode), epo_server (last-used or first configured ePO server host). On Linux, when cmdagent gives no version, the version of the MFEcma package in dpkg or rpm (the other labels then empty).",
		"version", "guid", "mode", "epo_server")
	epoAgentVersionMissingDesc = NewDesc("epo_agent_version_missing_reason",
		"1 for why the epo_agent_info version is empty, 0 for the other reasons; all 0 when the version is known (Linux): not_in_package_db, no_package_db, package_db_unreadable, package_db_unsupported; cmdagent -i gave none either.",
		"reason")
	epoLastASCISuccessDesc = NewDesc("epo_last_asci_success",
		"1 if the most recent agent-to-server communication (ASCI) in the agent log succeeded, 0 if it failed; absent until an ASCI outcome has been seen.")
	epoLastASCITimestampDesc = NewDesc("epo_last_asci_timestamp_seconds",
		"Start of the most recent ASCI attempt (agent log, or cmdagent LastASCTime when newer).")
	epoLastASCISuccessTimestampDesc = NewDesc("epo_last_asci_success_timestamp_seconds",
		"Start of the most recent successful ASCI: the newer of the agent log and cmdagent LastASCTime (registry LastASCTime on Windows when cmdagent fails).")
	epoLastPolicyUpdateDesc = NewDesc("epo_last_policy_update_timestamp_seconds",
		"cmdagent LastPolicyUpdateTime; absent when the agent never received a policy.")
	epoASCIConsecutiveFailuresDesc = NewDesc("epo_asci_consecutive_failures",
		"ASCI attempts that failed since the last successful one (agent log).")
	epoLastASCIFailureReasonDesc = NewDesc("epo_last_asci_failure_reason",
		"1 for the reason the most recent ASCI failed (key_update, sequence_rejected, network, server_error, other), 0 for the others; all 0 when the most recent ASCI succeeded.",
		"reason")
	epoKeyUpdatePendingDesc = NewDesc("epo_agent_key_update_pending",
		"1 after ePO refused the agent key (access denied; agent to update keys / KeyUpdate package, sources.md S1) until a later ASCI succeeds.")
	epoAgentManagedDesc = NewDesc("epo_agent_managed",
		"1 if cmdagent reports AgentMode 1 (managed by ePO), 0 otherwise.")
	epoServiceRestartsDesc = NewDesc("epo_agent_service_restarts_total",
		"Agent service restarts seen in the agent logs (a new PID, or a start after SERVICE_CONTROL_STOP).")
	epoLogEventsDesc = NewDesc("epo_log_events_total",
		"Classified agent log events, by event (closed set, see docs/collectors/mcafee.md).", "event")
	epoASCIAttemptsDesc = NewDesc("epo_asci_attempts_total",
		"ASCI attempts seen in the agent log by outcome: succeeded, failed, or abandoned (a new ASCI started before any outcome).",
		"outcome")
	epoAgentLogFilesDesc = NewDesc("epo_agent_log_files",
		"Agent log files matched in this scrape, by log source (0: no log found where the agent writes it).", "source")
)

// mcafeeConfig is what the flags select; tests build it directly.
type mcafeeConfig struct {
	// cmdagent and logDir are the mcafee.Settings the layout is built from.
	cmdagent    string // host path override, "" for the defaults
	logDir      string // host path override, "" for LogLocation and the defaults
	logEncoding string
	// registry is the Windows fallback; nil where there is none.
	registry mcafee.RegistryReader
	// classifier is the agent log table with the site's rows; nil for the built-in one.
	classifier *msgtable.Classifier
}

// mcafeeLogFamily is one stream of agent logs with the ASCI state derived from it.
type mcafeeLogFamily struct {
	name  string
	log   *logPipeline
	state mcafee.ASCIState
}

type mcafeeCollector struct {
	env    Env
	cfg    mcafeeConfig
	layout mcafee.Layout
	store  *logtail.Store
	// agentLog (masvc_, Agent_, MA 4.x Linux "log") decides the ASCI metrics; macmnsvc
	// only adds events and restarts. They are apart because Linux MA 5.x logs no process
	// name, so one state fed both would take the other service's PID for a restart.
	agentLog, macmnsvcLog *mcafeeLogFamily
	// logLocation is the last LogLocation cmdagent printed, kept while cmdagent hangs.
	logLocation string
	// packages gives the version on Linux when cmdagent does not.
	packages *pkgdb.Finder
}

func newMcAfeeCollector(env Env) (Collector, error) {
	classifier, err := loadClassifier("mcafee", mcafeeFlags.MessagesFile)
	if err != nil {
		return nil, err
	}
	cfg := mcafeeConfig{
		cmdagent:    mcafeeFlags.CmdAgent,
		logDir:      mcafeeFlags.LogDir,
		logEncoding: mcafeeFlags.LogEncoding,
		classifier:  classifier,
	}
	if env.Paths.OS() == "windows" {
		cfg.registry = mcafee.NewRegistryReader()
	}
	return newMcAfeeCollectorWith(env, cfg), nil
}

func newMcAfeeCollectorWith(env Env, cfg mcafeeConfig) *mcafeeCollector {
	store := env.logStore()
	return &mcafeeCollector{
		env:         env,
		cfg:         cfg,
		layout:      mcafee.AgentLayout(env.Paths.OS(), mcafee.Settings{CmdAgent: cfg.cmdagent, LogDir: cfg.logDir}),
		store:       store,
		agentLog:    newMcAfeeLogFamily(env, store, cfg, mcafeeAgentLogSource),
		macmnsvcLog: newMcAfeeLogFamily(env, store, cfg, mcafeeMacmnsvcLogSource),
		packages:    newPackageFinder(env),
	}
}

func (c *mcafeeCollector) location() *time.Location {
	if c.env.Location != nil {
		return c.env.Location
	}
	return time.Local
}

func (c *mcafeeCollector) Update(ctx context.Context, s *Scrape) error {
	loc := c.location()

	cmdPath := c.findCmdAgent()
	var info *mcafee.CmdAgentInfo
	var cmdErr error
	if cmdPath != "" {
		info, cmdErr = c.runCmdAgent(ctx, s, cmdPath, loc)
	}
	var reg *mcafee.RegistryAgentInfo
	var regErr error
	if c.cfg.registry != nil && info == nil {
		r, err := mcafee.ReadAgentRegistry(c.cfg.registry, loc)
		if r.KeyPresent {
			reg = &r
		}
		regErr = err
	}
	if info != nil && info.LogLocation != "" && host.IsAbsHostPath(info.LogLocation) {
		c.logLocation = info.LogLocation
	}

	dirs := c.logDirs()
	dirsPresent, dirErr := checkLogDirs(c.env.Paths.Host(), c.resolvedLogDirs(dirs))
	installed := cmdPath != "" || reg != nil || dirsPresent || dirErr != nil
	s.AgentInstalled(AgentMcAfee, installed)
	if !installed {
		return nil
	}

	switch {
	case cmdPath == "" && reg == nil:
		// Logs without cmdagent: an agent removed without its logs, or installed where
		// the defaults do not look. Worth seeing, not worth failing the collector for.
		s.SourceOptional("cmdagent", fmt.Errorf("no cmdagent at %s: %w",
			strings.Join(c.cmdAgentCandidates(), ", "), ErrCommandNotFound))
	case cmdPath == "":
	case cmdErr != nil && reg != nil && regErr == nil:
		// The registry answered what cmdagent could not: degraded, not failed.
		s.SourceOptional("cmdagent", cmdErr)
	default:
		s.Source("cmdagent", cmdErr)
	}
	if c.cfg.registry != nil && info == nil {
		s.Source("registry", regErr)
	}

	if dirErr != nil {
		s.Source(mcafeeAgentLogSource, dirErr)
	}
	c.pollLogs(ctx, s, dirs, loc)

	c.emitAgentInfo(s, info, reg)
	c.emitASCI(s, info, reg)
	return nil
}

// findCmdAgent returns the resolved path of the cmdagent to run, "" when none exists.
func (c *mcafeeCollector) findCmdAgent() string {
	for _, p := range c.cmdAgentCandidates() {
		resolved := c.env.Paths.Root(p)
		if fi, err := c.env.Paths.Host().Stat(resolved); err == nil && !fi.IsDir() {
			return resolved
		}
	}
	return ""
}

func (c *mcafeeCollector) cmdAgentCandidates() []string {
	return c.layout.CmdAgent
}

// runCmdAgent runs `cmdagent -i` and nothing else: the other switches (-c, -e, -p, -f)
// make the agent act (sources.md S12). A non-zero exit with recognisable output counts as
// read, since the output is what the collector needs.
func (c *mcafeeCollector) runCmdAgent(ctx context.Context, s *Scrape, path string, loc *time.Location) (*mcafee.CmdAgentInfo, error) {
	res, memo, runErr := c.env.runCLIMemo(ctx, s, cliMcAfeeCmdAgent, "cmdagent", path, "-i")
	var cmdErr *CommandError
	if errors.As(runErr, &cmdErr) && (cmdErr.TimedOut || cmdErr.ExitCode < 0) {
		// Killed (by the timeout or a crash) part-way through: what it printed may stop
		// before the keys that matter, so it is not taken as the agent's information.
		return nil, runErr
	}
	if len(res.Stdout) == 0 {
		if runErr == nil {
			runErr = mcafee.ErrNoAgentInfo
		}
		return nil, runErr
	}
	info, err := parseCLI(memo, cliParseKey{"mcafee.cmdagent_info", loc}, func() (mcafee.CmdAgentInfo, error) {
		return mcafee.ParseCmdAgentInfo(res.Stdout, loc)
	})
	if err != nil {
		if runErr != nil {
			return nil, runErr
		}
		return nil, err
	}
	if runErr != nil {
		c.env.Logger.Debug("cmdagent failed but printed its information", "err", runErr)
	}
	return &info, nil
}

// logDirs lists the host directories searched for agent logs.
func (c *mcafeeCollector) logDirs() []string {
	return c.layout.LogDirs(c.logLocation)
}

// resolvedLogDirs are the log directories under --path.rootfs.
func (c *mcafeeCollector) resolvedLogDirs(dirs []string) []string {
	out := make([]string, len(dirs))
	for i, d := range dirs {
		out[i] = c.env.Paths.Root(d)
	}
	return out
}

// Log file names come from the layout. Globs are case-insensitive because the host
// name part and the MA 4.x "Agent_<SYSTEM>.LOG" spelling vary; the rotated names match
// too, so the tailer finishes a rotated file before the new one.
func logGlobs(dirs, names []string) []string {
	var globs []string
	for _, d := range dirs {
		for _, n := range names {
			globs = append(globs, filepath.Join(escapeGlob(d), caseInsensitiveGlob(n)))
		}
	}
	return globs
}

// escapeGlob makes a directory name literal in a glob pattern.
func escapeGlob(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '*', '?', '[':
			b.WriteString("[" + string(r) + "]")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// caseInsensitiveGlob turns letters into [xX] classes; '*' and other bytes are kept.
func caseInsensitiveGlob(s string) string {
	var b strings.Builder
	for _, r := range s {
		if lo, up := strings.ToLower(string(r)), strings.ToUpper(string(r)); lo != up {
			b.WriteString("[" + lo + up + "]")
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func (c *mcafeeCollector) pollLogs(ctx context.Context, s *Scrape, dirs []string, loc *time.Location) {
	resolved := c.resolvedLogDirs(dirs)
	classifier := c.cfg.classifier
	if classifier == nil {
		classifier = mcafee.DefaultAgentClassifier()
	}
	for _, fam := range []struct {
		*mcafeeLogFamily
		names    []string
		optional bool
	}{
		{c.agentLog, c.layout.AgentLogNames, false},
		{c.macmnsvcLog, c.layout.MacmnsvcLogNames, true},
	} {
		// Rebuilt when cmdagent reports another LogLocation; the ASCI state continues.
		fam.log.setGlobs(logGlobs(resolved, fam.names))
		err := fam.log.poll(ctx, nil, func(r logtail.Record) lineResult {
			line, ok := mcafee.ParseAgentLine(r.Text, loc)
			if !ok {
				return lineUnclassified
			}
			result := lineClassified
			ev, ok := mcafee.EventFromLine(classifier, line)
			if !ok {
				result = lineUnclassified
				// Unclassified lines still carry the PID a restart shows in.
				ev = mcafee.AgentEvent{Time: line.Time, Process: line.Process, PID: line.PID}
			}
			fam.state.Apply(ev)
			return result
		})
		files := fam.log.filesSeen()
		// macmnsvc exists only on MA 5.x: an MA 4.x host does not list it.
		if fam.optional && files == 0 && err == nil && fam.log.counts == (LogLineCounts{}) {
			continue
		}
		s.Source(fam.name, err)
		s.Gauge(epoAgentLogFilesDesc, float64(files), fam.name)
		fam.log.emitLines(s, fam.name)
	}
}

// newMcAfeeLogFamily reads one stream of agent logs; its globs are set per scrape.
func newMcAfeeLogFamily(env Env, store *logtail.Store, cfg mcafeeConfig, name string) *mcafeeLogFamily {
	fam := &mcafeeLogFamily{name: name}
	fam.log = newLogPipeline(env, store, logtail.Source{
		Name:          name,
		Encoding:      cfg.logEncoding,
		IsRecordStart: mcafee.IsAgentRecordStart,
		FS:            env.Paths.Host(),
		OnSkip:        skipCounter("mcafee"),
	}, &fam.state)
	return fam
}

func (c *mcafeeCollector) emitAgentInfo(s *Scrape, info *mcafee.CmdAgentInfo, reg *mcafee.RegistryAgentInfo) {
	// Linux: the package database when cmdagent gives no version (hung, broken, removed
	// binary with the package still registered). Windows has no package database to ask.
	version, reason := "", ""
	if info != nil {
		version = info.Version
	}
	linux := c.env.Paths.OS() != "windows"
	if version == "" && linux {
		version, reason = packageVersion(c.packages, c.layout.Packages)
	}
	if linux {
		emitVersionMissing(s, epoAgentVersionMissingDesc, version, reason)
	}
	switch {
	case info != nil:
		server := info.EPOServerLastUsed
		if server == "" && len(info.EPOServers) > 0 {
			server = info.EPOServers[0].Host
		}
		s.Gauge(epoAgentInfoDesc, 1, s.VersionLabel("version", version), s.GUIDLabel("guid", info.GUID), agentModeLabel(info.Mode), s.HostLabel("epo_server", server))
		if info.Mode.Value >= 0 {
			s.Bool(epoAgentManagedDesc, info.Mode.Managed)
		}
		if !info.LastPolicyUpdateTime.IsZero() {
			s.Gauge(epoLastPolicyUpdateDesc, unixSeconds(info.LastPolicyUpdateTime))
		}
	case reg != nil:
		server := ""
		if len(reg.EPOServers) > 0 {
			server = reg.EPOServers[0].Host
		}
		s.Gauge(epoAgentInfoDesc, 1, "", s.GUIDLabel("guid", reg.GUID), "", s.HostLabel("epo_server", server))
	case version != "":
		s.Gauge(epoAgentInfoDesc, 1, s.VersionLabel("version", version), "", "", "")
	}
}

// emitASCI publishes the ASCI state. It comes from the persisted log state, so it is
// published even in a scrape whose log read failed: it is the last thing known, and
// secagent_source_success says the read failed.
func (c *mcafeeCollector) emitASCI(s *Scrape, info *mcafee.CmdAgentInfo, reg *mcafee.RegistryAgentInfo) {
	st := &c.agentLog.state
	var cmdLast time.Time
	switch {
	case info != nil:
		cmdLast = info.LastASCTime
	case reg != nil:
		cmdLast = reg.LastASCTime
	}
	if st.HasOutcome {
		s.Bool(epoLastASCISuccessDesc, st.LastSuccessful)
	}
	if t := mcafee.PreferNewer(st.LastAttempt, cmdLast); !t.IsZero() {
		s.Gauge(epoLastASCITimestampDesc, unixSeconds(t))
	}
	if t := mcafee.PreferNewer(st.LastSuccess, cmdLast); !t.IsZero() {
		s.Gauge(epoLastASCISuccessTimestampDesc, unixSeconds(t))
	}
	s.Gauge(epoASCIConsecutiveFailuresDesc, float64(st.ConsecutiveFailures))
	// LastFailureReason survives a later success in the state; only a failed last ASCI
	// has a current reason.
	current := ""
	if st.HasOutcome && !st.LastSuccessful {
		current = st.LastFailureReason
		if current == "" {
			current = mcafee.ReasonOther
		}
	}
	for _, r := range mcafee.FailureReasons {
		s.Bool(epoLastASCIFailureReasonDesc, r == current, r)
	}
	s.Bool(epoKeyUpdatePendingDesc, st.KeyUpdatePending)
	s.Counter(epoASCIAttemptsDesc, float64(st.Successes), "succeeded")
	s.Counter(epoASCIAttemptsDesc, float64(st.Failures), "failed")
	s.Counter(epoASCIAttemptsDesc, float64(st.Abandoned), "abandoned")

	cmn := &c.macmnsvcLog.state
	s.Counter(epoServiceRestartsDesc, float64(st.ServiceRestarts+cmn.ServiceRestarts))
	for _, ev := range mcafee.AgentEvents {
		s.Counter(epoLogEventsDesc, float64(st.EventCounts[ev]+cmn.EventCounts[ev]), ev)
	}
}

// agentModeLabel names the AgentMode values sources.md S12 documents and keeps others raw.
func agentModeLabel(m mcafee.AgentMode) string {
	switch {
	case m.Value < 0:
		return ""
	case m.Value == 1:
		return "managed"
	case m.Value == 0:
		return "unmanaged"
	}
	return strconv.Itoa(m.Value)
}

// serverHostLabel keeps one host name: no port, no path, bounded length, printable.
func serverHostLabel(server string) string {
	server = strings.TrimSpace(server)
	// Never a URL: no scheme, no userinfo (credentials, split at the last '@'), no path.
	if i := strings.Index(server, "://"); i >= 0 {
		server = server[i+3:]
	}
	if i := strings.LastIndexByte(server, '@'); i >= 0 {
		server = server[i+1:]
	}
	if i := strings.IndexAny(server, "/?#"); i >= 0 {
		server = server[:i]
	}
	if strings.Count(server, ":") == 1 {
		server, _, _ = strings.Cut(server, ":")
	}
	if len(server) > 128 || strings.Trim(server, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_:[]") != "" {
		return ""
	}
	return server
}

func init() { registerBundleAgent("mcafee", mcafeeBundleAgent) }

// mcafeeBundleAgent: `cmdagent -i`, then the agent logs in the LogLocation it printed
// and the layout's directories.
func mcafeeBundleAgent(goos string) bundle.Agent {
	l := mcafee.AgentLayout(goos, mcafeeFlags.Settings)
	classifier, note := bundleClassifier("mcafee", mcafeeFlags.MessagesFile, mcafee.DefaultAgentClassifier)
	return bundle.Agent{
		Name:     "mcafee",
		Commands: []bundle.Command{{Name: "mcafee_cmdagent_i", Paths: l.CmdAgent, Args: []string{"-i"}}},
		Logs: func(h bundle.Host, outputs map[string][]byte) []bundle.Log {
			logLocation := ""
			if info, err := mcafee.ParseCmdAgentInfo(outputs["mcafee_cmdagent_i"], h.Location); err == nil && host.IsAbsHostPath(info.LogLocation) {
				logLocation = info.LogLocation
			}
			return []bundle.Log{{
				Name:     "mcafee_agent",
				Dirs:     l.LogDirs(logLocation),
				Patterns: append(append([]string{}, l.AgentLogNames...), l.MacmnsvcLogNames...),
				Message: func(line string, loc *time.Location) (string, bool) {
					al, ok := mcafee.ParseAgentLine(line, loc)
					return al.Message, ok
				},
				Classifier: classifier,
				Note:       note,
			}}
		},
	}
}

func init() { registerProbeAgent("mcafee", mcafeeProbeTargets) }

// ePO's agent-to-server port when cmdagent prints none: 443 since ePO 5.x (sources.md
// S14: "the agent otherwise uses HTTP(S) 80/443").
const probeEPODefaultPort = 443

// mcafeeTargets runs `cmdagent -i` (read-only; -c/-e/-p would make the agent call the
// server) and probes every ePO server / agent handler it lists. The agent's proxy is part
// of ePO policy and not readable on the host, so the exporter's environment proxy applies.
func mcafeeProbeTargets(c *probeCollector, ctx context.Context) ([]probe.Target, []probeSource) {
	cli := ""
	// The mcafee collector's layout: an operator's --collector.mcafee.cmdagent applies here.
	for _, p := range mcafee.AgentLayout(c.goos(), mcafeeFlags.Settings).CmdAgent {
		if resolved := c.env.Paths.Root(p); fileExists(c.env.Paths.Host(), resolved) {
			cli = resolved
			break
		}
	}
	if cli == "" || c.env.Runner == nil {
		return nil, nil
	}
	// The same background run as the mcafee collector's (one cmdagent per interval for
	// both); its freshness is reported there.
	res, err := c.env.runCLI(ctx, nil, cliMcAfeeCmdAgent, "mcafee_cmdagent", cli, "-i")
	if err != nil && len(res.Stdout) == 0 {
		return nil, []probeSource{{"mcafee_cmdagent", err}}
	}
	info, perr := mcafee.ParseCmdAgentInfo(res.Stdout, c.env.Location)
	if perr != nil {
		return nil, []probeSource{{"mcafee_cmdagent", perr}}
	}
	var targets []probe.Target
	for _, srv := range info.EPOServers {
		port := srv.Port
		if port == 0 {
			port = probeEPODefaultPort
		}
		if _, _, err := probe.SplitName(probe.JoinName(srv.Host, port)); err != nil {
			continue
		}
		name := probe.JoinName(srv.Host, port)
		targets = append(targets, probe.Target{
			Agent: AgentMcAfee, Name: name, Proxy: c.environmentProxy(name), SkipChainVerify: true,
		})
	}
	return targets, []probeSource{{"mcafee_cmdagent", nil}}
}
