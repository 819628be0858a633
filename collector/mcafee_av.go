package collector

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/alecthomas/kingpin/v2"

	"github.com/secagent-exporter/secagent_exporter/collector/mcafee"
	"github.com/secagent-exporter/secagent_exporter/collector/winsvc"
)

// The mcafee_av collector reports the McAfee/Trellix anti-virus content on this host:
// how old and which version the AMCore content (Endpoint Security, ENS) or DAT files
// (VirusScan Enterprise 8.8, VSE; Endpoint Security for Linux, ENSL) are, the scan engine
// version, and whether the on-access scanner runs. Windows reads the registry and the
// service control manager; Linux runs the ENSL status CLI's read-only switches.
var mcafeeAVFlags = func() *mcafeeAVFlagValues {
	f := &mcafeeAVFlagValues{}
	kingpin.Flag("collector.mcafee_av.ensl-cli",
		`Path of the Endpoint Security for Linux status CLI. Default: /opt/McAfee/ens/tp/bin/mfetpcli (ENSL 10.7+), then /opt/isec/ens/threatprevention/bin/isecav (ENSL 10.2-10.6), under --path.rootfs. Only "--version" and "--getoasconfig --summary" are ever run.`).
		Default("").StringVar(&f.ENSLCLI)
	return f
}()

type mcafeeAVFlagValues struct {
	ENSLCLI string
}

func init() {
	registerCollector("mcafee_av", true, newMcAfeeAVCollector)
}

// Agent names of the anti-virus products in secagent_agent_installed{agent}.
const (
	AgentMcAfeeENS  = "mcafee_ens"
	AgentMcAfeeVSE  = "mcafee_vse"
	AgentMcAfeeENSL = "mcafee_ensl"
)

var mcafeeAVAgents = map[string]string{
	mcafee.ProductENS:  AgentMcAfeeENS,
	mcafee.ProductVSE:  AgentMcAfeeVSE,
	mcafee.ProductENSL: AgentMcAfeeENSL,
}

// Source names of secagent_source_success{collector="mcafee_av"}.
const (
	mcafeeAVRegistrySource = "av_registry"
	mcafeeAVServiceSource  = "on_access_service"
	mcafeeAVVersionSource  = "ensl_version"
	mcafeeAVOnAccessSource = "ensl_on_access"
)

var (
	mcafeeAVContentTimestampDesc = NewDesc("mcafee_av_content_timestamp_seconds",
		"Creation date of the anti-virus content (ENS szContentCreationDate, VSE AVDatDate, ENSL DAT date; midnight in the exporter's zone), or, on ENSL without a DAT date, when the DAT directory was installed. Absent when unreadable.",
		"product")
	mcafeeAVContentVersionDesc = NewDesc("mcafee_av_content_version",
		"Anti-virus content version: the AMCore content or DAT number, the minor as four decimals (5971.0001).",
		"product")
	mcafeeAVEngineInfoDesc = NewDesc("mcafee_av_engine_info",
		"Always 1; the scan engine version of the anti-virus product.",
		"product", "version")
	mcafeeAVOnAccessRunningDesc = NewDesc("mcafee_av_on_access_running",
		"1 if the on-access scanner runs (ENS: mfetp service running and enableoas not 0; VSE: McShield service running; ENSL: on-access scan Enabled and Compliant), 0 if not; absent when it could not be read.",
		"product")
)

type mcafeeAVConfig struct {
	goos     string
	cli      string // host path override, "" for mcafee.ENSLCLIPaths
	registry mcafee.RegistryReader
	services winsvc.Querier
}

type mcafeeAVCollector struct {
	env Env
	cfg mcafeeAVConfig
}

func newMcAfeeAVCollector(env Env) (Collector, error) {
	cfg := mcafeeAVConfig{goos: env.Paths.OS(), cli: mcafeeAVFlags.ENSLCLI}
	if cfg.goos == "windows" {
		cfg.registry = mcafee.NewRegistryReader()
		cfg.services = winsvc.New()
	}
	return &mcafeeAVCollector{env: env, cfg: cfg}, nil
}

func (c *mcafeeAVCollector) now() time.Time {
	if c.env.Now != nil {
		return c.env.Now()
	}
	return time.Now()
}

func (c *mcafeeAVCollector) location() *time.Location {
	if c.env.Location != nil {
		return c.env.Location
	}
	return time.Local
}

func (c *mcafeeAVCollector) Update(ctx context.Context, s *Scrape) error {
	if c.cfg.goos == "windows" {
		c.updateWindows(s)
		return nil
	}
	c.updateLinux(ctx, s)
	return nil
}

// installed reports secagent_agent_installed for the products of this platform: only
// the one found is 1.
func installed(s *Scrape, products []string, found string) {
	for _, p := range products {
		s.AgentInstalled(mcafeeAVAgents[p], p == found)
	}
}

func (c *mcafeeAVCollector) updateWindows(s *Scrape) {
	if c.cfg.registry == nil {
		return
	}
	content, err := mcafee.ReadAVRegistry(c.cfg.registry, c.location(), c.now())
	installed(s, []string{mcafee.ProductENS, mcafee.ProductVSE}, content.Product)
	if content.Product == "" {
		if err != nil {
			s.Source(mcafeeAVRegistrySource, err)
		}
		return
	}
	running, known, oasErr := c.windowsOnAccess(content.Product)
	if content.Product == mcafee.ProductENS {
		enabled, ok, regErr := mcafee.ReadENSOnAccessEnabled(c.cfg.registry)
		err = errors.Join(err, regErr)
		if ok && !enabled {
			running = false
		}
	}
	s.Source(mcafeeAVRegistrySource, err)
	if c.cfg.services != nil {
		s.Source(mcafeeAVServiceSource, oasErr)
	}
	emitAVContent(s, content)
	if known {
		s.Bool(mcafeeAVOnAccessRunningDesc, running, content.Product)
	}
}

