package probe

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/secagent-exporter/secagent_exporter/collector/probe/probetest"
)

// Everything here listens on and dials 127.0.0.1 only; names resolve through
// probetest.Resolver, never the system DNS.

func hang(ctx context.Context, network, address string) (net.Conn, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

func TestProbeLoopback(t *testing.T) {
	ca := probetest.NewCA(t, "secagent test CA")
	otherCA := probetest.NewCA(t, "unknown CA")
	now := time.Now()
	validFrom, validTo := now.Add(-time.Hour), now.Add(90*24*time.Hour)

	good := probetest.ServeTLS(t, ca.Issue(t, validFrom, validTo, "backend.probe.test", "127.0.0.1"))
	expiredNotAfter := now.Add(-48 * time.Hour).Truncate(time.Second)
	expired := probetest.ServeTLS(t, ca.Issue(t, now.Add(-30*24*time.Hour), expiredNotAfter, "backend.probe.test"))
	unknown := probetest.ServeTLS(t, otherCA.Issue(t, validFrom, validTo, "backend.probe.test"))
	silent := probetest.ServeSilent(t)
	refused := probetest.RefusingPort(t)

	authProxy := &probetest.ConnectProxy{User: "svc-probe", Password: "S3cr3t-Pr0be-pass"}
	authProxyLn := authProxy.Serve(t)
	openProxy := (&probetest.ConnectProxy{}).Serve(t)

	resolver := probetest.Resolver{"backend.probe.test": true, "proxy.probe.test": true, "other.probe.test": true}
	name := func(ln net.Listener) string { return JoinName("backend.probe.test", probetest.Port(ln)) }
	proxyAt := func(ln net.Listener, user, password string) *ProxySpec {
		return &ProxySpec{Address: JoinName("proxy.probe.test", probetest.Port(ln)), Username: user, Password: password}
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
			target:    Target{Agent: "qualys_cloud_agent", Name: JoinName("127.0.0.1", probetest.Port(good))},
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
			target:     Target{Agent: "mcafee_agent", Name: JoinName("other.probe.test", probetest.Port(good))},
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
			wantErrHas: "timeout|deadline exceeded",
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
			p := &Prober{Resolver: resolver, Roots: ca.Pool, Timeout: 500 * time.Millisecond, Dial: tc.dial}
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
			if !containsAny(r.Err, strings.Split(tc.wantErrHas, "|")) {
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
		p := &Prober{Resolver: resolver, Roots: ca.Pool, Timeout: 500 * time.Millisecond}
		r := p.Probe(context.Background(), Target{Name: name(expired)})
		if !r.CertNotAfter.Equal(expiredNotAfter) {
			t.Errorf("not_after %v, want %v", r.CertNotAfter, expiredNotAfter)
		}
	})

	t.Run("the proxy received Basic credentials only when configured", func(t *testing.T) {
		var withAuth, without int
		for _, h := range authProxy.AuthHeaders() {
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

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
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
	ca := probetest.NewCA(t, "clock CA")
	now := time.Now()
	ln := probetest.ServeTLS(t, ca.Issue(t, now.Add(-time.Hour), now.Add(time.Hour), "127.0.0.1"))
	target := Target{Name: JoinName("127.0.0.1", probetest.Port(ln))}
	// Two days on, the certificate has expired; with a frozen clock every phase lasts 0.
	frozen := now.Add(48 * time.Hour)
	p := &Prober{Roots: ca.Pool, Timeout: time.Second, Now: func() time.Time { return frozen }}
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
