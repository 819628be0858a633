// Package synthlog writes large synthetic McAfee Agent logs for the log engine's
// benchmarks, with the literal set the benchmarks classify by, so the Go benchmarks,
// grep and mtail all scan the same bytes for the same patterns.
package synthlog

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"regexp"
	"strings"
	"time"

	"golang.org/x/text/encoding/japanese"
)

// Literals are the messages the benchmark classifier looks for, English and Japanese:
// sources.md S13 and sources.md S1.
var Literals = []string{
	"Agent started performing ASCI",
	"ASCI の実行を開始しました",
	"Agent communication session closed",
	"エージェントが通信セッションを開始しました",
	"Agent is sending PROPS VERSION package",
	"PROPS VERSION パッケージを送信しています",
	"access denied;agent to update keys",
	"Package type is KeyUpdate",
	"NaInet library returned code",
	"request failed with curl error",
	"sequence number invalid",
	"Failed to get acknowledgement from Server",
	"Error trace:",
	"pso validation failed",
	"Hash Validation failure",
	"ROLLBACK TRANSACTION",
}

// English MA 5.x messages (KB90603, KB96023); most do not match a literal, as in a real log.
var masvcMessages = []string{
	"property.Info: Collecting Properties",
	"publisher.Info: message <ma.property.collect> will be sent after <0> seconds.",
	"property.Info: Property collection session initiated for PropsVersion with session id 5696.",
	"property.Info: Properties received from EPOAGENT3000 provider",
	"property.Info: Properties received from SYSPROPS1000 provider",
	"property.Info: Finished Collecting Properties",
	"ahclient.Info: Scheduling spipe connection with \"immediate\" priority.",
	"ahclient.Info: Start processing spipe connection request.",
	"DataChannel.Manager.Info: DataChannel Service ignoring decoration of SPIPE package for: { PropsVersion }",
	"scheduler.Info: Scheduler: Invoking task [AgentWakeupCall]...",
	"policy.Info: Enforcing policies for EPOAGENT3000",
	"property.Info: Agent started performing ASCI",
	"property.Info: Agent is sending PROPS VERSION package to McAfee ePO server",
	"network.Notice: URL(https://0.0.0.0:443/policy/po.2103.ed16b6732eab48377ea8d18651a1fcea8511a0e0cb161axxxxxx) request failed with curl error <56>, response code <200>, http connect code 0",
	"policy.Error: po_id: 2103 pso_id: 68290, pso validation failed",
	"sqlite.Error: mapolicy.db:ROLLBACK TRANSACTION:1",
}

// MA 4.x lines of sources.md S1 (Japanese locale), module and message.
var agentMessages = []string{
	"Sched    >>--RunTask",
	"Manage    Running task SoftwareID:EPOAGENT3000, TaskID:158",
	"Agent    ASCI の実行を開始しました。",
	"Agent    エージェントが通信セッションを開始しました。",
	"Agent    ePOサーバーに PROPS VERSION パッケージを送信しています。",
	"Agent    ePOサーバーに接続しています。",
	"naInet    HTTP Session initialized",
	"Agent    Forwarding all events",
	"Agent    アップロードするイベントを探しています。",
	"Agent    アップロードするイベントが見つかりません。",
	"naInet   ePO server reports access denied;agent to update keys",
	"imsite      NaInet library returned code == -96",
	"naInet    HTTP Session closed",
	"SpiPkgr    Signature length is 44",
	"imutils    Tryingwithsite: 192.168.0.10:80",
	"Agent    Agenteventwakeup, processing events",
}

// Generate writes about size bytes of log: MA 5.x masvc lines (LF) or, when ja is set,
// MA 4.x Agent_<host>.log lines of a ja-JP host encoded in CP932 with CRLF.
func Generate(w io.Writer, size int64, ja bool) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	rng := rand.New(rand.NewPCG(1, 2))
	ts := time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC)
	enc := japanese.ShiftJIS.NewEncoder()
	var written int64
	var line []byte
	for written < size {
		ts = ts.Add(time.Duration(rng.IntN(900)) * time.Millisecond)
		line = line[:0]
		if ja {
			// Two thirds filler so matches stay a minority, as in a real log.
			msg := agentMessages[rng.IntN(len(agentMessages))]
			if rng.IntN(3) > 0 {
				msg = agentMessages[[]int{0, 1, 6, 7, 13, 14, 15}[rng.IntN(7)]]
			}
			level := "I"
			if strings.HasPrefix(msg, "imsite") {
				level = "E"
			}
			s := fmt.Sprintf("%s    %s #%d    %s\r\n", ts.Format("2006-01-02 15:04:05.000"), level, 1900+rng.IntN(100), msg)
			b, err := enc.Bytes([]byte(s))
			if err != nil {
				return err
			}
			line = append(line, b...)
		} else {
			msg := masvcMessages[rng.IntN(len(masvcMessages))]
			if rng.IntN(3) > 0 {
				msg = masvcMessages[rng.IntN(11)]
			}
			line = fmt.Appendf(line, "%s masvc(%d.%d) %s\n", ts.Format("2006-01-02 15:04:05.000"), 1228, 1240+rng.IntN(8), msg)
		}
		n, err := bw.Write(line)
		written += int64(n)
		if err != nil {
			return err
		}
	}
	return bw.Flush()
}

// Patterns returns the literals encoded like the log (CP932 when ja), one per line, for
// `grep -c -F -f`.
func Patterns(ja bool) ([]byte, error) {
	var out []byte
	enc := japanese.ShiftJIS.NewEncoder()
	for _, lit := range Literals {
		b := []byte(lit)
		if ja {
			var err error
			if b, err = enc.Bytes(b); err != nil {
				return nil, err
			}
		}
		out = append(append(out, b...), '\n')
	}
	return out, nil
}

// MtailProgram is the mtail equivalent of classifying by Literals: one alternation,
// matched against every line.
func MtailProgram() string {
	quoted := make([]string, len(Literals))
	for i, lit := range Literals {
		// mtail regexps are delimited by slashes.
		quoted[i] = strings.ReplaceAll(regexp.QuoteMeta(lit), "/", `\/`)
	}
	return "counter matched_lines\n\n/" + strings.Join(quoted, "|") + "/ {\n  matched_lines++\n}\n"
}