// windowsOnAccess asks the service control manager whether the product's on-access
// service runs; a service that is not installed is a scanner that does not run.
func (c *mcafeeAVCollector) windowsOnAccess(product string) (running, known bool, err error) {
	if c.cfg.services == nil {
		return false, false, nil
	}
	svc, err := c.cfg.services.State(mcafee.OnAccessServices[product])
	if err != nil {
		return false, false, err
	}
	return svc.Installed && svc.Running(), true, nil
}

func emitAVContent(s *Scrape, content mcafee.AVContent) {
	if !content.Created.IsZero() {
		s.Gauge(mcafeeAVContentTimestampDesc, unixSeconds(content.Created), content.Product)
	}
	if content.HasVersion {
		s.Gauge(mcafeeAVContentVersionDesc, content.Version, content.Product)
	}
	if content.Engine != "" {
		s.Gauge(mcafeeAVEngineInfoDesc, 1, content.Product, s.VersionLabel("version", content.Engine))
	}
}

func (c *mcafeeAVCollector) enslCandidates() []string {
	if c.cfg.cli != "" {
		return []string{c.cfg.cli}
	}
	return mcafee.ENSLCLIPaths
}

func (c *mcafeeAVCollector) findENSLCLI() string {
	for _, p := range c.enslCandidates() {
		resolved := c.env.Paths.Root(p)
		if fi, err := os.Stat(resolved); err == nil && !fi.IsDir() {
			return resolved
		}
	}
	return ""
}

func (c *mcafeeAVCollector) updateLinux(ctx context.Context, s *Scrape) {
	cli := c.findENSLCLI()
	found := ""
	if cli != "" {
		found = mcafee.ProductENSL
	}
	installed(s, []string{mcafee.ProductENSL}, found)
	if cli == "" || c.env.Runner == nil {
		return
	}
	content, err := c.enslContent(ctx, cli)
	s.Source(mcafeeAVVersionSource, err)
	emitAVContent(s, content)

	running, oasErr := c.enslOnAccess(ctx, cli)
	if s.Source(mcafeeAVOnAccessSource, oasErr) {
		s.Bool(mcafeeAVOnAccessRunningDesc, running, mcafee.ProductENSL)
	}
}

// enslContent runs `--version`; a DAT date it does not print is taken from the DAT
// directory. What was read is returned with the error that explains the rest.
func (c *mcafeeAVCollector) enslContent(ctx context.Context, cli string) (mcafee.AVContent, error) {
	res, runErr := c.env.Runner.Run(ctx, cli, mcafee.ENSLVersionArgs...)
	var cmdErr *CommandError
	if runErr != nil && (len(res.Stdout) == 0 || errors.As(runErr, &cmdErr) && (cmdErr.TimedOut || cmdErr.ExitCode < 0)) {
		return mcafee.AVContent{Product: mcafee.ProductENSL}, runErr
	}
	v, err := mcafee.ParseENSLVersion(res.Stdout, c.location(), c.now())
	content := v.Content
	if errors.Is(err, mcafee.ErrNoENSLVersion) {
		return content, errors.Join(runErr, err)
	}
	if runErr != nil {
		// A non-zero exit that still printed the DAT lines: the output is what is needed.
		c.env.Logger.Debug("ENSL CLI failed but printed its version", "err", runErr)
	}
	if content.Created.IsZero() && err == nil {
		t, dirErr := c.enslDATDirTime(content)
		content.Created = t
		err = dirErr
	}
	return content, err
}

// enslDATDirTime is the modification time of the installed DAT version's directory.
func (c *mcafeeAVCollector) enslDATDirTime(content mcafee.AVContent) (time.Time, error) {
	want := uint64(0)
	if content.HasVersion {
		want = uint64(content.Version)
	}
	var errs []error
	for _, d := range mcafee.ENSLDATDirs {
		dir := c.env.Paths.Root(d)
		entries, err := os.ReadDir(dir)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		var names []string
		for _, e := range entries {
			if e.IsDir() {
				names = append(names, e.Name())
			}
		}
		name := mcafee.LatestDATDir(names, want)
		if name == "" {
			errs = append(errs, fmt.Errorf("%s: no DAT version directory", d))
			continue
		}
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		t := fi.ModTime()
		if t.After(c.now().Add(24*time.Hour)) || t.Year() < 1990 {
			errs = append(errs, fmt.Errorf("%s/%s: %w: modified %s", d, name, mcafee.ErrBadContentDate, t.UTC().Format(time.RFC3339)))
			continue
		}
		return t, nil
	}
	return time.Time{}, fmt.Errorf("no DAT date in --version output and no usable DAT directory: %w", errors.Join(errs...))
}

func (c *mcafeeAVCollector) enslOnAccess(ctx context.Context, cli string) (bool, error) {
	res, runErr := c.env.Runner.Run(ctx, cli, mcafee.ENSLOnAccessArgs...)
	var cmdErr *CommandError
	if runErr != nil && (len(res.Stdout) == 0 || errors.As(runErr, &cmdErr) && (cmdErr.TimedOut || cmdErr.ExitCode < 0)) {
		return false, runErr
	}
	running, _, err := mcafee.ParseENSLOnAccess(res.Stdout)
	if err != nil {
		return false, errors.Join(runErr, err)
	}
	if runErr != nil {
		c.env.Logger.Debug("ENSL CLI failed but printed the on-access status", "err", runErr)
	}
	return running, nil
}
