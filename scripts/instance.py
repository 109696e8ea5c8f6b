"""Write (or refresh) a Zope instance, or a ZEO server's configuration.

    python scripts/instance.py [--port 8080] [--host 127.0.0.1] [--var var]
                               [--instance DIR] [--zeo HOST:PORT | --relstorage DSN]
                               [--max-conflict-retries N]
    python scripts/instance.py --zeo-server HOST:PORT [--var var]

The first run creates the instance with ``mkwsgiinstance`` (admin password
from ADMIN_PASSWORD, default "admin"); every run rewrites etc/zope.conf and
etc/zope.ini so that the port and storage settings follow the arguments.

Paths are relative to the current directory (the checkout: ``make run``
runs it there). Storage: by default a FileStorage with blobs in
VAR/filestorage/Data.fs and VAR/blobstorage/ (what ``make run`` uses).
Several instances share one database through ``--zeo`` (a ZEO server,
started with the zeo.conf that ``--zeo-server`` writes) or ``--relstorage``
(PostgreSQL); each instance then keeps its own cache of files in
INSTANCE/var/blobcache. With ``--relstorage`` it also writes
INSTANCE/etc/zodbconvert.conf, which copies VAR's FileStorage site into
PostgreSQL. See docs/operations.md.
"""

from pathlib import Path

import argparse
import os
import subprocess
import sys

# Zope retries a request whose transaction conflicts with another one (two
# clerks numbering in one register at the same moment) after a random pause
# that doubles each time (at most 1, 2, 4… seconds). Zope's default of 3 let
# registrations fail under load; 6 bounds the wait at about a minute in the
# worst case, and a request that conflicts even then answers 503 "busy, try
# again" (browser/conflict.py), never a site error.
MAX_CONFLICT_RETRIES = 6

ZOPE_CONF = """\
%define INSTANCE {instance}
instancehome $INSTANCE

{storage}
max-conflict-retries {retries}

<environment>
  CHAMELEON_CACHE $INSTANCE/var/cache
  TZ Asia/Ho_Chi_Minh
  zope_i18n_compile_mo_files true
  zope_i18n_allowed_languages vi en
</environment>

<dos_protection>
  form-memory-limit 64MB
</dos_protection>
"""

FILESTORAGE = """\
<zodb_db main>
  # FileStorage with blobs: the embedded default. For several instances
  # use RelStorage or ZEO instead (see docs/operations.md).
  <filestorage>
    path {var}/filestorage/Data.fs
    blob-dir {var}/blobstorage
  </filestorage>
  mount-point /
  cache-size 50000
</zodb_db>
"""

ZEO_CLIENT = """\
%import ZEO
<zodb_db main>
  # A client of the ZEO server at {address}; files are fetched from the
  # server into this instance's own cache.
  <zeoclient>
    server {address}
    blob-dir $INSTANCE/var/blobcache
    shared-blob-dir false
    name zeostorage
    cache-size 128MB
  </zeoclient>
  mount-point /
  cache-size 50000
</zodb_db>
"""

RELSTORAGE = """\
%import relstorage
<zodb_db main>
  # RelStorage on PostgreSQL, without history (pack needs no history);
  # files are kept in the database and cached in this instance.
  <relstorage>
    keep-history false
    blob-dir $INSTANCE/var/blobcache
    shared-blob-dir false
    <postgresql>
      dsn {dsn}
    </postgresql>
  </relstorage>
  mount-point /
  cache-size 50000
</zodb_db>
"""

ZODBCONVERT_CONF = """\
# Copy the FileStorage site of {var} into PostgreSQL (instances stopped):
#   .venv/bin/zodbconvert {path}
%import relstorage
<filestorage source>
  path {var}/filestorage/Data.fs
  blob-dir {var}/blobstorage
  read-only true
</filestorage>
<relstorage destination>
  keep-history false
  blob-dir {instance}/var/blobcache
  shared-blob-dir false
  <postgresql>
    dsn {dsn}
  </postgresql>
</relstorage>
"""

