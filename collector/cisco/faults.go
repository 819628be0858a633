package cisco

import "strings"

// Fault is one Linux connector fault the vendor documents.
type Fault struct {
	ID int
	// Name is a short snake_case label value for connector_fault_active{name}.
	Name string
	// Title is the English title; TitleJa the title of the Japanese KB (sources.md S5).
	Title   string
	TitleJa string
	// Severity is the severity assumed when `ampcli status` lists the id without an
	// `ID n - <Severity>:` line. Only fault 18's (Major, or Critical) is documented;
	// the others are judgements from the KB's "condition" text.
	Severity int
	Source   string
	// Verified is true when the title was seen in an English vendor document; false
	// for rows translated from the Japanese KB alone (sources.md S5).
	Verified bool
}

// Fault severities as `ampcli status` prints them (`Faults: 1 Major`,
// `ID 18 - Critical: …`, sources.md S8), mapped onto connector_fault_severity.
const (
	SeverityUnknown  = -1
	SeverityNone     = 0
	SeverityMinor    = 1
	SeverityMajor    = 2
	SeverityCritical = 3
)

// LinuxFaults is the fault table of the Linux connector KB (Cisco doc 214523, sources.md S5
// 「セキュアエンドポイントLinuxコネクタの障害」). Titles of unverified rows are faithful
// translations of the KB's Japanese headings.
var LinuxFaults = []Fault{
	{
		ID: 5, Name: "scan_user_missing",
		Title:    "Scan Service User Unavailable",
		TitleJa:  "スキャンサービスユーザが使用できない",
		Severity: SeverityMinor,
		Source:   "Cisco doc 214523 (sources.md S5); sources.md S5 障害5",
		Verified: true,
	},
	{
		ID: 6, Name: "scan_service_restarting",
		Title:    "Scan Service Restarting Frequently",
		TitleJa:  "スキャンサービスが頻繁に再起動する",
		Severity: SeverityMinor,
		Source:   "Cisco doc 214523 (sources.md S5); sources.md S5 障害6",
		Verified: true,
	},
	{
		ID: 7, Name: "scan_service_start_failed",
		Title:    "Scan service could not be started",
		TitleJa:  "スキャンサービスを開始できませんでした",
		Severity: SeverityMajor,
		Source:   "sources.md S5 エラー7",
	},
	{
		ID: 8, Name: "fs_monitor_start_failed",
		Title:    "Real-time file system monitor failed to start",
		TitleJa:  "リアルタイムファイルシステムモニタの起動に失敗した",
		Severity: SeverityMajor,
		Source:   "sources.md S5 エラー8 (kernel module ampfsm)",
	},
	{
		ID: 9, Name: "network_monitor_start_failed",
		Title:    "Real-time network monitor cannot be started",
		TitleJa:  "リアルタイムネットワークモニタを起動できない",
		Severity: SeverityMajor,
		Source:   "sources.md S5 エラー9 (kernel module ampnetworkflow)",
	},
	{
		ID: 11, Name: "kernel_devel_missing",
		Title:    "Required kernel development package not found",
		TitleJa:  "必要なカーネル開発パッケージが見つかりません",
		Severity: SeverityMajor,
		Source:   "sources.md S5 障害11 (CONFIG_DEBUG_INFO_BTF or kernel headers)",
	},
	{
		ID: 16, Name: "kernel_incompatible",
		Title:    "Incompatible kernel",
		TitleJa:  "互換性のないカーネル",
		Severity: SeverityMajor,
		Source:   "sources.md S5 障害16",
	},
	{
		ID: 18, Name: "event_monitoring_overloaded",
		Title:    "Connector Event Monitoring is Overloaded",
		TitleJa:  "コネクタイベント監視が過負荷です",
		Severity: SeverityMajor,
		Source:   "Cisco doc 220575 (sources.md S8); sources.md S5 障害18",
		Verified: true,
	},
	{
		ID: 19, Name: "bpf_selinux_policy_missing",
		Title:    "SELinux policy missing or disabled",
		TitleJa:  "SELinuxポリシーが見つからないか無効になっている",
		Severity: SeverityMajor,
		Source:   "sources.md S5 障害19 (SELinux module cisco-secure-bpf)",
	},
}

// FaultByID returns the documented Linux fault with the given id.
func FaultByID(id int) (Fault, bool) {
	for _, f := range LinuxFaults {
		if f.ID == id {
			return f, true
		}
	}
	return Fault{}, false
}

// ParseSeverity maps a severity word of `ampcli status` (any case) onto
// SeverityNone..SeverityCritical, and anything else onto SeverityUnknown.
func ParseSeverity(s string) int {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "none":
		return SeverityNone
	case "minor":
		return SeverityMinor
	case "major":
		return SeverityMajor
	case "critical":
		return SeverityCritical
	}
	return SeverityUnknown
}
