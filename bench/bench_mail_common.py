"""What the mail benchmarks share: a throw-away instance under bench/var-*,
served by its own process, with the demo site and the mail-in account."""

from pathlib import Path

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_site(var, port, mailin_port, demo=True):
    """Instance in ``var`` with the site ``Plone``; returns
    ``(zope.conf, mailin.cfg)``."""
    var = Path(var).resolve()
    env = dict(
        os.environ,
        TZ="Asia/Ho_Chi_Minh",
        PORT=str(port),
        HOST="127.0.0.1",
        DEMO="1" if demo else "0",
        MAILIN_CONFIG=str(var / "mailin.cfg"),
        MAILIN_PORT=str(mailin_port),
    )
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "instance.py"),
            "--var",
            str(var),
            "--port",
            str(port),
        ],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    conf = var / "instance" / "etc" / "zope.conf"
    subprocess.run(
        [
            str(BIN / "zconsole"),
            "run",
            str(conf),
            str(ROOT / "scripts" / "create_site.py"),
        ],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    return conf, var / "mailin.cfg"


def zconsole(conf, script, *args):
    """Run ``script`` under zconsole on the instance (stopped)."""
    env = dict(os.environ, TZ="Asia/Ho_Chi_Minh")
    subprocess.run(
        [str(BIN / "zconsole"), "run", str(conf), str(script), *args],
        check=True,
        env=env,
    )


def start_portal(var, port, **extra_env):
    """Serve the instance; returns the process once the site answers."""
    env = dict(os.environ, TZ="Asia/Ho_Chi_Minh", **extra_env)
    ini = Path(var).resolve() / "instance" / "etc" / "zope.ini"
    log = open(Path(var) / "portal.log", "w")
    process = subprocess.Popen(
        [str(BIN / "runwsgi"), str(ini)], stdout=log, stderr=subprocess.STDOUT, env=env
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/Plone", timeout=5)
            return process
        except urllib.error.HTTPError:
            return process
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise RuntimeError("The portal did not start; see portal.log")


def stop(process):
    if process is not None and process.poll() is None:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()


def percentile(values, fraction):
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]
