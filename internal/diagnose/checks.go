package diagnose

import (
	"fmt"
	"runtime"
	"sort"
	"time"

	"github.com/secagent-exporter/secagent_exporter/collector/cisco"
)

// checks is the diagnosis table, in the order problems are explained. Each remedy is the
// vendor's, from the public KBs named in comments (docs/sources.md)
// and the runbook section of the alert with the same name.
var checks = []check{
	exporterChecks,
	mcafeeChecks,
	ePOServerChecks,
	ciscoChecks,
	linuxPrerequisiteChecks,
	qualysChecks,
	probeChecks,
}

func exporterChecks(m metrics, _ time.Time, _ Thresholds) []Finding {
	var out []Finding
	for _, s := range m["secagent_collector_success"] {
		if s.value != 0 {
			continue
		}
		c := s.labels["collector"]
		failed := []string{}
		for _, src := range m["secagent_source_success"] {
			if src.labels["collector"] == c && src.value == 0 {
				failed = append(failed, src.labels["source"])
			}
		}
		sort.Strings(failed)
		detail := ""
		if len(failed) > 0 {
			detail = fmt.Sprintf(" (failed sources: %v)", failed)
		}
		timeout := m.is("secagent_collector_timeout", 1, "collector", c)
		out = append(out, Finding{Severity: Warning, Runbook: "SecagentCollectorFailing",
			Problem: Text{
				EN: fmt.Sprintf("The %s collector could not read all its sources%s%s.", c, detail, map[bool]string{true: " and timed out", false: ""}[timeout]),
				JA: fmt.Sprintf("%s コレクタがソースをすべて読み取れませんでした%s%s。", c, detail, map[bool]string{true: "(タイムアウト)", false: ""}[timeout]),
			},
			Remedy: Text{
				EN: "Run again with --log.level=debug: the log line names the file or command and the error (permission denied: run as root / Administrators or grant read access, see docs/collectors).",
				JA: "--log.level=debug を付けて再実行してください。ログにファイルまたはコマンドとエラーが出力されます(権限不足の場合は root / Administrators で実行するか読み取り権限を付与してください。docs/collectors 参照)。",
			}})
	}
	return out
}

