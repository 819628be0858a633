#!/bin/sh
# Regenerates collector/pkgdb/testdata/rpmdb.sqlite, a small rpm database (rpm 4.16+ sqlite
# form) holding empty packages with the agents' package names. Needs rpm and rpmbuild
# (Debian package rpm) and python3; run by hand, not by `make test` (the output is committed).
#   scripts/gen-rpmdb-fixture.sh
set -eu
out=$(cd "$(dirname "$0")/.." && pwd)/collector/pkgdb/testdata/rpmdb.sqlite
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/SPECS" "$work/db"
mk() { # name version release [description-bytes]
	desc=$(python3 -c "print('Fixture package: only its name, version and release matter. ' + 'x' * ${4:-0})")
	cat > "$work/SPECS/$1.spec" <<SPEC
Name: $1
Version: $2
Release: $3
Summary: fixture package standing for $1
License: none
BuildArch: noarch
%description
$desc
%files
SPEC
	rpmbuild --quiet --define "_topdir $work" -bb "$work/SPECS/$1.spec" >/dev/null
}
mk bash 5.1.8 9.el9
mk qualys-cloud-agent 6.1.0.28 1
mk MFEcma 5.7.9 139
mk MFErt 2.13.0 250
mk ciscoampconnector 1.24.1.1047 1.el9
mk glibc 2.34 100.el9 9000   # a header larger than a page: overflow pages
mk openssl 3.0.7 27.el9
mk kernel 5.14.0 427.13.1.el9_4
rpm --dbpath "$work/db" --initdb
rpm --dbpath "$work/db" -i --justdb --nodeps --noscripts "$work"/RPMS/noarch/*.rpm 2>/dev/null
python3 - "$work/db/rpmdb.sqlite" "$out" <<'PY'
import shutil, sqlite3, sys
src, dst = sys.argv[1], sys.argv[2]
c = sqlite3.connect(src)
c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
c.close()
shutil.copy(src, dst)
c = sqlite3.connect(dst)
c.execute("PRAGMA journal_mode=DELETE")
for (t,) in list(c.execute("select name from sqlite_master where type='table'")):
    if t not in ("Packages", "Name") and not t.startswith("sqlite_"):
        c.execute('DROP TABLE "%s"' % t)
c.commit()
c.execute("VACUUM")
c.close()
PY
ls -l "$out"
