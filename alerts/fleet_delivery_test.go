package alerts

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// The fleet alert whose delivery the fleet test follows through the Alertmanager pair,
// and the receiver alertmanager.example.yml routes it to: severity="warning" goes to
// ticket, whose only child route (vendor="exporter") does not match vendor="mcafee".
const (
	deliveredAlert    = "McAfeeAgentDuplicateGUID"
	deliveredReceiver = "ticket"
	// vmalert's copy of fleet.yml holds the alert pending this long instead of the
	// shipped 15m: long enough to pass through pending, short enough for the test.
	deliveredFor = "3s"
	// Timing of the test copy of the example routing tree (the example waits 1m and
	// regroups every 5m): a second notification for the group, a duplicate or a
	// regrouping, would show within the quiet window after the first one.
	amGroupWait     = "1s"
	amGroupInterval = "2s"
	// --cluster.peer-timeout of the test pair: the second Alertmanager of the cluster
	// waits this long before it looks in the gossiped notification log.
	amPeerTimeout = 2 * time.Second
	quietWindow   = 3*amPeerTimeout + 4*time.Second
)

// webhookNotification is the part of Alertmanager's webhook payload (version 4,
// https://prometheus.io/docs/alerting/latest/configuration/#webhook_config) the test reads.
type webhookNotification struct {
	path        string
	at          time.Time
	Version     string            `json:"version"`
	Status      string            `json:"status"`
	Receiver    string            `json:"receiver"`
	GroupLabels map[string]string `json:"groupLabels"`
	ExternalURL string            `json:"externalURL"`
	Alerts      []struct {
		Status string            `json:"status"`
		Labels map[string]string `json:"labels"`
	} `json:"alerts"`
}

// webhookReceiver is the loopback endpoint every receiver of the test copy of
// alertmanager.example.yml posts to, at /<receiver name>.
type webhookReceiver struct {
	*httptest.Server
	mu    sync.Mutex
	got   []webhookNotification
	error string
}

func startWebhook(t *testing.T) *webhookReceiver {
	h := &webhookReceiver{}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		n := webhookNotification{path: r.URL.Path, at: time.Now()}
		if err == nil {
			err = json.Unmarshal(body, &n)
		}
		h.mu.Lock()
		defer h.mu.Unlock()
		if err != nil {
			h.error = fmt.Sprintf("webhook %s: %v: %q", r.URL.Path, err, body)
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		h.got = append(h.got, n)
	}))
	t.Cleanup(h.Close)
	return h
}

// notifications returns what arrived for alertname's groups, and a payload error.
func (h *webhookReceiver) notifications(alertname string) ([]webhookNotification, string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []webhookNotification
	for _, n := range h.got {
		if n.GroupLabels["alertname"] == alertname {
			out = append(out, n)
		}
	}
	return out, h.error
}

// alertmanagerConfigFor is alertmanager.example.yml with every webhook URL pointed at
// base/<receiver name> and the root route's group_wait and group_interval shortened; the
// routing tree, inhibitions and receivers are the example's.
func alertmanagerConfigFor(t *testing.T, example, base string) []byte {
	raw, err := os.ReadFile(example)
	if err != nil {
		t.Fatal(err)
	}
	var cfg map[string]any
	if err := yaml.Unmarshal(raw, &cfg); err != nil {
		t.Fatalf("%s: %v", example, err)
	}
	route, ok := cfg["route"].(map[string]any)
	if !ok || route["group_wait"] == nil || route["group_interval"] == nil {
		t.Fatalf("%s: no route with group_wait and group_interval", example)
	}
	route["group_wait"], route["group_interval"] = amGroupWait, amGroupInterval
	receivers, _ := cfg["receivers"].([]any)
	hooks := 0
	for _, r := range receivers {
		rc := r.(map[string]any)
		for _, w := range asList(rc["webhook_configs"]) {
			asMap(w)["url"] = base + "/" + rc["name"].(string)
			hooks++
		}
		for k := range rc {
			if strings.HasSuffix(k, "_configs") && k != "webhook_configs" {
				t.Fatalf("%s: receiver %v has %s, the test only redirects webhooks", example, rc["name"], k)
			}
		}
	}
	if hooks == 0 {
		t.Fatalf("%s: no webhook receivers", example)
	}
	out, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// globalRulesFor copies rules/*.yml into dir for vmalert, with alert's for: duration in
// fleet.yml replaced by forDuration; returns the glob. The shipped files are generated
// (make site) and stay untouched.
func globalRulesFor(t *testing.T, root, dir, alert, forDuration string) string {
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(root, "alerts/rules/*.yml"))
	replaced := false
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if filepath.Base(f) == fleetRulesFile {
			var doc map[string]any
			if err := yaml.Unmarshal(raw, &doc); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			for _, g := range asList(doc["groups"]) {
				for _, r := range asList(asMap(g)["rules"]) {
					if rm := asMap(r); rm["alert"] == alert {
						if rm["for"] == nil {
							t.Fatalf("%s: %s has no for:", f, alert)
						}
						rm["for"] = forDuration
						replaced = true
					}
				}
			}
			if raw, err = yaml.Marshal(doc); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), raw, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if !replaced {
		t.Fatalf("no alert %s in %s", alert, fleetRulesFile)
	}
	return filepath.Join(dir, "*.yml")
}

