package probe

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"io"
	"math/big"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// Everything here listens on and dials 127.0.0.1 only; names resolve through
// fakeResolver, never the system DNS.

type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pool *x509.CertPool
}

var serial int64 = 100

func newTestCA(t testing.TB, name string) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	serial++
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(serial),
		Subject:               pkix.Name{CommonName: name},
		NotBefore:             time.Now().Add(-24 * time.Hour),
		NotAfter:              time.Now().Add(365 * 24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &testCA{cert: cert, key: key, pool: pool}
}

// issue signs a server certificate for names (DNS names or IPs) valid in [notBefore, notAfter].
func (ca *testCA) issue(t testing.TB, notBefore, notAfter time.Time, names ...string) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	serial++
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(serial),
		Subject:      pkix.Name{CommonName: names[0]},
		NotBefore:    notBefore,
		NotAfter:     notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, n := range names {
		if ip := net.ParseIP(n); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, n)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(der)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}
}

// listen opens a loopback listener closed at the end of the test.
func listen(t testing.TB) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	return ln
}

func port(ln net.Listener) int { return ln.Addr().(*net.TCPAddr).Port }

// serveTLS answers TLS handshakes with cert until the test ends.
func serveTLS(t testing.TB, cert tls.Certificate) net.Listener {
	t.Helper()
	ln := listen(t)
	tl := tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}})
	go func() {
		for {
			c, err := tl.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				_ = c.(*tls.Conn).Handshake()
				_, _ = io.Copy(io.Discard, c)
			}()
		}
	}()
	return ln
}

// serveSilent accepts connections and never says anything: a TLS endpoint black-holed
// behind a middlebox that completes TCP.
func serveSilent(t testing.TB) net.Listener {
	t.Helper()
	ln := listen(t)
	var mu sync.Mutex
	var conns []net.Conn
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	return ln
}

// refusingPort returns a loopback port nothing listens on.
func refusingPort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := port(ln)
	ln.Close()
	return p
}

// connectProxy is an HTTP proxy that tunnels CONNECT to 127.0.0.1 only and, when user is
// set, demands Basic credentials. Requests for port 1 get 502, as a proxy that cannot
// reach the target answers.
type connectProxy struct {
	user, password string
	mu             sync.Mutex
	authHeaders    []string
}

func (p *connectProxy) serve(t testing.TB) net.Listener {
	t.Helper()
	ln := listen(t)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go p.handle(c)
		}
	}()
	return ln
}

