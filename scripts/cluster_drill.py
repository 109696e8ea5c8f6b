"""The cluster of docs/operations.md on a fresh clone, as an operator runs it.

    .venv/bin/python scripts/cluster_drill.py [STEP ...]     (all by default)
    bash scripts/ci-cluster.sh [STEP ...]                    (system packages first)

Steps, in order (each continues on what the earlier ones left):

make-run     ``git clone``, then ``make run`` (the FileStorage site) with a
             registered document carrying a file; stopped.
migrate      docs/operations.md's migration block as written (``make
             cluster-migrate``, ``make cluster``): the document is served
             through HAProxy with its number and file; the other blocks'
             commands (``make cluster-status``) too.
register     documents created and registered through HAProxy, both
             instances answering, numbering going on after the migrated one.
mail-in      a message to the ingester lands in the agency's documents.
import       docs/operations.md's phutho-import line on a generated CSV
             into the running cluster.
numbering    2 instances x 8 clients register 500 documents of one register
             through HAProxy: every answer 200 (or 503 tried again after
             Retry-After), no other 5xx, numbers distinct and gapless; prints
             the rate.
failover     ``kill -9`` of an instance during 200 registrations: HAProxy
             takes it out, the survivor goes on, numbers distinct and
             gapless; ``make cluster`` again and it rejoins.
stop         ``make cluster-stop``: nothing left listening.

Ports are free ones; every wait has a timeout. WORK=dir keeps the work
folder (default: a temporary one, deleted when all passed). Prints ``PASS
step`` or ``FAIL step: why``; exits 1 when any failed.
"""

from pathlib import Path

import argparse
import base64
import json
import os
import re
import shutil
import smtplib
import socket
import sys
import tempfile
import time
import traceback

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from email.message import EmailMessage  # noqa: E402
from phutho.intranet.demo import load_data  # noqa: E402
from phutho.intranet.testing_cluster import register_load  # noqa: E402
from phutho.intranet.testing_cluster import summary  # noqa: E402
from phutho.intranet.testing_drills import check  # noqa: E402
from phutho.intranet.testing_drills import clean_environment  # noqa: E402
from phutho.intranet.testing_drills import DrillFailed  # noqa: E402
from phutho.intranet.testing_drills import FIRST_START  # noqa: E402
from phutho.intranet.testing_drills import wait_for  # noqa: E402
from phutho.intranet.testing_instances import documented_commands  # noqa: E402
from phutho.intranet.testing_instances import DocumentedCommands  # noqa: E402
from phutho.intranet.testing_instances import free_port  # noqa: E402
from phutho.intranet.testing_instances import run  # noqa: E402
from phutho.intranet.testing_instances import ZopeInstance  # noqa: E402

import requests  # noqa: E402

PASSWORD = "PhuTho@2026"
PDF = (REPO / "tests" / "fixtures" / "qd15.pdf").read_bytes()


def demo_agency():
    """A demo agency with units, a clerk and a document mailbox."""
    for agency in load_data()["agencies"]:
        clerks = [p["id"] for p in agency["people"] if p["role"] == "clerk"]
        if agency.get("email") and agency.get("units") and clerks:
            return agency["id"], clerks[0], agency["email"]
    raise DrillFailed("no demo agency with units, a clerk and a mailbox")


class Portal:
    def __init__(self, url, auth):
        self.url = url.rstrip("/")
        self.registers = {}
        self.session = requests.Session()
        self.session.auth = auth
        self.session.headers.update(
            {"Accept": "application/json", "Content-Type": "application/json"}
        )

    def call(self, method, path, status=200, **kwargs):
        url = path if path.startswith("http") else f"{self.url}/{path.lstrip('/')}"
        response = self.session.request(method, url, timeout=300, **kwargs)
        check(
            response.status_code == status,
            f"{method} {url}: {response.status_code} {response.text[:500]}",
        )
        return response

    def register_uid(self, agency):
        # Asked once: HAProxy alternates between idle instances, and a
        # fourth request per document sent every creation to the same one.
        if agency not in self.registers:
            register = self.call("GET", f"co-quan/{agency}/so-den").json()
            self.registers[agency] = register["UID"]
        return self.registers[agency]

    def registered(self, agency, symbol):
        """Create an incoming document with a file and register it;
        returns (url, number, instances that answered)."""
        created = self.call(
            "POST",
            f"co-quan/{agency}",
            status=201,
            data=json.dumps(
                {
                    "@type": "IncomingDocument",
                    "title": f"Văn bản diễn tập cụm máy chủ {symbol}",
                    "document_type": "cong-van",
                    "sender_name": "Văn phòng Chính phủ",
                    "sender_organ_id": "000.00.00.G22",
                    "number_symbol": symbol,
                    "document_date": "2026-11-20",
                    "main_file": {
                        "data": base64.b64encode(PDF).decode(),
                        "encoding": "base64",
                        "filename": "dien-tap.pdf",
                        "content-type": "application/pdf",
                    },
                }
            ),
        )
        url = created.json()["@id"]
        done = self.call(
            "POST",
            f"{url}/@workflow/register",
            data=json.dumps({"register": self.register_uid(agency)}),
        )
        number = self.call("GET", url).json()["arrival_number"]
        served = {created.headers.get("X-Served-By"), done.headers.get("X-Served-By")}
        return url, number, served - {None}

    def same(self, url, number):
        check(self.call("GET", url).json()["arrival_number"] == number, f"{url} number")
        download = self.session.get(f"{url}/@@download/main_file", timeout=120)
        check(download.content == PDF, f"{url}: not the file uploaded")


