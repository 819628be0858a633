#!/bin/sh
# Installs the Debian packages behind missing commands, and fails loudly when it cannot.
# Usage: scripts/need-debian-packages.sh COMMAND:PACKAGE...
# Used by `make tools` and `make package-tools`; never downloads anything but apt packages.
set -u
missing="" pkgs=""
for pair in "$@"; do
  cmd=${pair%%:*} pkg=${pair#*:}
  command -v "$cmd" >/dev/null 2>&1 && continue
  missing="$missing $cmd"
  case " $pkgs " in *" $pkg "*) ;; *) pkgs="$pkgs $pkg" ;; esac
done
[ -z "$missing" ] && exit 0
echo "missing:$missing; installing Debian packages:$pkgs"
sudo=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo="sudo -n"
  else
    echo "ERROR: not root and no password-less sudo: install them yourself:" >&2
    echo "  sudo apt-get install --no-install-recommends$pkgs" >&2
    echo "(make unit runs the portable Go tests without them)" >&2
    exit 1
  fi
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "ERROR: no apt-get on this machine: install$pkgs (the commands$missing) another way" >&2
  exit 1
fi
if ! $sudo apt-get update -qq || ! DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $pkgs; then
  echo "ERROR: apt-get install$pkgs failed (see above)" >&2
  exit 1
fi
for cmd in $missing; do
  if ! command -v "$cmd" >/dev/null 2>&1; then
    echo "ERROR: $cmd is still missing after installing$pkgs" >&2
    exit 1
  fi
done