// mcafeeChecks: sources.md S1 (key update after MA 4.5 -> 4.6/4.8), sources.md S2 (sequence number
// invalid after snapshot restore / cloned GUID).
func mcafeeChecks(m metrics, now time.Time, th Thresholds) []Finding {
	if !m.is("secagent_agent_installed", 1, "agent", "mcafee_agent") {
		return nil
	}
	var out []Finding
	if m.is("epo_agent_key_update_pending", 1) {
		out = append(out, Finding{Severity: Warning, Runbook: "McAfeeAgentKeyUpdatePending",
			Problem: Text{
				EN: "McAfee Agent: ePO refused the last communication with \"access denied; agent to update keys\": the 2048-bit agent-server key is not loaded yet (typical right after an MA 4.5 -> 4.6/4.8 upgrade). Properties and policies are not updated until the next successful ASCI.",
				JA: "McAfee Agent: ePO が直前の通信を「access denied; agent to update keys」で拒否しました。2048bit のセキュリティキーがまだ読み込まれていません(MA 4.5 から 4.6/4.8 へのアップグレード直後の仕様上の動作)。次の ASCI が成功するまでプロパティとポリシーは更新されません。",
			},
			Remedy: Text{
				EN: "Run the agent wake-up call a second time (ePO: Wake Up Agents, or on the host: cmdagent /p then cmdagent /c).\nThe first ASCI after the upgrade restarts the framework service to load the key; the second one succeeds.",
				JA: "エージェントウェイクアップコールをもう一度実行してください(ePO の「エージェントのウェイクアップ」、またはクライアントで cmdagent /p の後 cmdagent /c)。\nアップグレード後の初回 ASCI でキー読み込みのためにサービスが再起動され、2 回目の通信で情報が反映されます。",
			}})
	}
	if m.is("epo_last_asci_failure_reason", 1, "reason", "sequence_rejected") {
		out = append(out, Finding{Severity: Critical, Runbook: "McAfeeAgentSequenceRejected",
			Problem: Text{
				EN: "McAfee Agent: ePO rejects this agent's communication (sequence number invalid / no acknowledgement). The agent was restored from a snapshot or image, or another machine uses the same agent GUID.",
				JA: "McAfee Agent: ePO がこのエージェントの通信を拒否しています(シーケンス番号が無効)。スナップショットやイメージから復元されたか、別のマシンが同じエージェント GUID を使用しています。",
			},
			Remedy: Text{
				EN: "If the machine was cloned, give it a new GUID: stop the agent, remove the AgentGUID value (Windows registry) or run `maconfig -enforce -noguid` (Linux/macOS), start the agent and run cmdagent /p.\nIf it was restored from a snapshot, delete the system from ePO (without uninstalling the agent) and let it register again.\nCheck `count by (guid) (epo_agent_info) > 1` in Prometheus for other hosts with the same GUID.",
				JA: "複製されたマシンの場合は新しい GUID を生成してください。エージェントを停止し、AgentGUID の値(Windows レジストリ)を削除するか `maconfig -enforce -noguid`(Linux/macOS)を実行してから、エージェントを起動して cmdagent /p を実行します。\nスナップショットから復元した場合は、ePO からシステムを削除し(エージェントはアンインストールしない)、再登録させてください。\n同じ GUID を持つ他のホストは Prometheus で `count by (guid) (epo_agent_info) > 1` を確認してください。",
			}})
	} else if m.is("epo_last_asci_success", 0) {
		reason := "other"
		for _, s := range m["epo_last_asci_failure_reason"] {
			if s.value == 1 {
				reason = s.labels["reason"]
			}
		}
		failures, _ := m.value("epo_asci_consecutive_failures")
		out = append(out, Finding{Severity: Warning, Runbook: "McAfeeAgentASCIFailing",
			Problem: Text{
				EN: fmt.Sprintf("McAfee Agent: the last agent-server communication (ASCI) failed (reason %s, %g consecutive failures).", reason, failures),
				JA: fmt.Sprintf("McAfee Agent: 直近のエージェント-サーバー間通信(ASCI)が失敗しました(理由 %s、連続 %g 回)。", reason, failures),
			},
			Remedy: Text{
				EN: "Check that the ePO server or agent handler is reachable on its port (enable the probe collector), then run cmdagent /p and read the agent log (masvc_<host>.log / Agent_<host>.log) around the failure.",
				JA: "ePO サーバーまたはエージェントハンドラにポートで到達できるか確認し(probe コレクタを有効化)、cmdagent /p を実行して失敗時刻付近のエージェントログ(masvc_<host>.log / Agent_<host>.log)を確認してください。",
			}})
	}
	if ts, ok := m.value("epo_last_asci_success_timestamp_seconds"); ok && m.is("epo_agent_managed", 1) {
		if a := age(now, ts); ts == 0 || a > th.ASCIStale {
			out = append(out, Finding{Severity: Warning, Runbook: "McAfeeAgentASCIStale",
				Problem: Text{
					EN: fmt.Sprintf("McAfee Agent: no successful communication with ePO for %s (limit %s): the console shows stale data for this host.", hours(a), hours(th.ASCIStale)),
					JA: fmt.Sprintf("McAfee Agent: ePO との通信が %s 成功していません(上限 %s)。コンソール上のこのホストの情報は古いままです。", hoursJA(a), hoursJA(th.ASCIStale)),
				},
				Remedy: Text{
					EN: "Check the McAfee Agent service (masvc / McAfee Framework Service) is running, then run cmdagent /p and cmdagent /c and watch the agent log.",
					JA: "McAfee Agent サービス(masvc / McAfee Framework Service)が動作しているか確認し、cmdagent /p と cmdagent /c を実行してエージェントログを確認してください。",
				}})
		}
	}
	if m.is("epo_agent_managed", 0) {
		out = append(out, Finding{Severity: Info,
			Problem: Text{EN: "McAfee Agent runs in unmanaged mode: it does not report to any ePO server.", JA: "McAfee Agent はアンマネージドモードです。ePO サーバーに報告していません。"},
			Remedy:  Text{EN: "Deploy the agent from ePO (or install the managed package) if this host should be managed.", JA: "管理対象にする場合は ePO からエージェントを配布(またはマネージドパッケージをインストール)してください。"}})
	}
	return out
}