class Drill:
    def __init__(self, work):
        self.work = Path(work)
        self.clone = self.work / "clone"
        self.agency, self.clerk, self.mailbox = demo_agency()
        self.ports = {}
        self.documents = []

    # -- helpers -----------------------------------------------------------------

    def env(self, **extra):
        ports = self.ports
        return clean_environment(
            PORT=ports["haproxy"],
            PG_PORT=ports["postgres"],
            MAILIN_PORT=ports["mailin"],
            INSTANCE_PORTS=f"{ports['i1']},{ports['i2']},{ports['i3']}",
            **extra,
        )

    def make(self, *args, timeout=1800):
        return run(["make", *args], timeout, self.env(), self.clone)

    @property
    def site(self):
        return f"http://127.0.0.1:{self.ports['haproxy']}/Plone"

    def portal(self):
        return Portal(self.site, (self.clerk, PASSWORD))

    def instance(self):
        instance = ZopeInstance(self.clone / "var" / "cluster", "instance1")
        instance.env = self.env()
        return instance

    def commands(self):
        """A runner of docs/operations.md's lines, with this drill's paths."""
        replace = {"/srv/legacy": str(self.work / "legacy")}
        return DocumentedCommands(self.clone, replace, self.env())

    def cluster_state(self):
        return json.loads((self.clone / "var" / "cluster" / "cluster.json").read_text())

    # -- steps -------------------------------------------------------------------

    def step_make_run(self):
        if not self.clone.exists():
            run(["git", "clone", "--quiet", "--no-hardlinks", REPO, self.clone])
        self.ports = {
            name: free_port()
            for name in ("haproxy", "postgres", "mailin", "i1", "i2", "i3", "run")
        }
        env = clean_environment(PORT=self.ports["run"], MAILIN_PORT=free_port())
        service = DocumentedCommands(self.clone, env=env)
        service.run([f"make run PORT={self.ports['run']}"], timeout=FIRST_START)
        try:
            url = f"http://127.0.0.1:{self.ports['run']}/Plone"
            wait_for(url, 900)
            self.documents.append(
                Portal(url, (self.clerk, PASSWORD)).registered(self.agency, "1/DT-FS")[
                    :2
                ]
            )
        finally:
            service.stop()

    def step_migrate(self):
        check(self.documents, "needs make-run first")
        self.commands().run(documented_commands("cluster-migrate"), timeout=3600)
        self.commands().run(documented_commands("cluster"), timeout=1800)
        wait_for(self.site, 600)
        portal = self.portal()
        for url, number in self.documents:
            portal.same(url.replace(url.split("/Plone/")[0], self.site[:-6]), number)
        out = self.make("cluster-status")
        check(re.search(r"(?m)^instance2\s+up", out), out)
        check(re.search(r"(?m)^mailin\s+up", out), out)

    def step_register(self):
        portal = self.portal()
        served = set()
        last = max(number for _url, number in self.documents)
        for index in range(10):
            url, number, by = portal.registered(self.agency, f"{index + 2}/DT-CUM")
            check(number == last + 1, f"number {number} after {last}")
            last = number
            served |= by
            self.documents.append((url, number))
        check(served == {"instance1", "instance2"}, f"answered by {served}")

    def step_mail_in(self):
        message = EmailMessage()
        subject = f"Công văn {time.time_ns()}/STC về việc diễn tập nhận thư"
        message["Subject"] = subject
        message["From"] = "Sở Tài chính <vanthu@stc.hanam.gov.vn>"
        message["To"] = self.mailbox
        message.set_content("Kính gửi.")
        with smtplib.SMTP("127.0.0.1", self.ports["mailin"], timeout=300) as smtp:
            check(smtp.send_message(message) == {}, "refused by the ingester")
        found = self.portal().call(
            "GET", "@search", params={"portal_type": "IncomingDocument"}
        )
        titles = [item["title"] for item in found.json()["items"]]
        check(subject in titles, "the mail is not in the portal")

    def step_import(self):
        legacy = self.work / "legacy"
        (legacy / "files").mkdir(parents=True, exist_ok=True)
        (legacy / "files" / "cv.pdf").write_bytes(PDF)
        lines = [
            "id,agency,direction,register,number,title,document_type,number_symbol,"
            "document_date,arrival_date,sender_name,file"
        ]
        for number in range(1, 41):
            lines.append(
                f"di-san-{number},{self.agency},incoming,so-den,{number},"
                f"Công văn lưu trữ số {number},Công văn,{number}/STC,"
                f"02/01/2022,03/01/2022 08:00,Sở Tài chính,files/cv.pdf"
            )
        (legacy / "documents.csv").write_text("\n".join(lines) + "\n")
        block = [
            line.replace("--agency so-khcn", f"--agency {self.agency}")
            for line in documented_commands("import")
        ]
        self.commands().run(block, timeout=3600)
        found = (
            self.portal()
            .call(
                "GET",
                "@search",
                params={"portal_type": "IncomingDocument", "SearchableText": "lưu trữ"},
            )
            .json()
        )
        check(found["items_total"] >= 40, f"imported: {found['items_total']}")

    def load(self, count, tag, during=None, spread=0):
        prepared = self.instance().call(
            "prepare_numbering_race", agency_id=self.agency, incoming=count, tag=tag
        )
        register = prepared["registers"]["incoming"]
        urls = [f"{self.site}/{path}" for path in prepared["incoming"]]
        results, seconds = register_load(
            urls,
            self.clerk,
            clients=16,
            body={"register": register},
            during=during,
            spread=spread,
        )
        state = self.instance().call("numbering_state", registers=[register])[register]
        numbers = sorted(d["number"] for d in state["documents"] if d["number"])
        check(numbers == list(range(1, count + 1)), "numbers not distinct and gapless")
        return summary(results), seconds

    def step_numbering(self):
        counts, seconds = self.load(500, "dt500")
        print(f"    500 registrations, 16 clients, 2 instances: {counts}")
        print(f"    {500 / seconds:.1f} registrations/s in {seconds:.0f}s")
        check(counts["done"] == 500, f"done {counts['done']}")
        check(
            set(counts["statuses"]) <= {"200", "503"}, f"answers {counts['statuses']}"
        )

    def step_failover(self):
        seen = {}
        socket_path = self.clone / "var" / "cluster" / "run" / "haproxy.sock"
        sys.path.insert(0, str(REPO / "scripts"))
        from cluster import haproxy_stat

        def kill(started):
            time.sleep(5)
            pid = next(
                i["pid"]
                for i in self.cluster_state()["instances"]
                if i["name"] == "instance1"
            )
            os.kill(pid, 9)
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                status = haproxy_stat(socket_path)
                if status.get("instance1", "").startswith("DOWN"):
                    seen["down"] = status
                    return
                time.sleep(0.5)

        # Spread over 30 s: the kill and HAProxy's checks fall inside the
        # load however quickly the machine registers.
        counts, seconds = self.load(200, "dtchet", during=kill, spread=30)
        print(f"    kill -9 during 200 registrations: {counts}, {seconds:.0f}s")
        check("down" in seen, "HAProxy did not take the killed instance out")
        check(counts["done"] == 200, f"done {counts['done']}")
        check(
            set(counts["statuses"]) <= {"200", "502", "503", "None"},
            f"answers {counts['statuses']}",
        )
        self.make("cluster")
        status = haproxy_stat(socket_path)
        check(status.get("instance1") == "UP", f"after make cluster: {status}")

    def step_stop(self):
        state = self.cluster_state()
        self.commands().run(documented_commands("cluster-stop"), timeout=600)
        ports = [i["port"] for i in state["instances"]] + [
            state["port"],
            state["mailin_port"],
            state["postgres"]["port"],
        ]
        for port in ports:
            with socket.socket() as s:
                check(s.connect_ex(("127.0.0.1", port)) != 0, f"{port} still open")


