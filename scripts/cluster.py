"""The portal as a cluster on one machine: PostgreSQL, N Zope instances on
RelStorage, HAProxy in front, the mail-in ingester, the reading worker and
the exchange pickup. ``make cluster`` / ``make cluster-stop`` call it.

    python scripts/cluster.py start  [--instances 2] [--port 8080] [--host 127.0.0.1]
    python scripts/cluster.py stop
    python scripts/cluster.py status
    python scripts/cluster.py migrate   (the FileStorage site of var/ into the cluster)

Everything lives in ``--cluster-var`` (``var/cluster``): a throw-away
PostgreSQL cluster in ``postgres/`` (unless ``PG_DSN`` names a server whose
database exists), ``instance1`` … ``instanceN`` (``scripts/instance.py
--relstorage``: history-free, each with its own blob cache), ``worker``
(the configuration of ``phutho-worker``), ``haproxy.cfg`` (from
``scripts/cluster-haproxy.cfg``), ``mailin.cfg``, ``log/`` and
``cluster.json`` (ports and process ids). ``start`` starts only what is not
running (a stopped or killed instance rejoins), creates the site on first
start (``scripts/create_site.py``: the demo unless ``DEMO=0``) and returns
once HAProxy sees every instance up. ``stop`` stops what ``start`` started.

Environment (``make cluster`` passes its variables through): PORT, HOST,
INSTANCES, INSTANCE_PORTS (comma-separated; default PORT+1 …), PG_DSN,
PG_PORT (the throw-away PostgreSQL's, default 5433), MAILIN_PORT (8025; 0
for no ingester), WORKERS (reading workers, 1; 0 for none), EXCHANGE_EVERY
(seconds between exchange pickups, 60; 0 for none), THREADS (waitress
threads per instance, 4), SITE_ID, DEMO, ADMIN_PASSWORD, and what
``scripts/create_site.py`` reads (SMTP_HOST, …).
"""

from pathlib import Path

import argparse
import glob
import json
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import time

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TEMPLATE = REPO / "scripts" / "cluster-haproxy.cfg"
DATABASE = "phutho"
DEFAULT_PG_PORT = 5433


class ClusterError(Exception):
    """Something the operator must fix; printed without a traceback."""


# -- processes -----------------------------------------------------------------------


def alive(pid):
    """True when process ``pid`` exists and is not a zombie."""
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ", 1)[1][0] != "Z"
    except OSError:
        return True


def spawn(command, log, env, cwd=REPO):
    """Start ``command`` in a session of its own (stopped with its
    children), its output appended to ``log``; returns its pid."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "ab") as out:
        process = subprocess.Popen(
            [str(c) for c in command],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return process.pid


def terminate(pid, timeout=60):
    """SIGTERM to ``pid``'s process group, SIGKILL after ``timeout``;
    returns once none of it is left."""
    if not pid:
        return
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 10)):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            return
        except PermissionError:
            os.kill(pid, sig)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            try:
                os.waitpid(pid, os.WNOHANG)  # ours when run in one process
            except ChildProcessError:
                pass
            if not alive(pid):
                return
            time.sleep(0.2)


def listening(port, host="127.0.0.1"):
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def wait_listening(port, pid, what, log, timeout):
    """Wait until ``port`` accepts connections; fail early when ``pid`` died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if listening(port):
            return
        if not alive(pid):
            raise ClusterError(f"{what} stopped:\n{tail(log)}")
        time.sleep(0.3)
    raise ClusterError(
        f"{what} did not listen on {port} within {timeout}s\n{tail(log)}"
    )


def tail(path, lines=30):
    path = Path(path)
    if not path.exists():
        return f"({path} does not exist)"
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def run(command, env, timeout=900, cwd=REPO, **kwargs):
    """Run ``command`` to completion; raise with its output when it fails."""
    try:
        done = subprocess.run(
            [str(c) for c in command],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            **kwargs,
        )
    except subprocess.TimeoutExpired as error:
        raise ClusterError(f"{command[0]} did not finish within {timeout}s") from error
    if done.returncode != 0:
        raise ClusterError(
            f"{' '.join(map(str, command))} exited with {done.returncode}:\n"
            f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        )
    return done.stdout


