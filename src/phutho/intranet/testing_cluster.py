"""The cluster of ``make cluster`` for tests, CI drills and the perf suite.

:class:`RunningCluster` starts ``scripts/cluster.py`` (what ``make cluster``
runs) in a scratch folder on free ports and stops it. :func:`register_load`
sends registrations through HAProxy from client processes the way a clerk's
browser would behave: a 503 is tried again after its ``Retry-After``; a
request lost with an instance (HAProxy's 502, a reset connection) is
checked and sent again only when the document is still unregistered.
Every answer is kept, so a test can assert that no 500 ever came back and
count what the load balancer did.
"""

from pathlib import Path
from phutho.intranet.testing_instances import DEMO_PASSWORD
from phutho.intranet.testing_instances import environment
from phutho.intranet.testing_instances import free_port
from phutho.intranet.testing_instances import REPO
from phutho.intranet.testing_instances import start_client
from phutho.intranet.testing_instances import ZopeInstance

import json
import os
import signal
import subprocess
import sys
import tempfile
import time

CLUSTER = REPO / "scripts" / "cluster.py"


class RunningCluster:
    """``scripts/cluster.py`` in ``directory`` on free ports."""

    def __init__(self, directory, instances=2, workers=0, mailin=True, **env):
        self.directory = Path(directory)
        self.var = self.directory / "cluster"
        self.instance_ports = [free_port() for _i in range(instances)]
        self.port = free_port()
        self.mailin_port = free_port() if mailin else 0
        self.env = environment(
            CLUSTER_VAR=self.var,
            PORT=self.port,
            INSTANCES=instances,
            INSTANCE_PORTS=",".join(map(str, self.instance_ports)),
            PG_PORT=free_port(),
            MAILIN_PORT=self.mailin_port,
            WORKERS=workers,
            EXCHANGE_EVERY=0,
            DEMO=1,
            **env,
        )
        self.url = f"http://127.0.0.1:{self.port}/Plone"

    def command(self, *args, timeout=1800, check=True):
        """``scripts/cluster.py ARGS``; returns its output, raises on failure
        (unless ``check`` is false)."""
        done = subprocess.run(
            [sys.executable, CLUSTER, *args, "--var", self.directory / "var"],
            cwd=REPO,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode and check:
            raise RuntimeError(
                f"cluster.py {' '.join(args)} exited {done.returncode}:\n"
                f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
            )
        return done.stdout

    def start(self):
        self.directory.mkdir(parents=True, exist_ok=True)
        os.chmod(self.directory, 0o755)  # PostgreSQL's account enters it
        return self.command("start")

    def stop(self):
        return self.command("stop", timeout=300)

    @property
    def state(self):
        return json.loads((self.var / "cluster.json").read_text())

    def pid(self, name):
        for instance in self.state["instances"]:
            if instance["name"] == name:
                return instance["pid"]
        return self.state.get(name)

    def instance(self, name="instance1"):
        """A :class:`ZopeInstance` for ``zconsole`` calls on its config."""
        instance = ZopeInstance(self.var, name, env=self.env)
        instance.port = next(
            i["port"] for i in self.state["instances"] if i["name"] == name
        )
        instance.url = f"http://127.0.0.1:{instance.port}"
        return instance

    def kill(self, name):
        """``kill -9`` of an instance (the process, not its group: as a
        crash would)."""
        os.kill(self.pid(name), signal.SIGKILL)

    def haproxy_status(self):
        sys.path.insert(0, str(REPO / "scripts"))
        try:
            from cluster import haproxy_stat
        finally:
            sys.path.pop(0)
        return haproxy_stat(self.var / "run" / "haproxy.sock")


# -- the load -------------------------------------------------------------------------

LOST = (502, 503, 504)


def client_main():
    """One client process: registers the documents of its job file, as a
    clerk would try again; prints every attempt as JSON."""
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
    results = []
    # ``spread``: the i-th document not before start + i * step, so that a
    # load lasts at least that long however fast the machine answers.
    step = job.get("spread", 0) / max(1, len(job["urls"]))
    for position, url in enumerate(job["urls"]):
        wait = job["start_at"] + position * step - time.time()
        if wait > 0:
            time.sleep(wait)
        attempts = []
        done = False
        for _attempt in range(job["attempts"]):
            started = time.monotonic()
            attempt = {"at": round(time.time(), 3)}
            try:
                response = session.post(
                    f"{url}/@workflow/{job['transition']}",
                    data=json.dumps(job.get("body", {})),
                    timeout=job["timeout"],
                )
                attempt.update(
                    status=response.status_code,
                    served_by=response.headers.get("X-Served-By"),
                    retry_after=response.headers.get("Retry-After"),
                )
                if response.status_code >= 400:
                    attempt["body"] = response.text[:300]
            except requests.RequestException as error:
                attempt.update(status=None, error=repr(error)[:300])
            attempt["seconds"] = round(time.monotonic() - started, 3)
            attempts.append(attempt)
            if attempt["status"] == 200:
                done = True
                break
            if attempt["status"] is not None and attempt["status"] not in LOST:
                break  # a refusal: trying again would not change it
            if attempt["status"] == 503 and attempt.get("retry_after"):
                time.sleep(min(float(attempt["retry_after"]), 10))
                continue
            # Lost with an instance: did it commit before the answer was lost?
            time.sleep(1)
            try:
                state = session.get(url, timeout=job["timeout"]).json()
            except (requests.RequestException, ValueError):
                continue
            if state.get("review_state") != job["from_state"]:
                attempt["committed"] = True
                done = True
                break
        results.append({"url": url, "done": done, "attempts": attempts})
    json.dump(results, sys.stdout)


def register_load(
    urls,
    user,
    clients=8,
    password=DEMO_PASSWORD,
    transition="register",
    from_state="received",
    body=None,
    timeout=300,
    attempts=8,
    total_timeout=3600,
    during=None,
    spread=0,
):
    """Send ``transition`` for each URL from ``clients`` processes at once
    (client ``i`` takes every ``clients``-th URL). ``during(started)`` runs
    in this process while they work (e.g. to kill an instance).
    ``spread`` (seconds): each client sends its documents evenly over at
    least that time, so that ``during`` meets a load still going on a fast
    machine too.

    Returns ``(results, seconds)``: one ``{"url", "done", "attempts"}``
    per URL, and the wall time of the whole load.
    """
    start_at = time.time() + 3
    processes = []
    with tempfile.TemporaryDirectory(prefix="phutho-load-") as directory:
        for index in range(clients):
            job = Path(directory) / f"job{index}.json"
            job.write_text(
                json.dumps(
                    {
                        "auth": [user, password],
                        "start_at": start_at,
                        "urls": urls[index::clients],
                        "transition": transition,
                        "from_state": from_state,
                        "body": body or {},
                        "timeout": timeout,
                        "attempts": attempts,
                        "spread": spread,
                    }
                )
            )
            processes.append(start_client(__name__, job))
        if during is not None:
            time.sleep(max(0, start_at - time.time()))
            during(start_at)
        results = []
        deadline = time.monotonic() + total_timeout
        try:
            for process in processes:
                out, err = process.communicate(
                    timeout=max(1, deadline - time.monotonic())
                )
                if process.returncode:
                    raise RuntimeError(f"a client failed: {err[-3000:]}")
                results.extend(json.loads(out))
        finally:
            for process in processes:
                if process.poll() is None:
                    process.kill()
                    process.communicate()
        finished = max(
            (a["at"] + a["seconds"] for r in results for a in r["attempts"]),
            default=start_at,
        )
    return results, finished - start_at


def summary(results):
    """Counts of a load's answers: statuses of every attempt, documents
    done, done only after a retry, refused."""
    statuses = {}
    served = {}
    for result in results:
        for attempt in result["attempts"]:
            key = str(attempt["status"])
            statuses[key] = statuses.get(key, 0) + 1
            if attempt.get("served_by"):
                served[attempt["served_by"]] = served.get(attempt["served_by"], 0) + 1
    return {
        "documents": len(results),
        "done": sum(1 for r in results if r["done"]),
        "statuses": statuses,
        "served_by": served,
        "retried": sum(1 for r in results if len(r["attempts"]) > 1),
        "slowest": max(
            (a["seconds"] for r in results for a in r["attempts"]), default=0
        ),
    }
