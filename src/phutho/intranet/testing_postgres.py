"""A throw-away PostgreSQL server for tests (Debian's postgresql package).

Started in a temporary directory on a free loopback port with trust
authentication; stopped and deleted afterwards. PostgreSQL refuses to run
as root: as root it runs as the ``postgres`` account, or as ``nobody`` on a
machine without one (PostgreSQL's server package not yet configured, a
container).
"""

from pathlib import Path

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time


def _bin(name):
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    found = candidates[-1] if candidates else shutil.which(name)
    if not found:
        raise RuntimeError(
            f"PostgreSQL's {name} is not installed (Debian package postgresql)"
        )
    return found


def available():
    """True when PostgreSQL's server programs are installed."""
    try:
        _bin("initdb")
        _bin("pg_ctl")
    except RuntimeError:
        return False
    return True


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Accounts the server may run as when the tests run as root, in order.
SERVICE_ACCOUNTS = ("postgres", "nobody")


def service_account():
    """The unprivileged account to run the server as (root only)."""
    for name in SERVICE_ACCOUNTS:
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise RuntimeError(
        "PostgreSQL does not run as root and none of the accounts "
        f"{', '.join(SERVICE_ACCOUNTS)} exists"
    )


class PostgresServer:
    """``with PostgresServer() as pg: pg.dsn("dbname")``."""

    def __init__(self):
        self.port = _free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="phutho-pg-"))
        self.data = self.directory / "data"
        self.user = None
        if os.geteuid() == 0:
            self.user = service_account()
            os.chown(self.directory, self.user.pw_uid, self.user.pw_gid)

    def _run(self, *args, timeout=120):
        """Run a PostgreSQL program, as the service account when root."""
        switch = {}
        if self.user is not None:
            switch = dict(
                user=self.user.pw_uid, group=self.user.pw_gid, extra_groups=[]
            )
        try:
            subprocess.run(
                list(args),
                check=True,
                capture_output=True,
                cwd=self.directory,
                timeout=timeout,
                **switch,
            )
        except subprocess.CalledProcessError as error:
            # Say why: initdb and pg_ctl explain themselves on stderr.
            raise RuntimeError(
                f"{' '.join(map(str, args))} failed: "
                f"{error.stderr.decode(errors='replace')}{self._log_tail()}"
            ) from error

    def _log_tail(self):
        log = self.directory / "log"
        if not log.exists():
            return ""
        return "\n" + "\n".join(log.read_text(errors="replace").splitlines()[-20:])

    def start(self):
        self._run(
            _bin("initdb"),
            "-D",
            str(self.data),
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
        )
        self._run(
            _bin("pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.directory / "log"),
            "-w",
            "-o",
            f"-p {self.port} -k {self.directory} -h 127.0.0.1 -c fsync=off",
            "start",
        )
        return self

    def create_database(self, name):
        deadline = time.time() + 30
        while True:
            try:
                self._run(
                    _bin("createdb"),
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(self.port),
                    "-U",
                    "postgres",
                    name,
                )
                return
            except RuntimeError:
                if time.time() > deadline:
                    raise
                time.sleep(0.5)

    def dsn(self, name):
        return f"dbname={name} user=postgres host=127.0.0.1 port={self.port}"

    def stop(self):
        try:
            self._run(
                _bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"
            )
        finally:
            shutil.rmtree(self.directory, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False