# -- PostgreSQL ----------------------------------------------------------------------


def pg_program(name):
    """A PostgreSQL server program (Debian keeps them off PATH)."""
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    path = found[-1] if found else shutil.which(name)
    if not path:
        raise ClusterError(
            f"PostgreSQL's {name} is missing: install the Debian package "
            "postgresql (bash scripts/system-deps.sh), or set PG_DSN"
        )
    return path


def pg_account():
    """PostgreSQL refuses to run as root: as root, run it as ``postgres``
    (or ``nobody`` where the package left no such account)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise ClusterError("no account to run PostgreSQL as (postgres, nobody)")


class Postgres:
    """The throw-away PostgreSQL cluster in ``directory``."""

    def __init__(self, directory, port):
        self.directory = Path(directory).resolve()
        self.data = self.directory / "data"
        self.port = port
        self.account = pg_account()

    @property
    def dsn(self):
        return f"dbname={DATABASE} user=postgres host=127.0.0.1 port={self.port}"

    def _run(self, *command, timeout=300):
        switch = {}
        if self.account is not None:
            switch = dict(
                user=self.account.pw_uid, group=self.account.pw_gid, extra_groups=[]
            )
        return run(command, os.environ.copy(), timeout, self.directory, **switch)

    @property
    def running(self):
        return self.data.exists() and listening(self.port)

    def _check_reachable(self):
        """The service account must reach its folder: every folder above
        it open to others (``chmod o+x``) or its own."""
        for folder in self.directory.parents:
            stat = folder.stat()
            if stat.st_uid != self.account.pw_uid and not stat.st_mode & 0o001:
                raise ClusterError(
                    f"PostgreSQL runs as {self.account.pw_name}, who cannot "
                    f"enter {folder}: chmod o+x {folder}, or set PG_DSN"
                )

    def start(self):
        self.directory.mkdir(parents=True, exist_ok=True)
        if self.account is not None:
            os.chown(self.directory, self.account.pw_uid, self.account.pw_gid)
            self._check_reachable()
        if not (self.data / "PG_VERSION").exists():
            self._run(
                pg_program("initdb"),
                *("-D", self.data, "-U", "postgres", "-A", "trust", "-E", "UTF8"),
            )
            with open(self.data / "postgresql.conf", "a") as conf:
                conf.write(
                    "\n# scripts/cluster.py: loopback only, its own socket folder\n"
                    "listen_addresses = '127.0.0.1'\n"
                    f"unix_socket_directories = '{self.directory}'\n"
                    "shared_buffers = 256MB\n"
                    "max_connections = 200\n"
                )
        self._set_port()
        if not self.running:
            self._run(
                pg_program("pg_ctl"),
                *("-D", self.data, "-l", self.directory / "postgres.log"),
                *("-w", "-t", "120", "start"),
            )
        self._create_database()

    def _set_port(self):
        conf = self.data / "postgresql.auto.conf"
        text = conf.read_text() if conf.exists() else ""
        text = re.sub(r"(?m)^port = .*\n", "", text) + f"port = {self.port}\n"
        conf.write_text(text)
        if self.account is not None:
            os.chown(conf, self.account.pw_uid, self.account.pw_gid)

    def _create_database(self):
        psql = [pg_program("psql"), "-h", "127.0.0.1", "-p", self.port, "-U"]
        out = self._run(
            *psql,
            "postgres",
            "-Atc",
            f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'",
        )
        if out.strip() != "1":
            self._run(
                pg_program("createdb"),
                *("-h", "127.0.0.1", "-p", self.port, "-U", "postgres", DATABASE),
            )

    def stop(self):
        if (self.data / "postmaster.pid").exists():
            self._run(pg_program("pg_ctl"), "-D", self.data, "-m", "fast", "-w", "stop")


# -- HAProxy -------------------------------------------------------------------------


def haproxy_stat(socket_path):
    """``{server: status}`` of the zope backend (``UP``, ``DOWN``, …), from
    HAProxy's stats socket; empty when HAProxy does not answer."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(5)
            sock.connect(str(socket_path))
            sock.sendall(b"show stat\n")
            data = b""
            while chunk := sock.recv(65536):
                data += chunk
    except OSError:
        return {}
    lines = data.decode().splitlines()
    if not lines or not lines[0].startswith("# "):
        return {}
    header = lines[0][2:].split(",")
    result = {}
    for line in lines[1:]:
        row = dict(zip(header, line.split(",")))
        if row.get("pxname") == "zope" and row.get("svname") not in (
            "BACKEND",
            "FRONTEND",
        ):
            result[row["svname"]] = row.get("status", "")
    return result


