#!/bin/sh
# `go test -exec` wrapper for GOOS=windows test binaries: runs one under Wine, in the
# prefix of the lane (WINEPREFIX), with a hard timeout. The test binary runs in the
# package's directory (go test's working directory), reached through Wine's Z: drive.
# Output goes through a file: the first wine call starts Wine's daemons, which inherit
# its descriptors and outlive it, so go test would wait on the pipe forever.
set -u
out=$(mktemp)
WINEDEBUG=${WINEDEBUG:--all} timeout --kill-after=5 "${WINE_TEST_TIMEOUT:-300}" wine "$@" </dev/null >"$out" 2>&1
rc=$?
grep -v -e 'wine32 is missing' -e 'multiarch needs' -e 'dpkg --add-architecture' -e 'apt-get install wine32' "$out"
rm -f "$out"
exit "$rc"