ZEO_CONF = """\
# The ZEO server of phutho.intranet: start it with
#   .venv/bin/runzeo -C {path}
<zeo>
  address {address}
</zeo>

<filestorage 1>
  path {var}/filestorage/Data.fs
  blob-dir {var}/blobstorage
</filestorage>

<eventlog>
  <logfile>
    path {var}/zeo/zeo.log
    format %(asctime)s %(levelname)s %(name)s %(message)s
  </logfile>
</eventlog>
"""


def write_zope_ini(instance, host, port):
    ini = instance / "etc" / "zope.ini"
    text = ini.read_text()
    lines = []
    for line in text.splitlines():
        if line.startswith("host = "):
            line = f"host = {host}"
        elif line.startswith("port = "):
            line = f"port = {port}"
        lines.append(line)
    ini.write_text("\n".join(lines) + "\n")


def storage_section(args, var):
    """The ``<zodb_db main>`` section the arguments ask for."""
    if args.zeo:
        return ZEO_CLIENT.format(address=args.zeo)
    if args.relstorage:
        return RELSTORAGE.format(dsn=args.relstorage)
    for folder in ("filestorage", "blobstorage"):
        (var / folder).mkdir(parents=True, exist_ok=True)
    return FILESTORAGE.format(var=var)


def write_zeo_server(address, var):
    """Write VAR/zeo/zeo.conf serving VAR's FileStorage and blobs."""
    for folder in ("filestorage", "blobstorage", "zeo"):
        (var / folder).mkdir(parents=True, exist_ok=True)
    path = var / "zeo" / "zeo.conf"
    path.write_text(ZEO_CONF.format(address=address, var=var, path=path))
    print(f"ZEO server configuration in {path}; start it with")
    print(f"  {Path(sys.executable).parent / 'runzeo'} -C {path}")


def make_instance(instance):
    """Create the instance with mkwsgiinstance unless it exists."""
    if (instance / "etc" / "zope.ini").exists():
        return
    password = os.environ.get("ADMIN_PASSWORD", "admin")
    bindir = Path(sys.executable).parent
    subprocess.run(
        [
            str(bindir / "mkwsgiinstance"),
            "-d",
            str(instance),
            "-u",
            f"admin:{password}",
        ],
        check=True,
    )


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", default=os.environ.get("PORT", "8080"))
    parser.add_argument("--var", default="var", help="data directory (var)")
    parser.add_argument("--instance", help="instance directory (default VAR/instance)")
    storage = parser.add_mutually_exclusive_group()
    storage.add_argument("--zeo", metavar="HOST:PORT", help="use this ZEO server")
    storage.add_argument("--relstorage", metavar="DSN", help="use this PostgreSQL")
    storage.add_argument(
        "--zeo-server",
        metavar="HOST:PORT",
        help="write VAR/zeo/zeo.conf for a ZEO server on this address, and stop",
    )
    parser.add_argument(
        "--max-conflict-retries",
        type=int,
        default=MAX_CONFLICT_RETRIES,
        help=f"Zope's retries of a conflicting request (default {MAX_CONFLICT_RETRIES})",
    )
    args = parser.parse_args()
    var = Path(args.var).resolve()
    if args.zeo_server:
        write_zeo_server(args.zeo_server, var)
        return
    if args.max_conflict_retries < 1:
        # Zope reads 0 as "use the default" (3).
        parser.error("--max-conflict-retries must be at least 1")
    instance = Path(args.instance).resolve() if args.instance else var / "instance"
    make_instance(instance)
    (instance / "etc" / "zope.conf").write_text(
        ZOPE_CONF.format(
            instance=instance,
            storage=storage_section(args, var),
            retries=args.max_conflict_retries,
        )
    )
    write_zope_ini(instance, args.host, args.port)
    if args.relstorage:
        path = instance / "etc" / "zodbconvert.conf"
        path.write_text(
            ZODBCONVERT_CONF.format(
                var=var, instance=instance, dsn=args.relstorage, path=path
            )
        )
    where = (
        f"ZEO server {args.zeo}"
        if args.zeo
        else (
            "PostgreSQL"
            if args.relstorage
            else f"{var}/filestorage and {var}/blobstorage"
        )
    )
    print(f"Instance in {instance}, data in {where}")


if __name__ == "__main__":
    main()
