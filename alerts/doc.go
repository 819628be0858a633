// Package alerts holds the Prometheus recording and alerting rules (rules/), their promtool
// unit tests (tests/) and the example Alertmanager configuration. The Go code here is only
// the test that keeps rules, promtool tests, runbooks, dashboards and the exporter's metric
// catalogue consistent with each other.
package alerts
