package qualys

import (
	"github.com/secagent-exporter/secagent_exporter/collector/msgtable"
)

// Event names, the closed set of the `event` label of qualys_log_events_total.
const (
	EventPlatformSuccess    = "platform_success"
	EventPlatformFailure    = "platform_failure"
	EventProxyError         = "proxy_error"
	EventTLSError           = "tls_error"
	EventNetworkError       = "network_error"
	EventHTTPError          = "http_error"
	EventManifestFailed     = "manifest_failed"
	EventManifestDownloaded = "manifest_downloaded"
	EventVulnsigsVersion    = "vulnsigs_version"
	EventFIMEventLoss       = "fim_event_loss"
	EventAgentStopped       = "agent_stopped"
	EventAgentStarted       = "agent_started"
	EventWinHTTPError       = "winhttp_error"
)

// Outcome of an event for the platform-contact gauges.
const (
	OutcomeSuccess = "success" // the agent reached the Qualys platform
	OutcomeFailure = "failure" // an exchange with the platform (or its proxy) failed
)

// LogEvent documents one event of the closed set.
type LogEvent struct {
	Name    string
	Meaning string
	// Outcome is OutcomeSuccess, OutcomeFailure or "" (not about platform contact).
	Outcome string
	// Heuristic is true when no real agent log line with this meaning has been seen:
	// the rows are starting guesses (sources.md S9: "Real sample lines ... were NOT
	// found — all such message texts are UNVERIFIED") and must be checked against a
	// captured log before alerts rely on them.
	Heuristic bool
}

// LogEvents is the closed set of events LogMessages maps to, in table order. Every event
// is a heuristic today; platform_success/platform_failure/http_error at least come from
// the strings two third-party troubleshooting scripts grep for.
var LogEvents = []LogEvent{
	{EventPlatformSuccess, "a CAPI exchange with the Qualys platform completed", OutcomeSuccess, true},
	{EventPlatformFailure, "a CAPI event or request to the platform failed", OutcomeFailure, true},
	{EventProxyError, "the proxy refused, could not be resolved or asked for authentication", OutcomeFailure, true},
	{EventTLSError, "TLS handshake or certificate verification failed (proxy CA bundle, interception)", OutcomeFailure, true},
	{EventNetworkError, "DNS, TCP connect or timeout failure towards the platform", OutcomeFailure, true},
	{EventHTTPError, "an HTTP request failed; Fields[http_status] when written", OutcomeFailure, true},
	{EventManifestFailed, "a manifest (VM/PC/FIM/...) could not be downloaded or applied; Fields[module] when written", "", true},
	{EventManifestDownloaded, "a manifest was downloaded; Fields[module] when written (sources.md S4: FIM manifest not downloaded)", "", true},
	{EventVulnsigsVersion, "a line names the vulnerability signature version; Fields[vulnsigs_version] (sources.md S4)", "", true},
	{EventFIMEventLoss, "FIM could not get the audit netlink socket (auditd or another owner holds it): FIM events are lost until it does, retried every 10 minutes (sources.md S4)", "", true},
	{EventAgentStopped, "the agent or its service is stopping or shut down (sources.md S4 lists stop/shutdown among logged events)", "", true},
	{EventAgentStarted, "the agent or its service started", "", true},
	{EventWinHTTPError, "Windows agent: a WinHTTP 12xxx error; Fields[winhttp_code], map with WinHTTPReason", OutcomeFailure, true},
}

