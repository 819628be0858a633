package main

// The operator's commands for a troubled host: `diagnose` explains what is wrong and how
// to fix it; `support-bundle` packs what is needed to go further, redacted.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/alecthomas/kingpin/v2"
	"github.com/prometheus/client_golang/prometheus"
	versioncollector "github.com/prometheus/client_golang/prometheus/collectors/version"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/promslog"
	"github.com/prometheus/common/version"

	"github.com/secagent-exporter/secagent_exporter/collector"
	"github.com/secagent-exporter/secagent_exporter/internal/bundle"
	"github.com/secagent-exporter/secagent_exporter/internal/diagnose"
	"github.com/secagent-exporter/secagent_exporter/internal/host"
)

const (
	diagnoseCommand      = "diagnose"
	supportBundleCommand = "support-bundle"
	runbookURL           = "https://github.com/secagent-exporter/secagent_exporter/blob/main/docs/runbooks.md"
)

type diagnoseOptions struct {
	lang     string
	deadline time.Duration
}

// Overall deadlines of the one-shot commands: each collector is bounded by
// --collector.timeout and every host read by hostfs, so these only catch what would
// otherwise keep an operator's terminal (or an automation) waiting.
const (
	defaultDiagnoseDeadline = 2 * time.Minute
	defaultBundleDeadline   = 5 * time.Minute
)

func defaultLang() string {
	for _, v := range []string{os.Getenv("LC_ALL"), os.Getenv("LC_MESSAGES"), os.Getenv("LANG")} {
		if v != "" {
			if strings.HasPrefix(strings.ToLower(v), "ja") {
				return "ja"
			}
			return "en"
		}
	}
	return "en"
}

func addDiagnoseCommand(app *kingpin.Application) *diagnoseOptions {
	d := &diagnoseOptions{}
	cmd := app.Command(diagnoseCommand, "Collect once and print every problem found with the vendor's remedy; exit 1 when something is wrong, 0 when healthy.")
	cmd.Flag("lang", "Language of the report: en or ja (default from LANG).").Default(defaultLang()).EnumVar(&d.lang, "en", "ja")
	cmd.Flag("deadline", "Overall time limit of the command; past it (or on SIGINT/SIGTERM) it stops and exits 2.").
		Default(defaultDiagnoseDeadline.String()).DurationVar(&d.deadline)
	return d
}

type bundleOptions struct {
	output    string
	logLines  int
	maskHosts bool
	deadline  time.Duration
}

func addSupportBundleCommand(app *kingpin.Application) *bundleOptions {
	b := &bundleOptions{}
	cmd := app.Command(supportBundleCommand, "Write a redacted archive (version, flags, metrics, diagnosis, agent CLI output, config files, log tails, unclassified log lines, encodings) to send to whoever extends the parsers.")
	cmd.Flag("output", "Archive to write (.tar.gz); default secagent-support-<host>-<time>.tar.gz in the current directory.").Default("").StringVar(&b.output)
	cmd.Flag("mask-host-identifiers", "Also mask host names, IP addresses and GUIDs (for a bundle that leaves the company); secrets are always masked.").BoolVar(&b.maskHosts)
	cmd.Flag("log-lines", "Last lines kept of each agent log file.").Default("500").IntVar(&b.logLines)
	cmd.Flag("deadline", "Overall time limit of the command; past it (or on SIGINT/SIGTERM) it stops, leaves no partial archive and exits 2.").
		Default(defaultBundleDeadline.String()).DurationVar(&b.deadline)
	return b
}

// collectOnce runs every enabled collector once and returns what a scrape would show.
func collectOnce(set *collector.Set, timeout time.Duration) ([]*dto.MetricFamily, error) {
	return collectOnceContext(context.Background(), set, timeout)
}

// collectOnceContext is collectOnce whose collectors stop when ctx ends.
func collectOnceContext(ctx context.Context, set *collector.Set, timeout time.Duration) ([]*dto.MetricFamily, error) {
	registry := prometheus.NewRegistry()
	if err := registry.Register(versioncollector.NewCollector(exporterName)); err != nil {
		return nil, err
	}
	if err := registry.Register(set.ScraperContext(ctx, timeout)); err != nil {
		return nil, err
	}
	families, err := registry.Gather()
	if err != nil {
		return nil, fmt.Errorf("collecting metrics: %w", err)
	}
	return families, nil
}

func encodeFamilies(families []*dto.MetricFamily) ([]byte, error) {
	var b bytes.Buffer
	enc := expfmt.NewEncoder(&b, expfmt.NewFormat(expfmt.TypeTextPlain))
	for _, mf := range families {
		if err := enc.Encode(mf); err != nil {
			return nil, err
		}
	}
	return b.Bytes(), nil
}

func (o *options) now() time.Time {
	if o.testingTime != "" {
		t, _ := time.Parse(time.RFC3339, o.testingTime)
		return t
	}
	return time.Now()
}

// withDeadline bounds a one-shot command; deadline <= 0 means none.
func withDeadline(ctx context.Context, deadline time.Duration) (context.Context, context.CancelFunc) {
	if deadline <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, deadline)
}

