#!/bin/sh
# Builds shim/bcryptprimitives.dll into OUT_DIR with Debian's LLVM 14 tools (packages
# llvm-14 and lld-14): assemble the ProcessPrng forwarder, make an import library for
# advapi32!SystemFunction036, link a DLL without CRT or entry point (about 2 KB).
# Usage: test/wine/build-shim.sh OUT_DIR
set -eu
src=$(cd "$(dirname "$0")/shim" && pwd)
out=$1
mkdir -p "$out"
llvm-mc-14 -triple=x86_64-pc-windows-msvc -filetype=obj -o "$out/processprng.obj" "$src/processprng.s"
llvm-dlltool-14 -m i386:x86-64 -d "$src/advapi32.def" -l "$out/advapi32.lib"
lld-link-14 /dll /noentry /machine:x64 /nodefaultlib /export:ProcessPrng \
  /out:"$out/bcryptprimitives.dll" "$out/processprng.obj" "$out/advapi32.lib"
echo "$out/bcryptprimitives.dll"