// LogMessages is the classification table for qualys-cloud-agent.log messages (the text
// after the header) and the Windows Log.txt. First match wins: platform outcome rows come
// first because the last-success gauge hinges on them, specific failures before generic
// ones, and failure rows before success rows of the same subject ("Manifest download
// failed" must not count as a download).
//
// Every row is UNVERIFIED against a real log (sources.md S9). Japanese rows reuse sources.md S4's
// terms; the agent is not known to localise its log, so they only matter if it does.
var LogMessages = []msgtable.Rule{
	{
		Event:  EventPlatformSuccess,
		Any:    []string{"CAPI event successfully completed"},
		Lang:   "en",
		Source: "sources.md S9 (THIRD-PARTY troubleshooting scripts grep this text)",
	},
	{
		Event:  EventPlatformFailure,
		Any:    []string{"CAPI event failed", "CAPI request failed"},
		Lang:   "en",
		Source: "sources.md S9 (THIRD-PARTY troubleshooting scripts grep these texts)",
	},
	{
		// libcurl's own error texts (curl_easy_strerror) for proxy problems, then any
		// line pairing "proxy" with a failure word. UNVERIFIED that the agent logs them.
		Event:  EventProxyError,
		Any:    []string{"proxy", "Proxy", "PROXY"},
		Regexp: `(?i)(?:couldn't resolve proxy|proxy connect aborted|from proxy after connect|proxy\b.*\b(?:fail|error|unable|refused|denied|unreachable|timed out|timeout|407))`,
		Lang:   "en",
		Source: "sources.md S9 (UNVERIFIED); sources.md S4 names a wrong proxy as a cause of no contact",
	},
	{
		Event:  EventProxyError,
		Any:    []string{"プロキシ"},
		Regexp: `プロキシ.*(?:失敗|エラー|できません)`,
		Lang:   "ja",
		Source: "sources.md S4 term プロキシ (UNVERIFIED as a log text)",
	},
	{
		Event:  EventTLSError,
		Any:    []string{"SSL", "ssl", "TLS", "certificate", "Certificate"},
		Regexp: `(?i)(?:ssl certificate problem|certificate verify failed|ssl connect error|peer certificate|(?:ssl|tls)\b.*\b(?:handshake|fail|error))`,
		Lang:   "en",
		Source: "libcurl error texts; sources.md S9 (proxy CA bundle) — UNVERIFIED in agent logs",
	},
	{
		Event:  EventNetworkError,
		Any:    []string{"Couldn't resolve host", "Could not resolve host", "Couldn't connect to server", "Timeout was reached", "Connection timed out", "Connection refused", "Network is unreachable"},
		Lang:   "en",
		Source: "libcurl / errno texts; sources.md S4 (no HTTPS 443 path to the platform) — UNVERIFIED in agent logs",
	},
	{
		Event:  EventHTTPError,
		Any:    []string{"Http request failed", "HTTP request failed", "http request failed"},
		Regexp: `(?i)http request failed(?:\D{0,40}?\b(?P<http_status>[1-5]\d\d)\b)?`,
		Lang:   "en",
		Source: "sources.md S9 (THIRD-PARTY script greps [ERROR] + Http request failed)",
	},
	{
		Event:  EventManifestFailed,
		Any:    []string{"manifest", "Manifest", "MANIFEST"},
		Regexp: `(?i)(?:\b(?P<module>fim|vm|pc|sca|udc|edr|swca|pm|ioc)[ _-])?manifest.*\b(?:fail|failed|failure|error|unable|could not|cannot)\b`,
		Lang:   "en",
		Source: "sources.md S9 (\"Manifest\" downloads, UNVERIFIED); sources.md S4 FIM manifest not downloaded",
	},
	{
		Event:  EventManifestFailed,
		Any:    []string{"マニフェスト"},
		Regexp: `マニフェスト.*(?:失敗|エラー|ダウンロードされない|できません)`,
		Lang:   "ja",
		Source: "sources.md S4 (FIM マニフェストがエージェントにダウンロードされない) — UNVERIFIED as a log text",
	},
	{
		Event:  EventManifestDownloaded,
		Any:    []string{"manifest", "Manifest", "MANIFEST"},
		Regexp: `(?i)(?:\b(?P<module>fim|vm|pc|sca|udc|edr|swca|pm|ioc)[ _-])?manifest.*\b(?:downloaded|download (?:completed|complete|succeeded|successful))\b`,
		Lang:   "en",
		Source: "sources.md S9 (\"Manifest\" downloads, UNVERIFIED); sources.md S4",
	},
	{
		Event:  EventManifestDownloaded,
		Any:    []string{"マニフェスト"},
		Regexp: `マニフェスト.*ダウンロード(?:しました|されました|完了)`,
		Lang:   "ja",
		Source: "sources.md S4 term マニフェスト — UNVERIFIED as a log text",
	},
	{
		Event:  EventVulnsigsVersion,
		Any:    []string{"vulnsigs", "Vulnsigs", "VulnSigs", "VULNSIGS"},
		Regexp: `(?i)vulnsigs\D{0,40}?(?P<vulnsigs_version>\d+\.\d+(?:[.-]\d+)+)`,
		Lang:   "en",
		Source: "sources.md S9 (vulnsigs versions, UNVERIFIED); sources.md S4 マニフェスト/Vulnsigs",
	},
	{
		Event:  EventFIMEventLoss,
		Any:    []string{"netlink", "Netlink", "NETLINK"},
		Regexp: `(?i)netlink.*\b(?:fail|failed|error|unable|busy|in use|already|denied|could not|cannot|retry|retrying)\b`,
		Lang:   "en",
		Source: "sources.md S4 (FIM process cannot access netlink, retries every 10 min); sources.md S10 — UNVERIFIED as a log text",
	},
	{
		Event:  EventFIMEventLoss,
		Any:    []string{"netlink"},
		Regexp: `netlink.*(?:アクセスできません|失敗|エラー)`,
		Lang:   "ja",
		Source: "sources.md S4 (netlink にアクセスできない) — UNVERIFIED as a log text",
	},
	{
		Event:  EventAgentStopped,
		Any:    []string{"shut", "Shut", "stopp", "Stopp", "STOPP"},
		Regexp: `(?i)\b(?:agent|service|qualys)\b.*\b(?:shut ?down|shutting down|stopped|stopping)\b|^(?:shutting down|stopping)\b.*\b(?:agent|service)\b`,
		Lang:   "en",
		Source: "sources.md S4 (the log records agent stop and shutdown) — UNVERIFIED wording",
	},
	{
		Event:  EventAgentStarted,
		Any:    []string{"start", "Start", "START"},
		Regexp: `(?i)\b(?:agent|service|qualys)\b.*\b(?:started|starting)\b|^starting\b.*\b(?:agent|service)\b`,
		Lang:   "en",
		Source: "sources.md S4 — UNVERIFIED wording",
	},
	{
		// The number must follow an error-ish word: bare 12xxx also occurs in sizes and ids.
		Event:  EventWinHTTPError,
		Any:    []string{"120", "121"},
		Regexp: `(?i)(?:error|err|code|winhttp|failed|failure)\D{0,24}?\b(?P<winhttp_code>12[01]\d\d)\b`,
		Lang:   "",
		Source: "sources.md S9 (THIRD-PARTY script: WinHTTP 12xxx codes in Windows agent logs)",
	},
}

