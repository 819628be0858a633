package probe

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Phase is one step of a probe. The values are the closed set of the `phase` label.
type Phase string

// With a proxy, dns and connect are the hops to the proxy (the proxy resolves the
// target's name, as it does for the agent); proxy_connect is the CONNECT exchange.
// A timeout is not a phase of its own: it is charged to the phase that was running
// when the per-target deadline passed, which says where the path is black-holed.
const (
	PhaseDNS          Phase = "dns"
	PhaseConnect      Phase = "connect"
	PhaseProxyConnect Phase = "proxy_connect"
	// PhaseProxyAuth is only ever a failed phase: the proxy answered 407. It is kept
	// apart from proxy_connect because the remedy differs (credentials, not routing),
	// as in the Cisco TETRA last-error codes -2100 vs -2103 (sources.md S3).
	PhaseProxyAuth Phase = "proxy_auth"
	PhaseTLS       Phase = "tls"
)

// FailurePhases lists every value FailedPhase can take, in path order.
var FailurePhases = []Phase{PhaseDNS, PhaseConnect, PhaseProxyConnect, PhaseProxyAuth, PhaseTLS}

// TimedPhases lists the phases Durations can hold, in path order.
var TimedPhases = []Phase{PhaseDNS, PhaseConnect, PhaseProxyConnect, PhaseTLS}

// Result is the outcome of one probe of one target.
type Result struct {
	Agent string
	Name  string
	// ViaProxy is true when the probe went through Target.Proxy.
	ViaProxy bool
	Success  bool
	// FailedPhase is empty on success.
	FailedPhase Phase
	// Durations holds the phases that ran, including the failed one (up to its failure).
	// A dns entry exists only when a name was looked up.
	Durations map[Phase]time.Duration
	// CertNotAfter is the end of validity of the certificate chain the server presented
	// (see certNotAfter); zero when no certificate was received.
	CertNotAfter time.Time
	// Err says why the probe failed, for the log. It names addresses and status codes,
	// never proxy credentials.
	Err string
}

// Resolver looks host names up; *net.Resolver satisfies it.
type Resolver interface {
	LookupHost(ctx context.Context, host string) ([]string, error)
}

// DialFunc opens a connection; (*net.Dialer).DialContext satisfies it.
type DialFunc func(ctx context.Context, network, address string) (net.Conn, error)

// Prober runs probes. The zero value probes with the system resolver, a plain dialer,
// the system trust store and the real clock, with a 10 s deadline per target.
type Prober struct {
	Resolver Resolver
	Dial     DialFunc
	// Roots are the CAs trusted for chain verification; nil means the system store.
	Roots *x509.CertPool
	// Now is the clock for durations and certificate validity.
	Now func() time.Time
	// Timeout bounds each target's probe, all phases together.
	Timeout time.Duration
}

// DefaultTimeout is the per-target deadline of a zero Prober.
const DefaultTimeout = 10 * time.Second

// ProbeAll probes every target with at most concurrency probes in flight and returns the
// results in target order. ctx cancels everything.
func (p *Prober) ProbeAll(ctx context.Context, targets []Target, concurrency int) []Result {
	if concurrency < 1 {
		concurrency = 1
	}
	results := make([]Result, len(targets))
	slots := make(chan struct{}, concurrency)
	var wg sync.WaitGroup
	for i, t := range targets {
		wg.Add(1)
		slots <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			results[i] = p.Probe(ctx, t)
		}()
	}
	wg.Wait()
	return results
}

// Probe runs the phases for one target and stops at the first failure.
func (p *Prober) Probe(ctx context.Context, t Target) Result {
	timeout := p.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	r := Result{Agent: t.Agent, Name: t.Name, ViaProxy: t.Proxy != nil, Durations: map[Phase]time.Duration{}}
	run := &probeRun{prober: p, result: &r, secrets: proxySecrets(t.Proxy)}
	run.probe(ctx, t)
	r.Success = r.FailedPhase == ""
	return r
}

type probeRun struct {
	prober  *Prober
	result  *Result
	secrets []string
}

func (pr *probeRun) now() time.Time {
	if pr.prober.Now != nil {
		return pr.prober.Now()
	}
	return time.Now()
}

