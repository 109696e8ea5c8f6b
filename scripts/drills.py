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
                in the clerk's queue; a second start keeps the data; the
                admin password changes as shown (scripts/admin_password.py);
                ``DEMO=0 SITE_ID=…`` creates a site without demo data.
backup-restore  docs/operations.md's backup (repozo + rsync, full then
                incremental) of the running portal, its restore into a new
                var/ with ``make run``, serving the same documents, numbers
                and files; then its pack command.
zeo             docs/operations.md's ZEO section line by line, ``pip
                install`` included: two instances share documents and files.
relstorage      the RelStorage section likewise on a throw-away PostgreSQL,
                the clone's site moved in by zodbconvert.
buildout        ``bash scripts/check-buildout.sh`` (README's buildout).
make-test       ``make test TESTRUNNER_ARGS="-m test_numbering"`` (README).
bench           ``make bench COUNT=1000`` (README's quick look).
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
import socket
import sys
import tempfile
import time
import traceback

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from phutho.intranet import testing_postgres  # noqa: E402
from phutho.intranet.testing_drills import check  # noqa: E402
from phutho.intranet.testing_drills import clean_environment  # noqa: E402
from phutho.intranet.testing_drills import DrillFailed  # noqa: E402
from phutho.intranet.testing_drills import FIRST_START  # noqa: E402
from phutho.intranet.testing_drills import wait_for  # noqa: E402
from phutho.intranet.testing_instances import documented_commands  # noqa: E402
from phutho.intranet.testing_instances import DocumentedCommands  # noqa: E402
from phutho.intranet.testing_instances import free_port  # noqa: E402
from phutho.intranet.testing_instances import run  # noqa: E402

import requests  # noqa: E402

TITLE = "Cổng thông tin nội bộ tỉnh Phú Thọ"
DEMO_PASSWORD = "PhuTho@2026"
CLERK = ("vanthu.sokhcn", DEMO_PASSWORD)
PUBLIC_URL = "https://congvanban.phutho.gov.vn/Plone"
PDF = (REPO / "tests" / "fixtures" / "qd15.pdf").read_bytes()


def readme_command(part):
    """The command README.md shows (in backquotes) that contains ``part``."""
    for line in (REPO / "README.md").read_text().splitlines():
        for command in re.findall(r"`([^`]+)`", line):
            if part in command:
                return command
    raise DrillFailed(f"README.md shows no command with {part}")


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

        # A second start keeps the data; HOST and PORT take effect; SMTP_*
        # are written again at each start.
        port = free_port()
        service = self.make_run(
            f"PORT={port}",
            "HOST=127.0.0.2",
            env=clean_environment(
                SMTP_HOST="smtp2.dientap.test", MAILIN_PORT=free_port()
            ),
        )
        try:
            url = self.site(port, "127.0.0.2")
            wait_for(url, 600, text=TITLE)
            check(
                refused(f"http://127.0.0.1:{port}/"), "HOST=127.0.0.2 also on 127.0.0.1"
            )
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
        finally:
            service.stop()

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
            wait_for(self.site(port), 60, text=TITLE)  # the first site is still there
        finally:
            service.stop()

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
        deadline = time.monotonic() + 300
        while True:
            found = clerk.call(
                "GET",
                "co-quan/so-khcn/@search",
                params={"portal_type": "IncomingDocument", "review_state": "received"},
            )
            titles = [item["title"] for item in found["items"]]
            if any("215/SYT-NVY" in title for title in titles):
                return
            check(time.monotonic() < deadline, f"the mail did not land: {titles}")
            time.sleep(2)

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

    def drill_bench(self):
        """README's quick look at the benchmark prints its figures."""
        out = run(
            ["bash", "-c", "make bench COUNT=1000"],
            cwd=REPO,
            env=clean_environment(),
            timeout=3600,
        )
        check("Total" in out and "documents" in out, out[-2000:])

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