// WinHTTP failure reasons, the closed set WinHTTPReason returns.
const (
	WinHTTPTimeout         = "timeout"
	WinHTTPDNS             = "dns"
	WinHTTPConnect         = "connect"
	WinHTTPConnectionReset = "connection_reset"
	WinHTTPTLSCertificate  = "tls_certificate"
	WinHTTPTLSRevocation   = "tls_revocation"
	WinHTTPTLS             = "tls"
	WinHTTPAutoProxy       = "auto_proxy"
	WinHTTPAuth            = "auth"
	WinHTTPConfig          = "config"
	WinHTTPProtocol        = "protocol"
	WinHTTPOther           = "other"
)

// WinHTTPReasons lists the closed set in a stable order.
var WinHTTPReasons = []string{WinHTTPTimeout, WinHTTPDNS, WinHTTPConnect, WinHTTPConnectionReset,
	WinHTTPTLSCertificate, WinHTTPTLSRevocation, WinHTTPTLS, WinHTTPAutoProxy, WinHTTPAuth,
	WinHTTPConfig, WinHTTPProtocol, WinHTTPOther}

// WinHTTPError is one row of the WinHTTP error table.
type WinHTTPError struct {
	Code   int
	Name   string
	Reason string
	Source string
}

// winhttpDoc is where names and numbers come from. sources.md S9 warns the third-party
// script's descriptions are wrong in places (it calls 12057 "proxy auth required"; it is
// the certificate revocation check failing), so only Microsoft's header is used.
const winhttpDoc = "Microsoft WinHTTP Error Messages (winhttp.h)"

