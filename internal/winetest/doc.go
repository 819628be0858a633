// Package winetest adapts the standard library to Wine for the Go tests the Wine lane
// (test/wine/run.sh) runs as Windows programs. A test package that needs it imports it
// from a file built with `windows && wine`; other builds compile nothing here.
package winetest
