"""Run the documented commands as a newcomer would, on a fresh clone.

    .venv/bin/python scripts/drills.py [DRILL ...]      (all by default)
    bash scripts/ci-drills.sh [DRILL ...]               (what .ci/run calls)

Each drill prints ``PASS <name>`` or ``FAIL <name>: why``; the exit status
is 1 when any failed. The drills, in order (later ones continue on what
the earlier ones left in the clone):

make-run        ``git clone`` of the repository, then ``make run`` as README
                shows it: the first start creates the site and answers 200
                with the Vietnamese title; ADMIN_PASSWORD, SMTP_HOST,
                SMTP_PORT, MAIL_FROM, MAIL_FROM_NAME, PUBLIC_URL, PORT and
                HOST take effect; README's ``scripts/mail_demo.py`` lands
                in the clerk's queue. The second start keeps the data and
                is README's ``make run PORT=8090 HOST=0.0.0.0`` (answers on
                127.0.0.1, 127.0.0.2 and ``hostname -I``'s addresses) and
                ``MAILIN_HOST=127.0.0.1 MAILIN_PORT=8025 make run`` (the
                listener says so and is there, on that host only) with
                docs/exchange.md's ``make run EXCHANGE_DIR=var/exchange``
                (EXCHANGE_EVERY=5) in one line; on it: README's two swaks
                commands (with a PDF: a document titled by the subject,
                its number, the PDF as main file; without: no main file;
                the message as annex), exchange.md's folders (a message
                copied into Sở KH&CN's inbox becomes a document in the
                clerk's queue and moves to done/, a broken one to error/,
                with reports), its two curl examples (POST @edxml 201 and
                the document; GET @edxml 200, an edXML message of the
                issued document) and its ``scripts/exchange_pickup.py``
                through the portal (once; ``--every 60``: its first report,
                then SIGTERM, status 0 at once). The instance stopped:
                exchange.md's zconsole pickup imports a file of the inbox;
                the admin password changes as shown
                (scripts/admin_password.py); ``DEMO=0 SITE_ID=…`` creates a
                site without demo data, the default HOST not on 127.0.0.2,
                and the zconsole pickup's document is in the clerk's queue.
backup-restore  docs/operations.md's backup (repozo + rsync, full then
                incremental) of the running portal, its restore into a new
                var/ with ``make run``, serving the same documents, numbers
                and files; then its pack command.
zeo             docs/operations.md's ZEO section line by line, ``pip
                install`` included: two instances share documents and files.
relstorage      the RelStorage section likewise on a throw-away PostgreSQL,
                the clone's site moved in by zodbconvert.
buildout        ``bash scripts/check-buildout.sh`` (README's buildout).
make-test       ``make test TESTRUNNER_ARGS="-m test_numbering"`` (README);
                docs/compliance.md's zope-testrunner command (a passing test
                for each item); docs/api.md's ``UPDATE_API_EXAMPLES=1``
                command, after which git sees no change in docs/api.md and
                docs/http-examples (in the repository itself: it refuses
                to run over uncommitted changes there).
bench           ``make bench COUNT=1000`` (README's quick look), and the
                benchmarks docs/exchange.md, docs/intelligence.md and
                docs/performance.md show (bench_exchange.py both ways,
                bench_reading.py, perf_suite.py against stock Plone,
                size_curve.py on the cluster), as written with small counts;
                perf_suite's and size_curve's --write into a copy.
clock           the in-process tests with ``zope-testrunner`` called
                directly, four times (scripts/at_time.py, time-machine): each
                of TZ=UTC and TZ=Asia/Ho_Chi_Minh once before and once after
                17:00 UTC, on 30/11 (the province's month changes) and on
                31/12 (its year changes, registers restart at 1).

Ports are free ones; every wait has a timeout. WORK=dir keeps the work
directory there (default: a temporary one, deleted when all passed).
"""

from pathlib import Path

import argparse
import base64
import datetime
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from phutho.intranet import testing_postgres  # noqa: E402
from phutho.intranet.exchange.reader import read_message  # noqa: E402
from phutho.intranet.testing_drills import check  # noqa: E402
from phutho.intranet.testing_drills import clean_environment  # noqa: E402
from phutho.intranet.testing_drills import DrillFailed  # noqa: E402
from phutho.intranet.testing_drills import FIRST_START  # noqa: E402
from phutho.intranet.testing_drills import wait_for  # noqa: E402
from phutho.intranet.testing_instances import documented_commands  # noqa: E402
from phutho.intranet.testing_instances import DocumentedCommands  # noqa: E402
from phutho.intranet.testing_instances import free_port  # noqa: E402
from phutho.intranet.testing_instances import Process  # noqa: E402
from phutho.intranet.testing_instances import run  # noqa: E402
from phutho.intranet.testing_instances import tail  # noqa: E402
from phutho.intranet.testing_instances import wait_for_port  # noqa: E402

import edxml_corpus  # noqa: E402  (scripts/, beside this file)
import requests  # noqa: E402

TITLE = "Cổng thông tin nội bộ tỉnh Phú Thọ"
DEMO_PASSWORD = "PhuTho@2026"
CLERK = ("vanthu.sokhcn", DEMO_PASSWORD)
PUBLIC_URL = "https://congvanban.phutho.gov.vn/Plone"
PDF = (REPO / "tests" / "fixtures" / "qd15.pdf").read_bytes()


EXCHANGE_MD = "docs/exchange.md"
# The drill's own edXML messages to Sở KH&CN (each its own DocumentId: a
# second message with one is a redelivery).
SENDER_DOCUMENT_ID = "000.00.00.G22,2026/11/20,{}/VPCP-DT"


