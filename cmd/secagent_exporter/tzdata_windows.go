//go:build windows

package main

// Windows has no IANA zone database for time.LoadLocation, so --collector.timezone
// (Japanese sites set Asia/Tokyo) would fail there: embed Go's copy (about 450 KB).
import _ "time/tzdata"
