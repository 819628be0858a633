#!/usr/bin/env bash
# bench-section.sh FILE NAME: replaces what lies between "<!-- BEGIN NAME -->" and
# "<!-- END NAME -->" in FILE with stdin, so each `make bench` rewrites only its numbers
# and a rerun shows up as a diff. Fails if the markers are missing.
set -euo pipefail
file=$1 name=$2
content=$(mktemp)
trap 'rm -f "$content" "$content.out"' EXIT
cat >"$content"
grep -qxF "<!-- BEGIN $name -->" "$file" && grep -qxF "<!-- END $name -->" "$file" ||
	{ echo "$file: markers for $name missing" >&2; exit 1; }
awk -v begin="<!-- BEGIN $name -->" -v end="<!-- END $name -->" -v content="$content" '
	$0 == begin { print; while ((getline line < content) > 0) print line; skip = 1; next }
	$0 == end { skip = 0 }
	!skip { print }
' "$file" >"$content.out"
cat "$content.out" >"$file"