def readme_command(part, doc="README.md"):
    """The command README.md (or ``doc``, a path below the repository)
    shows in backquotes that contains ``part``."""
    for line in (REPO / doc).read_text().splitlines():
        for command in re.findall(r"`([^`]+)`", line):
            if part in command:
                return command
    raise DrillFailed(f"{doc} shows no command with {part}")


def doc_block_command(doc, part):
    """The command of a code block of ``doc`` (fenced, or indented by four
    spaces) that contains ``part``: with its continuation lines (ending in
    a backslash) as written, for bash; comment lines left out."""
    fenced, command = False, []
    for line in (REPO / doc).read_text().splitlines():
        if line.startswith("```"):
            fenced, command = not fenced, []
            continue
        text = line.strip()
        if not (fenced or line.startswith("    ")) or (
            not command and (not text or text.startswith("#"))
        ):
            command = []
            continue
        command.append(text)
        if not text.endswith("\\"):
            found, command = "\n".join(command), []
            if part in found:
                return found
    raise DrillFailed(f"{doc} shows no command block with {part}")


def substitute(command, replace):
    """``command`` with each key of ``replace`` replaced by its value; the
    doc must still say what the drill replaces (else the drill would run a
    fixed port or a placeholder)."""
    for old, new in replace.items():
        check(old in command, f"{old!r} is no longer in {command!r}")
        command = command.replace(old, str(new))
    return command


def make_run_line(*commands):
    """One ``make run`` line with the variables of each of ``commands``
    (``[NAME=value …] make run [NAME=value …]``), where each had them."""
    before, after = [], []
    for command in commands:
        head, found, rest = command.partition("make run")
        check(
            found and all("=" in word for word in (head + rest).split()),
            f"not a make run line with variables: {command}",
        )
        before += head.split()
        after += rest.split()
    return " ".join([*before, "make", "run", *after])