// WinHTTPErrors maps the WinHTTP codes a Windows agent can hit talking to the platform.
var WinHTTPErrors = []WinHTTPError{
	{12001, "ERROR_WINHTTP_OUT_OF_HANDLES", WinHTTPOther, winhttpDoc},
	{12002, "ERROR_WINHTTP_TIMEOUT", WinHTTPTimeout, winhttpDoc},
	{12004, "ERROR_WINHTTP_INTERNAL_ERROR", WinHTTPOther, winhttpDoc},
	{12005, "ERROR_WINHTTP_INVALID_URL", WinHTTPConfig, winhttpDoc},
	{12006, "ERROR_WINHTTP_UNRECOGNIZED_SCHEME", WinHTTPConfig, winhttpDoc},
	{12007, "ERROR_WINHTTP_NAME_NOT_RESOLVED", WinHTTPDNS, winhttpDoc},
	{12012, "ERROR_WINHTTP_SHUTDOWN", WinHTTPOther, winhttpDoc},
	{12015, "ERROR_WINHTTP_LOGIN_FAILURE", WinHTTPAuth, winhttpDoc},
	{12017, "ERROR_WINHTTP_OPERATION_CANCELLED", WinHTTPOther, winhttpDoc},
	{12029, "ERROR_WINHTTP_CANNOT_CONNECT", WinHTTPConnect, winhttpDoc},
	{12030, "ERROR_WINHTTP_CONNECTION_ERROR", WinHTTPConnectionReset, winhttpDoc},
	{12032, "ERROR_WINHTTP_RESEND_REQUEST", WinHTTPProtocol, winhttpDoc},
	{12037, "ERROR_WINHTTP_SECURE_CERT_DATE_INVALID", WinHTTPTLSCertificate, winhttpDoc},
	{12038, "ERROR_WINHTTP_SECURE_CERT_CN_INVALID", WinHTTPTLSCertificate, winhttpDoc},
	{12044, "ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED", WinHTTPTLS, winhttpDoc},
	{12045, "ERROR_WINHTTP_SECURE_INVALID_CA", WinHTTPTLSCertificate, winhttpDoc},
	{12057, "ERROR_WINHTTP_SECURE_CERT_REV_FAILED", WinHTTPTLSRevocation, winhttpDoc},
	{12150, "ERROR_WINHTTP_HEADER_NOT_FOUND", WinHTTPProtocol, winhttpDoc},
	{12152, "ERROR_WINHTTP_INVALID_SERVER_RESPONSE", WinHTTPProtocol, winhttpDoc},
	{12156, "ERROR_WINHTTP_REDIRECT_FAILED", WinHTTPProtocol, winhttpDoc},
	{12157, "ERROR_WINHTTP_SECURE_CHANNEL_ERROR", WinHTTPTLS, winhttpDoc},
	{12166, "ERROR_WINHTTP_BAD_AUTO_PROXY_SCRIPT", WinHTTPAutoProxy, winhttpDoc},
	{12167, "ERROR_WINHTTP_UNABLE_TO_DOWNLOAD_SCRIPT", WinHTTPAutoProxy, winhttpDoc},
	{12169, "ERROR_WINHTTP_SECURE_INVALID_CERT", WinHTTPTLSCertificate, winhttpDoc},
	{12170, "ERROR_WINHTTP_SECURE_CERT_REVOKED", WinHTTPTLSRevocation, winhttpDoc},
	{12175, "ERROR_WINHTTP_SECURE_FAILURE", WinHTTPTLS, winhttpDoc},
	{12176, "ERROR_WINHTTP_UNHANDLED_SCRIPT_TYPE", WinHTTPAutoProxy, winhttpDoc},
	{12177, "ERROR_WINHTTP_SCRIPT_EXECUTION_ERROR", WinHTTPAutoProxy, winhttpDoc},
	{12178, "ERROR_WINHTTP_AUTO_PROXY_SERVICE_ERROR", WinHTTPAutoProxy, winhttpDoc},
	{12179, "ERROR_WINHTTP_SECURE_CERT_WRONG_USAGE", WinHTTPTLSCertificate, winhttpDoc},
	{12180, "ERROR_WINHTTP_AUTODETECTION_FAILED", WinHTTPAutoProxy, winhttpDoc},
	{12181, "ERROR_WINHTTP_HEADER_COUNT_EXCEEDED", WinHTTPProtocol, winhttpDoc},
	{12182, "ERROR_WINHTTP_HEADER_SIZE_OVERFLOW", WinHTTPProtocol, winhttpDoc},
	{12183, "ERROR_WINHTTP_CHUNKED_ENCODING_HEADER_SIZE_OVERFLOW", WinHTTPProtocol, winhttpDoc},
	{12184, "ERROR_WINHTTP_RESPONSE_DRAIN_OVERFLOW", WinHTTPProtocol, winhttpDoc},
}

var winhttpByCode = func() map[int]string {
	m := make(map[int]string, len(WinHTTPErrors))
	for _, e := range WinHTTPErrors {
		m[e.Code] = e.Reason
	}
	return m
}()

// WinHTTPReason maps a WinHTTP error to its reason; unknown codes give "other". Besides
// the plain code it accepts the HRESULT form (0x80072EFD for 12029, also as a negative
// int32), which is how WinHttpRequest and many logs report it.
func WinHTTPReason(code int) string {
	if code < 0 && code >= -1<<31 {
		code = int(uint32(int32(code)))
	}
	if code>>16 == 0x8007 {
		code &= 0xFFFF
	}
	if r, ok := winhttpByCode[code]; ok {
		return r
	}
	return WinHTTPOther
}
