// Command secagent_exporter is a Prometheus exporter that reports the health of the
// endpoint-security agents installed on this host: McAfee/Trellix Agent (ePO), Cisco
// Secure Endpoint and the Qualys Cloud Agent.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/alecthomas/kingpin/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	versioncollector "github.com/prometheus/client_golang/prometheus/collectors/version"
	"github.com/prometheus/common/promslog"
	promslogflag "github.com/prometheus/common/promslog/flag"
	"github.com/prometheus/common/version"
	"github.com/prometheus/exporter-toolkit/web"
	"github.com/prometheus/exporter-toolkit/web/kingpinflag"

	"github.com/secagent-exporter/secagent_exporter/collector"
	"github.com/secagent-exporter/secagent_exporter/collector/logtail"
	"github.com/secagent-exporter/secagent_exporter/internal/host"
)

const exporterName = "secagent_exporter"

// options are the process-wide flags; collector-specific flags live with their collectors.
type options struct {
	web              *web.FlagConfig
	metricsPath      string
	maxRequests      int
	disableExporter  bool
	disableDefaults  bool
	collectorTimeout time.Duration
	scrapeMargin     time.Duration
	commandTimeout   time.Duration
	commandMaxOutput int
	rootFS           string
	procFS           string
	sysFS            string
	stateDir         string
	timezone         string
	configFile       string
	configCheck      bool
	testingTime      string
	textfile         string
	enabledList      string
	maxProcs         int
	log              *promslog.Config
}

