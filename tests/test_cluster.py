"""``make cluster``: PostgreSQL, two Zope instances on RelStorage, HAProxy,
the mail-in ingester, started from the checkout and stopped.

The layer runs ``scripts/cluster.py start`` (what ``make cluster`` runs;
``scripts/ci-cluster.sh`` runs ``make cluster`` itself on a fresh clone) in
a scratch folder on free ports, and ``stop`` at the end. Through HAProxy:

* documents are created and registered, and both instances answer;
* mail sent to the ingester lands in the agency's incoming documents;
* eight client processes register one register's documents at once:
  every answer 200 or 503 with Retry-After (never 500), numbers distinct
  and gapless;
* ``kill -9`` of one instance during such a load: HAProxy takes it out,
  the survivor goes on, no number is lost or given twice, and the instance
  rejoins when ``make cluster`` runs again.
"""

from email.message import EmailMessage
from pathlib import Path
from phutho.intranet import testing_postgres
from phutho.intranet.demo import load_data
from phutho.intranet.testing_cluster import register_load
from phutho.intranet.testing_cluster import RunningCluster
from phutho.intranet.testing_cluster import summary
from phutho.intranet.testing_instances import DEMO_PASSWORD
from phutho.intranet.testing_instances import REPO
from phutho.intranet.testing_instances import scratch_directory
from phutho.intranet.testing_programs import in_ci
from phutho.intranet.testing_programs import missing
from phutho.intranet.testing_programs import require
from plone.testing import Layer

import base64
import json
import os
import re
import requests
import shutil
import smtplib
import socket
import subprocess
import sys
import time
import unittest

HAPROXY = "/usr/sbin/haproxy"
BIN = Path(sys.executable).parent
NEEDS = "PostgreSQL and HAProxy (Debian packages postgresql, haproxy)"


def programs_available():
    return testing_postgres.available() and os.path.exists(HAPROXY)


def demo_agency():
    """The first demo agency with a document mailbox, units and a clerk."""
    for agency in load_data()["agencies"]:
        clerks = [p["id"] for p in agency["people"] if p["role"] == "clerk"]
        if agency.get("email") and agency.get("units") and clerks:
            return agency["id"], clerks[0], agency["email"]
    raise AssertionError("no demo agency with a mailbox and a clerk")


class ClusterLayer(Layer):
    def setUp(self):
        if not programs_available():
            if in_ci():
                raise missing(NEEDS)
            self["cluster"] = None
            return
        self.directory = scratch_directory("cluster")
        cluster = RunningCluster(self.directory, instances=2, workers=1)
        try:
            cluster.start()
        except BaseException:
            self.tearDown_cluster(cluster)
            raise
        self["cluster"] = cluster

    def tearDown_cluster(self, cluster):
        try:
            if (cluster.var / "cluster.json").exists():
                cluster.stop()
        finally:
            if os.environ.get("KEEP_SCRATCH"):
                print(f"\n  kept {self.directory}")
            else:
                shutil.rmtree(self.directory, ignore_errors=True)

    def tearDown(self):
        cluster = self.get("cluster")
        if cluster is not None:
            self.tearDown_cluster(cluster)


CLUSTER = ClusterLayer(name="Cluster")


