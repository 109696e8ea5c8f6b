"""The directory transport end to end, through a real HTTP server.

- The pickup command (``scripts/exchange_pickup.py``, what ``make run`` and
  cron run) imports each inbox file once, moves it to ``done/`` or
  ``error/`` with a report, and says so; run again it finds nothing.
- Two agencies of this portal exchange through the directory only: A
  issues, the message lands in A's outbox folder, the pickup carries it to
  B's inbox and imports it, B registers, the 03 status travels back the
  same way and shows on A's document (page and ``@delivery-status``).
"""

from pathlib import Path
from phutho.intranet.exchange.pickup import _claim
from phutho.intranet.exchange.pickup import CLAIMED
from phutho.intranet.exchange.store import exchange_of
from phutho.intranet.testing import agency
from phutho.intranet.testing import create_outgoing
from phutho.intranet.testing import DEMO_PASSWORD
from phutho.intranet.testing import OUTGOING_TO_ISSUED
from phutho.intranet.testing import PHUTHO_DEMO_FUNCTIONAL_TESTING
from phutho.intranet.testing import PHUTHO_DEMO_SERVER_TESTING
from phutho.intranet.testing import run_transitions
from plone import api
from plone.app.testing import login
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD

import importlib.util
import json
import lxml.html
import os
import requests
import shutil
import subprocess
import sys
import tempfile
import transaction
import unittest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "exchange_pickup.py"
JSON = {"Accept": "application/json"}


