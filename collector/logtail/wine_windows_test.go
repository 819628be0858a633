//go:build windows && wine

package logtail

// t.TempDir cleans up under Wine (internal/winetest).
import _ "github.com/secagent-exporter/secagent_exporter/internal/winetest"