func ePOServerChecks(m metrics, _ time.Time, _ Thresholds) []Finding {
	agents, ok := m.value("epo_server_sequence_error_agents")
	if !ok || agents == 0 {
		return nil
	}
	return []Finding{{Severity: Warning, Runbook: "McAfeeServerSequenceErrors",
		Problem: Text{
			EN: fmt.Sprintf("ePO server: %g agent GUID(s) were rejected with \"sequence number invalid\" in the window (see epo_server_agent_sequence_errors for the top offenders).", agents),
			JA: fmt.Sprintf("ePO サーバー: 期間内に %g 個のエージェント GUID が「sequence number invalid」で拒否されました(上位は epo_server_agent_sequence_errors を参照)。", agents),
		},
		Remedy: Text{
			EN: "For each GUID: find the machines using it; regenerate the GUID on clones, re-register snapshot-restored systems (KB60776).",
			JA: "各 GUID を使用しているマシンを特定し、複製マシンでは GUID を再生成、スナップショットから復元したシステムは再登録してください(KB60776)。",
		}}}
}

// ciscoChecks: sources.md S3 (TETRA definitions not updating: DNS, TLS/CRL, proxy), sources.md S5
// (Linux connector faults).
func ciscoChecks(m metrics, now time.Time, th Thresholds) []Finding {
	if !m.is("secagent_agent_installed", 1, "agent", "cisco_secure_endpoint") {
		return nil
	}
	var out []Finding
	if m.is("connector_running", 0) {
		out = append(out, Finding{Severity: Critical, Runbook: "CiscoConnectorNotRunning",
			Problem: Text{EN: "Cisco Secure Endpoint: the connector service is not running: the host is unprotected.", JA: "Cisco Secure Endpoint: コネクタサービスが動作していません。ホストは保護されていません。"},
			Remedy:  Text{EN: "Start the service (Windows: CiscoAMP; Linux: systemctl start cisco-amp) and check its log for why it stopped.", JA: "サービスを起動し(Windows: CiscoAMP、Linux: systemctl start cisco-amp)、停止した理由をログで確認してください。"}})
	} else if m.is("connector_connected", 0) {
		out = append(out, Finding{Severity: Warning, Runbook: "CiscoConnectorDisconnected",
			Problem: Text{EN: "Cisco Secure Endpoint: the connector is not connected to the cloud.", JA: "Cisco Secure Endpoint: コネクタがクラウドに接続していません。"},
			Remedy:  Text{EN: "Check DNS resolution and TCP 443 to the Cisco cloud from this host, and the proxy settings of the policy.", JA: "このホストから Cisco クラウドへの名前解決と TCP 443 の疎通、ポリシーのプロキシ設定を確認してください。"}})
	}
	if m.is("connector_isolated", 1) {
		out = append(out, Finding{Severity: Warning, Runbook: "CiscoConnectorIsolated",
			Problem: Text{EN: "Cisco Secure Endpoint: the endpoint is isolated from the network.", JA: "Cisco Secure Endpoint: エンドポイントがネットワークから隔離されています。"},
			Remedy:  Text{EN: "Confirm with the SOC that the isolation is intended; stop it from the console when the incident is closed.", JA: "隔離が意図したものか SOC に確認し、対応完了後にコンソールから解除してください。"}})
	}
	for _, s := range m["connector_fault_active"] {
		if s.value != 1 {
			continue
		}
		out = append(out, faultFinding(s.labels["id"], s.labels["name"]))
	}
	if a, ok := m.value("tetra_definitions_age_seconds"); ok {
		d := time.Duration(a) * time.Second
		if d > th.TetraWarning {
			sev := Warning
			if d > th.TetraCritical {
				sev = Critical
			}
			reason := "none"
			for _, s := range m["tetra_update_last_error"] {
				if s.value == 1 {
					reason = s.labels["reason"]
				}
			}
			out = append(out, Finding{Severity: sev, Runbook: "CiscoTetraDefinitionsStale",
				Problem: Text{
					EN: fmt.Sprintf("Cisco Secure Endpoint: TETRA definitions are %s old (Cisco publishes about 4 updates a day); last update error: %s.", hours(d), reason),
					JA: fmt.Sprintf("Cisco Secure Endpoint: TETRA 定義が %s 更新されていません(Cisco は 1 日約 4 回更新を配信)。直近の更新エラー: %s。", hoursJA(d), reason),
				},
				Remedy: tetraRemedy(reason)})
		}
	}
	return out
}

