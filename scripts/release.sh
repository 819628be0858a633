#!/usr/bin/env bash
# `make release`: every artefact of a release into $RELEASE_DIR, from a clean tree.
#
#  * each binary (RELEASE_TARGETS, os/arch) is built twice, into two directories, the second
#    time with an empty build cache (RELEASE_FRESH_CACHE=1, the default), and the two must be
#    byte for byte identical: the build is reproducible (-trimpath, CGO off, the build date
#    is the commit time);
#  * an archive per target (.tar.gz for Linux, .zip for Windows) holding the binary, LICENSE,
#    README.md, CHANGELOG.md, SECURITY.md, docs/, the alert rules, the site config example
#    and the dashboards, with fixed owners, modes, order and times;
#  * a CycloneDX SBOM per binary (cyclonedx-gomod, pinned in the Makefile);
#  * with RELEASE_PACKAGES=1: deb and rpm for each Linux target and the MSI for windows/amd64,
#    built by the Makefile's own package targets; the binary inside each must be the one
#    that was checked reproducible;
#  * SHA256SUMS over everything above.
#
# The Makefile passes GO, VERSION, LDFLAGS, SOURCE_DATE_EPOCH, CYCLONEDX, RELEASE_DIR,
# RELEASE_TARGETS, RELEASE_PACKAGES, RELEASE_FRESH_CACHE and RELEASE_ALLOW_DIRTY.
set -euo pipefail
cd "$(dirname "$0")/.."

: "${GO:=go}" "${VERSION:?}" "${LDFLAGS:?}" "${SOURCE_DATE_EPOCH:?}" "${CYCLONEDX:?}"
: "${RELEASE_DIR:=dist/release}"
: "${RELEASE_TARGETS:=linux/amd64 linux/arm64 windows/amd64 windows/arm64}"
: "${RELEASE_PACKAGES:=1}" "${RELEASE_FRESH_CACHE:=1}" "${RELEASE_ALLOW_DIRTY:=0}"
name=secagent_exporter

if [ "$RELEASE_ALLOW_DIRTY" != 1 ] && [ -n "$(git status --porcelain 2>/dev/null)" ]; then
  echo "release: the working tree is not clean; commit or stash first:" >&2
  git status --short >&2
  exit 1
fi

rm -rf "$RELEASE_DIR"
mkdir -p "$RELEASE_DIR"
work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
export SOURCE_DATE_EPOCH TZ=UTC LC_ALL=C

build() { # build OS ARCH OUTDIR [GOCACHE]
  local os=$1 arch=$2 out=$3 ext=""
  [ "$os" = windows ] && ext=.exe
  mkdir -p "$out"
  env ${4:+GOCACHE="$4"} CGO_ENABLED=0 GOOS="$os" GOARCH="$arch" "$GO" build -trimpath -ldflags "$LDFLAGS" -o "$out/$name$ext" ./cmd/secagent_exporter
  echo "$out/$name$ext"
}
sha() { sha256sum "$1" | cut -d' ' -f1; }

# The files every archive holds besides the binary.
payload() { # payload DIR
  local d=$1
  mkdir -p "$d/alerts/rules" "$d/dashboards"
  cp LICENSE README.md CHANGELOG.md SECURITY.md "$d/"
  cp -r docs "$d/docs"
  cp alerts/rules/*.yml "$d/alerts/rules/"
  cp alerts/alertmanager.example.yml "$d/alerts/"
  [ -f alerts/site.example.yml ] && cp alerts/site.example.yml "$d/alerts/"
  cp dashboards/*.json "$d/dashboards/"
}

for target in $RELEASE_TARGETS; do
  os=${target%/*} arch=${target#*/}
  echo "== $os/$arch"
  a=$(build "$os" "$arch" "$work/a/$os-$arch")
  cache=""
  if [ "$RELEASE_FRESH_CACHE" = 1 ]; then cache="$work/gocache-$os-$arch"; fi
  b=$(build "$os" "$arch" "$work/b/$os-$arch" "$cache")
  if [ "$(sha "$a")" != "$(sha "$b")" ]; then
    echo "release: $os/$arch is not reproducible: $(sha "$a") vs $(sha "$b")" >&2
    exit 1
  fi
  echo "reproducible: $os/$arch $(sha "$a")"
  [ -n "$cache" ] && { chmod -R u+w "$cache"; rm -rf "$cache"; }

  base="$name-$VERSION.$os-$arch"
  stage="$work/stage/$base"
  mkdir -p "$stage"
  cp "$a" "$stage/"
  payload "$stage"
  chmod -R u=rwX,go=rX "$stage"
  chmod 0755 "$stage/$(basename "$a")"
  find "$stage" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
  if [ "$os" = windows ]; then
    (cd "$work/stage" && find "$base" | sort | zip -X -q -D -@ "$OLDPWD/$RELEASE_DIR/$base.zip")
  else
    tar -C "$work/stage" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" \
      -cf - "$base" | gzip -9n > "$RELEASE_DIR/$base.tar.gz"
  fi
  # The SBOM describes the binary as built: the modules and versions Go linked into it.
  # cyclonedx-gomod labels the modules with GOOS/GOARCH of its environment, not the binary's
  GOOS="$os" GOARCH="$arch" "$CYCLONEDX" bin -json -disable-html-escape -licenses -noserial -notimestamp -version "v$VERSION" \
    -output "$RELEASE_DIR/$base.cdx.json" "$a" 2>"$work/sbom.log" || { cat "$work/sbom.log" >&2; exit 1; }
  grep -v 'module download failed\|resolve module license' "$work/sbom.log" >&2 || true
  cp "$a" "$work/$os-$arch.verified"
done

if [ "$RELEASE_PACKAGES" = 1 ]; then
  # relative: wixl does not find files given by absolute path (-D ExePath=/abs/... fails)
  pkgdist=dist/.release-pkg
  rm -rf "$pkgdist"
  for target in $RELEASE_TARGETS; do
    os=${target%/*} arch=${target#*/}
    case "$target" in
      linux/*)
        make --no-print-directory package-linux PKG_ARCH="$arch" DIST="$pkgdist" VERSION="$VERSION" SOURCE_DATE_EPOCH="$SOURCE_DATE_EPOCH" >/dev/null
        staged="$pkgdist/stage/$name" ;;
      windows/amd64)
        make --no-print-directory package-msi DIST="$pkgdist" VERSION="$VERSION" SOURCE_DATE_EPOCH="$SOURCE_DATE_EPOCH" >/dev/null
        staged="$pkgdist/stage/$name.exe" ;;
      *) continue ;;
    esac
    if [ "$(sha "$staged")" != "$(sha "$work/$os-$arch.verified")" ]; then
      echo "release: the packaged $os/$arch binary differs from the reproducible build" >&2
      exit 1
    fi
    echo "packaged: $os/$arch (same binary)"
  done
  find "$pkgdist" -maxdepth 1 -type f \( -name '*.deb' -o -name '*.rpm' -o -name '*.msi' \) -exec mv {} "$RELEASE_DIR/" \;
  rm -rf "$pkgdist"
fi

(cd "$RELEASE_DIR" && find . -maxdepth 1 -type f ! -name SHA256SUMS -printf '%f\n' | sort | xargs sha256sum > SHA256SUMS)
echo "== $RELEASE_DIR"
cat "$RELEASE_DIR/SHA256SUMS"
