// Package qualys parses what the Qualys Cloud Agent leaves on a host: its configuration
// file, host id, proxy environment file, log records, process names, and (on Windows)
// registry values and service state.
//
// Everything here is a pure function over bytes or strings returning plain structs; the
// collector owns file access and metric mapping. Vendor knowledge (log message texts,
// WinHTTP codes) lives in tables in messages.go, each row citing its source:
// sources.md sections C.1–C.8 and "Parser requirements", and sources.md S4
// (the Japanese Qualys troubleshooting KB).
//
// Secrets never enter these structs: ActivationId and CustomerId are reduced to presence
// flags while the file is read, and proxy user:password to AuthConfigured.
package qualys