func tetraRemedy(reason string) Text {
	switch reason {
	case "proxy_auth":
		return Text{
			EN: "The proxy requires authentication (error 4294965196 / -2100): set the proxy user and password in the connector policy (Proxy tab), or allow the update server without authentication, then run `sfc.exe -forceupdate`.",
			JA: "プロキシが認証を要求しています(エラー 4294965196 / -2100)。コネクタポリシーのプロキシ設定にユーザー名とパスワードを設定するか、更新サーバーへの通信を認証不要にしてから `sfc.exe -forceupdate` を実行してください。",
		}
	case "proxy_connect":
		return Text{
			EN: "The connector cannot connect to the proxy (error 4294965193 / -2103): check the proxy host and port in the policy and that the proxy is reachable, then run `sfc.exe -forceupdate`.",
			JA: "コネクタがプロキシに接続できません(エラー 4294965193 / -2103)。ポリシーのプロキシのホストとポートおよびプロキシへの疎通を確認してから `sfc.exe -forceupdate` を実行してください。",
		}
	case "proxy_download":
		return Text{
			EN: "The definitions download through the proxy was interrupted (error 4294965187 / -2109): exclude the TETRA update server from proxy content inspection / size limits, then run `sfc.exe -forceupdate`.",
			JA: "プロキシ経由の定義ダウンロードが中断されました(エラー 4294965187 / -2109)。TETRA 更新サーバーをプロキシのコンテンツ検査やサイズ制限の対象外にしてから `sfc.exe -forceupdate` を実行してください。",
		}
	default:
		return Text{
			EN: "Check name resolution of the TETRA update server, TCP 443 and TLS to it (including certificate revocation checks: CRL/OCSP must be reachable), then run `sfc.exe -forceupdate` from the connector's version directory.",
			JA: "TETRA 更新サーバーの名前解決、TCP 443 と TLS の疎通(証明書失効確認の CRL/OCSP への到達も含む)を確認し、コネクタのバージョンディレクトリで `sfc.exe -forceupdate` を実行してください。",
		}
	}
}

// faultRemedies are the sources.md S5 remedies per Linux connector fault id.
var faultRemedies = map[int]Text{
	5:  {EN: "Recreate the scan-service user: reinstall the connector, or add the user and group cisco-amp-scan-svc; make /opt/cisco and its children mode 0755.", JA: "スキャンサービスユーザーを再作成してください(コネクタの再インストール、または cisco-amp-scan-svc ユーザーとグループの追加)。/opt/cisco 以下のディレクトリは 0755 にしてください。"},
	6:  {EN: "If it does not clear within 10 minutes of a restart, collect ampdaemon.log / ampscansvc.log (support tool) for Cisco TAC.", JA: "再起動後 10 分以内に解消しない場合は、ampdaemon.log / ampscansvc.log(サポートツール)を採取して Cisco TAC に連絡してください。"},
	7:  {EN: "Restart the connector (systemctl restart cisco-amp); if it persists, collect a support bundle for Cisco TAC.", JA: "コネクタを再起動してください(systemctl restart cisco-amp)。継続する場合はサポートバンドルを採取して Cisco TAC に連絡してください。"},
	8:  {EN: "The file system monitor needs eBPF (BTF: /sys/kernel/btf/vmlinux) or the kernel module built against installed kernel headers: install kernel-devel/kernel-headers for the running kernel or boot a supported kernel, then restart the connector.", JA: "ファイルシステムモニタには eBPF(BTF: /sys/kernel/btf/vmlinux)、または導入済みカーネルヘッダでビルドしたカーネルモジュールが必要です。実行中のカーネル用の kernel-devel/kernel-headers を導入するかサポート対象のカーネルで起動し、コネクタを再起動してください。"},
	9:  {EN: "As for fault 8: provide BTF or the headers for the running kernel, then restart the connector.", JA: "障害 8 と同様に、実行中カーネルの BTF またはヘッダを用意してコネクタを再起動してください。"},
	11: {EN: "Install the kernel development package for the running kernel (RHEL: dnf install kernel-devel-$(uname -r)), or use a kernel built with CONFIG_DEBUG_INFO_BTF, then restart the connector.", JA: "実行中カーネル用のカーネル開発パッケージを導入する(RHEL: dnf install kernel-devel-$(uname -r))か、CONFIG_DEBUG_INFO_BTF 付きのカーネルを使用し、コネクタを再起動してください。"},
	16: {EN: "The running kernel is not supported by this connector version: boot a supported kernel or upgrade the connector.", JA: "実行中のカーネルはこのコネクタバージョンでサポートされていません。サポート対象のカーネルで起動するか、コネクタをアップグレードしてください。"},
	18: {EN: "Event monitoring is overloaded (connector Degraded): add exclusions for busy, trusted paths/processes in the policy; the fault clears when the event rate drops.", JA: "イベント監視が過負荷です(コネクタは Degraded)。ポリシーで高負荷かつ信頼できるパスやプロセスを除外に追加してください。イベント量が下がると障害は解消します。"},
	19: {EN: "Install the SELinux policy module cisco-secure-bpf (reinstall/upgrade the connector, or `semodule -i` the module shipped with it), or add `allow unconfined_service_t self:bpf { map_create map_read map_write prog_load prog_run };` to the local policy, then restart the connector.", JA: "SELinux ポリシーモジュール cisco-secure-bpf を導入してください(コネクタの再インストール/アップグレード、または同梱モジュールを `semodule -i`)。あるいはローカルポリシーに `allow unconfined_service_t self:bpf { map_create map_read map_write prog_load prog_run };` を追加し、コネクタを再起動してください。"},
}