// stopReason names why a one-shot command stopped early.
func stopReason(ctx context.Context) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return errors.New("stopped: the --deadline passed")
	}
	return errors.New("stopped: interrupted")
}

func runDiagnose(ctx context.Context, o *options, d *diagnoseOptions, stdout, stderr io.Writer) int {
	ctx, cancel := withDeadline(ctx, d.deadline)
	defer cancel()
	families, err := oneShotCollect(ctx, o, promslog.New(o.log))
	if err != nil {
		fmt.Fprintf(stderr, "%s: error: %v\n", exporterName, err)
		return 2
	}
	findings := diagnose.Evaluate(families, o.now(), diagnose.DefaultThresholds)
	diagnose.Render(stdout, findings, d.lang, runbookURL)
	if diagnose.Failing(findings) {
		return 1
	}
	return 0
}

func runSupportBundle(ctx context.Context, app *kingpin.Application, o *options, b *bundleOptions, stdout, stderr io.Writer) int {
	ctx, cancel := withDeadline(ctx, b.deadline)
	defer cancel()
	// The bundle carries the exporter's debug log of its one collection.
	var logBuf bytes.Buffer
	level := promslog.NewLevel()
	_ = level.Set("debug")
	families, err := oneShotCollect(ctx, o, promslog.New(&promslog.Config{Level: level, Writer: &logBuf}))
	if err != nil {
		fmt.Fprintf(stderr, "%s: error: %v\n", exporterName, err)
		return 2
	}
	metricsText, err := encodeFamilies(families)
	if err != nil {
		fmt.Fprintf(stderr, "%s: error: %v\n", exporterName, err)
		return 2
	}
	var diag bytes.Buffer
	diagnose.Render(&diag, diagnose.Evaluate(families, o.now(), diagnose.DefaultThresholds), "en", runbookURL)

	out := b.output
	if out == "" {
		host, _ := os.Hostname()
		out = fmt.Sprintf("secagent-support-%s-%s.tar.gz", sanitizeName(host), o.now().UTC().Format("20060102T150405Z"))
	}
	loc, _ := loadLocation(o.timezone)
	goos := runtime.GOOS
	tmp, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".*.tmp")
	if err != nil {
		fmt.Fprintf(stderr, "%s: error: %v\n", exporterName, err)
		return 2
	}
	defer os.Remove(tmp.Name())
	sum, err := bundle.Write(ctx, tmp, bundle.Options{
		Paths:       collectorPaths(o),
		Runner:      &host.Runner{Timeout: o.commandTimeout, MaxOutput: o.commandMaxOutput},
		GOOS:        goos,
		Location:    loc,
		Now:         o.now(),
		Version:     version.Print(exporterName),
		Flags:       effectiveFlags(app),
		Agents:      collector.BundleAgents(goos),
		Metrics:     metricsText,
		Diagnosis:   diag.Bytes(),
		ExporterLog: logBuf.Bytes(),
		LogLines:    b.logLines,

		MaskHostIdentifiers: b.maskHosts,
	})
	if err != nil && ctx.Err() != nil {
		err = stopReason(ctx)
	}
	if err == nil {
		err = tmp.Close()
	}
	if err == nil {
		err = os.Rename(tmp.Name(), out)
	}
	if err != nil {
		tmp.Close()
		fmt.Fprintf(stderr, "%s: error: writing %s: %v\n", exporterName, out, err)
		return 2
	}
	fmt.Fprintf(stdout, "wrote %s (%d files, %d unclassified log lines); secrets are redacted, review it before sending\n", out, len(sum.Entries), sum.Unclassified)
	return 0
}

func sanitizeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.' {
			return r
		}
		return '_'
	}, s)
}

// effectiveFlags lists every flag with the value in force (command line, config file or
// default); the bundle redacts secret-looking values.
func effectiveFlags(app *kingpin.Application) map[string]string {
	out := map[string]string{}
	for _, f := range app.Model().Flags {
		if f.Name == "help" || f.Name == "version" {
			continue
		}
		out[f.Name] = f.Value.String()
	}
	return out
}

// oneShotCollect builds the collectors for a one-shot command and collects once, with a
// state directory of its own: the running service's log offsets must not move because an
// operator ran diagnose, so the logs are read by the bounded backfill instead.
//
// The collection is abandoned when ctx ends (the command's deadline, SIGINT/SIGTERM): a
// collector still running is bounded by --collector.timeout and the process exits.
func oneShotCollect(ctx context.Context, o *options, logger *slog.Logger) ([]*dto.MetricFamily, error) {
	dir, err := os.MkdirTemp("", exporterName+"-oneshot-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	shot := *o
	shot.stateDir = dir
	set, err := buildCollectors(&shot, logger)
	if err != nil {
		return nil, err
	}
	type result struct {
		families []*dto.MetricFamily
		err      error
	}
	done := make(chan result, 1)
	go func() {
		f, err := collectOnceContext(ctx, set, o.collectorTimeout)
		done <- result{f, err}
	}()
	select {
	case r := <-done:
		return r.families, r.err
	case <-ctx.Done():
		return nil, stopReason(ctx)
	}
}
