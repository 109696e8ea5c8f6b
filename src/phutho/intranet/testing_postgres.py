"""A throw-away PostgreSQL server for tests (Debian's postgresql package).

Started in a temporary directory on a free loopback port, as the
``postgres`` system user when run as root (PostgreSQL refuses root), with
trust authentication; stopped and deleted afterwards.
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


class PostgresServer:
    """``with PostgresServer() as pg: pg.dsn("dbname")``."""

    def __init__(self):
        self.port = _free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="phutho-pg-"))
        self.data = self.directory / "data"
        self.user = None
        if os.geteuid() == 0:
            self.user = pwd.getpwnam("postgres")
            os.chown(self.directory, self.user.pw_uid, self.user.pw_gid)

    def _run(self, *args):
        command = list(args)
        if self.user is not None:
            command = ["runuser", "-u", "postgres", "--"] + command
        subprocess.run(command, check=True, capture_output=True, cwd=self.directory)

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
            except subprocess.CalledProcessError:
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