func faultFinding(idLabel, name string) Finding {
	var id int
	fmt.Sscanf(idLabel, "%d", &id)
	title := Text{EN: name, JA: name}
	if f, ok := cisco.FaultByID(id); ok {
		title = Text{EN: f.Title, JA: f.TitleJa}
	}
	remedy, ok := faultRemedies[id]
	if !ok {
		remedy = Text{EN: "Look the fault id up in Cisco's Linux connector fault list (doc 214523) and run `ampcli status`.", JA: "Cisco の Linux コネクタ障害一覧(ドキュメント 214523)で障害 ID を確認し、`ampcli status` を実行してください。"}
	}
	return Finding{Severity: Warning, Runbook: "CiscoConnectorFaultActive",
		Problem: Text{
			EN: fmt.Sprintf("Cisco Secure Endpoint Linux connector fault %s: %s.", idLabel, title.EN),
			JA: fmt.Sprintf("Cisco Secure Endpoint Linux コネクタ障害 %s: %s。", idLabel, title.JA),
		},
		Remedy: remedy}
}

// linuxPrerequisiteChecks explain the cause before the connector raises the fault.
func linuxPrerequisiteChecks(m metrics, _ time.Time, _ Thresholds) []Finding {
	ciscoInstalled := m.is("secagent_agent_installed", 1, "agent", "cisco_secure_endpoint")
	var out []Finding
	if ciscoInstalled && m.is("selinux_enforcing", 1) && m.is("selinux_bpf_module_loaded", 0) && !m.is("connector_fault_active", 1, "id", "19") {
		out = append(out, Finding{Severity: Warning, Runbook: "CiscoSELinuxBPFModuleMissing",
			Problem: Text{EN: "SELinux enforces but the cisco-secure-bpf policy module is not installed and enabled: the connector will raise fault 19 and cannot monitor.", JA: "SELinux が enforcing ですが、ポリシーモジュール cisco-secure-bpf が導入・有効化されていません。コネクタは障害 19 となり監視できません。"},
			Remedy:  faultRemedies[19]})
	}
	if ciscoInstalled && m.is("kernel_btf_available", 0) && m.is("kernel_headers_installed", 0) {
		out = append(out, Finding{Severity: Warning, Runbook: "CiscoConnectorKernelHeadersMissing",
			Problem: Text{EN: "Neither BTF nor kernel headers for the running kernel are present: the connector's monitors cannot start (faults 8, 9, 11).", JA: "実行中カーネルの BTF もカーネルヘッダもありません。コネクタのモニタが起動できません(障害 8、9、11)。"},
			Remedy:  faultRemedies[11]})
	}
	if ciscoInstalled && m.is("connector_scan_user_present", 0) && !m.is("connector_fault_active", 1, "id", "5") {
		out = append(out, Finding{Severity: Warning, Runbook: "CiscoConnectorScanUserMissing",
			Problem: Text{EN: "The connector's scan-service user cisco-amp-scan-svc does not exist (fault 5).", JA: "コネクタのスキャンサービスユーザー cisco-amp-scan-svc が存在しません(障害 5)。"},
			Remedy:  faultRemedies[5]})
	}
	return out
}

