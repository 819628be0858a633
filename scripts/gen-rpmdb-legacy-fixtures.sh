#!/bin/sh
# Regenerates the rpm database fixtures other than the plain sqlite one, all derived from the
# header blobs of collector/pkgdb/testdata/rpmdb.sqlite (made by scripts/gen-rpmdb-fixture.sh):
#   testdata/Packages      Berkeley DB hash (rpm's BDB backend, RHEL/CentOS 7 and 8), written by
#                          db5.3_load (Debian package db5.3-util), little-endian, 4096-byte pages
#                          so the largest header (glibc) takes an overflow chain
#   testdata/Packages.be   the same, big-endian (db_load's lorder=4321)
#   testdata/Packages.db   ndb (rpm's lib/backend/ndb/rpmpkg.c, SUSE). Debian's rpm is built
#                          without the ndb backend (`--define '_db_backend ndb' --initdb` gives
#                          "invalid %_db_backend: ndb"), so a python3 writer below follows
#                          rpmpkg.c's layout instead.
#   testdata/wal/rpmdb.sqlite, testdata/wal/rpmdb.sqlite-wal
#                          the sqlite fixture in WAL mode with one commit only in the -wal:
#                          qualys-cloud-agent replaced by 6.2.0.5-1 (a second rpmbuild)
# Needs db5.3_load, rpm, rpmbuild and python3; run by hand, not by `make test` (the output is
# committed, so tests need none of these tools). Packages.db and wal/rpmdb.sqlite come out
# byte-identical on every run; Packages, Packages.be and the -wal differ only in Berkeley DB's
# random file id and SQLite's random WAL salts.
#   scripts/gen-rpmdb-legacy-fixtures.sh
set -eu
td=$(cd "$(dirname "$0")/.." && pwd)/collector/pkgdb/testdata
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Berkeley DB: db_load -T reads paired lines (key, data) with non-printable bytes as \xx hex.
# Keys are rpm's 4-byte header numbers in host order (little-endian on x86); key 0 holds the
# largest header number, as rpm's BDB backend kept it.
python3 - "$td/rpmdb.sqlite" "$work/dump.txt" <<'PY'
import sqlite3, struct, sys
rows = list(sqlite3.connect(sys.argv[1]).execute("select hnum, blob from Packages order by hnum"))
def esc(b):
    return "".join(chr(c) if 0x20 < c < 0x7f and c != 0x5c else "\\%02x" % c for c in b)
with open(sys.argv[2], "w") as f:
    f.write(esc(struct.pack("<I", 0)) + "\n" + esc(struct.pack("<I", max(h for h, _ in rows))) + "\n")
    for h, blob in rows:
        f.write(esc(struct.pack("<I", h)) + "\n" + esc(blob) + "\n")
PY
rm -f "$td/Packages" "$td/Packages.be"
db5.3_load -T -t hash -c db_pagesize=4096 -f "$work/dump.txt" "$td/Packages"
db5.3_load -T -t hash -c db_pagesize=4096 -c db_lorder=4321 -f "$work/dump.txt" "$td/Packages.be"

# ndb: file header (32 bytes: 'RpmP', version 0, generation, slot pages, next pkgidx), then
# 16-byte slots ('Slot', pkgidx, blkoff, blkcnt; blkoff 0 = free) filling the slot pages, then
# blobs in 16-byte blocks: head ('BlbS', pkgidx, timestamp, length), the header blob, zero
# padding, tail (adler32 of everything before the tail, length, 'BlbE'). All little-endian.
python3 - "$td/rpmdb.sqlite" "$td/Packages.db" <<'PY'
import sqlite3, struct, sys, zlib
rows = list(sqlite3.connect(sys.argv[1]).execute("select hnum, blob from Packages order by hnum"))
PAGE, BLK = 4096, 16
slots, blobs = [], b""
blkoff = PAGE // BLK
for h, blob in rows:
    head = b"BlbS" + struct.pack("<III", h, 1700000000 + h, len(blob))
    n = (16 + len(blob) + 12 + BLK - 1) // BLK
    body = head + blob + b"\0" * (n * BLK - 16 - len(blob) - 12)
    body += struct.pack("<II", zlib.adler32(body), len(blob)) + b"BlbE"
    slots.append(b"Slot" + struct.pack("<III", h, blkoff, n))
    blobs += body
    blkoff += n
hdr = b"RpmP" + struct.pack("<IIII", 0, len(rows) + 1, 1, max(h for h, _ in rows) + 1) + b"\0" * 12
page = hdr + b"".join(slots)
while len(page) < PAGE:
    page += b"Slot" + b"\0" * 12
with open(sys.argv[2], "wb") as f:
    f.write(page[:PAGE] + blobs)
PY

# WAL: a newer qualys-cloud-agent header from a second rpm build.
mkdir -p "$work/SPECS" "$work/db" "$td/wal"
cat > "$work/SPECS/q.spec" <<'SPEC'
Name: qualys-cloud-agent
Version: 6.2.0.5
Release: 1
Summary: fixture package standing for qualys-cloud-agent
License: none
BuildArch: noarch
%description
Fixture package: only its name, version and release matter.
%files
SPEC
rpmbuild --quiet --define "_topdir $work" -bb "$work/SPECS/q.spec" >/dev/null
rpm --dbpath "$work/db" --initdb
rpm --dbpath "$work/db" -i --justdb --nodeps --noscripts "$work"/RPMS/noarch/*.rpm 2>/dev/null
cp "$td/rpmdb.sqlite" "$work/wal.sqlite"
# Both files are copied while the connection is open: closing it would checkpoint the -wal
# back into the main file and delete it.
python3 - "$work/db/rpmdb.sqlite" "$work/wal.sqlite" "$td/wal" <<'PY'
import shutil, sqlite3, sys
new = sqlite3.connect(sys.argv[1]).execute("select blob from Packages").fetchone()[0]
c = sqlite3.connect(sys.argv[2], isolation_level=None)
c.execute("PRAGMA journal_mode=WAL")
c.execute("PRAGMA wal_autocheckpoint=0")
c.execute("BEGIN")
c.execute("UPDATE Packages SET blob=? WHERE hnum=(SELECT hnum FROM Name WHERE key='qualys-cloud-agent')", (new,))
c.execute("COMMIT")
shutil.copy(sys.argv[2], sys.argv[3] + "/rpmdb.sqlite")
shutil.copy(sys.argv[2] + "-wal", sys.argv[3] + "/rpmdb.sqlite-wal")
c.close()
PY
ls -l "$td/Packages" "$td/Packages.be" "$td/Packages.db" "$td/wal"