// deliveryCheck follows deliveredAlert from vmalert through both Alertmanagers to the
// webhook: one notification for its group, from the receiver the example routes it to,
// with the alert's labels; the pair deduplicates through the gossiped notification log.
type deliveryCheck struct {
	hook      *webhookReceiver
	ams       []string
	instances []string // the hosts sharing the GUID: one alert each
	severity  string
	final     bool // a second notification arrived: no later state can repair that
	first     time.Time
}

func (d *deliveryCheck) check() []string {
	// Both Alertmanagers receive the alerts from vmalert: the dedup is theirs to do.
	for _, a := range d.ams {
		got, err := amAlerts(a, deliveredAlert)
		if err != nil {
			return []string{fmt.Sprintf("alertmanager %s: %v", a, err)}
		}
		if strings.Join(got, " ") != strings.Join(d.instances, " ") {
			return []string{fmt.Sprintf("alertmanager %s holds %s for %v, want %v (from vmalert)", a, deliveredAlert, got, d.instances)}
		}
	}
	notes, perr := d.hook.notifications(deliveredAlert)
	if perr != "" {
		d.final = true
		return []string{perr}
	}
	if len(notes) == 0 {
		return []string{deliveredAlert + ": no notification at the webhook yet"}
	}
	d.first = notes[0].at
	var bad []string
	if len(notes) > 1 {
		d.final = true
		var from []string
		for _, n := range notes {
			from = append(from, fmt.Sprintf("%s (%s, %d alerts, by %s)", n.path, n.Status, len(n.Alerts), n.ExternalURL))
		}
		bad = append(bad, fmt.Sprintf("%s: %d notifications for one group despite the cluster, want 1: %s",
			deliveredAlert, len(notes), strings.Join(from, "; ")))
	}
	n := notes[0]
	if n.path != "/"+deliveredReceiver || n.Receiver != deliveredReceiver {
		bad = append(bad, fmt.Sprintf("%s arrived at %s from receiver %q, the example routes it to %q",
			deliveredAlert, n.path, n.Receiver, deliveredReceiver))
	}
	if n.Version != "4" || n.Status != "firing" {
		bad = append(bad, fmt.Sprintf("%s: webhook version %q status %q, want 4 firing", deliveredAlert, n.Version, n.Status))
	}
	var instances []string
	for _, a := range n.Alerts {
		if a.Status != "firing" || a.Labels["alertname"] != deliveredAlert || a.Labels["severity"] != d.severity {
			bad = append(bad, fmt.Sprintf("%s: notified alert %s %v, want firing with alertname and severity=%s",
				deliveredAlert, a.Status, a.Labels, d.severity))
		}
		instances = append(instances, a.Labels["instance"])
	}
	sort.Strings(instances)
	if strings.Join(instances, " ") != strings.Join(d.instances, " ") {
		bad = append(bad, fmt.Sprintf("%s: notification names instances %v, want %v", deliveredAlert, instances, d.instances))
	}
	if len(bad) > 0 {
		d.final = true
		return bad
	}
	if wait := quietWindow - time.Since(d.first); wait > 0 {
		return []string{fmt.Sprintf("%s delivered once; watching %s more for a duplicate", deliveredAlert, wait.Round(time.Second))}
	}
	return nil
}

// amAlerts returns the sorted instances of an Alertmanager's active alerts named alertname.
func amAlerts(addr, alertname string) ([]string, error) {
	q := url.Values{"filter": {`alertname="` + alertname + `"`}, "active": {"true"}}
	resp, err := http.Get("http://" + addr + "/api/v2/alerts?" + q.Encode())
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var alerts []struct {
		Labels map[string]string `json:"labels"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&alerts); err != nil {
		return nil, err
	}
	var out []string
	for _, a := range alerts {
		out = append(out, a.Labels["instance"])
	}
	sort.Strings(out)
	return out, nil
}