// qualysChecks: sources.md S4 (platform unreachable, FIM manifest, audit netlink ownership).
// qualysPlatformRemedy is the connectivity advice for the host's OS: the Linux agent takes
// its proxy from an environment file, the Windows agent from QualysProxy.exe (sources.md S9).
func qualysPlatformRemedy(goos string) Text {
	if goos == "windows" {
		return Text{
			EN: "The agent needs HTTPS (TCP 443) to its platform URL, directly or through the proxy set with QualysProxy.exe in the agent's install folder (stored in the agent's registry key). Check DNS, the proxy and its credentials, and TLS inspection exemptions, then read C:\\ProgramData\\Qualys\\QualysAgent\\Log.txt.",
			JA: "エージェントはプラットフォーム URL へ直接またはプロキシ(エージェントのインストールフォルダーの QualysProxy.exe で設定、エージェントのレジストリキーに保存)経由で HTTPS(TCP 443)通信が必要です。名前解決、プロキシと認証情報、TLS インスペクションの除外を確認し、C:\\ProgramData\\Qualys\\QualysAgent\\Log.txt を確認してください。",
		}
	}
	return Text{
		EN: "The agent needs HTTPS (TCP 443) to its platform URL (ServerUri), directly or through the proxy in /etc/sysconfig|default/qualys-cloud-agent (https_proxy / qualys_https_proxy). Check DNS, the proxy and its credentials, and TLS inspection exemptions.",
		JA: "エージェントはプラットフォーム URL(ServerUri)へ直接またはプロキシ(/etc/sysconfig|default/qualys-cloud-agent の https_proxy / qualys_https_proxy)経由で HTTPS(TCP 443)通信が必要です。名前解決、プロキシと認証情報、TLS インスペクションの除外を確認してください。",
	}
}

func qualysChecks(m metrics, now time.Time, th Thresholds) []Finding {
	if !m.is("secagent_agent_installed", 1, "agent", "qualys_cloud_agent") {
		return nil
	}
	var out []Finding
	if m.is("qualys_agent_running", 0) {
		out = append(out, Finding{Severity: Critical, Runbook: "QualysAgentNotRunning",
			Problem: Text{EN: "Qualys Cloud Agent is installed but not running.", JA: "Qualys Cloud Agent は導入されていますが動作していません。"},
			Remedy:  Text{EN: "Start it (Linux: systemctl start qualys-cloud-agent; Windows: service QualysAgent) and read /var/log/qualys/qualys-cloud-agent.log.", JA: "起動してください(Linux: systemctl start qualys-cloud-agent、Windows: QualysAgent サービス)。/var/log/qualys/qualys-cloud-agent.log を確認してください。"}})
	}
	if ts, ok := m.value("qualys_last_platform_success_timestamp_seconds"); ok {
		if a := age(now, ts); ts == 0 || a > th.QualysStale {
			when := Text{EN: "never in the log read so far", JA: "読み取ったログには記録がありません"}
			if ts > 0 {
				when = Text{EN: "for " + hours(a), JA: hoursJA(a) + "の間"}
			}
			out = append(out, Finding{Severity: Warning, Runbook: "QualysPlatformUnreachable",
				Problem: Text{
					EN: fmt.Sprintf("Qualys Cloud Agent: no successful exchange with the Qualys platform %s.", when.EN),
					JA: fmt.Sprintf("Qualys Cloud Agent: Qualys プラットフォームとの通信成功が%s。", when.JA),
				},
				Remedy: qualysPlatformRemedy(runtime.GOOS)})
		}
	}
	if m.is("qualys_fim_audit_conflict", 1) {
		reason := ""
		for _, s := range m["qualys_fim_audit_conflict_reason"] {
			if s.value == 1 && s.labels["reason"] != "none" {
				reason = s.labels["reason"]
			}
		}
		out = append(out, Finding{Severity: Warning, Runbook: "QualysFIMAuditConflict",
			Problem: Text{
				EN: fmt.Sprintf("Qualys FIM: auditd and the agent disagree about who owns the audit netlink socket (%s): FIM events are being lost.", reason),
				JA: fmt.Sprintf("Qualys FIM: auditd とエージェントの audit netlink ソケットの所有が矛盾しています(%s)。FIM イベントが失われています。", reason),
			},
			Remedy: fimRemedy(reason)})
	}
	return out
}

