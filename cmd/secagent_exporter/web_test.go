package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// writeTestCertificate writes a self-signed certificate for 127.0.0.1 and returns a
// pool that trusts it.
func writeTestCertificate(t *testing.T, dir string) *x509.CertPool {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "secagent_exporter test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "cert.pem"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(filepath.Join(dir, "key.pem"), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600)
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return pool
}

func TestWebConfigTLSAndBasicAuth(t *testing.T) {
	dir := t.TempDir()
	pool := writeTestCertificate(t, dir)
	hash, err := bcrypt.GenerateFromPassword([]byte("s3cret"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	webConfig := filepath.Join(dir, "web.yml")
	os.WriteFile(webConfig, []byte("tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\nbasic_auth_users:\n  prometheus: "+string(hash)+"\n"), 0o600)

	p := startExporter(t, "https", "--web.config.file="+webConfig, "--collector.disable-defaults", "--state.dir="+t.TempDir())
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}

	get := func(user, pass string) int {
		req, _ := http.NewRequest(http.MethodGet, p.URL+"/metrics", nil)
		if user != "" {
			req.SetBasicAuth(user, pass)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := get("prometheus", "s3cret"); code != http.StatusOK {
		t.Errorf("good credentials: %d", code)
	}
	if code := get("prometheus", "wrong"); code != http.StatusUnauthorized {
		t.Errorf("bad password: %d", code)
	}
	if code := get("", ""); code != http.StatusUnauthorized {
		t.Errorf("no credentials: %d", code)
	}
	plain := strings.Replace(p.URL, "https://", "http://", 1)
	if resp, err := http.Get(plain + "/metrics"); err == nil {
		if resp.StatusCode == http.StatusOK {
			t.Errorf("plain HTTP served metrics on a TLS listener")
		}
		resp.Body.Close()
	}
}

func TestConfigFileFlagsWin(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yml")
	os.WriteFile(cfg, []byte(strings.Join([]string{
		"collector.disable-defaults: true",
		"collector.linux_security: true",
		"web.telemetry-path: /from-file",
		"collector.linux_security.kernel-module: [ampfsm, ampnetworkflow]",
		"path.rootfs: " + filepath.Join(fixturesDir(t), "hosts", "linux-prereqs-ok"),
		"path.procfs: " + filepath.Join(fixturesDir(t), "hosts", "linux-prereqs-ok", "proc"),
		"path.sysfs: " + filepath.Join(fixturesDir(t), "hosts", "linux-prereqs-ok", "sys"),
	}, "\n")+"\n"), 0o600)
	// The command line names the telemetry path too: the flag wins over the file.
	p := startExporter(t, "http", "--config.file="+cfg, "--web.telemetry-path=/metrics", "--state.dir="+t.TempDir())
	body, _ := scrape(t, http.DefaultClient, p.URL+"/metrics", "")
	for _, want := range []string{
		`kernel_module_loaded{module="ampfsm"} 1`,
		`kernel_module_loaded{module="ampnetworkflow"} 0`,
		`secagent_collector_success{collector="linux_security"} 1`,
		"selinux_bpf_module_loaded 1",
	} {
		if !strings.Contains(body, want+"\n") {
			t.Errorf("missing %q", want)
		}
	}
	resp, err := http.Get(p.URL + "/from-file")
	if err != nil {
		t.Fatal(err)
	}
	fromFile, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if strings.Contains(string(fromFile), "# HELP") {
		t.Errorf("the config file's telemetry path won over the flag")
	}

	check := startCheck(t, "--config.file="+cfg, "--config.check")
	if !strings.Contains(check, "configuration OK") || !strings.Contains(check, "linux_security") {
		t.Errorf("--config.check output: %q", check)
	}
}

func startCheck(t *testing.T, args ...string) string {
	t.Helper()
	out, err := execExporter(args...)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	return out
}

func TestMaxRequestsRefusesExcessWith503(t *testing.T) {
	dir := t.TempDir()
	fixtures := fixturesDir(t)
	p := startExporter(t, "http",
		"--web.max-requests=1", "--collector.disable-defaults", "--collector.linux_security",
		"--path.rootfs="+filepath.Join(fixtures, "hosts", "linux-prereqs-ok"),
		"--path.procfs="+filepath.Join(fixtures, "hosts", "linux-prereqs-ok", "proc"),
		"--path.sysfs="+filepath.Join(fixtures, "hosts", "linux-prereqs-ok", "sys"),
		"--state.dir="+dir)
	var wg sync.WaitGroup
	var mu sync.Mutex
	codes := map[int]int{}
	for i := 0; i < 40; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := http.Get(p.URL + "/metrics")
			if err != nil {
				return
			}
			resp.Body.Close()
			mu.Lock()
			codes[resp.StatusCode]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if codes[http.StatusOK] == 0 || codes[http.StatusServiceUnavailable] == 0 {
		t.Fatalf("want some 200 and some 503 with one slot for 40 concurrent scrapes, got %v", codes)
	}
	if !p.Running() {
		t.Fatal("exporter exited")
	}
}

func TestCollectorDeadline(t *testing.T) {
	cases := []struct {
		header     string
		configured time.Duration
		want       time.Duration
	}{
		{"", 8 * time.Second, 8 * time.Second},
		{"10", 8 * time.Second, 8 * time.Second},
		{"5", 8 * time.Second, 4500 * time.Millisecond},
		{"0.6", 8 * time.Second, 300 * time.Millisecond},
		{"garbage", 8 * time.Second, 8 * time.Second},
		{"-3", 8 * time.Second, 8 * time.Second},
	}
	for _, tc := range cases {
		if got := collectorDeadline(tc.header, tc.configured, 500*time.Millisecond); got != tc.want {
			t.Errorf("collectorDeadline(%q, %s) = %s, want %s", tc.header, tc.configured, got, tc.want)
		}
	}
}

func TestCollectorDeadlineHeaderFloor(t *testing.T) {
	for _, h := range []string{"1e-300", "0.05", "NaN", "+Inf", "-1", "junk"} {
		if got := collectorDeadline(h, 8*time.Second, 500*time.Millisecond); got != 8*time.Second {
			t.Errorf("header %q: deadline %s, want the configured 8s", h, got)
		}
	}
	if got := collectorDeadline("4", 8*time.Second, 500*time.Millisecond); got != 3500*time.Millisecond {
		t.Errorf("header 4: deadline %s, want 3.5s", got)
	}
}

// The landing page links only what the exporter serves: every link on it answers 200.
func TestLandingPageLinksOnlyServedPaths(t *testing.T) {
	fixtures := fixturesDir(t)
	p := startExporter(t, "http", "--collector.disable-defaults", "--collector.linux_security",
		"--path.rootfs="+filepath.Join(fixtures, "hosts", "linux-prereqs-ok"),
		"--path.procfs="+filepath.Join(fixtures, "hosts", "linux-prereqs-ok", "proc"),
		"--path.sysfs="+filepath.Join(fixtures, "hosts", "linux-prereqs-ok", "sys"),
		"--state.dir="+t.TempDir())
	resp, err := http.Get(p.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	links := regexp.MustCompile(`href="(/[^"]*)"`).FindAllStringSubmatch(string(page), -1)
	if len(links) == 0 {
		t.Fatalf("landing page has no links:\n%s", page)
	}
	for _, l := range links {
		r, err := http.Get(p.URL + l[1])
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		if r.StatusCode != http.StatusOK {
			t.Errorf("landing page links %s, which answers %d", l[1], r.StatusCode)
		}
	}
}
