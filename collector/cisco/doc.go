// Package cisco parses what the Cisco Secure Endpoint (formerly AMP for Endpoints)
// connector leaves on a host: `AmpCLI.exe posture` JSON, local.xml, policy.xml and the
// install-directory layout on Windows; `ampcli status`, global.xml and ClamAV database
// headers on Linux. The parsers are pure functions over bytes returning plain structs;
// the cisco collector maps them onto metrics.
//
// Vendor knowledge (Linux fault ids, TETRA last-error codes) is data in faults.go and
// tetra_errors.go, one row per fact, each citing the public source (docs/sources.md)
// it came from. Formats marked UNVERIFIED there are parsed defensively: every field is
// optional and unknown keys are ignored, so a connector release that adds or moves a
// field degrades to a missing value instead of a failed scrape.
//
// Windows registry and service access sit behind collector/winreg and collector/winsvc,
// so the collector runs on Linux against fakes and fixture trees.
package cisco