func fimRemedy(reason string) Text {
	switch reason {
	case "auditd_running":
		return Text{EN: "UseAuditDispatcher=0 means the agent owns the audit socket: stop and disable auditd (systemctl stop auditd; systemctl disable auditd), or set UseAuditDispatcher=1 and configure the audispd dispatcher.", JA: "UseAuditDispatcher=0 ではエージェントが audit ソケットを使用します。auditd を停止・無効化する(systemctl stop auditd; systemctl disable auditd)か、UseAuditDispatcher=1 にして audispd ディスパッチャを設定してください。"}
	case "auditd_stopped", "edr_plugin_missing":
		return Text{EN: "UseAuditDispatcher=1 needs auditd running with the edr-plugin dispatcher: uncomment `dispatcher = /sbin/audispd` in /etc/audit/auditd.conf, start auditd and restart the agent.", JA: "UseAuditDispatcher=1 では edr-plugin ディスパッチャ付きで auditd が動作している必要があります。/etc/audit/auditd.conf の `dispatcher = /sbin/audispd` を有効にし、auditd を起動してエージェントを再起動してください。"}
	case "audit_immutable":
		return Text{EN: "The audit configuration is locked (-e 2): remove `-e 2` from the audit rules and reboot so the agent can install its FIM rules.", JA: "audit 設定がロックされています(-e 2)。audit ルールから `-e 2` を削除して再起動し、エージェントが FIM ルールを設定できるようにしてください。"}
	default:
		return Text{EN: "Make auditd and UseAuditDispatcher agree (see the runbook).", JA: "auditd の状態と UseAuditDispatcher の設定を一致させてください(ランブック参照)。"}
	}
}

func probeChecks(m metrics, now time.Time, th Thresholds) []Finding {
	var out []Finding
	for _, s := range m["secagent_probe_success"] {
		if s.value != 0 {
			continue
		}
		agent, target := s.labels["agent"], s.labels["target"]
		phase := "unknown"
		for _, p := range m["secagent_probe_failed_phase"] {
			if p.labels["agent"] == agent && p.labels["target"] == target && p.value == 1 {
				phase = p.labels["phase"]
			}
		}
		out = append(out, Finding{Severity: Warning, Runbook: "SecagentProbeFailing",
			Problem: Text{
				EN: fmt.Sprintf("This host cannot reach %s's back end %s: failed at %s.", agent, target, phase),
				JA: fmt.Sprintf("このホストから %s のサーバー %s に到達できません(失敗フェーズ: %s)。", agent, target, phase),
			},
			Remedy: Text{
				EN: "dns: check the resolver; connect: firewall / routing to the port; proxy_connect / proxy_auth: the proxy address and credentials the agent uses; tls: TLS inspection, certificate validity and revocation (CRL/OCSP) reachability.",
				JA: "dns: 名前解決を確認。connect: ポートへのファイアウォール/経路を確認。proxy_connect / proxy_auth: エージェントが使うプロキシのアドレスと認証情報を確認。tls: TLS インスペクション、証明書の有効期限、失効確認(CRL/OCSP)への到達を確認。",
			}})
	}
	for _, s := range m["secagent_probe_tls_cert_not_after_timestamp_seconds"] {
		left := time.Unix(int64(s.value), 0).Sub(now)
		if s.value > 0 && left < th.CertExpiryWindow {
			out = append(out, Finding{Severity: Warning, Runbook: "SecagentProbeTLSCertExpiring",
				Problem: Text{
					EN: fmt.Sprintf("The TLS certificate of %s (%s) expires in %s.", s.labels["target"], s.labels["agent"], hours(left)),
					JA: fmt.Sprintf("%s(%s)の TLS 証明書はあと %s で期限切れになります。", s.labels["target"], s.labels["agent"], hoursJA(left)),
				},
				Remedy: Text{EN: "Renew the server certificate before agents start refusing it.", JA: "エージェントが拒否し始める前にサーバー証明書を更新してください。"}})
		}
	}
	return out
}
