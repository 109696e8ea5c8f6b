"""Write (or refresh) the Zope instance under var/.

    python scripts/instance.py [--port 8080] [--host 127.0.0.1] [--var var]

The first run creates the instance with ``mkwsgiinstance`` (admin password
from ADMIN_PASSWORD, default "admin"); every run rewrites etc/zope.conf and
etc/zope.ini so that the port and storage settings follow the arguments.
Data stays in var/filestorage/Data.fs and var/blobstorage/.
"""

from pathlib import Path

import argparse
import os
import subprocess
import sys

ROOT = Path(__file__).resolve().parent.parent

ZOPE_CONF = """\
%define INSTANCE {instance}
instancehome $INSTANCE

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


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", default=os.environ.get("PORT", "8080"))
    parser.add_argument("--var", default=str(ROOT / "var"), help="data directory")
    args = parser.parse_args()
    var = Path(args.var).resolve()
    instance = var / "instance"
    if not (instance / "etc" / "zope.ini").exists():
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
    for folder in ("filestorage", "blobstorage"):
        (var / folder).mkdir(parents=True, exist_ok=True)
    (instance / "etc" / "zope.conf").write_text(
        ZOPE_CONF.format(instance=instance, var=var)
    )
    write_zope_ini(instance, args.host, args.port)
    print(f"Instance in {instance}, data in {var}/filestorage and {var}/blobstorage")


if __name__ == "__main__":
    main()