# -- the cluster ---------------------------------------------------------------------


class Cluster:
    """What ``cluster.json`` in ``var`` records, and how to start it."""

    def __init__(self, var, fs_var="var"):
        self.var = Path(var).resolve()
        self.fs_var = Path(fs_var).resolve()
        self.state_file = self.var / "cluster.json"
        self.logs = self.var / "log"
        self.state = (
            json.loads(self.state_file.read_text()) if self.state_file.exists() else {}
        )

    def save(self):
        self.var.mkdir(parents=True, exist_ok=True)
        self.state_file.write_text(json.dumps(self.state, indent=2) + "\n")

    def environment(self, **extra):
        env = dict(os.environ, TZ="Asia/Ho_Chi_Minh")
        env.update({k: str(v) for k, v in extra.items()})
        return env

    # -- settings ----------------------------------------------------------------

    def configure(self, args):
        """Settle ports and counts: the arguments, else what the last start
        used, else the defaults."""
        state = self.state
        state["host"] = args.host or state.get("host") or "127.0.0.1"
        state["port"] = int(args.port or state.get("port") or 8080)
        count = int(args.instances or len(state.get("instances", [])) or 2)
        if count < 1:
            raise ClusterError("INSTANCES must be at least 1")
        ports = [int(p) for p in (args.instance_ports or "").split(",") if p.strip()]
        known = [i["port"] for i in state.get("instances", [])]
        if not ports:
            ports = known if len(known) >= count else []
        if not ports:
            ports = [state["port"] + 1 + i for i in range(count)]
        if len(ports) < count:
            raise ClusterError(f"INSTANCE_PORTS names {len(ports)} ports for {count}")
        old = {i["name"]: i for i in state.get("instances", [])}
        state["instances"] = [
            {
                "name": f"instance{i + 1}",
                "port": ports[i],
                "pid": old.get(f"instance{i + 1}", {}).get("pid"),
            }
            for i in range(count)
        ]
        state["threads"] = int(args.threads or state.get("threads") or 4)
        state["site_id"] = os.environ.get("SITE_ID") or state.get("site_id") or "Plone"
        state["mailin_port"] = int(
            args.mailin_port if args.mailin_port is not None else 8025
        )
        state["workers"] = int(args.workers if args.workers is not None else 1)
        state["exchange_every"] = int(
            args.exchange_every if args.exchange_every is not None else 60
        )
        dsn = os.environ.get("PG_DSN")
        if dsn:
            state["postgres"] = {"dsn": dsn, "external": True}
        else:
            port = int(
                args.pg_port or state.get("postgres", {}).get("port") or DEFAULT_PG_PORT
            )
            state["postgres"] = {
                "port": port,
                "dsn": Postgres(self.var / "postgres", port).dsn,
                "external": False,
            }
        self.save()

    @property
    def url(self):
        return f"http://{self.state['host']}:{self.state['port']}"

    @property
    def site_url(self):
        host = self.state["host"]
        host = "127.0.0.1" if host in ("0.0.0.0", "") else host
        return f"http://{host}:{self.state['port']}/{self.state['site_id']}"

    def postgres(self):
        pg = self.state["postgres"]
        return None if pg["external"] else Postgres(self.var / "postgres", pg["port"])

    # -- start ---------------------------------------------------------------------

    def start(self):
        pg = self.postgres()
        if pg is not None:
            say(f"PostgreSQL on 127.0.0.1:{pg.port} ({pg.data})")
            pg.start()
        dsn = self.state["postgres"]["dsn"]
        for instance in self.state["instances"]:
            self.write_instance(instance["name"], instance["port"], dsn)
        if self.state["workers"]:
            self.write_instance("worker", 0, dsn)
        self.ensure_site()
        for instance in self.state["instances"]:
            self.start_instance(instance)
        self.start_haproxy()
        self.wait_up()
        if self.state["mailin_port"]:
            self.start_mailin()
        if self.state["workers"]:
            self.start_worker()
        if self.state["exchange_every"]:
            self.start_pickup()
        self.save()
        say(f"Cluster up: {self.site_url} (HAProxy) on {len(self.state['instances'])}")
        for instance in self.state["instances"]:
            say(f"  {instance['name']}: http://127.0.0.1:{instance['port']}")

    def write_instance(self, name, port, dsn):
        run(
            [sys.executable, REPO / "scripts" / "instance.py"]
            + ["--var", self.fs_var, "--instance", self.var / name]
            + ["--port", port, "--host", "127.0.0.1", "--relstorage", dsn],
            self.environment(),
        )
        if name.startswith("instance"):
            ini = self.var / name / "etc" / "zope.ini"
            text = re.sub(
                r"(?m)^threads = .*\n", "", ini.read_text()
            )  # mkwsgiinstance writes none; keep ours only
            text = text.replace(
                "\nport = ", f"\nthreads = {self.state['threads']}\nport = ", 1
            )
            ini.write_text(text)

    def ensure_site(self):
        """Create the site in the database on first start (and set what
        ``make run`` sets at each start: mail settings, the ingester's
        account); it then serves from every instance."""
        say("Site: scripts/create_site.py")
        env = self.environment(
            PORT=self.state["port"],
            HOST=self.state["host"],
            SITE_ID=self.state["site_id"],
            MAILIN_CONFIG=self.var / "mailin.cfg",
            MAILIN_PORT=self.state["mailin_port"] or 8025,
        )
        out = run(
            [BIN / "zconsole", "run", self.var / "instance1" / "etc" / "zope.conf"]
            + [REPO / "scripts" / "create_site.py"],
            env,
            timeout=1800,
        )
        for line in out.splitlines():
            if "site:" in line:
                say("  " + line.strip())

    def start_instance(self, instance):
        if alive(instance.get("pid")) and listening(instance["port"]):
            return
        if listening(instance["port"]):
            raise ClusterError(
                f"port {instance['port']} is taken by another program "
                f"(INSTANCE_PORTS chooses others)"
            )
        name = instance["name"]
        log = self.logs / f"{name}.log"
        say(f"Starting {name} on port {instance['port']}")
        instance["pid"] = spawn(
            [BIN / "runwsgi", self.var / name / "etc" / "zope.ini"],
            log,
            self.environment(PHUTHO_WORKERS=0),
        )
        self.save()
        wait_listening(instance["port"], instance["pid"], name, log, 300)

    def start_haproxy(self):
        run_dir = self.var / "run"
        run_dir.mkdir(parents=True, exist_ok=True)
        servers = "\n".join(
            f"    server {i['name']} 127.0.0.1:{i['port']} check"
            for i in self.state["instances"]
        )
        config = TEMPLATE.read_text().format(
            run=run_dir,
            host=self.state["host"],
            port=self.state["port"],
            maxconn=self.state["threads"],
            servers=servers,
        )
        path = self.var / "haproxy.cfg"
        changed = not path.exists() or path.read_text() != config
        path.write_text(config)
        haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
        if not os.path.exists(haproxy):
            raise ClusterError(
                "HAProxy is missing: install the Debian package haproxy "
                "(bash scripts/system-deps.sh)"
            )
        run([haproxy, "-c", "-q", "-f", path], self.environment())
        pid = self.state.get("haproxy")
        if alive(pid) and not changed:
            return
        terminate(pid)
        if listening(self.state["port"], self.state["host"]):
            raise ClusterError(f"port {self.state['port']} is taken (PORT=…)")
        log = self.logs / "haproxy.log"
        say(f"Starting HAProxy on {self.state['host']}:{self.state['port']}")
        self.state["haproxy"] = spawn([haproxy, "-db", "-f", path], log, os.environ)
        self.save()
        wait_listening(self.state["port"], self.state["haproxy"], "haproxy", log, 60)

    def wait_up(self, timeout=180):
        """Until HAProxy's health checks see every instance up."""
        socket_path = self.var / "run" / "haproxy.sock"
        deadline = time.monotonic() + timeout
        names = [i["name"] for i in self.state["instances"]]
        status = {}
        while time.monotonic() < deadline:
            status = haproxy_stat(socket_path)
            if all(status.get(n, "").startswith("UP") for n in names):
                return status
            time.sleep(0.5)
        raise ClusterError(f"HAProxy does not see every instance up: {status}")

    def start_mailin(self):
        if alive(self.state.get("mailin")):
            return
        port = self.state["mailin_port"]
        log = self.logs / "mailin.log"
        say(f"Starting phutho-mailin on 127.0.0.1:{port} -> HAProxy")
        self.state["mailin"] = spawn(
            [BIN / "phutho-mailin", "--config", self.var / "mailin.cfg"]
            + ["--host", "127.0.0.1", "--port", port],
            log,
            self.environment(MAILIN_PORTAL_URL=self.site_url),
        )
        self.save()
        wait_listening(port, self.state["mailin"], "phutho-mailin", log, 120)

    def start_worker(self):
        if alive(self.state.get("worker")):
            return
        say(f"Starting phutho-worker ({self.state['workers']} worker(s))")
        self.state["worker"] = spawn(
            [BIN / "phutho-worker", self.var / "worker" / "etc" / "zope.conf"]
            + ["--workers", self.state["workers"]],
            self.logs / "worker.log",
            self.environment(),
        )

    def start_pickup(self):
        if alive(self.state.get("pickup")):
            return
        say(f"Starting the exchange pickup every {self.state['exchange_every']}s")
        self.state["pickup"] = spawn(
            [sys.executable, REPO / "scripts" / "exchange_pickup.py"]
            + ["--url", self.site_url, "--user", "admin"]
            + ["--every", self.state["exchange_every"]],
            self.logs / "pickup.log",
            self.environment(ADMIN_PASSWORD=os.environ.get("ADMIN_PASSWORD", "admin")),
        )

    # -- stop, status ----------------------------------------------------------------

    def stop(self):
        for key in ("pickup", "worker", "mailin", "haproxy"):
            if self.state.get(key):
                say(f"Stopping {key}")
                terminate(self.state[key])
                self.state[key] = None
        for instance in self.state.get("instances", []):
            if instance.get("pid"):
                say(f"Stopping {instance['name']}")
                terminate(instance["pid"])
                instance["pid"] = None
        self.save()
        pg = self.postgres() if "postgres" in self.state else None
        if pg is not None and (pg.data / "postmaster.pid").exists():
            say("Stopping PostgreSQL")
            pg.stop()

    def status(self):
        """Lines saying what runs; True when everything recorded does."""
        ok = True
        pg = self.postgres() if "postgres" in self.state else None
        if pg is not None:
            up = pg.running
            ok &= up
            say(f"postgres   {'up' if up else 'DOWN'}  127.0.0.1:{pg.port}")
        checks = haproxy_stat(self.var / "run" / "haproxy.sock")
        for instance in self.state.get("instances", []):
            up = alive(instance.get("pid"))
            ok &= up
            say(
                f"{instance['name']:<10} {'up' if up else 'DOWN'}  "
                f"127.0.0.1:{instance['port']}  haproxy: {checks.get(instance['name'], '-')}"
            )
        for key in ("haproxy", "mailin", "worker", "pickup"):
            if key in self.state:
                up = alive(self.state.get(key))
                ok &= up or not self.state.get(key)
                say(f"{key:<10} {'up' if up else 'DOWN'}")
        return ok

    # -- migrate -----------------------------------------------------------------------

    def migrate(self):
        """Copy the FileStorage site of ``fs_var`` (what ``make run``
        built; stop it first) into the cluster's empty database with
        zodbconvert, files included."""
        source = self.fs_var / "filestorage" / "Data.fs"
        if not source.exists():
            raise ClusterError(f"no FileStorage at {source}")
        if (self.fs_var / "filestorage" / "Data.fs.lock").exists() and locked(
            self.fs_var / "filestorage" / "Data.fs.lock"
        ):
            raise ClusterError(f"{source} is in use: stop make run first")
        running = [i["name"] for i in self.state["instances"] if alive(i.get("pid"))]
        if running:
            raise ClusterError(f"stop the cluster first (make cluster-stop): {running}")
        pg = self.postgres()
        if pg is not None:
            pg.start()
        dsn = self.state["postgres"]["dsn"]
        self.write_instance("instance1", self.state["instances"][0]["port"], dsn)
        conf = self.var / "instance1" / "etc" / "zodbconvert.conf"
        say(f"zodbconvert {conf}")
        out = run([BIN / "zodbconvert", conf], self.environment(), timeout=24 * 3600)
        say(out.strip()[-2000:])
        if pg is not None:
            pg.stop()