func defaultStateDir() string {
	if runtime.GOOS == "windows" {
		if pd := os.Getenv("ProgramData"); pd != "" {
			return filepath.Join(pd, exporterName)
		}
		return `C:\ProgramData\` + exporterName
	}
	return "/var/lib/" + exporterName
}

func addFlags(app *kingpin.Application) *options {
	o := &options{log: &promslog.Config{}}
	o.web = kingpinflag.AddFlags(app, ":9847")
	app.Flag("web.telemetry-path", "Path under which to expose metrics.").Default("/metrics").StringVar(&o.metricsPath)
	app.Flag("web.max-requests", "Maximum number of parallel scrape requests; excess requests get 503. 0 disables the limit.").Default("10").IntVar(&o.maxRequests)
	app.Flag("web.disable-exporter-metrics", "Exclude the exporter's own go_* and process_* metrics (secagent_exporter_build_info stays).").BoolVar(&o.disableExporter)
	app.Flag("collector.disable-defaults", "Disable every collector that is not explicitly enabled with --collector.<name>.").BoolVar(&o.disableDefaults)
	app.Flag("collector.timeout", "Deadline for each collector in a scrape; also capped by Prometheus' X-Prometheus-Scrape-Timeout-Seconds minus --collector.timeout-margin.").Default("8s").DurationVar(&o.collectorTimeout)
	app.Flag("collector.timeout-margin", "Subtracted from Prometheus' scrape timeout header so the exporter answers before Prometheus gives up.").Default("500ms").DurationVar(&o.scrapeMargin)
	app.Flag("collector.command-timeout", "Deadline for one agent CLI run (cmdagent, AmpCLI, ampcli); the process and its children are killed at it.").Default("5s").DurationVar(&o.commandTimeout)
	app.Flag("collector.command-max-output", "Bytes of an agent CLI's output accepted; a longer output is discarded whole and its source fails (secagent_source_success 0) with a truncation error.").Default("4194304").IntVar(&o.commandMaxOutput)
	app.Flag("collector.timezone", "Time zone of the wall-clock times agents write in logs and CLI output (IANA name, or Local).").Default("Local").StringVar(&o.timezone)
	app.Flag("path.rootfs", "Root of the monitored host's file system; every default agent path (files and CLIs) resolves under it.").Default("/").StringVar(&o.rootFS)
	collector.LinuxOnlyFlag(runtime.GOOS, app.Flag("path.procfs", "procfs mount point.")).Default("/proc").StringVar(&o.procFS)
	collector.LinuxOnlyFlag(runtime.GOOS, app.Flag("path.sysfs", "sysfs mount point.")).Default("/sys").StringVar(&o.sysFS)
	app.Flag("state.dir", "Directory for persisted state (log offsets, last-seen events). Unusable means in-memory state with a warning.").Default(defaultStateDir()).StringVar(&o.stateDir)
	app.Flag("config.file", "YAML file whose keys are flag names (without --); flags given on the command line win.").Default("").StringVar(&o.configFile)
	app.Flag("config.check", "Validate flags and --config.file, build every enabled collector, then exit.").BoolVar(&o.configCheck)
	app.Flag("collectors.enabled", "Comma-separated collectors to run; every other collector is disabled (--collector.disable-defaults plus --collector.<name> for each). Empty keeps the per-collector flags.").Default("").StringVar(&o.enabledList)
	app.Flag("output.textfile", "Collect once, write the metrics atomically to this .prom file (for node_exporter's or windows_exporter's textfile collector) and exit instead of serving HTTP. Command line only.").Default("").StringVar(&o.textfile)
	app.Flag("runtime.gomaxprocs", "CPUs the exporter's Go code runs on at once (GOMAXPROCS), 1 as in node_exporter: a scrape is small, and one CPU spares the scheduler's spinning between them (docs/performance.md). 0 keeps Go's default, every CPU available. The GOMAXPROCS environment variable sets it too.").
		Envar("GOMAXPROCS").Default("1").IntVar(&o.maxProcs)
	app.Flag("testing.time", "Pin the exporter's clock to this RFC 3339 time (tests and demos with fixture hosts only).").Hidden().StringVar(&o.testingTime)
	promslogflag.AddFlags(app, o.log)
	return o
}

// defaultGCPercent trades a little CPU per scrape (which is well below node_exporter's)
// for a smaller resident set on endpoints that already run heavy security agents; an
// operator's GOGC still wins (docs/performance.md).
const defaultGCPercent = 50

func main() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(defaultGCPercent)
	}
	// The service check comes first so the Service Control Manager hears from the process
	// before anything slow happens (windows_exporter issue #551: start-up timeouts at boot).
	if code, isService := runWindowsService(); isService {
		os.Exit(code)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(runContext(ctx, os.Args[1:], os.Stdout, os.Stderr, promslog.New))
}

// setMaxProcs applies --runtime.gomaxprocs; the in-process tests keep their own.
var setMaxProcs = func(n int) { runtime.GOMAXPROCS(n) }

// Commands. The exporter is the default command, so every existing invocation (flags
// only) keeps working; further commands (diagnostics) attach to the same application and
// share its flags.
const serveCommand = "serve"

// runContext runs one command until it finishes or ctx is cancelled (SIGTERM, a service
// stop). newLogger builds the process logger from the parsed --log.* flags; the Windows
// service passes one that writes to the Event Log.
func runContext(ctx context.Context, args []string, stdout, stderr io.Writer, newLogger func(*promslog.Config) *slog.Logger) int {
	app := kingpin.CommandLine
	app.Name = exporterName
	app.Help = "Prometheus exporter for the health of endpoint-security agents (McAfee/Trellix Agent + ePO, Cisco Secure Endpoint, Qualys Cloud Agent)."
	app.Version(version.Print(exporterName))
	app.HelpFlag.Short('h')
	app.UsageWriter(stdout)
	app.ErrorWriter(stderr)
	app.Terminate(func(code int) { panic(exitCode(code)) })
	app.Command(serveCommand, "Serve the metrics over HTTP (the default command).").Default()
	diag := addDiagnoseCommand(app)
	bundleCmd := addSupportBundleCommand(app)
	classifyCmd := addClassifyCommand(app)
	o := addFlags(app)

	command, code, done := parseArgs(app, o, args, stderr)
	if done {
		return code
	}
	if o.maxProcs > 0 {
		setMaxProcs(o.maxProcs)
	}

	switch command {
	case diagnoseCommand:
		return runDiagnose(ctx, o, diag, stdout, stderr)
	case supportBundleCommand:
		return runSupportBundle(ctx, app, o, bundleCmd, stdout, stderr)
	case classifyCommand:
		return runClassify(ctx, o, classifyCmd, stdout, stderr)
	}

	logger := newLogger(o.log)
	logger.Info("Starting "+exporterName, "version", version.Info())
	logger.Debug("Build context", "build_context", version.BuildContext())

	// Only the server refreshes agent CLIs in the background; --config.check and
	// --output.textfile collect once, running each CLI inline.
	var refresher *collector.Refresher
	if !o.configCheck && o.textfile == "" {
		refresher = collector.NewRefresher(newRunner(o), collector.CLIIntervals(), exporterClock(o))
		// Stopping kills a CLI still running and waits for every refresh loop.
		defer refresher.Stop()
	}
	set, err := buildCollectorsWith(o, logger, refresher)
	if err != nil {
		fmt.Fprintf(stderr, "%s: error: %v\n", exporterName, err)
		return 1
	}
	logger.Info("Enabled collectors", "collectors", strings.Join(set.Enabled(), ","))
	if o.configCheck {
		// The web config (TLS certificates and keys, basic-auth users) is loaded the way
		// the server will load it, so a missing certificate fails here and not at start.
		if o.web != nil && o.web.WebConfigFile != nil && *o.web.WebConfigFile != "" {
			if err := web.Validate(*o.web.WebConfigFile); err != nil {
				fmt.Fprintf(stderr, "%s: error: --web.config.file %s: %v\n", exporterName, *o.web.WebConfigFile, err)
				return 1
			}
		}
		fmt.Fprintf(stdout, "configuration OK; enabled collectors: %s\n", strings.Join(set.Enabled(), ", "))
		return 0
	}
	if o.textfile != "" {
		if err := writeTextfile(ctx, o.textfile, set, o.collectorTimeout); err != nil {
			fmt.Fprintf(stderr, "%s: error: %v\n", exporterName, err)
			return 1
		}
		logger.Info("Wrote metrics", "file", o.textfile)
		return 0
	}

	handler, err := newRouter(o, set, logger)
	if err != nil {
		fmt.Fprintf(stderr, "%s: error: %v\n", exporterName, err)
		return 1
	}
	server := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		// A slow reader must not hold a --web.max-requests slot forever; a scrape is
		// bounded by --collector.timeout, so this leaves ample room to write it.
		WriteTimeout: 2 * time.Minute,
		IdleTimeout:  2 * time.Minute,
	}
	stopped := make(chan struct{})
	defer close(stopped)
	// The first refresh of every agent CLI starts now; the first scrape waits for it,
	// bounded by its deadline.
	go set.Warm(o.collectorTimeout)
	go func() {
		select {
		case <-ctx.Done():
			logger.Info("Stopping: finishing in-flight scrapes")
			shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_ = server.Shutdown(shutdownCtx)
		case <-stopped:
		}
	}()
	if err := web.ListenAndServe(server, o.web, logger); err != nil && !errors.Is(err, http.ErrServerClosed) {
		logger.Error("web server stopped", "err", err)
		fmt.Fprintf(stderr, "%s: error: %v\n", exporterName, err)
		return 1
	}
	logger.Info("Stopped")
	return 0
}

type exitCode int

// parseArgs parses the command line and the config file. done reports that the process
// should exit with code (help, version, or an error already printed).
func parseArgs(app *kingpin.Application, o *options, args []string, stderr io.Writer) (command string, code int, done bool) {
	defer func() {
		if r := recover(); r != nil {
			c, ok := r.(exitCode)
			if !ok {
				panic(r)
			}
			code, done = int(c), true
		}
	}()
	explicit, err := explicitFlags(app, args)
	if err == nil {
		command, err = app.Parse(args)
	}
	if err == nil && o.configFile != "" {
		err = applyConfigFile(app, o.configFile, explicit)
	}
	if err == nil {
		err = applyEnabledList(app, o.enabledList)
	}
	if err == nil {
		err = validate(o)
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s: error: %v\n", exporterName, err)
		return "", 2, true
	}
	if o.disableDefaults || strings.TrimSpace(o.enabledList) != "" {
		collector.DisableDefaults()
	}
	return command, 0, false
}

func validate(o *options) error {
	if o.collectorTimeout <= 0 {
		return fmt.Errorf("--collector.timeout must be positive, got %s", o.collectorTimeout)
	}
	if o.commandTimeout <= 0 {
		return fmt.Errorf("--collector.command-timeout must be positive, got %s", o.commandTimeout)
	}
	if o.maxProcs < 0 {
		return fmt.Errorf("--runtime.gomaxprocs must be 0 (Go's default) or more, got %d", o.maxProcs)
	}
	if !strings.HasPrefix(o.metricsPath, "/") {
		return fmt.Errorf("--web.telemetry-path must start with /, got %q", o.metricsPath)
	}
	if _, err := loadLocation(o.timezone); err != nil {
		return fmt.Errorf("--collector.timezone: %w", err)
	}
	if o.testingTime != "" {
		if _, err := time.Parse(time.RFC3339, o.testingTime); err != nil {
			return fmt.Errorf("--testing.time: %w", err)
		}
	}
	return nil
}

func loadLocation(name string) (*time.Location, error) {
	if name == "" || strings.EqualFold(name, "local") {
		return time.Local, nil
	}
	return time.LoadLocation(name)
}

func buildCollectors(o *options, logger *slog.Logger) (*collector.Set, error) {
	return buildCollectorsWith(o, logger, nil)
}

// buildCollectorsWith builds the enabled collectors; refresher nil runs agent CLIs inline.
func buildCollectorsWith(o *options, logger *slog.Logger, refresher *collector.Refresher) (*collector.Set, error) {
	loc, _ := loadLocation(o.timezone)
	env := collector.Env{
		Logger:    logger,
		Paths:     collectorPaths(o),
		Runner:    newRunner(o),
		Refresher: refresher,
		StateDir:  o.stateDir,
		Store:     logtail.OpenStore(o.stateDir, logger), // one store for every log source
		Now:       exporterClock(o),
		Location:  loc,
	}
	return collector.NewSet(env)
}

func newRunner(o *options) *host.Runner {
	return &host.Runner{Timeout: o.commandTimeout, MaxOutput: o.commandMaxOutput}
}

// exporterClock is time.Now, or the --testing.time pinned clock.
func exporterClock(o *options) func() time.Time {
	if o.testingTime != "" {
		pinned, _ := time.Parse(time.RFC3339, o.testingTime)
		return func() time.Time { return pinned }
	}
	return time.Now
}

// collectorPaths resolves --path.*; agent CLIs are run only by absolute path, so relative
// roots are made absolute here.
func collectorPaths(o *options) host.Paths {
	return host.Paths{RootFS: absPath(o.rootFS), ProcFS: absPath(o.procFS), SysFS: absPath(o.sysFS)}
}

func absPath(p string) string {
	if p == "" {
		return p
	}
	if abs, err := filepath.Abs(p); err == nil {
		return abs
	}
	return p
}

func newRouter(o *options, set *collector.Set, logger *slog.Logger) (http.Handler, error) {
	exporterRegistry := prometheus.NewRegistry()
	exporterRegistry.MustRegister(versioncollector.NewCollector(exporterName))
	if !o.disableExporter {
		exporterRegistry.MustRegister(
			collectors.NewGoCollector(),
			collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		)
	}
	mux := http.NewServeMux()
	mux.Handle(o.metricsPath, newMetricsHandler(set, exporterRegistry, o.collectorTimeout, o.scrapeMargin, o.maxRequests, logger))
	mux.HandleFunc("/health", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, "OK\n")
	})
	if o.metricsPath != "/" {
		landing, err := web.NewLandingPage(web.LandingConfig{
			Name:        exporterName,
			Description: "Health of the endpoint-security agents on this host (McAfee/Trellix Agent + ePO, Cisco Secure Endpoint, Qualys Cloud Agent).",
			Version:     version.Info(),
			// /debug/pprof is not served, so the page must not link it.
			Profiling: "false",
			Links: []web.LandingLinks{
				{Address: o.metricsPath, Text: "Metrics"},
				{Address: "/health", Text: "Health", Description: "200 while the process serves"},
			},
		})
		if err != nil {
			return nil, err
		}
		mux.Handle("/", landing)
	}
	return mux, nil
}