def load_script(name):
    spec = importlib.util.spec_from_file_location(
        name.replace(".py", ""), ROOT / "scripts" / name
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CORPUS = load_script("edxml_corpus.py")


def files(folder):
    """Visible files of ``folder`` (reports apart), sorted."""
    if not folder.is_dir():
        return []
    return sorted(
        p.name
        for p in folder.iterdir()
        if p.is_file()
        and not p.name.startswith(".")
        and not p.name.endswith(".report.json")
    )


def incoming_of(agency_obj):
    catalog = api.portal.get_tool("portal_catalog")
    return [
        brain._unrestrictedGetObject()
        for brain in catalog.unrestrictedSearchResults(
            portal_type="IncomingDocument",
            path="/".join(agency_obj.getPhysicalPath()),
        )
    ]


class DirectoryCase(unittest.TestCase):
    layer = PHUTHO_DEMO_SERVER_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        self.root = Path(tempfile.mkdtemp(prefix="exchange-"))
        api.portal.set_registry_record(
            "phutho.intranet.exchange.directory", str(self.root)
        )
        transaction.commit()

    def tearDown(self):
        shutil.rmtree(self.root, ignore_errors=True)

    def folder(self, agency_obj, *parts):
        return self.root.joinpath(agency_obj.organ_id, *parts)

    def pickup(self, *extra, url=None):
        """Run the pickup command through the server; ``(exit, stdout,
        stderr)``, the database seen afresh afterwards."""
        env = dict(os.environ, ADMIN_PASSWORD=SITE_OWNER_PASSWORD)
        done = subprocess.run(
            [
                sys.executable,
                str(SCRIPT),
                "--url",
                url or self.portal.absolute_url(),
                "--user",
                SITE_OWNER_NAME,
                *extra,
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        transaction.begin()
        return done.returncode, done.stdout, done.stderr


class TestPickupCommand(DirectoryCase):
    def test_each_file_once_done_or_error_with_a_report(self):
        sokhcn = agency(self.portal, "so-khcn")
        before = len(incoming_of(sokhcn))
        inbox = self.folder(sokhcn, "inbox")
        inbox.mkdir(parents=True)
        message = CORPUS.document(sokhcn.organ_id)
        (inbox / "a-message.edxml").write_bytes(message)
        (inbox / "b-same-again.edxml").write_bytes(message)
        (inbox / "c-broken.edxml").write_bytes(
            CORPUS.document(sokhcn.organ_id, PromulgationDate="2026/02/30")
        )
        (inbox / ".d-hidden-partial").write_bytes(message[:100])

        code, out, err = self.pickup()
        self.assertEqual(code, 0, err)
        self.assertIn(f"{sokhcn.organ_id} a-message.edxml created", out)
        self.assertIn(f"{sokhcn.organ_id} b-same-again.edxml applied", out)
        self.assertIn(
            "c-broken.edxml refused InvalidEdXML "
            "MessageHeader/PromulgationInfo/PromulgationDate",
            out,
        )
        self.assertIn("pickup: 3 files (1 applied, 1 created, 1 refused)", out)
        # One document for the two deliveries of one message.
        documents = incoming_of(sokhcn)
        self.assertEqual(len(documents), before + 1)
        (created,) = [d for d in documents if d.channel == "exchange"]
        self.assertEqual(created.number_symbol, "15/VPCP-KSTT")
        self.assertEqual(
            files(self.folder(sokhcn, "done")),
            ["a-message.edxml", "b-same-again.edxml"],
        )
        self.assertEqual(files(self.folder(sokhcn, "error")), ["c-broken.edxml"])
        self.assertEqual(files(inbox), [])
        self.assertTrue((inbox / ".d-hidden-partial").exists())  # not complete yet
        report = json.loads(
            (self.folder(sokhcn, "done") / "a-message.edxml.report.json").read_text()
        )
        self.assertEqual(report["status"], "created")
        self.assertEqual(report["uid"], created.UID())
        refused = json.loads(
            (self.folder(sokhcn, "error") / "c-broken.edxml.report.json").read_text()
        )
        self.assertEqual(refused["status"], "refused")
        self.assertEqual(
            refused["element"], "MessageHeader/PromulgationInfo/PromulgationDate"
        )

        # Again: nothing to do, nothing imported twice.
        code, out, err = self.pickup("--json")
        self.assertEqual(code, 0, err)
        self.assertEqual(json.loads(out)["imported"], [])
        self.assertEqual(len(incoming_of(sokhcn)), before + 1)

    def test_limit_leaves_the_rest_for_the_next_run(self):
        sokhcn = agency(self.portal, "so-khcn")
        inbox = self.folder(sokhcn, "inbox")
        inbox.mkdir(parents=True)
        for number in range(1, 4):
            (inbox / f"{number}.edxml").write_bytes(
                CORPUS.document(
                    sokhcn.organ_id,
                    CodeNumber=str(number),
                    DocumentId=f"000.00.00.G22,2026/11/20,{number}/VPCP-KSTT",
                )
            )
        code, out, err = self.pickup("--limit", "2", "--json")
        report = json.loads(out)
        self.assertEqual((len(report["imported"]), report["left"]), (2, 1))
        code, out, err = self.pickup("--limit", "2", "--json")
        report = json.loads(out)
        self.assertEqual((len(report["imported"]), report["left"]), (1, 0))
        self.assertEqual(len(files(self.folder(sokhcn, "done"))), 3)

    def test_portal_unreachable_or_refusing(self):
        with socket_port() as port:
            code, out, err = self.pickup(url=f"http://127.0.0.1:{port}/plone")
        self.assertEqual(code, 1)
        self.assertIn("exchange_pickup:", err)
        env = dict(os.environ, ADMIN_PASSWORD=DEMO_PASSWORD)
        done = subprocess.run(
            [
                sys.executable,
                str(SCRIPT),
                "--url",
                self.portal.absolute_url(),
                "--user",
                "vanthu.sokhcn",  # a clerk, not a Manager
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        self.assertEqual(done.returncode, 1)
        self.assertIn("HTTP 401", done.stderr)


class socket_port:
    """A loopback port nothing listens on (bound, not listening)."""

    def __enter__(self):
        import socket

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        return self.sock.getsockname()[1]

    def __exit__(self, *exc):
        self.sock.close()


class TestTwoAgencies(DirectoryCase):
    """Sở KH&CN (A) sends to Sở Nội vụ (B) through the exchange folders
    only: B is named as a recipient outside the portal, by its OrganId."""

    def test_issue_receive_register_and_status_back(self):
        a, b = agency(self.portal, "so-khcn"), agency(self.portal, "so-noi-vu")
        login(self.portal, "chuyenvien.sokhcn")
        document = create_outgoing(
            a,
            "cntt",
            title="Về việc thử nghiệm trao đổi qua thư mục",
            external_recipients=[f"{b.title} | {b.organ_id} |"],
        )
        run_transitions(self.portal, document, OUTGOING_TO_ISSUED)
        transaction.commit()
        document_url = document.absolute_url()

        # A's outbox folder holds the message, whole, once.
        outbox = self.folder(a, "outbox", b.organ_id)
        (sent,) = files(outbox)
        self.assertFalse(any(outbox.joinpath(".tmp").glob("*")))
        (item,) = exchange_of(a).outbox.values()
        self.assertEqual((item.transport, item.status), ("directory", "sent"))
        before = len(incoming_of(b))

        # Pickup: relayed to B's inbox, imported by B, 01 goes back.
        code, out, err = self.pickup()
        self.assertEqual(code, 0, err)
        self.assertIn(f"relayed {self.folder(b, 'inbox', a.organ_id)}--{sent}", out)
        self.assertEqual(files(outbox), [])
        received = [d for d in incoming_of(b) if d.channel == "exchange"]
        self.assertEqual(len(incoming_of(b)), before + 1)
        (copy,) = received
        self.assertEqual(copy.title, "Về việc thử nghiệm trao đổi qua thư mục")
        self.assertEqual(copy.number_symbol, document.symbol)
        self.assertEqual(copy.document_id, document.document_id)
        self.assertEqual(copy.sender_organ_id, a.organ_id)
        self.assertEqual(api.content.get_state(copy), "received")
        # B's 01 waits in B's outbox folder for A.
        self.assertEqual(len(files(self.folder(b, "outbox", a.organ_id))), 1)

        # B's clerk registers it, over HTTP like the page does.
        clerk = requests.Session()
        clerk.auth = ("vanthu.snv", DEMO_PASSWORD)
        response = clerk.post(
            f"{copy.absolute_url()}/@workflow/register", headers=JSON, json={}
        )
        self.assertEqual(response.status_code, 200, response.text)
        transaction.begin()
        self.assertEqual(api.content.get_state(copy), "registered")
        self.assertEqual(len(files(self.folder(b, "outbox", a.organ_id))), 2)

        # Two pickups: B's statuses reach A's inbox, then A's log.
        code, out, err = self.pickup()
        self.assertEqual(code, 0, err)
        self.assertIn(f"{a.organ_id} {b.organ_id}--", out)
        self.assertEqual(files(self.folder(b, "outbox", a.organ_id)), [])
        self.assertEqual(len(files(self.folder(a, "done"))), 2)

        sender = requests.Session()
        sender.auth = ("vanthu.sokhcn", DEMO_PASSWORD)
        status = sender.get(f"{document_url}/@delivery-status", headers=JSON)
        self.assertEqual(status.status_code, 200, status.text)
        (row,) = status.json()["items"]
        self.assertEqual(row["organ_id"], b.organ_id)
        self.assertEqual(row["transport"], "directory")
        self.assertEqual(row["status_code"], "03")
        self.assertEqual(row["status_title"], "Đã vào sổ")
        clerk_name = api.user.get(userid="vanthu.snv").getProperty("fullname")
        self.assertEqual(row["staff"], clerk_name)
        self.assertTrue(row["description"].startswith(f"{clerk_name}: Đã vào sổ"))
        self.assertEqual([e["code"] for e in row["log"]], ["", "01", "03"])
        self.assertEqual(row["log"][0]["event"], "sent")

        page = lxml.html.fromstring(sender.get(document_url).text)
        (log,) = page.cssselect(f'#doc-status-log [data-recipient="{b.organ_id}"]')
        codes = [" ".join(td.text_content().split()) for td in log.cssselect("td")]
        self.assertTrue(any(text.startswith("03") for text in codes), codes)
        self.assertTrue(any(text.startswith("01") for text in codes), codes)
        clerk.close()
        sender.close()


class TestClaims(unittest.TestCase):
    """The claim that makes two pickups running at once import a file once."""

    layer = PHUTHO_DEMO_FUNCTIONAL_TESTING

    def test_a_file_is_claimed_once(self):
        root = Path(tempfile.mkdtemp(prefix="exchange-"))
        self.addCleanup(shutil.rmtree, root, True)
        path = root / "m.edxml"
        path.write_bytes(b"<edXML/>")
        first = _claim(path)
        self.assertEqual(first, root / CLAIMED / "m.edxml")
        self.assertIsNone(_claim(path))  # the other pickup finds it gone

    def test_in_process_run(self):
        """The zconsole form: the same pickup with the database."""
        portal = self.layer["portal"]
        root = Path(tempfile.mkdtemp(prefix="exchange-"))
        self.addCleanup(shutil.rmtree, root, True)
        api.portal.set_registry_record("phutho.intranet.exchange.directory", str(root))
        transaction.commit()
        sokhcn = agency(portal, "so-khcn")
        inbox = root / sokhcn.organ_id / "inbox"
        inbox.mkdir(parents=True)
        (inbox / "m.edxml").write_bytes(CORPUS.document(sokhcn.organ_id))
        script = load_script("exchange_pickup.py")
        report = script.run_in_process(self.layer["app"], portal.getId())
        (item,) = report["imported"]
        self.assertEqual(item["status"], "created")
        transaction.begin()
        self.assertEqual(files(root / sokhcn.organ_id / "done"), ["m.edxml"])
        self.assertIn("1 created", script.summary(report)[-1])