// timed runs one phase and records its duration; a non-nil error fails the probe there.
func (pr *probeRun) timed(phase Phase, step func() (Phase, error)) bool {
	start := pr.now()
	failed, err := step()
	pr.result.Durations[phase] += pr.now().Sub(start)
	if err != nil {
		if failed == "" {
			failed = phase
		}
		pr.fail(failed, err)
		return false
	}
	return true
}

func (pr *probeRun) fail(phase Phase, err error) {
	pr.result.FailedPhase = phase
	msg := string(phase) + ": " + err.Error()
	for _, s := range pr.secrets {
		msg = strings.ReplaceAll(msg, s, "<redacted>")
	}
	pr.result.Err = msg
}

func (pr *probeRun) probe(ctx context.Context, t Target) {
	host, port, err := SplitName(t.Name)
	if err != nil {
		pr.fail(PhaseDNS, err)
		return
	}
	hopHost, hopPort := host, port
	if t.Proxy != nil {
		if hopHost, hopPort, err = SplitName(t.Proxy.Address); err != nil {
			pr.fail(PhaseConnect, fmt.Errorf("proxy address: %w", err))
			return
		}
	}

	addrs := []string{hopHost}
	if net.ParseIP(hopHost) == nil {
		if !pr.timed(PhaseDNS, func() (Phase, error) {
			addrs, err = pr.lookup(ctx, hopHost)
			return "", err
		}) {
			return
		}
	}

	var conn net.Conn
	if !pr.timed(PhaseConnect, func() (Phase, error) {
		conn, err = pr.dialAny(ctx, addrs, hopPort)
		return "", err
	}) {
		return
	}
	defer conn.Close()
	if deadline, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(deadline)
	}
	// Closing the connection when ctx ends unblocks reads that ignore the deadline
	// (a cancelled parent context has none).
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()

	if t.Proxy != nil {
		if !pr.timed(PhaseProxyConnect, func() (Phase, error) {
			conn, err = connectTunnel(conn, t.Name, t.Proxy)
			if errors.Is(err, errProxyAuth) {
				return PhaseProxyAuth, err
			}
			return "", err
		}) {
			return
		}
	}

	pr.timed(PhaseTLS, func() (Phase, error) {
		return "", pr.handshake(ctx, conn, host, t.SkipChainVerify)
	})
}

func (pr *probeRun) lookup(ctx context.Context, host string) ([]string, error) {
	resolver := pr.prober.Resolver
	if resolver == nil {
		resolver = net.DefaultResolver
	}
	addrs, err := resolver.LookupHost(ctx, host)
	if err != nil {
		return nil, err
	}
	if len(addrs) == 0 {
		return nil, fmt.Errorf("lookup %s: no addresses", host)
	}
	return addrs, nil
}

// dialAny tries the addresses in resolver order, like the agents' HTTP stacks, until
// one accepts; the error is the last address's.
func (pr *probeRun) dialAny(ctx context.Context, addrs []string, port int) (net.Conn, error) {
	dial := pr.prober.Dial
	if dial == nil {
		dial = (&net.Dialer{}).DialContext
	}
	var last error
	for _, a := range addrs {
		conn, err := dial(ctx, "tcp", net.JoinHostPort(a, fmt.Sprint(port)))
		if err == nil {
			return conn, nil
		}
		last = err
		if ctx.Err() != nil {
			break
		}
	}
	return nil, last
}

var errProxyAuth = errors.New("proxy authentication required (407)")

