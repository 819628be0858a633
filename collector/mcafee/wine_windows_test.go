//go:build windows && wine

package mcafee

// t.TempDir cleans up under Wine (internal/winetest).
import _ "github.com/secagent-exporter/secagent_exporter/internal/winetest"