def until(condition, timeout, message, every=1):
    """Wait until ``condition()`` is true; fail with ``message()`` (or the
    text) after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise DrillFailed(message() if callable(message) else message)
        time.sleep(every)


def connectable(host, port):
    try:
        socket.create_connection((host, port), timeout=5).close()
    except OSError:
        return False
    return True


def machine_addresses():
    """The machine's IPv4 addresses outside the loopback (``hostname -I``)."""
    try:
        out = subprocess.run(
            ["hostname", "-I"], capture_output=True, text=True, timeout=30
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return []
    return [a for a in out.split() if ":" not in a and not a.startswith("127.")]


def token(value):
    """A vocabulary value of plone.restapi (``{"token", "title"}``) or a
    plain one."""
    return value.get("token") if isinstance(value, dict) else value


def readme_block_command(part):
    """The line of a README.md code block that contains ``part``, without
    its comment."""
    fenced = False
    for line in (REPO / "README.md").read_text().splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif fenced and part in line:
            return line.split("  #", 1)[0].strip()
    raise DrillFailed(f"README.md shows no command block line with {part}")


def readable(url, auth):
    """True when ``auth`` may read ``url`` (a 200)."""
    response = requests.get(
        url, auth=auth, headers={"Accept": "application/json"}, timeout=30
    )
    return response.status_code == 200


def refused(url):
    """True when nothing listens at ``url``."""
    try:
        requests.get(url, timeout=10)
    except requests.ConnectionError:
        return True
    return False


class Portal:
    """REST calls on a running site."""

    def __init__(self, url, auth=CLERK):
        self.url = url.rstrip("/")
        self.session = requests.Session()
        self.session.auth = auth
        self.session.headers.update(
            {"Accept": "application/json", "Content-Type": "application/json"}
        )

    def call(self, method, path, status=200, **kwargs):
        url = path if path.startswith("http") else f"{self.url}/{path.lstrip('/')}"
        response = self.session.request(method, url, timeout=120, **kwargs)
        check(
            response.status_code == status,
            f"{method} {url}: {response.status_code} {response.text[:500]}",
        )
        return response.json() if response.content else None

    def registered_document(self, symbol):
        """A clerk's incoming document with a file, registered."""
        created = self.call(
            "POST",
            "co-quan/so-khcn",
            status=201,
            data=json.dumps(
                {
                    "@type": "IncomingDocument",
                    "title": f"Văn bản diễn tập {symbol}",
                    "document_type": "cong-van",
                    "sender_name": "Bộ Khoa học và Công nghệ",
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
        url = created["@id"]
        self.call("POST", f"{url}/@workflow/register", data=json.dumps({}))
        return url, self.call("GET", url)["arrival_number"]

    def queue(self):
        """The clerk's queue of Sở KH&CN: incoming documents waiting for
        registration (``received``)."""
        return self.call(
            "GET",
            "co-quan/so-khcn/@search",
            params={
                "portal_type": "IncomingDocument",
                "review_state": "received",
                "b_size": 1000,
            },
        )["items"]

    def same_document(self, url, number):
        """The document answers with its number and its file."""
        check(self.call("GET", url)["arrival_number"] == number, f"{url}: number")
        response = self.session.get(f"{url}/@@download/main_file", timeout=60)
        check(
            response.status_code == 200 and response.content == PDF,
            f"{url}: the file is not the one uploaded",
        )


class Drills:
    def __init__(self, work):
        self.work = Path(work)
        self.clone = self.work / "clone"
        self.documents = []  # (url path below the site, arrival number)

    # -- helpers ---------------------------------------------------------------------

    def make_run(self, *args, env=None, timeout=600):
        """``make run ARGS`` in the clone, as a service; returns the runner."""
        commands = DocumentedCommands(self.clone, env=env or clean_environment())
        commands.run([" ".join(["make", "run", *args])], timeout=timeout)
        return commands

    def site(self, port, host="127.0.0.1", site_id="Plone"):
        return f"http://{host}:{port}/{site_id}"

    def start(self, command, port, env, timeout=600):
        """The ``make run`` line ``command``, run by bash in the clone as
        written, as a service (stopped by its ``stop()``); returns once the
        portal's ``port`` accepts connections."""
        service = Process(f"drill-{port}", self.clone / "var" / "services")
        service.spawn(["bash", "-c", command], env, self.clone)
        try:
            wait_for_port(port, service.process, timeout, command)
        except Exception as error:
            service.stop()
            raise DrillFailed(f"{error}\n{tail(service.stdout)}") from error
        return service

    # -- the drills --------------------------------------------------------------------

    def drill_make_run(self):
        if not self.clone.exists():
            run(["git", "clone", "--quiet", "--no-hardlinks", REPO, self.clone])
        check(not (self.clone / ".venv").exists(), "the clone is not fresh")
        port = free_port()
        env = clean_environment(
            ADMIN_PASSWORD="Dien-Tap-1",
            SMTP_HOST="smtp.dientap.test",
            SMTP_PORT=2525,
            MAIL_FROM="congthongtin@phutho.gov.vn",
            MAIL_FROM_NAME="Cổng thông tin nội bộ",
            PUBLIC_URL=PUBLIC_URL,
            MAILIN_PORT=free_port(),
        )
        started = time.monotonic()
        service = self.make_run(
            f"PORT={port}", "HOST=127.0.0.1", env=env, timeout=FIRST_START
        )
        try:
            url = self.site(port)
            wait_for(url, 600, text=TITLE)
            print(
                f"    first make run served {url} after {time.monotonic() - started:.0f}s"
            )
            admin = Portal(url, ("admin", "Dien-Tap-1"))
            settings = {
                name: admin.call("GET", f"@registry/{name}")
                for name in (
                    "plone.smtp_host",
                    "plone.smtp_port",
                    "plone.email_from_address",
                    "plone.email_from_name",
                )
            }
            check(
                settings
                == {
                    "plone.smtp_host": "smtp.dientap.test",
                    "plone.smtp_port": 2525,
                    "plone.email_from_address": "congthongtin@phutho.gov.vn",
                    "plone.email_from_name": "Cổng thông tin nội bộ",
                },
                f"mail settings: {settings}",
            )
            public_url = admin.call("GET", "@registry/phutho.intranet.mail.public_url")
            check(public_url == PUBLIC_URL, f"PUBLIC_URL: {public_url}")
            check(
                not readable(f"{url}/@registry/plone.smtp_host", ("admin", "admin")),
                "ADMIN_PASSWORD did not replace the default password",
            )
            clerk = Portal(url)
            clerk.call("GET", "co-quan/so-khcn")  # the demo data and its people
            self.mail_demo(clerk, env)
            self.documents.append(clerk.registered_document("1/DT-BKHCN"))
        finally:
            service.stop()

        # A second start keeps the data; SMTP_* are written again at each
        # start. It is README's `make run PORT=8090 HOST=0.0.0.0` and
        # `MAILIN_HOST=127.0.0.1 MAILIN_PORT=8025 make run` with
        # exchange.md's `make run EXCHANGE_DIR=var/exchange` in one line
        # (a start costs a minute); the pickup every 5 s, not 60.
        port, mailin_port = free_port(), free_port()
        command = make_run_line(
            substitute(readme_command("HOST=0.0.0.0"), {"PORT=8090": f"PORT={port}"}),
            substitute(
                readme_command("MAILIN_PORT="),
                {"MAILIN_PORT=8025": f"MAILIN_PORT={mailin_port}"},
            ),
            doc_block_command(EXCHANGE_MD, "make run EXCHANGE_DIR="),
            "make run EXCHANGE_EVERY=5",
        )
        print(f"    second start: {command}", flush=True)
        # The pickup signs in as admin with ADMIN_PASSWORD (exchange.md).
        env = clean_environment(
            SMTP_HOST="smtp2.dientap.test", ADMIN_PASSWORD="Dien-Tap-1"
        )
        service = self.start(command, port, env)
        try:
            url = self.site(port)
            wait_for(url, 600, text=TITLE)
            self.everywhere(port)
            clerk = Portal(url)
            for path, number in self.documents:
                clerk.same_document(self.moved(path, url), number)
            admin = Portal(url, ("admin", "Dien-Tap-1"))
            check(
                admin.call("GET", "@registry/plone.smtp_host") == "smtp2.dientap.test",
                "SMTP_HOST not written at the second start",
            )
            check(
                admin.call("GET", "@registry/plone.smtp_port") == 2525,
                "a setting not given was changed",
            )
            organ_id = clerk.call("GET", "co-quan/so-khcn")["organ_id"]
            self.exchange_folder(clerk, organ_id)
            self.exchange_curl(clerk, port, organ_id)
            self.exchange_pickup_rest(port)
            self.mailin_listener(service, mailin_port)
            # A failure of mail-in is told at the end: what follows does
            # not depend on it.
            try:
                self.swaks(clerk, mailin_port)
            except (DrillFailed, RuntimeError) as error:
                said = service.stdout.read_text(errors="replace").splitlines()
                said = [
                    line for line in said if "WARNING phutho.intranet.mailin" in line
                ]
                mailin_failed = f"{error}\nphutho-mailin said: {said[-3:]}"
            else:
                mailin_failed = None
        finally:
            service.stop()
        # With the instance stopped, the in-process pickup (checked at the
        # next start).
        imported = self.exchange_pickup_zconsole(organ_id)

        # The admin password changed as README shows it, then a site
        # without the demo.
        command = readme_command("scripts/admin_password.py").replace("…", "NEWPASS")
        run(["bash", "-c", command], cwd=self.clone, env=clean_environment())
        port = free_port()
        service = self.make_run(
            f"PORT={port}",
            env=clean_environment(DEMO=0, SITE_ID="intranet", MAILIN_PORT=free_port()),
        )
        try:
            url = self.site(port, site_id="intranet")
            wait_for(url, 600, text=TITLE)
            admin = Portal(url, ("admin", "NEWPASS"))
            admin.call("GET", "@registry/plone.smtp_host")
            check(
                not readable(
                    f"{url}/@registry/plone.smtp_host", ("admin", "Dien-Tap-1")
                ),
                "the old admin password still works",
            )
            found = admin.call(
                "GET", "@search", params={"portal_type": ["Agency", "IncomingDocument"]}
            )
            check(found["items_total"] == 0, f"DEMO=0 site has demo data: {found}")
            check(
                admin.session.get(f"{url}/@users/{CLERK[0]}", timeout=30).status_code
                == 404,
                "DEMO=0 site has the demo accounts",
            )
            check(
                refused(f"http://127.0.0.2:{port}/"),
                "the default HOST=127.0.0.1 also answers on 127.0.0.2",
            )
            wait_for(self.site(port), 60, text=TITLE)  # the first site is still there
            # What zconsole's pickup imported, the instance stopped.
            site = self.site(port)
            self.imported(Portal(site), self.moved(imported, site), 23)
        finally:
            service.stop()
        if mailin_failed is not None:
            raise DrillFailed(f"mail-in at the second start: {mailin_failed}")

    def mail_demo(self, clerk, env):
        """README's ``python3 scripts/mail_demo.py`` (in another terminal,
        with the listener's MAILIN_PORT, once make run said the listener is
        up: it starts listening a few seconds after the portal answers)
        lands in Sở KH&CN's queue."""
        port = int(env["MAILIN_PORT"])
        deadline = time.monotonic() + 120
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=5).close()
                break
            except OSError as error:
                check(
                    time.monotonic() < deadline,
                    f"phutho-mailin is not listening on {port}: {error}",
                )
                time.sleep(1)
        command = readme_block_command("scripts/mail_demo.py")
        out = run(["bash", "-c", command], cwd=self.clone, env=env)
        check("Sent" in out, out)
        until(
            lambda: any("215/SYT-NVY" in item["title"] for item in clerk.queue()),
            300,
            lambda: f"the mail did not land: {[i['title'] for i in clerk.queue()]}",
            every=2,
        )

    def everywhere(self, port):
        """``HOST=0.0.0.0``: the portal answers on every address of the
        machine, the loopback's (127.0.0.2 too, which the default
        127.0.0.1 does not answer: checked at the third start) and those
        of ``hostname -I``."""
        addresses = ["127.0.0.1", "127.0.0.2", *machine_addresses()]
        for address in addresses:
            wait_for(self.site(port, address), 60, text=TITLE)
        print(f"    HOST=0.0.0.0 answered on {' '.join(addresses)}", flush=True)

    def mailin_listener(self, service, port):
        """``MAILIN_HOST=127.0.0.1 MAILIN_PORT=…``: phutho-mailin says it
        listens there (README: wait for its line) and does, on that host
        only though the portal listens on all."""
        line = f"phutho-mailin listening on 127.0.0.1:{port}"
        until(
            lambda: line in service.stdout.read_text(errors="replace"),
            120,
            lambda: f"make run did not say {line!r}:\n{tail(service.stdout)}",
        )
        check(connectable("127.0.0.1", port), f"nothing listens on 127.0.0.1:{port}")
        check(not connectable("127.0.0.2", port), f"MAILIN_HOST: 127.0.0.2:{port}")

    def swaks(self, clerk, port):
        """README's swaks commands against make run's listener: with a
        subject and a PDF, a document titled by the subject, its number and
        symbol, the PDF as main file, the message as annex; without a file
        (swaks's own subject and text), a document without a main file."""
        replace = {"127.0.0.1:8025": f"127.0.0.1:{port}"}
        with_pdf = substitute(
            readme_block_command("swaks --server"),
            dict(replace, **{"@some.pdf": "@tests/fixtures/qd15.pdf"}),
        )
        subject = re.search(r'"Subject: ([^"]+)"', with_pdf).group(1)
        document = self.mailed(clerk, with_pdf, subject)
        number = re.search(r"\d+/[\w-]+", subject).group(0)
        check(document["number_symbol"] == number, f"number: {document}")
        main = document["main_file"] or {}
        check(main.get("filename") == "qd15.pdf", f"main file: {main}")
        response = clerk.session.get(main["download"], timeout=60)
        check(response.content == PDF, "the main file is not the PDF sent")
        plain = substitute(readme_command("swaks --server"), replace)
        check("--attach" not in plain, f"not the command without a file: {plain}")
        document = self.mailed(clerk, plain, None)
        check(document["title"].startswith("test "), f"title: {document['title']}")
        check(document["main_file"] is None, f"main file: {document['main_file']}")

    def mailed(self, clerk, command, subject):
        """Run the swaks ``command``: accepted at once (250 after the
        portal committed), it is new in the clerk's queue, titled ``subject``
        (else the Subject swaks wrote), with the message as its only
        annex. Returns the document (JSON)."""
        before = {item["@id"] for item in clerk.queue()}
        out = run(["bash", "-c", command], cwd=self.clone, env=clean_environment())
        check("250 2.0.0 Accepted (1 new document(s))" in out, out[-3000:])
        if subject is None:
            subject = re.search(r"^ -> Subject: (.*)$", out, re.M).group(1).strip()
        found = [item for item in clerk.queue() if item["@id"] not in before]
        check(
            [item["title"] for item in found] == [subject],
            f"{subject!r} not once in the clerk's queue: {found}",
        )
        document = clerk.call("GET", found[0]["@id"])
        check(token(document["channel"]) == "email", f"channel: {document['channel']}")
        annexes = [item["title"] for item in document["items"]]
        check(annexes == ["Thư gốc (.eml)"], f"annexes: {annexes}")
        return document

    def edxml(self, organ_id, number, subject):
        """A valid edXML message to ``organ_id``, its own DocumentId."""
        return edxml_corpus.document(
            organ_id,
            DocumentId=SENDER_DOCUMENT_ID.format(number),
            CodeNumber=str(number),
            CodeNotation="VPCP-DT",
            Subject=subject,
        )

    def imported(self, clerk, url, number):
        """The document at ``url`` came by exchange and waits in the
        clerk's queue."""
        document = clerk.call("GET", url)
        check(
            document["@type"] == "IncomingDocument"
            and document["review_state"] == "received"
            and document["number_symbol"] == f"{number}/VPCP-DT"
            and token(document["channel"]) == "exchange"
            and document["document_id"] == SENDER_DOCUMENT_ID.format(number),
            f"not the exchanged document: {json.dumps(document)[:1500]}",
        )
        path = url.split("/Plone/", 1)[1]  # curl's answer names localhost
        check(
            path in [item["@id"].split("/Plone/", 1)[1] for item in clerk.queue()],
            f"{url} is not in the clerk's queue",
        )
        return document

    def exchange_folder(self, clerk, organ_id):
        """exchange.md's folders: make run's pickup (EXCHANGE_DIR) makes the
        agency's folders, imports a message copied into its inbox (a
        hidden ``.partial`` renamed: left alone until then) as a document
        in the clerk's queue and moves it to done/; a refused one goes to
        error/; each with its ``.report.json``."""
        root = self.clone / "var" / "exchange" / organ_id
        until(
            lambda: (root / "inbox").is_dir(),
            120,
            f"make run's pickup did not make {root}/inbox",
        )
        messages = {
            "dien-tap-thu-muc.edxml": self.edxml(organ_id, 21, "Về việc diễn tập"),
            "dien-tap-hong.edxml": edxml_corpus.document(
                organ_id,
                DocumentId=SENDER_DOCUMENT_ID.format(99),
                PromulgationDate="2026/02/30",
            ),
        }
        started = time.monotonic()
        for name, data in messages.items():
            partial = root / "inbox" / f".{name}.partial"
            partial.write_bytes(data)
            os.rename(partial, root / "inbox" / name)
        done = root / "done" / "dien-tap-thu-muc.edxml"
        error = root / "error" / "dien-tap-hong.edxml"
        until(
            lambda: done.exists() and error.exists(),
            120,
            lambda: f"not picked up: {sorted(p.name for p in root.rglob('*'))}",
        )
        print(
            f"    make run's pickup took the files in {time.monotonic() - started:.0f}s",
            flush=True,
        )
        inbox = sorted(p.name for p in (root / "inbox").iterdir())
        check(inbox in ([], [".claimed"]), f"left in the inbox: {inbox}")
        report = json.loads(done.with_name(done.name + ".report.json").read_text())
        check(report["status"] == "created", f"report: {report}")
        self.imported(clerk, report["document"], 21)
        report = json.loads(error.with_name(error.name + ".report.json").read_text())
        check(
            report["status"] == "refused"
            and report["element"] == "MessageHeader/PromulgationInfo/PromulgationDate",
            f"report of the refused message: {report}",
        )

    def exchange_curl(self, clerk, port, organ_id):
        """exchange.md's two curl examples as written: a message posted to
        the agency's ``@edxml`` (201, the document created), an issued
        document's ``@edxml`` fetched (200, its edXML message)."""
        work = self.work / "curl"
        work.mkdir(exist_ok=True)
        (work / "message.edxml").write_bytes(self.edxml(organ_id, 22, "Về việc curl"))
        post = substitute(
            doc_block_command(EXCHANGE_MD, "@message.edxml"),
            {"http://localhost:8080/": f"http://localhost:{port}/"},
        )
        answer = json.loads(
            run(["bash", "-c", post], cwd=work, env=clean_environment())
        )
        check(
            answer.get("created") is True
            and set(answer) == {"@id", "UID", "@type", "created"},
            f"POST @edxml (Prefer: return=minimal): {answer}",
        )
        self.imported(clerk, answer["@id"], 22)
        issued = clerk.call(
            "GET",
            "co-quan/so-khcn/@search",
            params={"portal_type": "OutgoingDocument", "review_state": "issued"},
        )["items"]
        check(issued, "Sở KH&CN has no issued document (demo data)")
        path = issued[0]["@id"].split("/Plone/", 1)[1]
        check(
            re.fullmatch(r"co-quan/so-khcn/van-ban-di/\d{4}/\d{2}/[^/]+", path),
            f"not where exchange.md says issued documents are: {path}",
        )
        get = substitute(
            doc_block_command(EXCHANGE_MD, "-o issued.edxml"),
            {
                "http://localhost:8080/Plone/co-quan/so-khcn/van-ban-di/2026/11/<id>/": (
                    f"http://localhost:{port}/Plone/{path}/"
                )
            },
        )
        run(["bash", "-c", get], cwd=work, env=clean_environment())
        data = (work / "issued.edxml").read_bytes()
        try:
            message = read_message(data)
        except Exception as error:
            raise DrillFailed(f"GET @edxml: {error}: {data[:500]!r}") from error
        document = clerk.call("GET", issued[0]["@id"])
        check(
            message.document_id == document["document_id"]
            and message.subject == document["title"]
            and message.sender.organ_id == organ_id,
            f"GET @edxml: {message.document_id} {message.subject}",
        )
        log = self.clone / "var" / "instance" / "var" / "log" / "Z4.log"
        statuses = [
            (method, status)
            for method, status in re.findall(
                r'"(GET|POST) \S*%40edxml HTTP/1.1" (\d+) .*"curl/', log.read_text()
            )
        ]
        check(statuses == [("POST", "201"), ("GET", "200")], f"curl: {statuses}")

    def exchange_pickup_rest(self, port):
        """exchange.md's pickup command through the portal: once (the
        synopsis's optional arguments left out), then ``--every 60`` until
        SIGTERM: it reports its first pass, then stops at once, status 0."""
        replace = {
            "ADMIN_PASSWORD=admin ": "ADMIN_PASSWORD=Dien-Tap-1 ",
            "http://localhost:8080/": f"http://localhost:{port}/",
        }
        once = doc_block_command(EXCHANGE_MD, "[--limit 100]")
        once = substitute(re.sub(r" *\[[^]]*\]", "", once), replace)
        out = run(["bash", "-c", once], cwd=self.clone, env=clean_environment())
        check(re.search(r"^pickup: \d+ files", out, re.M), f"{once}: {out}")
        every = substitute(doc_block_command(EXCHANGE_MD, "--every 60"), replace)
        process = Process("pickup-every", self.work)
        process.spawn(["bash", "-c", every], clean_environment(), self.clone)
        try:
            until(
                lambda: "pickup: " in process.stdout.read_text(errors="replace"),
                120,
                lambda: f"{every}: no report\n{tail(process.stdout)}",
            )
            stopped = time.monotonic()
            process.process.send_signal(signal.SIGTERM)
            try:
                status = process.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                raise DrillFailed(f"{every}: still running 10 s after SIGTERM")
            check(status == 0, f"{every}: exit status {status}\n{tail(process.stdout)}")
            print(
                f"    pickup --every 60 stopped {time.monotonic() - stopped:.1f}s "
                "after SIGTERM",
                flush=True,
            )
        finally:
            process.stop()

    def exchange_pickup_zconsole(self, organ_id):
        """exchange.md's in-process pickup (zconsole, the instance stopped)
        imports a file of the inbox. Returns the document's URL."""
        inbox = self.clone / "var" / "exchange" / organ_id / "inbox"
        name = "dien-tap-zconsole.edxml"
        (inbox / name).write_bytes(self.edxml(organ_id, 23, "Về việc zconsole"))
        command = doc_block_command(EXCHANGE_MD, "exchange_pickup.py --site Plone")
        out = run(["bash", "-c", command], cwd=self.clone, env=clean_environment())
        found = re.search(rf"^{re.escape(organ_id)} {name} created (\S+)$", out, re.M)
        check(found, f"{command}: {out[-3000:]}")
        check((inbox.parent / "done" / name).exists(), f"{name} is not in done/")
        return found.group(1)

    def drill_backup_restore(self):
        check(self.documents, "needs the make-run drill first")
        backup = self.work / "backup"
        replace = {"/backup/phutho": str(backup)}
        port = free_port()
        env = clean_environment(PORT=port, MAILIN_PORT=free_port())
        service = self.make_run(f"PORT={port}", env=env)
        try:
            url = self.site(port)
            wait_for(url, 600, text=TITLE)
            clerk = Portal(url)
            self.documents.append(clerk.registered_document("2/DT-BKHCN"))
            # While the portal runs, as documented: full, then incremental.
            DocumentedCommands(self.clone, replace, env).run(
                documented_commands("backup")
            )
            self.documents.append(clerk.registered_document("3/DT-BKHCN"))
            # repozo names its files by the second: an incremental backup in
            # the same second as the full one sorts before it and is left out
            # of the restore (seen on a quick machine). An hour's backups
            # never meet this; the drill waits for the next second.
            time.sleep(1.1)
            DocumentedCommands(self.clone, replace, env).run(
                documented_commands("backup")
            )
            last = self.documents[-1][1]
        finally:
            service.stop()
        kinds = sorted(p.suffix for p in (backup / "fs").iterdir())
        check(".fs" in kinds and ".deltafs" in kinds, f"full and incremental: {kinds}")
        # A new var/: the old one moved away.
        os.rename(self.clone / "var", self.work / "var.before-restore")
        port = free_port()
        env = clean_environment(PORT=port, MAILIN_PORT=free_port())
        restore = DocumentedCommands(self.clone, replace, env)
        restore.run(documented_commands("restore"))
        try:
            url = self.site(port)
            wait_for(url, 600, text=TITLE)
            clerk = Portal(url)
            for path, number in self.documents:
                clerk.same_document(self.moved(path, url), number)
            _url, number = clerk.registered_document("4/DT-BKHCN")
            check(number == last + 1, f"numbering goes on: {number} after {last}")
        finally:
            restore.stop()
        out = run(
            ["bash", "-c", documented_commands("pack")[0]],
            cwd=self.clone,
            env=clean_environment(),
        )
        check("Packed" in out, out)
        service = self.make_run(
            f"PORT={port}", env=clean_environment(MAILIN_PORT=free_port())
        )
        try:
            wait_for(self.site(port), 600, text=TITLE)
            for path, number in self.documents:
                Portal(self.site(port)).same_document(
                    self.moved(path, self.site(port)), number
                )
        finally:
            service.stop()

    def moved(self, url, site_url):
        """``url`` of a document, on the site at ``site_url``."""
        return site_url + "/" + url.split("/Plone/", 1)[1]

    def scaleout(self, block, env, first_port):
        ports = {"8100": free_port(), "8081": first_port, "8082": free_port()}
        replace = {
            "127.0.0.1:8100": f"127.0.0.1:{ports['8100']}",
            "--port 8081": f"--port {ports['8081']}",
            "--port 8082": f"--port {ports['8082']}",
        }
        commands = DocumentedCommands(self.clone, replace, env)
        try:
            commands.run(documented_commands(block), timeout=1800)
            one, two = (self.site(ports[p]) for p in ("8081", "8082"))
            for url in (one, two):
                wait_for(url, 600, text=TITLE)
            # Through one instance, read through the other: data and files.
            created, number = Portal(one).registered_document(
                f"{ports['8100']}/DT-{block.upper()}"
            )
            Portal(two).same_document(self.moved(created, two), number)
            for path, known in self.documents:
                Portal(two).same_document(self.moved(path, two), known)
        finally:
            commands.stop()

    def drill_zeo(self):
        check(self.clone.exists(), "needs the make-run drill first")
        self.scaleout("zeo", clean_environment(DEMO=1), free_port())

    def drill_relstorage(self):
        check(self.clone.exists(), "needs the make-run drill first")
        check(testing_postgres.available(), "PostgreSQL is not installed")
        server = testing_postgres.PostgresServer().start()
        try:
            bindir = os.path.dirname(testing_postgres._bin("psql"))
            env = clean_environment(
                DEMO=1,
                PGHOST="127.0.0.1",
                PGPORT=server.port,
                PGUSER="postgres",
            )
            env["PATH"] = f"{bindir}:{env['PATH']}"
            self.scaleout("relstorage", env, free_port())
        finally:
            server.stop()

    def drill_buildout(self):
        run(["bash", "scripts/check-buildout.sh"], cwd=REPO, timeout=3600)

    def drill_make_test(self):
        out = run(
            ["bash", "-c", 'make test TESTRUNNER_ARGS="-m test_numbering"'],
            cwd=REPO,
            env=clean_environment(),
            timeout=1800,
        )
        check("test_numbering" in out or "Ran" in out, out[-2000:])
        self.compliance()
        self.api_examples()

    def compliance(self):
        """docs/compliance.md's command: every item of the checklist has
        its test, and they pass."""
        doc = "docs/compliance.md"
        command = readme_command("--tests-pattern='^test_compliance'", doc=doc)
        started = time.monotonic()
        out = run(["bash", "-c", command], cwd=REPO, env=clean_environment())
        items = re.findall(r"^\| (\d+) \|", (REPO / doc).read_text(), re.M)
        ran = sum(
            int(n)
            for n in re.findall(r"Ran (\d+) tests with 0 failures, 0 errors", out)
        )
        check(items and ran >= len(items), f"{len(items)} items, {ran} tests: {out}")
        print(
            f"    {command}: {ran} tests for {len(items)} items in "
            f"{time.monotonic() - started:.0f}s",
            flush=True,
        )

    def api_examples(self):
        """docs/api.md's command that regenerates its examples: the
        committed ones are what the API answers now (no change)."""
        paths = ["docs/http-examples", "docs/api.md"]
        status = ["git", "status", "--porcelain", "--", *paths]
        # It rewrites these files: never over changes not committed.
        check(not run(status, cwd=REPO), f"uncommitted changes in {paths}")
        command = doc_block_command("docs/api.md", "UPDATE_API_EXAMPLES=1")
        started = time.monotonic()
        run(["bash", "-c", command], cwd=REPO, env=clean_environment())
        changed = run(status, cwd=REPO)
        diff = run(["git", "diff", "--", *paths], cwd=REPO)
        check(not changed, f"the examples changed:\n{changed}\n{diff[:5000]}")
        print(
            f"    {command}: no change in {time.monotonic() - started:.0f}s",
            flush=True,
        )

    def drill_bench(self):
        """README's quick look at the benchmark prints its figures; the
        other benchmarks the docs show run as written with small counts
        (the figures in the docs come from the full ones)."""
        out = run(
            ["bash", "-c", "make bench COUNT=1000"],
            cwd=REPO,
            env=clean_environment(),
            timeout=3600,
        )
        check("Total" in out and "documents" in out, out[-2000:])
        workdir = self.work / "bench-reading"
        performance = self.work / "performance.md"
        # size_curve's PostgreSQL runs as the postgres account, which must
        # pass through this folder to its data: mkdtemp made it 0700.
        self.work.chmod(self.work.stat().st_mode | 0o001)
        shutil.copy(REPO / "docs" / "performance.md", performance)
        benches = [
            (
                "docs/exchange.md",
                "--count 1000 --concurrency 2\n",
                {"--count 1000": "--count 20"},
                ["answers {201: 20}", "messages/s", "GET @edxml"],
            ),
            (
                "docs/exchange.md",
                "--concurrency 2 --minimal",
                {"--count 1000": "--count 20"},
                ["answers {201: 20}", "messages/s"],
            ),
            (
                "docs/intelligence.md",
                "bench/bench_reading.py",
                {
                    "--count 40 --native-count 150 --dpi 200 300": "--count 2 "
                    f"--native-count 5 --dpi 200 --workdir {workdir}",
                },
                ["results:", "lowest"],
            ),
            (
                "docs/performance.md",
                "bench/perf_suite.py",
                {
                    "--documents 1000 --rounds 3 --duration 10 --creates 100 "
                    "--write docs/performance.md": "--documents 50 --rounds 1 "
                    f"--duration 3 --creates 5 --write {performance}",
                },
                ["ratio", "numbering 2x8 clients", "'errors': 0", "read-mostly"],
            ),
            (
                "docs/performance.md",
                "bench/size_curve.py",
                {
                    "--steps 10000,50000,100000,300000,1000000 --hours 1.3 "
                    "--write docs/performance.md": "--steps 100,200 --chunk 100 "
                    f"--agencies 12 --queries 5 --var {self.work / 'curve'} "
                    f"--write {performance}",
                },
                ["| 200 |", "Step 200: measuring", "Stopping the cluster"],
            ),
        ]
        for doc, part, replace, expected in benches:
            command = doc_block_command(doc, part.rstrip("\n"))
            if part.endswith("\n"):  # the line without what follows
                check(
                    command.rstrip().endswith(part.rstrip("\n")),
                    f"{doc}: {command}",
                )
            for old, new in replace.items():
                check(old in command, f"{doc} no longer shows {old!r}: {command}")
                command = command.replace(old, new)
            started = time.monotonic()
            out = run(
                ["bash", "-c", command],
                cwd=REPO,
                env=clean_environment(),
                timeout=3600,
            )
            missing = [text for text in expected if text not in out]
            check(not missing, f"{command}: no {missing} in {out[-3000:]}")
            print(f"    {command[:90]}… {time.monotonic() - started:.0f}s", flush=True)
        written = performance.read_text()
        check(
            written != (REPO / "docs" / "performance.md").read_text()
            and "Measured " in written,
            "perf_suite.py --write did not write its figures",
        )

    def drill_clock(self):
        """In-process tests at both sides of 17:00 UTC on a month's last
        day, in UTC and in the province's zone (scripts/at_time.py moves
        the wall clock)."""
        # In-process modules only: those that start clusters, instances or
        # Chromium run once in ``make test``, four more times would not fit
        # in CI.
        pattern = os.environ.get(
            "CLOCK_TESTS",
            r"^test_(?!operations|workflow_matrix|cluster|reading_cluster"
            r"|work_journeys|\w*chromium)",
        )
        # Each zone on both sides of 17:00 UTC, at a month's end and at the
        # year's (registers restart at 1 on 1 January, province time).
        moments = [
            ("UTC", datetime.datetime(2026, 11, 30, 16, 30)),
            ("Asia/Ho_Chi_Minh", datetime.datetime(2026, 11, 30, 17, 30)),
            ("Asia/Ho_Chi_Minh", datetime.datetime(2026, 12, 31, 16, 30)),
            ("UTC", datetime.datetime(2026, 12, 31, 17, 30)),
        ]
        for zone, moment in moments:
            moment = moment.replace(tzinfo=datetime.timezone.utc)
            started = time.monotonic()
            run(
                [
                    REPO / ".venv" / "bin" / "python",
                    REPO / "scripts" / "at_time.py",
                    moment.isoformat(),
                    "--path=tests",
                    f"--tests-pattern={pattern}",
                ],
                cwd=REPO,
                env=clean_environment(TZ=zone),
                timeout=1800,
            )
            print(
                f"    TZ={zone} at {moment:%Y-%m-%d %H:%M} UTC: passed in "
                f"{time.monotonic() - started:.0f}s",
                flush=True,
            )


ORDER = [
    "make-run",
    "backup-restore",
    "zeo",
    "relstorage",
    "buildout",
    "make-test",
    "bench",
    "clock",
]


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("drills", nargs="*", help=" ".join(ORDER))
    args = parser.parse_args()
    unknown = set(args.drills) - set(ORDER)
    if unknown:
        parser.error(f"unknown drills: {' '.join(sorted(unknown))}")
    chosen = args.drills or ORDER
    given = os.environ.get("WORK")
    work = Path(given) if given else Path(tempfile.mkdtemp(prefix="phutho-drills-"))
    work.mkdir(parents=True, exist_ok=True)
    drills = Drills(work)
    failed = []
    for name in ORDER:
        if name not in chosen:
            continue
        started = time.monotonic()
        print(f"== {name}", flush=True)
        try:
            getattr(drills, "drill_" + name.replace("-", "_"))()
        except Exception as error:
            failed.append(name)
            traceback.print_exc()
            print(f"FAIL {name}: {str(error)[:2000]}", flush=True)
        else:
            print(f"PASS {name} ({time.monotonic() - started:.0f}s)", flush=True)
    if failed:
        print(f"Kept {work} for inspection.")
    elif not given:
        shutil.rmtree(work, ignore_errors=True)
    print(
        f"{len(chosen) - len(failed)} passed, {len(failed)} failed: {' '.join(failed)}"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