// connectTunnel asks the proxy for a tunnel to target. Only Basic authentication is
// offered: it is what the agents' env-file and policy proxy settings describe; a proxy
// that insists on NTLM or Negotiate answers 407 and the probe says proxy_auth.
func connectTunnel(conn net.Conn, target string, proxy *ProxySpec) (net.Conn, error) {
	var req strings.Builder
	req.WriteString("CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n")
	if proxy.HasCredentials() {
		token := base64.StdEncoding.EncodeToString([]byte(proxy.Username + ":" + proxy.Password))
		req.WriteString("Proxy-Authorization: Basic " + token + "\r\n")
	}
	req.WriteString("\r\n")
	if _, err := conn.Write([]byte(req.String())); err != nil {
		return nil, fmt.Errorf("sending CONNECT to %s: %w", proxy.Address, err)
	}
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, &http.Request{Method: http.MethodConnect})
	if err != nil {
		return nil, fmt.Errorf("reading CONNECT answer from %s: %w", proxy.Address, err)
	}
	resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusProxyAuthRequired:
		if proxy.HasCredentials() {
			return nil, fmt.Errorf("%s rejected the credentials: %w", proxy.Address, errProxyAuth)
		}
		return nil, fmt.Errorf("%s wants credentials and none are configured: %w", proxy.Address, errProxyAuth)
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		// The proxy's own reason text is not repeated: it is free text from the network.
		return nil, fmt.Errorf("%s answered CONNECT %s with %d %s", proxy.Address, target, resp.StatusCode, http.StatusText(resp.StatusCode))
	}
	if br.Buffered() > 0 {
		return &bufferedConn{Conn: conn, r: br}, nil
	}
	return conn, nil
}

// bufferedConn hands out bytes the proxy sent right after its answer before reading on.
type bufferedConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *bufferedConn) Read(b []byte) (int, error) { return c.r.Read(b) }

// handshake completes TLS and then verifies the chain itself, so a certificate that
// fails verification (expired, unknown CA, wrong name) still yields its expiry.
func (pr *probeRun) handshake(ctx context.Context, conn net.Conn, host string, skipChain bool) error {
	cfg := &tls.Config{
		// Verification is done below with the prober's clock and roots.
		InsecureSkipVerify: true, //nolint:gosec
	}
	if net.ParseIP(host) == nil {
		cfg.ServerName = host
	}
	tc := tls.Client(conn, cfg)
	if err := tc.HandshakeContext(ctx); err != nil {
		return fmt.Errorf("handshake with %s: %w", host, err)
	}
	certs := tc.ConnectionState().PeerCertificates
	if len(certs) == 0 {
		return fmt.Errorf("%s presented no certificate", host)
	}
	now := pr.now()
	leaf := certs[0]
	if skipChain {
		pr.result.CertNotAfter = leaf.NotAfter
		if now.After(leaf.NotAfter) || now.Before(leaf.NotBefore) {
			return fmt.Errorf("certificate of %s is outside its validity period (%s to %s)",
				host, leaf.NotBefore.UTC().Format(time.RFC3339), leaf.NotAfter.UTC().Format(time.RFC3339))
		}
		return nil
	}
	intermediates := x509.NewCertPool()
	for _, c := range certs[1:] {
		intermediates.AddCert(c)
	}
	chains, err := leaf.Verify(x509.VerifyOptions{
		DNSName:       host,
		Roots:         pr.prober.Roots,
		Intermediates: intermediates,
		CurrentTime:   now,
	})
	pr.result.CertNotAfter = certNotAfter(leaf, chains)
	if err != nil {
		return fmt.Errorf("certificate of %s: %w", host, err)
	}
	return nil
}

// certNotAfter is when the presented path stops working. With verified chains it is
// the earliest expiry within the longest-lived chain: a server that also sends an
// expired cross-signed certificate it does not need (the 2020 AddTrust case that made
// blackbox_exporter add a last-chain expiry) is not reported as expiring. Without a
// verified chain it is the leaf's expiry.
func certNotAfter(leaf *x509.Certificate, chains [][]*x509.Certificate) time.Time {
	var best time.Time
	for _, chain := range chains {
		var earliest time.Time
		for _, c := range chain {
			if earliest.IsZero() || c.NotAfter.Before(earliest) {
				earliest = c.NotAfter
			}
		}
		if earliest.After(best) {
			best = earliest
		}
	}
	if best.IsZero() {
		return leaf.NotAfter
	}
	return best
}

func proxySecrets(p *ProxySpec) []string {
	if !p.HasCredentials() {
		return nil
	}
	var out []string
	// Messages are built without credentials; this is the second line of defence. Very
	// short values are skipped: replacing every "a" would garble the message and hide nothing.
	for _, s := range []string{p.Password, p.Username, base64.StdEncoding.EncodeToString([]byte(p.Username + ":" + p.Password))} {
		if len(s) >= 3 {
			out = append(out, s)
		}
	}
	return out
}