STEPS = [
    "make-run",
    "migrate",
    "register",
    "mail-in",
    "import",
    "numbering",
    "failover",
    "stop",
]


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("steps", nargs="*", help=" ".join(STEPS))
    args = parser.parse_args()
    unknown = set(args.steps) - set(STEPS)
    if unknown:
        parser.error(f"unknown steps: {' '.join(sorted(unknown))}")
    given = os.environ.get("WORK")
    work = Path(given) if given else Path(tempfile.mkdtemp(prefix="phutho-cluster-"))
    work.mkdir(parents=True, exist_ok=True)
    os.chmod(work, 0o755)  # PostgreSQL's account enters the clone's var/
    drill = Drill(work)
    failed = []
    try:
        for name in STEPS:
            if args.steps and name not in args.steps:
                continue
            started = time.monotonic()
            print(f"== {name}", flush=True)
            try:
                getattr(drill, "step_" + name.replace("-", "_"))()
            except Exception as error:
                failed.append(name)
                traceback.print_exc()
                print(f"FAIL {name}: {str(error)[:2000]}", flush=True)
                if name in ("make-run", "migrate"):
                    break  # nothing after it can run
            else:
                print(f"PASS {name} ({time.monotonic() - started:.0f}s)", flush=True)
    finally:
        if (drill.clone / "var" / "cluster" / "cluster.json").exists():
            try:
                drill.make("cluster-stop", timeout=600)
            except Exception:
                traceback.print_exc()
    if failed:
        print(f"Kept {work} for inspection.")
    elif not given:
        shutil.rmtree(work, ignore_errors=True)
    print(
        f"{len(STEPS) - len(failed)} passed, {len(failed)} failed: {' '.join(failed)}"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