func (p *connectProxy) handle(c net.Conn) {
	defer c.Close()
	br := bufio.NewReader(c)
	req, err := http.ReadRequest(br)
	if err != nil {
		return
	}
	auth := req.Header.Get("Proxy-Authorization")
	p.mu.Lock()
	p.authHeaders = append(p.authHeaders, auth)
	p.mu.Unlock()
	if req.Method != http.MethodConnect {
		io.WriteString(c, "HTTP/1.1 405 Method Not Allowed\r\n\r\n")
		return
	}
	if p.user != "" {
		want := "Basic " + base64.StdEncoding.EncodeToString([]byte(p.user+":"+p.password))
		if auth != want {
			io.WriteString(c, "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\nContent-Length: 0\r\n\r\n")
			return
		}
	}
	_, targetPort, _ := net.SplitHostPort(req.Host)
	if targetPort == "1" {
		io.WriteString(c, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
		return
	}
	up, err := net.Dial("tcp", net.JoinHostPort("127.0.0.1", targetPort))
	if err != nil {
		io.WriteString(c, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
		return
	}
	defer up.Close()
	io.WriteString(c, "HTTP/1.1 200 Connection established\r\n\r\n")
	go func() { _, _ = io.Copy(up, br) }()
	_, _ = io.Copy(c, up)
}

// fakeResolver maps every name it knows to 127.0.0.1 and fails the rest like a
// resolver answering NXDOMAIN.
type fakeResolver map[string]bool

func (r fakeResolver) LookupHost(ctx context.Context, host string) ([]string, error) {
	if r[host] {
		return []string{"127.0.0.1"}, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

func hang(ctx context.Context, network, address string) (net.Conn, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

func TestProbeLoopback(t *testing.T) {
	ca := newTestCA(t, "secagent test CA")
	otherCA := newTestCA(t, "unknown CA")
	now := time.Now()
	validFrom, validTo := now.Add(-time.Hour), now.Add(90*24*time.Hour)

	good := serveTLS(t, ca.issue(t, validFrom, validTo, "backend.probe.test", "127.0.0.1"))
	expiredNotAfter := now.Add(-48 * time.Hour).Truncate(time.Second)
	expired := serveTLS(t, ca.issue(t, now.Add(-30*24*time.Hour), expiredNotAfter, "backend.probe.test"))
	unknown := serveTLS(t, otherCA.issue(t, validFrom, validTo, "backend.probe.test"))
	silent := serveSilent(t)
	refused := refusingPort(t)

	authProxy := &connectProxy{user: "svc-probe", password: "S3cr3t-Pr0be-pass"}
	authProxyLn := authProxy.serve(t)
	openProxy := (&connectProxy{}).serve(t)

	resolver := fakeResolver{"backend.probe.test": true, "proxy.probe.test": true, "other.probe.test": true}
	name := func(ln net.Listener) string { return JoinName("backend.probe.test", port(ln)) }
	proxyAt := func(ln net.Listener, user, password string) *ProxySpec {
		return &ProxySpec{Address: JoinName("proxy.probe.test", port(ln)), Username: user, Password: password}
	}

	cases := []struct {
		name       string
		target     Target
		dial       DialFunc
		wantPhase  Phase
		wantTimed  []Phase
		wantCert   bool
		wantErrHas string
	}{
		{
			name:      "valid chain from the test CA",
			target:    Target{Agent: "qualys_cloud_agent", Name: name(good)},
			wantTimed: []Phase{PhaseDNS, PhaseConnect, PhaseTLS},
			wantCert:  true,
		},
		{
			name:      "IP literal: no DNS phase, IP SAN verified",
			target:    Target{Agent: "qualys_cloud_agent", Name: JoinName("127.0.0.1", port(good))},
			wantTimed: []Phase{PhaseConnect, PhaseTLS},
			wantCert:  true,
		},
		{
			name:       "expired certificate: tls, expiry still known",
			target:     Target{Agent: "cisco_secure_endpoint", Name: name(expired)},
			wantPhase:  PhaseTLS,
			wantTimed:  []Phase{PhaseDNS, PhaseConnect, PhaseTLS},
			wantCert:   true,
			wantErrHas: "expired",
		},
		{
			name:      "expired certificate fails even when the chain is not checked",
			target:    Target{Agent: "mcafee_agent", Name: name(expired), SkipChainVerify: true},
			wantPhase: PhaseTLS,
			wantTimed: []Phase{PhaseDNS, PhaseConnect, PhaseTLS},
			wantCert:  true,
		},
		{
			name:       "unknown CA: tls",
			target:     Target{Agent: "cisco_secure_endpoint", Name: name(unknown)},
			wantPhase:  PhaseTLS,
			wantTimed:  []Phase{PhaseDNS, PhaseConnect, PhaseTLS},
			wantCert:   true,
			wantErrHas: "unknown authority",
		},
		{
			name:      "private CA accepted when the agent pins it (ePO)",
			target:    Target{Agent: "mcafee_agent", Name: name(unknown), SkipChainVerify: true},
			wantTimed: []Phase{PhaseDNS, PhaseConnect, PhaseTLS},
			wantCert:  true,
		},
		{
			name:       "wrong host name: tls",
			target:     Target{Agent: "mcafee_agent", Name: JoinName("other.probe.test", port(good))},
			wantPhase:  PhaseTLS,
			wantTimed:  []Phase{PhaseDNS, PhaseConnect, PhaseTLS},
			wantCert:   true,
			wantErrHas: "other.probe.test",
		},
		{
			name:       "name does not resolve",
			target:     Target{Agent: "qualys_cloud_agent", Name: "nx.probe.test:443"},
			wantPhase:  PhaseDNS,
			wantTimed:  []Phase{PhaseDNS},
			wantErrHas: "no such host",
		},
		{
			name:       "refused port",
			target:     Target{Agent: "qualys_cloud_agent", Name: JoinName("backend.probe.test", refused)},
			wantPhase:  PhaseConnect,
			wantTimed:  []Phase{PhaseDNS, PhaseConnect},
			wantErrHas: "refused",
		},
		{
			name:      "black-holed connect: the timeout is charged to connect",
			target:    Target{Agent: "qualys_cloud_agent", Name: "backend.probe.test:443"},
			dial:      hang,
			wantPhase: PhaseConnect,
			wantTimed: []Phase{PhaseDNS, PhaseConnect},
		},
		{
			name:       "server accepts and never answers TLS: the timeout is charged to tls",
			target:     Target{Agent: "qualys_cloud_agent", Name: name(silent)},
			wantPhase:  PhaseTLS,
			wantTimed:  []Phase{PhaseDNS, PhaseConnect, PhaseTLS},
			wantErrHas: "timeout",
		},
		{
			name:      "through an authenticating proxy with good credentials",
			target:    Target{Agent: "qualys_cloud_agent", Name: name(good), Proxy: proxyAt(authProxyLn, "svc-probe", "S3cr3t-Pr0be-pass")},
			wantTimed: []Phase{PhaseDNS, PhaseConnect, PhaseProxyConnect, PhaseTLS},
			wantCert:  true,
		},
		{
			name:       "through an authenticating proxy with bad credentials",
			target:     Target{Agent: "qualys_cloud_agent", Name: name(good), Proxy: proxyAt(authProxyLn, "svc-probe", "Wr0ng-Pr0be-pass")},
			wantPhase:  PhaseProxyAuth,
			wantTimed:  []Phase{PhaseDNS, PhaseConnect, PhaseProxyConnect},
			wantErrHas: "rejected the credentials",
		},
		{
			name:       "authenticating proxy, no credentials known",
			target:     Target{Agent: "cisco_secure_endpoint", Name: name(good), Proxy: proxyAt(authProxyLn, "", "")},
			wantPhase:  PhaseProxyAuth,
			wantTimed:  []Phase{PhaseDNS, PhaseConnect, PhaseProxyConnect},
			wantErrHas: "none are configured",
		},
		{
			name:       "proxy cannot reach the target: proxy_connect",
			target:     Target{Agent: "qualys_cloud_agent", Name: "backend.probe.test:1", Proxy: proxyAt(openProxy, "", "")},
			wantPhase:  PhaseProxyConnect,
			wantTimed:  []Phase{PhaseDNS, PhaseConnect, PhaseProxyConnect},
			wantErrHas: "502",
		},
		{
			name:       "proxy down: connect (the hop to the proxy)",
			target:     Target{Agent: "qualys_cloud_agent", Name: name(good), Proxy: &ProxySpec{Address: JoinName("127.0.0.1", refused)}},
			wantPhase:  PhaseConnect,
			wantTimed:  []Phase{PhaseConnect},
			wantErrHas: "refused",
		},
		{
			name:      "proxy name does not resolve: dns",
			target:    Target{Agent: "qualys_cloud_agent", Name: name(good), Proxy: &ProxySpec{Address: "nx-proxy.probe.test:3128"}},
			wantPhase: PhaseDNS,
			wantTimed: []Phase{PhaseDNS},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := &Prober{Resolver: resolver, Roots: ca.pool, Timeout: 500 * time.Millisecond, Dial: tc.dial}
			r := p.Probe(context.Background(), tc.target)
			if r.Success != (tc.wantPhase == "") || r.FailedPhase != tc.wantPhase {
				t.Fatalf("success %v phase %q (err %q), want phase %q", r.Success, r.FailedPhase, r.Err, tc.wantPhase)
			}
			var timed []Phase
			for _, ph := range TimedPhases {
				if _, ok := r.Durations[ph]; ok {
					timed = append(timed, ph)
				}
			}
			if strings.Join(phaseStrings(timed), ",") != strings.Join(phaseStrings(tc.wantTimed), ",") {
				t.Errorf("timed phases %v, want %v", timed, tc.wantTimed)
			}
			if r.CertNotAfter.IsZero() == tc.wantCert {
				t.Errorf("cert not_after %v, want present=%v", r.CertNotAfter, tc.wantCert)
			}
			if !strings.Contains(r.Err, tc.wantErrHas) {
				t.Errorf("err %q does not mention %q", r.Err, tc.wantErrHas)
			}
			if r.ViaProxy != (tc.target.Proxy != nil) || r.Agent != tc.target.Agent || r.Name != tc.target.Name {
				t.Errorf("identity %+v does not match the target", r)
			}
			for _, secret := range []string{"S3cr3t-Pr0be-pass", "Wr0ng-Pr0be-pass"} {
				if strings.Contains(r.Err, secret) || strings.Contains(tc.target.Proxy.String(), secret) {
					t.Errorf("credential leaked: %q", r.Err)
				}
			}
		})
	}

	t.Run("expired certificate reports its own not_after", func(t *testing.T) {
		p := &Prober{Resolver: resolver, Roots: ca.pool, Timeout: 500 * time.Millisecond}
		r := p.Probe(context.Background(), Target{Name: name(expired)})
		if !r.CertNotAfter.Equal(expiredNotAfter) {
			t.Errorf("not_after %v, want %v", r.CertNotAfter, expiredNotAfter)
		}
	})

	t.Run("the proxy received Basic credentials only when configured", func(t *testing.T) {
		authProxy.mu.Lock()
		defer authProxy.mu.Unlock()
		var withAuth, without int
		for _, h := range authProxy.authHeaders {
			if h == "" {
				without++
			} else {
				withAuth++
			}
		}
		if withAuth != 2 || without != 1 {
			t.Errorf("%d requests with credentials, %d without; want 2 and 1", withAuth, without)
		}
	})
}

func phaseStrings(ps []Phase) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = string(p)
	}
	return out
}

func TestProbeAllKeepsOrderAndBoundsConcurrency(t *testing.T) {
	var mu sync.Mutex
	inFlight, peak := 0, 0
	release := make(chan struct{})
	dial := func(ctx context.Context, network, address string) (net.Conn, error) {
		mu.Lock()
		inFlight++
		if inFlight > peak {
			peak = inFlight
		}
		mu.Unlock()
		<-release
		mu.Lock()
		inFlight--
		mu.Unlock()
		return nil, errors.New("refused by test dialer")
	}
	targets := make([]Target, 9)
	for i := range targets {
		targets[i] = Target{Agent: "a", Name: JoinName("127.0.0.1", 1000+i)}
	}
	p := &Prober{Dial: dial, Timeout: time.Minute}
	done := make(chan []Result)
	go func() { done <- p.ProbeAll(context.Background(), targets, 3) }()
	// Let every slot fill before releasing; the peak can only be observed, not forced.
	for {
		mu.Lock()
		n := inFlight
		mu.Unlock()
		if n == 3 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	close(release)
	results := <-done
	if peak != 3 {
		t.Errorf("peak concurrency %d, want 3", peak)
	}
	for i, r := range results {
		if r.Name != targets[i].Name || r.FailedPhase != PhaseConnect {
			t.Errorf("result %d = %s %s, want %s connect", i, r.Name, r.FailedPhase, targets[i].Name)
		}
	}
}

func TestProbeUsesTheInjectedClock(t *testing.T) {
	ca := newTestCA(t, "clock CA")
	now := time.Now()
	ln := serveTLS(t, ca.issue(t, now.Add(-time.Hour), now.Add(time.Hour), "127.0.0.1"))
	target := Target{Name: JoinName("127.0.0.1", port(ln))}
	// Two days on, the certificate has expired; with a frozen clock every phase lasts 0.
	frozen := now.Add(48 * time.Hour)
	p := &Prober{Roots: ca.pool, Timeout: time.Second, Now: func() time.Time { return frozen }}
	r := p.Probe(context.Background(), target)
	if r.FailedPhase != PhaseTLS {
		t.Fatalf("phase %q (%s), want tls: the certificate is expired at the injected time", r.FailedPhase, r.Err)
	}
	for ph, d := range r.Durations {
		if d != 0 {
			t.Errorf("phase %s took %v on a frozen clock", ph, d)
		}
	}
}
