package cisco

// TetraError is one documented value of local.xml `//tetra/lasterror`.
type TetraError struct {
	// Code is the value as a signed int32; local.xml stores it unsigned.
	Code int32
	// Reason is the closed-set label value of tetra_update_last_error{reason}.
	Reason string
	// Title and TitleJa are the problem column of the KB table; Action its remedy.
	Title   string
	TitleJa string
	Action  string
	Source  string
	// Verified is false while the code is known only from the KB table, with no
	// captured local.xml showing it (sources.md S3).
	Verified bool
}

// Closed set of tetra_update_last_error reasons.
const (
	TetraReasonNone          = "none"
	TetraReasonProxyConnect  = "proxy_connect"
	TetraReasonProxyAuth     = "proxy_auth"
	TetraReasonProxyDownload = "proxy_download"
	TetraReasonOther         = "other"
)

// TetraErrorReasons lists every reason TetraErrorReason can return, in the order the
// collector exports them, so each one is an explicit 0 or 1.
var TetraErrorReasons = []string{
	TetraReasonNone,
	TetraReasonProxyConnect,
	TetraReasonProxyAuth,
	TetraReasonProxyDownload,
	TetraReasonOther,
}

// TetraErrors is the last-error table of the TETRA troubleshooting KB (sources.md S3,
// "プロキシの検証"; Cisco doc 214787). Unsigned values as stored: 4294965193,
// 4294965196, 4294965187; sources.md S3 gives the int32 and hex forms.
var TetraErrors = []TetraError{
	{
		Code: -2103, Reason: TetraReasonProxyConnect,
		Title:   "Could not establish a connection to the proxy",
		TitleJa: "プロキシへの接続を確立できませんでした",
		Action:  "Check network connectivity to the proxy",
		Source:  "sources.md S3 (4294965193); sources.md S3",
	},
	{
		Code: -2100, Reason: TetraReasonProxyAuth,
		Title:   "Could not authenticate with the proxy",
		TitleJa: "プロキシで認証できませんでした",
		Action:  "Check the proxy authentication credentials",
		Source:  "sources.md S3 (4294965196); sources.md S3",
	},
	{
		Code: -2109, Reason: TetraReasonProxyDownload,
		Title:   "Connected to the proxy but could not download",
		TitleJa: "プロキシに接続し、ダウンロードできませんでした",
		Action:  "Check the proxy logs for download problems",
		Source:  "sources.md S3 (4294965187); sources.md S3",
	},
}

// TetraErrorReason maps a normalised lasterror code onto the closed reason set:
// 0 is none, documented codes their reason, anything else other.
func TetraErrorReason(code int32) string {
	if code == 0 {
		return TetraReasonNone
	}
	if e, ok := TetraErrorByCode(code); ok {
		return e.Reason
	}
	return TetraReasonOther
}

// TetraErrorByCode returns the table row for a normalised lasterror code.
func TetraErrorByCode(code int32) (TetraError, bool) {
	for _, e := range TetraErrors {
		if e.Code == code {
			return e, true
		}
	}
	return TetraError{}, false
}