def locked(lock_file):
    """True when another process holds FileStorage's lock file."""
    import zc.lockfile

    try:
        lock = zc.lockfile.LockFile(str(lock_file))
    except zc.lockfile.LockError:
        return True
    lock.close()
    return False


def say(text):
    print(text, flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=("start", "stop", "status", "migrate"))
    env = os.environ.get
    parser.add_argument("--cluster-var", default=env("CLUSTER_VAR", "var/cluster"))
    parser.add_argument(
        "--var", default="var", help="the FileStorage site's folder (migrate)"
    )
    parser.add_argument("--instances", type=int, default=env("INSTANCES"))
    parser.add_argument("--instance-ports", default=env("INSTANCE_PORTS"))
    parser.add_argument("--port", type=int, default=env("PORT"))
    parser.add_argument("--host", default=env("HOST"))
    parser.add_argument("--pg-port", type=int, default=env("PG_PORT"))
    parser.add_argument("--threads", type=int, default=env("THREADS"))
    parser.add_argument("--mailin-port", type=int, default=env("MAILIN_PORT"))
    parser.add_argument("--workers", type=int, default=env("WORKERS"))
    parser.add_argument("--exchange-every", type=int, default=env("EXCHANGE_EVERY"))
    args = parser.parse_args(argv)
    cluster = Cluster(args.cluster_var, args.var)
    try:
        if args.command == "start":
            cluster.configure(args)
            try:
                cluster.start()
            except BaseException:
                say(f"The cluster did not start; logs in {cluster.logs}")
                raise
        elif args.command == "stop":
            if not cluster.state:
                say(f"No cluster in {cluster.var}")
                return 0
            cluster.stop()
        elif args.command == "status":
            return 0 if cluster.status() else 1
        elif args.command == "migrate":
            cluster.configure(args)
            cluster.migrate()
    except ClusterError as error:
        print(f"cluster: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
