// Command fakecli stands in for an agent CLI (cmdagent.exe, AmpCLI.exe) or an agent's
// service binary in the Wine lane (test/wine/run.sh). It is built for Windows and copied
// under each CLI's name; the file <exe>.fake next to it says what to do, one directive a
// line:
//
//	args -i              the only accepted command line (else exit 2 with a message)
//	stdout cmdagent-i.txt replay this file (relative to the exe's directory) on stdout
//	exit 3               exit code after the output (default 0)
//	hang                 after the output, keep running (writing <exe>.alive) until killed
//	child                with hang: first start a copy of itself that also hangs, writing
//	                     <exe>.child.alive, so a timeout must end a process tree
//	service              run as a Windows service that only answers stop (agent services)
//
// The .alive files grow by one line every 100 ms while the process lives: the lane reads
// their sizes twice to tell that a killed process is really gone.
package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

type plan struct {
	args    string
	stdout  string
	exit    int
	hang    bool
	child   bool
	service bool
}

func readPlan(path string) (plan, error) {
	var p plan
	f, err := os.Open(path)
	if err != nil {
		return p, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, val, _ := strings.Cut(line, " ")
		val = strings.TrimSpace(val)
		switch key {
		case "args":
			p.args = val
		case "stdout":
			p.stdout = val
		case "exit":
			if p.exit, err = strconv.Atoi(val); err != nil {
				return p, fmt.Errorf("%s: exit %q: %w", path, val, err)
			}
		case "hang":
			p.hang = true
		case "child":
			p.child = true
		case "service":
			p.service = true
		default:
			return p, fmt.Errorf("%s: unknown directive %q", path, key)
		}
	}
	return p, sc.Err()
}

// heartbeat appends a line to path every 100 ms, forever.
func heartbeat(path string) {
	for i := 0; ; i++ {
		if f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644); err == nil {
			fmt.Fprintln(f, i)
			f.Close()
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func main() {
	exe, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, "fakecli:", err)
		os.Exit(2)
	}
	if len(os.Args) == 2 && os.Args[1] == "--fakecli-child" {
		heartbeat(exe + ".child.alive")
	}
	p, err := readPlan(exe + ".fake")
	if err != nil {
		fmt.Fprintln(os.Stderr, "fakecli:", err)
		os.Exit(2)
	}
	if p.service {
		os.Exit(runService(filepath.Base(exe)))
	}
	if got := strings.Join(os.Args[1:], " "); got != p.args {
		fmt.Fprintf(os.Stderr, "fakecli: only %q is captured, got %q\n", p.args, got)
		os.Exit(2)
	}
	if p.stdout != "" {
		out, err := os.ReadFile(filepath.Join(filepath.Dir(exe), p.stdout))
		if err != nil {
			fmt.Fprintln(os.Stderr, "fakecli:", err)
			os.Exit(2)
		}
		os.Stdout.Write(out)
	}
	if p.hang {
		if p.child {
			c := exec.Command(exe, "--fakecli-child")
			// The child inherits stdout, as a daemonising helper would.
			c.Stdout = os.Stdout
			if err := c.Start(); err != nil {
				fmt.Fprintln(os.Stderr, "fakecli: child:", err)
				os.Exit(2)
			}
		}
		heartbeat(exe + ".alive")
	}
	os.Exit(p.exit)
}