def listening(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def running(pid, timeout=10):
    """True when process ``pid`` is still there after ``timeout`` seconds.
    A zombie (ended, not yet reaped by init) does not run."""
    deadline = time.monotonic() + timeout
    while pid:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                if stat.read().split(") ", 1)[1][0] == "Z":
                    return False
        except OSError:
            return False
        if time.monotonic() > deadline:
            return True
        time.sleep(0.2)
    return False


@require(programs_available(), NEEDS)
class TestCluster(unittest.TestCase):
    layer = CLUSTER

    def setUp(self):
        self.cluster = self.layer["cluster"]
        self.agency, self.clerk, self.mailbox = demo_agency()
        self.session = requests.Session()
        self.session.auth = (self.clerk, DEMO_PASSWORD)
        self.session.headers.update(
            {"Accept": "application/json", "Content-Type": "application/json"}
        )
        self.addCleanup(self.session.close)

    def prepare(self, tag, count):
        """``count`` received documents of a fresh register (zconsole on
        the cluster's first instance, one transaction)."""
        prepared = self.cluster.instance().call(
            "prepare_numbering_race", agency_id=self.agency, incoming=count, tag=tag
        )
        urls = [f"{self.cluster.url}/{path}" for path in prepared["incoming"]]
        return urls, prepared["registers"]["incoming"]

    def assert_gapless(self, register, count):
        state = self.cluster.instance().call("numbering_state", registers=[register])
        documents = state[register]["documents"]
        numbers = sorted(d["number"] for d in documents if d["number"])
        self.assertEqual(numbers, list(range(1, count + 1)), "distinct and gapless")
        self.assertEqual({d["state"] for d in documents}, {"registered"})
        self.assertEqual(list(state[register]["last"].values()), [count])

    def test_registers_through_haproxy_on_both_instances(self):
        pdf = (REPO / "tests" / "fixtures" / "qd15.pdf").read_bytes()
        register = self.session.get(
            f"{self.cluster.url}/co-quan/{self.agency}/so-den", timeout=60
        ).json()["UID"]
        created, registered = set(), set()
        for index in range(6):
            response = self.session.post(
                f"{self.cluster.url}/co-quan/{self.agency}",
                data=json.dumps(
                    {
                        "@type": "IncomingDocument",
                        "title": f"Văn bản qua cân bằng tải {index + 1}",
                        "document_type": "cong-van",
                        "sender_name": "Văn phòng Chính phủ",
                        "sender_organ_id": "000.00.00.G22",
                        "number_symbol": f"{index + 1}/VPCP-CUM",
                        "document_date": "2026-11-20",
                        "main_file": {
                            "data": base64.b64encode(pdf).decode(),
                            "encoding": "base64",
                            "filename": "cum.pdf",
                            "content-type": "application/pdf",
                        },
                    }
                ),
                timeout=120,
            )
            self.assertEqual(response.status_code, 201, response.text[:500])
            created.add(response.headers["X-Served-By"])
            url = response.json()["@id"]
            answer = self.session.post(
                f"{url}/@workflow/register",
                data=json.dumps({"register": register}),
                timeout=120,
            )
            self.assertEqual(answer.status_code, 200, answer.text[:500])
            registered.add(answer.headers["X-Served-By"])
            # Read back through the balancer: any instance has it, file too.
            document = self.session.get(url, timeout=60).json()
            self.assertEqual(document["review_state"], "registered")
            self.assertTrue(document["arrival_number"])
            download = self.session.get(f"{url}/@@download/main_file", timeout=60)
            self.assertEqual(download.content, pdf)
        self.assertEqual(created | registered, {"instance1", "instance2"})
        self.assertEqual(
            set(self.cluster.haproxy_status().values()), {"UP"}, "health checks"
        )

    def test_mail_in_goes_through_haproxy(self):
        """The ingester runs beside the cluster and posts to HAProxy."""
        subject = f"Công văn {time.time_ns()}/STC-VP về việc thử cụm máy chủ"
        message = EmailMessage()
        message["Subject"] = subject
        message["From"] = "Sở Tài chính tỉnh Hà Nam <vanthu@stc.hanam.gov.vn>"
        message["To"] = self.mailbox
        message.set_content("Kính gửi quý cơ quan.")
        with smtplib.SMTP("127.0.0.1", self.cluster.mailin_port, timeout=120) as smtp:
            refused = smtp.send_message(message)
        self.assertEqual(refused, {})
        found = self.session.get(
            f"{self.cluster.url}/@search",
            params={"portal_type": "IncomingDocument", "channel": "email"},
            timeout=60,
        ).json()["items"]
        self.assertIn(subject, [item["title"] for item in found])
        log = (self.cluster.var / "log" / "haproxy.log").read_text()
        self.assertIn("POST /Plone/@mail-in", log)

    def test_contention_answers_200_or_503_never_500(self):
        urls, register = self.prepare("tranh", 48)
        results, seconds = register_load(
            urls, clients=8, user=self.clerk, body={"register": register}
        )
        counts = summary(results)
        print(
            f"\n  8 clients, 48 registrations through HAProxy: {counts}, {seconds:.1f}s"
        )
        self.assertEqual(counts["done"], 48)
        self.assertLessEqual(set(counts["statuses"]), {"200", "503"})
        for result in results:
            for attempt in result["attempts"]:
                if attempt["status"] == 503:
                    self.assertEqual(attempt["retry_after"], "5")
        self.assertEqual(set(counts["served_by"]), {"instance1", "instance2"})
        self.assert_gapless(register, 48)

    def restore(self):
        """Whatever a test stopped or killed runs again (``make cluster``),
        for the tests after it in the layer (tests/test_reading_cluster.py
        too)."""
        if re.search(r"(?m)\bDOWN\b", self.cluster.command("status", check=False)):
            self.cluster.start()

    def test_kill_9_of_an_instance_during_registrations(self):
        urls, register = self.prepare("chet", 60)
        seen = {}
        self.addCleanup(self.restore)

        def kill_one(started):
            # The load is spread over 20 s (see below): the kill falls in
            # it, and so do HAProxy's checks taking the instance out (two
            # failed ones 2 s apart), on a quick machine as on a slow one.
            time.sleep(3)
            self.cluster.kill("instance1")
            seen["killed_at"] = time.time()
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                status = self.cluster.haproxy_status()
                if status.get("instance1", "").startswith("DOWN"):
                    seen["down"] = dict(status, at=time.time())
                    break
                time.sleep(0.5)

        results, seconds = register_load(
            urls,
            clients=8,
            user=self.clerk,
            body={"register": register},
            during=kill_one,
            spread=20,
        )
        counts = summary(results)
        print(f"\n  kill -9 during 60 registrations: {counts}, {seconds:.1f}s")
        self.assertIn("down", seen, "HAProxy took the killed instance out")
        self.assertEqual(seen["down"].get("instance2"), "UP")
        self.assertEqual(counts["done"], 60, "every document registered")
        # Only what was in flight on the killed instance was lost (502 from
        # HAProxy, or the connection), and tried again; never a 500.
        self.assertLessEqual(set(counts["statuses"]), {"200", "502", "503", "None"})
        after_kill = {
            a["served_by"]
            for r in results
            for a in r["attempts"]
            if a.get("served_by") and a["at"] > seen["down"]["at"]
        }
        self.assertEqual(after_kill, {"instance2"}, "the survivor went on alone")
        self.assert_gapless(register, 60)

        # `make cluster` again: the killed instance starts and rejoins.
        self.cluster.start()
        status = self.cluster.haproxy_status()
        self.assertEqual(status, {"instance1": "UP", "instance2": "UP"})
        served = set()
        for _index in range(6):
            response = self.session.get(
                f"{self.cluster.url}/co-quan/{self.agency}", timeout=60
            )
            self.assertEqual(response.status_code, 200)
            served.add(response.headers["X-Served-By"])
        self.assertIn("instance1", served, "the restarted instance serves again")

    def test_phutho_import_killed_and_started_again(self):
        """The console script into the running cluster, ``kill -9`` after
        its first batch, started again: every row once, numbers kept."""
        source = self.cluster.directory / "legacy"
        (source / "files").mkdir(parents=True, exist_ok=True)
        (source / "files" / "cv.pdf").write_bytes(
            (REPO / "tests" / "fixtures" / "qd15.pdf").read_bytes()
        )
        rows = [
            "id,agency,direction,register,number,title,document_type,"
            "number_symbol,document_date,arrival_date,sender_name,file"
        ]
        for number in range(1, 61):
            rows.append(
                f"cu-{number},{self.agency},incoming,so-den,{number},"
                f"Công văn cũ số {number} về quản lý tài sản,Công văn,"
                f"{number}/STC-QLCS,02/01/2023,03/01/2023 08:30,Sở Tài chính,"
                "files/cv.pdf"
            )
        rows.append(
            f"sai-ngay,{self.agency},incoming,so-den,61,Sai ngày,Công văn,"
            "61/STC,02/01/2023,30/02/2023,Sở Tài chính,"
        )
        (source / "documents.csv").write_text("\n".join(rows) + "\n")
        command = [
            str(BIN / "phutho-import"),
            str(self.cluster.var / "instance1" / "etc" / "zope.conf"),
            str(source / "documents.csv"),
            "--batch",
            "10",
            "--report",
            str(source / "refused.csv"),
        ]
        first = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=self.cluster.env,
        )
        line = first.stdout.readline()
        while line and "imported" not in line:
            line = first.stdout.readline()
        self.assertIn("imported", line, "a batch was committed")
        first.kill()  # kill -9 in the middle
        first.communicate()
        second = subprocess.run(
            command, capture_output=True, text=True, env=self.cluster.env, timeout=900
        )
        self.assertEqual(
            second.returncode, 0, second.stdout[-3000:] + second.stderr[-3000:]
        )
        match = re.search(
            r"Imported (\d+) documents .*; (\d+) were already there; 1 refused",
            second.stdout,
        )
        self.assertIsNotNone(match, second.stdout[-2000:])
        imported, skipped = map(int, match.groups())
        self.assertEqual(imported + skipped, 60)
        self.assertGreaterEqual(skipped, 10)
        self.assertIn("sai-ngay", (source / "refused.csv").read_text())
        register = self.session.get(
            f"{self.cluster.url}/co-quan/{self.agency}/so-den", timeout=60
        ).json()["UID"]
        state = self.cluster.instance().call("numbering_state", registers=[register])
        numbers = sorted(
            d["number"] for d in state[register]["documents"] if "/2023/" in d["path"]
        )
        self.assertEqual(numbers, list(range(1, 61)))
        self.assertEqual(state[register]["last"]["2023"], 60)

    def test_status(self):
        out = self.cluster.command("status")
        for name in ("postgres", "instance1", "instance2", "haproxy", "mailin"):
            self.assertRegex(out, rf"(?m)^{name}\s+up")

    def test_zzz_stop_stops_everything(self):
        """Last (alphabetically): ``make cluster-stop``; then ``make
        cluster`` again, for the layer's other modules."""
        self.addCleanup(self.restore)
        state = self.cluster.state
        ports = [i["port"] for i in state["instances"]]
        ports += [state["port"], state["mailin_port"], state["postgres"]["port"]]
        pids = [i["pid"] for i in state["instances"]]
        pids += [state[k] for k in ("haproxy", "mailin", "worker")]
        out = self.cluster.stop()
        self.assertIn("Stopping PostgreSQL", out)
        for port in ports:
            self.assertFalse(listening(port), f"port {port} still open")
        for pid in pids:
            self.assertFalse(running(pid), f"{pid} still runs")
        self.assertRegex(
            self.cluster.command("status", check=False), r"(?m)^instance1\s+DOWN"
        )


class TestMakefile(unittest.TestCase):
    """``make cluster`` runs what the layer runs."""

    def test_targets(self):
        text = (REPO / "Makefile").read_text()
        for target, command in (
            ("cluster", "scripts/cluster.py start"),
            ("cluster-stop", "scripts/cluster.py stop"),
            ("cluster-migrate", "scripts/cluster.py migrate"),
        ):
            match = re.search(rf"(?m)^{target}:.*\n\t(.+)$", text)
            self.assertIsNotNone(match, target)
            self.assertIn(command, match.group(1))
