"""Real Zope processes for tests: instances, a ZEO server, HTTP clients.

What docs/operations.md tells an operator to run, run the same way:
``scripts/instance.py`` writes each instance (``--zeo`` or ``--relstorage``
for a shared database), ``runzeo -C`` serves a ZEO database, ``runwsgi``
serves an instance, ``zconsole run`` runs scripts in one. Every process is
its own OS process with its own ZODB connection pool, and every wait has a
timeout: a test fails, it never hangs.

Clients are OS processes too (:func:`run_clients`): each sends its
requests with ``requests`` and reports what it got as JSON.
"""

from pathlib import Path

import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time

REPO = Path(__file__).resolve().parents[3]
BIN = Path(sys.executable).parent
DEMO_PASSWORD = "PhuTho@2026"
RESULT_MARK = "@@RESULT@@"


def free_port():
    """A TCP port of the loopback nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, process=None, timeout=120, what="server", host="127.0.0.1"):
    """Wait until something accepts connections on ``host:port``; fail
    early when ``process`` died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        try:
            with socket.create_connection((host, port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"{what} did not listen on port {port} within {timeout}s")


def tail(path, lines=40):
    path = Path(path)
    if not path.exists():
        return f"({path} does not exist)"
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def environment(**extra):
    """The environment of child processes: this one's, with the province's
    time zone (as ``make run`` sets it) and ``extra``."""
    env = dict(os.environ, TZ="Asia/Ho_Chi_Minh")
    env.update({k: str(v) for k, v in extra.items()})
    return env


def run(command, timeout=600, env=None, cwd=REPO):
    """Run ``command``; raise with its output when it fails or times out."""
    try:
        done = subprocess.run(
            [str(c) for c in command],
            cwd=cwd,
            env=env or environment(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired as error:
        raise TimeoutError(f"{command} did not finish within {timeout}s") from error
    if done.returncode != 0:
        raise RuntimeError(
            f"{' '.join(map(str, command))} exited with {done.returncode}:\n"
            f"{done.stdout[-3000:]}\n{done.stderr[-5000:]}"
        )
    return done.stdout


class Process:
    """A long-running child process with its output in ``directory``."""

    def __init__(self, name, directory):
        self.name = name
        self.directory = Path(directory)
        self.process = None

    def spawn(self, command, env=None, cwd=REPO):
        self.directory.mkdir(parents=True, exist_ok=True)
        self.stdout = self.directory / f"{self.name}.out"
        with open(self.stdout, "ab") as out:
            self.process = subprocess.Popen(
                [str(c) for c in command],
                cwd=cwd,
                env=env or environment(),
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # stopped with its children
            )

    def stop(self, timeout=60):
        """SIGTERM to the process and its children (its process group),
        SIGKILL to what is left after ``timeout`` seconds; returns once
        none is left (a child may hold a lock the next start needs)."""
        if self.process is None:
            return
        group = self.process.pid
        deadline = time.monotonic() + timeout
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(group, sig)
            except ProcessLookupError:
                break
            while time.monotonic() < deadline:
                self.process.poll()  # reap the leader
                try:
                    os.killpg(group, 0)
                except ProcessLookupError:
                    return
                time.sleep(0.2)
            deadline = time.monotonic() + 10
        self.process.poll()

    @property
    def running(self):
        return self.process is not None and self.process.poll() is None


class ZEOServer(Process):
    """``scripts/instance.py --zeo-server`` and ``runzeo -C``."""

    def __init__(self, var, port=None):
        super().__init__("zeo", Path(var) / "zeo")
        self.var = Path(var)
        self.port = port or free_port()
        self.address = f"127.0.0.1:{self.port}"

    def start(self, timeout=60):
        run(
            [sys.executable, "scripts/instance.py", "--var", self.var]
            + ["--zeo-server", self.address]
        )
        self.spawn([BIN / "runzeo", "-C", self.var / "zeo" / "zeo.conf"])
        wait_for_port(self.port, self.process, timeout, "runzeo")
        return self


class ZopeInstance(Process):
    """An instance written by ``scripts/instance.py``, served by ``runwsgi``.

    ``storage`` is what follows on instance.py's command line:
    ``["--zeo", address]``, ``["--relstorage", dsn]`` or nothing (a
    FileStorage in ``var``).
    """

    def __init__(
        self, var, name="instance", storage=(), port=None, retries=None, env=None
    ):
        self.env = env or environment()
        self.var = Path(var)
        self.home = self.var / name
        super().__init__("runwsgi", self.home)
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.storage = list(storage)
        self.retries = retries
        self.conf = self.home / "etc" / "zope.conf"

    def configure(self, env=None):
        command = [sys.executable, "scripts/instance.py", "--var", self.var]
        command += ["--instance", self.home, "--port", self.port, *self.storage]
        if self.retries is not None:
            command += ["--max-conflict-retries", self.retries]
        run(command, env=env or self.env)
        return self

    def start(self, timeout=180):
        self.spawn([BIN / "runwsgi", self.home / "etc" / "zope.ini"], self.env)
        try:
            wait_for_port(self.port, self.process, timeout, f"runwsgi {self.home}")
        except Exception as error:
            raise RuntimeError(f"{error}\n{tail(self.stdout)}") from error
        return self

    def zconsole(self, script, *args, env=None, timeout=600):
        """``zconsole run <zope.conf> script args…``; returns its stdout."""
        return run(
            [BIN / "zconsole", "run", self.conf, script, *args],
            env=env or self.env,
            timeout=timeout,
        )

    def call(self, function, timeout=600, **kwargs):
        """Run ``function(app, **kwargs)`` of this module under zconsole,
        committing, and return what it returned (JSON)."""
        script = self.home / f"call-{function}.py"
        script.write_text(
            "import json, transaction\n"
            "from phutho.intranet import testing_instances\n"
            f"result = testing_instances.{function}(app, **{kwargs!r})\n"
            "transaction.commit()\n"
            f"print({RESULT_MARK!r} + json.dumps(result))\n"
            "app._p_jar.db().close()\n"
        )
        out = self.zconsole(script, timeout=timeout)
        for line in out.splitlines():
            if line.startswith(RESULT_MARK):
                return json.loads(line[len(RESULT_MARK) :])
        raise RuntimeError(f"{function} printed no result:\n{out[-3000:]}")

    @property
    def event_log(self):
        path = self.home / "var" / "log" / "event.log"
        return path.read_text(errors="replace") if path.exists() else ""

    @property
    def access_log(self):
        path = self.home / "var" / "log" / "Z4.log"
        return path.read_text(errors="replace") if path.exists() else ""


def access_statuses(text):
    """The HTTP status of every request in a Z4.log (translogger's format:
    ``host - user [date] "METHOD path HTTP/1.1" status size …``)."""
    statuses = []
    for line in text.splitlines():
        try:
            after_request = line.split('" ', 1)[1]
            statuses.append(int(after_request.split()[0]))
        except (IndexError, ValueError):
            continue
    return statuses


# -- clients --------------------------------------------------------------------------


def client_main():
    """One client process: the job in the JSON file named by its argument,
    the answers on stdout."""
    import requests

    with open(sys.argv[1]) as job_file:
        job = json.load(job_file)
    session = requests.Session()
    session.auth = tuple(job["auth"])
    session.headers.update(
        {"Accept": "application/json", "Content-Type": "application/json"}
    )
    delay = job["start_at"] - time.time()
    if delay > 0:
        time.sleep(delay)
    answers = []
    for item in job["requests"]:
        started = time.monotonic()
        answer = {"url": item["url"]}
        try:
            response = session.request(
                item.get("method", "POST"),
                item["url"],
                data=json.dumps(item.get("body", {})),
                timeout=job["timeout"],
            )
            answer.update(
                status=response.status_code,
                body=response.text[:500],
                retry_after=response.headers.get("Retry-After"),
            )
        except requests.RequestException as error:
            answer.update(status=None, error=repr(error))
        answer["seconds"] = round(time.monotonic() - started, 3)
        answers.append(answer)
    json.dump(answers, sys.stdout)


def run_clients(jobs, user, password=DEMO_PASSWORD, timeout=120, total_timeout=900):
    """Run one OS process per job (a list of ``{"url", "body"}``), all
    starting at the same moment; return every answer, in job order.

    ``timeout`` bounds each request, ``total_timeout`` the whole run: a
    client still running then is killed and the run fails.
    """
    start_at = time.time() + 3  # every client imported and waiting
    processes = []
    with tempfile.TemporaryDirectory(prefix="phutho-clients-") as directory:
        for index, requests_ in enumerate(jobs):
            job = Path(directory) / f"job{index}.json"
            job.write_text(
                json.dumps(
                    {
                        "auth": [user, password],
                        "start_at": start_at,
                        "requests": requests_,
                        "timeout": timeout,
                    }
                )
            )
            processes.append(start_client(__name__, job))
        return _collect(processes, total_timeout)


def start_client(module, job):
    """An OS process of its own running ``module.client_main`` on the job
    file ``job`` (JSON); its output is the answer."""
    return subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"from {module} import client_main; client_main()",
            str(job),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment(),
    )


def _collect(processes, total_timeout):
    """Each process's JSON answer, killing them all after ``total_timeout``."""
    deadline = time.monotonic() + total_timeout
    results = []
    try:
        for process in processes:
            left = max(1, deadline - time.monotonic())
            try:
                out, err = process.communicate(timeout=left)
            except subprocess.TimeoutExpired as error:
                raise TimeoutError(
                    f"a client was still running after {total_timeout}s"
                ) from error
            if process.returncode != 0:
                raise RuntimeError(f"a client failed: {err[-3000:]}")
            results.append(json.loads(out))
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.communicate()
    return results


# -- run inside an instance by ZopeInstance.call (zconsole binds ``app``) -------------


def _site(app, site_id):
    from AccessControl.SecurityManagement import newSecurityManager
    from AccessControl.SpecialUsers import system
    from zope.component.hooks import setSite

    site = app[site_id]
    setSite(site)
    newSecurityManager(None, system)
    return site


def prepare_numbering_race(
    app, site_id="Plone", agency_id="so-khcn", incoming=0, outgoing=0, tag="race"
):
    """Fresh registers in one agency, ``incoming`` received documents to
    register and ``outgoing`` signed ones to issue, each into them.

    Returns the registers' UIDs and the documents' paths below the site.
    """
    from phutho.intranet.content.storage import add_document
    from phutho.intranet.dates import today
    from phutho.intranet.workflow.api import do_transition
    from plone import api

    site = _site(app, site_id)
    agency = site["co-quan"][agency_id]
    recipient = next(a for a in site["co-quan"].objectValues() if a is not agency)
    registers = {}
    with api.env.adopt_roles(["Manager"]):
        for direction in ("incoming", "outgoing"):
            registers[direction] = api.content.create(
                container=agency,
                type="DocumentRegister",
                id=f"so-{direction}-{tag}",
                title=f"Sổ {direction} {tag}",
                direction=direction,
            )
    incoming_paths, outgoing_paths = [], []
    suffix = _people_suffix(agency)
    with api.env.adopt_user(username=f"vanthu.{suffix}"):
        for index in range(incoming):
            doc = add_document(
                agency,
                "IncomingDocument",
                title=f"Văn bản đến thử tải {tag} {index + 1}",
                document_type="cong-van",
                sender_name="Bộ Khoa học và Công nghệ",
                sender_organ_id="000.00.00.G22",
                number_symbol=f"{index + 1}/{tag.upper()}-BKHCN",
                document_date=today(),
                register=registers["incoming"].UID(),
            )
            incoming_paths.append("/".join(doc.getPhysicalPath()[2:]))
    unit = next(o for o in agency.objectValues() if o.portal_type == "Unit")
    for index in range(outgoing):
        with api.env.adopt_user(username=f"chuyenvien.{suffix}"):
            doc = add_document(
                agency,
                "OutgoingDocument",
                title=f"Văn bản đi thử tải {tag} {index + 1}",
                document_type="cong-van",
                drafting_unit=unit.UID(),
                content="Nội dung thử tải.",
                internal_recipients=[recipient.UID()],
                register=registers["outgoing"].UID(),
            )
            do_transition(doc, "submit_for_review")
        with api.env.adopt_user(username=f"truongphong.{suffix}"):
            do_transition(doc, "submit_for_signature")
        with api.env.adopt_user(username=f"lanhdao.{suffix}"):
            do_transition(doc, "sign")
        outgoing_paths.append("/".join(doc.getPhysicalPath()[2:]))
    return {
        "agency": agency.getId(),
        "registers": {k: v.UID() for k, v in registers.items()},
        "incoming": incoming_paths,
        "outgoing": outgoing_paths,
    }


def _people_suffix(agency):
    """The demo accounts' suffix of an agency (``so-khcn`` -> ``sokhcn``)."""
    from phutho.intranet.demo import load_data

    for data in load_data()["agencies"]:
        if data["id"] == agency.getId():
            return data["people"][0]["id"].split(".", 1)[1]
    raise KeyError(agency.getId())


def numbering_state(app, site_id="Plone", registers=()):
    """What the database says of ``registers`` (UIDs): each year's last
    number, and the number and state of each document numbered in it."""
    from phutho.intranet.numbering.counter import counters_of
    from plone import api
    from plone.app.uuid.utils import uuidToObject

    site = _site(app, site_id)
    catalog = api.portal.get_tool("portal_catalog")
    result = {}
    for uid in registers:
        register = uuidToObject(uid, unrestricted=True)
        counters = counters_of(register) or {}
        documents = []
        for brain in catalog.unrestrictedSearchResults(register_uid=uid):
            doc = brain._unrestrictedGetObject()
            number = (
                doc.arrival_number
                if doc.portal_type == "IncomingDocument"
                else doc.number
            )
            documents.append(
                {
                    "path": "/".join(doc.getPhysicalPath()[2:]),
                    "number": number,
                    "symbol": getattr(doc, "symbol", None),
                    "state": api.content.get_state(doc),
                }
            )
        result[uid] = {
            "last": {str(year): c.value for year, c in counters.items()},
            "documents": documents,
        }
    del site
    return result


def profile_state(app, site_id="Plone", profile="phutho.intranet:default"):
    """The profile's version in the site, the upgrade steps still pending,
    and how many documents the site holds."""
    from plone import api

    site = _site(app, site_id)
    setup = site.portal_setup
    pending = [
        step["title"] if isinstance(step, dict) else [s["title"] for s in step]
        for step in setup.listUpgrades(profile)
    ]
    catalog = api.portal.get_tool("portal_catalog")
    documents = len(
        catalog.unrestrictedSearchResults(
            portal_type=["IncomingDocument", "OutgoingDocument"]
        )
    )
    return {
        "version": ".".join(setup.getLastVersionForProfile(profile)),
        "pending": pending,
        "documents": documents,
    }


def scratch_directory(prefix):
    """A temporary directory for one test's processes and data."""
    return Path(tempfile.mkdtemp(prefix=f"phutho-{prefix}-"))


# -- documented commands --------------------------------------------------------------

DOCS = REPO / "docs" / "operations.md"
DRILL = re.compile(r"<!-- drill: ([\w-]+) -->\s*```sh\n(.*?)```", re.S)


def documented_commands(name, path=DOCS):
    """The command lines of the block marked ``<!-- drill: name -->``."""
    for found, block in DRILL.findall(Path(path).read_text()):
        if found == name:
            return [line for line in block.splitlines() if line.strip()]
    raise KeyError(f"no block <!-- drill: {name} --> in {path}")


def scratch_checkout(directory):
    """A directory that looks like the checkout to documented commands:
    ``.venv`` and ``scripts`` link to this venv and the repo's scripts;
    ``var/`` is its own."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for name, target in ((".venv", Path(sys.prefix)), ("scripts", REPO / "scripts")):
        if not (directory / name).exists():
            (directory / name).symlink_to(target)
    return directory


class DocumentedCommands:
    """Runs documented command lines as written, in ``checkout``.

    ``replace`` maps text of the docs to what this run uses instead (ports:
    tests never take fixed ones). A line ending in ``&`` starts a service,
    stopped by :meth:`stop`; the next line runs once it listens (runzeo's
    and runwsgi's address are read from the files they are given). Lines
    starting with one of ``skip`` are not run (the caller checks them).
    """

    def __init__(self, checkout, replace=None, env=None, skip=()):
        self.checkout = Path(checkout)
        self.replace = dict(replace or {})
        self.env = env or environment()
        self.skip = tuple(skip)
        self.services = []
        self.ran = []

    def line(self, text):
        for old, new in self.replace.items():
            text = text.replace(old, str(new))
        return text

    def run(self, lines, timeout=600):
        for raw in lines:
            command = self.line(raw).strip()
            if command.startswith(self.skip):
                continue
            if command.endswith("&"):
                self.start(command[:-1].strip())
            elif command.split()[:2] == ["make", "run"]:
                self.start(command, timeout=timeout)  # it serves until stopped
            else:
                run(["bash", "-c", command], timeout, self.env, self.checkout)
            self.ran.append(command)

    def start(self, command, timeout=180):
        name = f"service{len(self.services)}"
        process = Process(name, self.checkout / "var" / "services")
        process.spawn(["bash", "-c", f"exec {command}"], self.env, self.checkout)
        self.services.append(process)
        host, port = self.service_address(command)
        try:
            wait_for_port(port, process.process, timeout, command, host)
        except Exception as error:
            process.stop()
            raise RuntimeError(f"{error}\n{tail(process.stdout)}") from error

    def service_address(self, command):
        """The (host, port) a runzeo, runwsgi or ``make run`` command line
        will listen on."""
        words = command.split()
        if words[:2] == ["make", "run"]:
            given = dict(w.split("=", 1) for w in words if "=" in w)
            host = given.get("HOST", self.env.get("HOST", "127.0.0.1"))
            port = given.get("PORT", self.env.get("PORT", 8080))
            return ("127.0.0.1" if host == "0.0.0.0" else host), int(port)
        return "127.0.0.1", self.service_port(command)

    def service_port(self, command):
        """The port a runzeo or runwsgi command line will listen on."""
        words = command.split()
        config = self.checkout / words[-1]
        text = config.read_text()
        if "runzeo" in words[0]:
            match = re.search(r"address\s+\S*:(\d+)", text)
        else:
            match = re.search(r"^port\s*=\s*(\d+)", text, re.M)
        if match is None:
            raise ValueError(f"no port in {config}")
        return int(match.group(1))

    def stop(self):
        for process in reversed(self.services):
            process.stop()
        self.services = []
