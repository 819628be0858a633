package host

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/secagent-exporter/secagent_exporter/internal/redact"
)

// Runner executes agent CLIs safely: never through a shell, only by absolute path, with a
// deadline after which the process and its children are killed, and with a cap on how
// much output is kept (an agent CLI printing without end must not exhaust memory).
type Runner struct {
	Timeout   time.Duration
	MaxOutput int
	// Env is the complete environment of the child; nil means a minimal fixed one, so
	// nothing of the exporter's own environment (proxy credentials, tokens) reaches it.
	Env []string
}

// ErrCommandNotFound wraps the error for a CLI that does not exist: the caller usually
// reports the agent as not installed rather than failing.
var ErrCommandNotFound = errors.New("command not found")

// ErrOutputTruncated is the error of a CLI whose output went past
// --collector.command-max-output: the cut output may stop before the keys that matter,
// so it is not parsed as if it were whole.
var ErrOutputTruncated = errors.New("output truncated")

// CommandError describes a command that ran and failed.
type CommandError struct {
	Path     string
	ExitCode int
	TimedOut bool
	// Truncated: the output went past the cap (MaxOutput bytes).
	Truncated bool
	MaxOutput int
	Stderr    string
	Err       error
}

func (e *CommandError) Error() string {
	base := filepath.Base(e.Path)
	switch {
	case e.TimedOut:
		return fmt.Sprintf("%s: killed after timeout", base)
	case e.Truncated:
		return fmt.Sprintf("%s: output truncated at %d bytes (raise --collector.command-max-output)", base, e.MaxOutput)
	case e.ExitCode > 0:
		msg := fmt.Sprintf("%s: exit status %d", base, e.ExitCode)
		if e.Stderr != "" {
			msg += ": " + e.Stderr
		}
		return msg
	default:
		return fmt.Sprintf("%s: %v", base, e.Err)
	}
}

func (e *CommandError) Unwrap() error { return e.Err }

// Result is what a command printed.
type Result struct {
	Stdout    []byte
	Truncated bool
}

// Run executes path with args. The effective deadline is the earlier of ctx's and
// r.Timeout. A non-zero exit with output is still returned with the error, since some
// agent CLIs exit non-zero on a degraded but readable status.
func (r *Runner) Run(ctx context.Context, path string, args ...string) (Result, error) {
	if !filepath.IsAbs(path) {
		return Result{}, fmt.Errorf("refusing to run %q: not an absolute path", path)
	}
	if fi, err := os.Stat(path); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return Result{}, fmt.Errorf("%s: %w", path, ErrCommandNotFound)
		}
		return Result{}, err
	} else if fi.IsDir() {
		return Result{}, fmt.Errorf("refusing to run %q: is a directory", path)
	}
	timeout := r.Timeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	max := r.MaxOutput
	if max <= 0 {
		max = 4 << 20
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Env = r.Env
	if cmd.Env == nil {
		cmd.Env = defaultEnv()
	}
	cmd.Dir = filepath.Dir(path)
	stdout := &cappedBuffer{max: max}
	stderr := &cappedBuffer{max: 4096}
	cmd.Stdout = stdout
	cmd.Stderr = stderr
	prepareCommand(cmd)
	// A grandchild that inherited the pipes must not hold the scrape after the kill.
	cmd.WaitDelay = 500 * time.Millisecond

	err := runCommand(cmd)
	res := Result{Stdout: stdout.buf.Bytes(), Truncated: stdout.dropped}
	if err == nil && !res.Truncated {
		return res, nil
	}
	// The stderr line reaches the exporter's log and diagnose through Error(): a CLI
	// that echoes its proxy credentials must not leak them there.
	ce := &CommandError{Path: path, Err: err, Stderr: redact.String(firstLine(stderr.buf.Bytes()))}
	if ctx.Err() != nil {
		ce.TimedOut = true
		ce.Err = ctx.Err()
		return res, ce
	}
	if res.Truncated {
		// Nothing of a cut output is handed on: the caller fails the source with this
		// error instead of parsing a partial answer.
		ce.Truncated, ce.MaxOutput, ce.Err = true, max, ErrOutputTruncated
		return Result{Truncated: true}, ce
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		ce.ExitCode = ee.ExitCode()
	}
	return res, ce
}

type cappedBuffer struct {
	buf     bytes.Buffer
	max     int
	dropped bool
}

func (c *cappedBuffer) Write(p []byte) (int, error) {
	room := c.max - c.buf.Len()
	if room <= 0 {
		c.dropped = c.dropped || len(p) > 0
		return len(p), nil
	}
	if len(p) > room {
		c.buf.Write(p[:room])
		c.dropped = true
		return len(p), nil
	}
	return c.buf.Write(p)
}

// ReadFrom lets os/exec's copying goroutine read the child's pipe straight into the
// buffer: without it io.Copy allocates a 32 KiB buffer per stream and command, which was a
// third of the garbage of a whole scrape (docs/performance.md). Output past max is read
// and dropped so the child never blocks on a full pipe.
func (c *cappedBuffer) ReadFrom(r io.Reader) (int64, error) {
	var total int64
	var overflow []byte
	for {
		var p []byte
		if room := c.max - c.buf.Len(); room > 0 {
			c.buf.Grow(min(room, 512))
			p = c.buf.AvailableBuffer()
			p = p[:min(room, cap(p))]
		} else {
			if overflow == nil {
				overflow = make([]byte, 4096)
			}
			p = overflow
		}
		n, err := r.Read(p)
		total += int64(n)
		if n > 0 {
			if len(overflow) > 0 && &p[0] == &overflow[0] {
				c.dropped = true
			} else {
				c.buf.Write(p[:n])
			}
		}
		if err == io.EOF {
			return total, nil
		}
		if err != nil {
			return total, err
		}
	}
}

func firstLine(b []byte) string {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		b = b[:i]
	}
	b = bytes.TrimSpace(b)
	if len(b) > 200 {
		b = b[:200]
	}
	return string(b)
}
