"""IMAP polling against a real Dovecot (started on loopback with a
throw-away configuration), messages placed by IMAP APPEND, delivered to the
portal over real HTTP."""

from email.message import EmailMessage
from imapclient import IMAPClient
from pathlib import Path
from phutho.intranet.content.utils import find_agency
from phutho.intranet.mail.account import ensure_service_account
from phutho.intranet.mail.testing import Dovecot
from phutho.intranet.mail.testing import free_port
from phutho.intranet.mail.testing import in_ci
from phutho.intranet.mailin.client import PortalClient
from phutho.intranet.mailin.imap import MailboxConfig
from phutho.intranet.mailin.imap import poll_once
from phutho.intranet.mailin.receive import received_index
from phutho.intranet.testing import agency
from phutho.intranet.testing import PHUTHO_DEMO_SERVER_TESTING
from plone import api
from plone.app.uuid.utils import uuidToObject

import configparser
import email
import email.policy
import os
import re
import subprocess
import sys
import tempfile
import time
import transaction
import unittest

MAILBOX = "vanthu.sokhcn@phutho.gov.vn"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
USER, PASSWORD = "mailin", "Mailin@2026-imap"
OPERATIONS = Path(__file__).resolve().parent.parent / "docs" / "operations.md"
BIN = Path(sys.executable).parent


def documented_config():
    """The ingester's config file as docs/operations.md shows it (the
    ``ini`` block with an ``[imap:…]`` section), parsed as phutho-mailin
    parses it."""
    blocks = re.findall(r"```ini\n(.*?)```", OPERATIONS.read_text("utf-8"), re.S)
    samples = [block for block in blocks if "[imap:" in block]
    if len(samples) != 1:
        raise AssertionError(f"{OPERATIONS}: expected one sample with [imap:…]")
    config = configparser.ConfigParser(interpolation=None)
    config.read_string(samples[0])
    return config


def mail(subject, body="Nội dung thư", pdf=True, message_id=None):
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = "Sở Y tế tỉnh Hà Nam <vanthu@syt.hanam.gov.vn>"
    msg["To"] = MAILBOX
    if message_id:
        msg["Message-ID"] = message_id
    msg.set_content(body)
    if pdf:
        msg.add_attachment(
            PDF, maintype="application", subtype="pdf", filename="van-ban.pdf"
        )
    return msg.as_bytes()


@unittest.skipUnless(Dovecot.available() or in_ci(), "Dovecot is not installed")
class IMAPCase(unittest.TestCase):
    """The portal served over HTTP, its service account, a Dovecot."""

    layer = PHUTHO_DEMO_SERVER_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        ensure_service_account(USER, PASSWORD)
        transaction.commit()
        self.agency = agency(self.portal, "so-khcn")
        self.dovecot = Dovecot({"vanthu.sokhcn": "imap-secret"}).start()
        self.box = MailboxConfig(
            name="so-khcn",
            host="127.0.0.1",
            port=self.dovecot.port,
            ssl=False,
            user="vanthu.sokhcn",
            password="imap-secret",
            address=MAILBOX,
            timeout=30,
        )
        self.client = PortalClient(self.portal.absolute_url(), USER, PASSWORD)

    def tearDown(self):
        self.dovecot.stop()

    def imap(self):
        imap = IMAPClient("127.0.0.1", port=self.dovecot.port, ssl=False, timeout=30)
        imap.login("vanthu.sokhcn", "imap-secret")
        return imap

    def folder(self, imap, name):
        """``[EmailMessage]`` of a folder."""
        imap.select_folder(name)
        uids = imap.search()
        fetched = imap.fetch(uids, ["BODY.PEEK[]"]) if uids else {}
        return [
            email.message_from_bytes(
                fetched[uid][b"BODY[]"], policy=email.policy.default
            )
            for uid in uids
        ]

    def received(self):
        transaction.begin()
        self.portal._p_jar.sync()
        return {
            key: uid
            for (agency_uid, key), uid in received_index(self.portal).items()
            if agency_uid == self.agency.UID()
        }


class TestIMAPPolling(IMAPCase):
    def test_ingested_exactly_once_refused_to_error_folder(self):
        imap = self.imap()
        for index in range(5):
            imap.append(
                "INBOX",
                mail(
                    f"Công văn {index + 1}/SYT về việc thử nghiệm",
                    message_id=f"<imap-{index}@syt.hanam.gov.vn>",
                ),
            )
        # Nothing usable: no subject, no text, no attachment.
        imap.append(
            "INBOX",
            b"From: x@example.org\r\nTo: "
            + MAILBOX.encode()
            + b"\r\nMessage-ID: <empty@example.org>\r\n\r\n \r\n",
        )
        # Over the size limit: refused without being downloaded.
        imap.append(
            "INBOX",
            mail("Tệp quá lớn", body="x" * 3000, message_id="<big@syt.hanam.gov.vn>"),
        )
        imap.logout()

        counts = poll_once(self.box, self.client, max_size=2000)
        self.assertEqual(counts, {"delivered": 5, "refused": 2, "deferred": 0})
        received = self.received()
        for index in range(5):
            self.assertIn(f"imap-{index}@syt.hanam.gov.vn", received)
        self.assertNotIn("empty@example.org", received)
        self.assertNotIn("big@syt.hanam.gov.vn", received)

        imap = self.imap()
        self.assertEqual(self.folder(imap, "INBOX"), [])
        done = self.folder(imap, "Processed")
        self.assertEqual(len(done), 5)
        errors = self.folder(imap, "Errors")
        reports = [
            m for m in errors if (m["Subject"] or "").startswith("[phutho-mailin]")
        ]
        self.assertEqual(len(errors), 4)  # the two messages and their reports
        text = "\n".join(r.get_content() for r in reports)
        self.assertIn("554 5.6.0", text)
        self.assertIn("552 5.3.4", text)
        imap.logout()

        # Polled again: nothing new anywhere.
        self.assertEqual(
            poll_once(self.box, self.client, max_size=2000),
            {"delivered": 0, "refused": 0, "deferred": 0},
        )
        self.assertEqual(self.received(), received)

    def test_delivered_but_not_moved_is_not_duplicated(self):
        raw = mail(
            "Công văn 9/SYT về việc thử lại", message_id="<again@syt.hanam.gov.vn>"
        )
        # The portal got it, then the connection dropped before the move.
        self.client.deliver(raw, [MAILBOX])
        imap = self.imap()
        imap.append("INBOX", raw)
        imap.logout()
        before = dict(self.received())
        counts = poll_once(self.box, self.client, max_size=10**6)
        self.assertEqual(counts["delivered"], 1)
        self.assertEqual(self.received(), before)

    def test_portal_down_leaves_the_messages(self):
        imap = self.imap()
        imap.append(
            "INBOX", mail("Công văn 10/SYT", message_id="<down@syt.hanam.gov.vn>")
        )
        imap.logout()
        down = PortalClient("http://127.0.0.1:9/plone", USER, PASSWORD, timeout=5)
        counts = poll_once(self.box, down, max_size=10**6)
        self.assertEqual(counts, {"delivered": 0, "refused": 0, "deferred": 1})
        imap = self.imap()
        self.assertEqual(len(self.folder(imap, "INBOX")), 1)
        imap.logout()
        self.assertEqual(
            poll_once(self.box, self.client, max_size=10**6)["delivered"], 1
        )
        self.assertIn("down@syt.hanam.gov.vn", self.received())


class TestIMAPOnceCommand(IMAPCase):
    """``phutho-mailin --config var/mailin.cfg --imap-once`` as
    docs/operations.md documents it (the cron alternative to the resident
    process): the installed console script, run as a process of its own,
    with the documented config file where only the addresses, ports and
    secrets of this test differ."""

    def config_file(self, change=None):
        """The documented config with this test's addresses, written with
        mode 600; ``change(config, section)`` edits it before."""
        config = documented_config()
        (name,) = [s for s in config.sections() if s.startswith("imap:")]
        self.assertEqual(config[name]["address"], MAILBOX)
        config["portal"].update(
            url=self.portal.absolute_url(), user=USER, password=PASSWORD
        )
        # The test's Dovecot listens without TLS on a free port.
        config[name].update(
            host="127.0.0.1",
            port=str(self.dovecot.port),
            ssl="false",
            user="vanthu.sokhcn",
            password="imap-secret",
        )
        if change is not None:
            change(config, name)
        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        path = os.path.join(directory.name, "mailin.cfg")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as stream:
            config.write(stream)
        return path, config[name]

    def run_once(self, path):
        """Run the command; it must end by itself (not stay resident)."""
        environment = {
            k: v for k, v in os.environ.items() if not k.startswith("MAILIN_")
        }
        started = time.monotonic()
        process = subprocess.run(
            [str(BIN / "phutho-mailin"), "--config", path, "--imap-once"],
            capture_output=True,
            text=True,
            timeout=180,
            env=environment,
        )
        return process, time.monotonic() - started

    def test_imap_once_command_as_documented(self):
        path, box = self.config_file()
        imap = self.imap()
        imap.append(
            box["folder"],
            mail(
                "Công văn 21/SYT về việc lấy ý kiến",
                message_id="<once-good@syt.hanam.gov.vn>",
            ),
        )
        # No subject, no text, no file: nothing a clerk could register.
        imap.append(
            box["folder"],
            b"From: x@example.org\r\nTo: "
            + MAILBOX.encode()
            + b"\r\nMessage-ID: <once-empty@example.org>\r\n\r\n \r\n",
        )
        imap.logout()

        process, seconds = self.run_once(path)
        output = process.stdout
        self.assertEqual(process.returncode, 0, output + process.stderr)
        self.assertLess(seconds, 120)
        lines = output.splitlines()
        good = [line for line in lines if "<once-good@syt.hanam.gov.vn>" in line]
        bad = [line for line in lines if "<once-empty@example.org>" in line]
        self.assertEqual(len(good), 1, output)
        self.assertIn("accepted: 1 created", good[0])
        self.assertEqual(len(bad), 1, output)
        self.assertIn("refused: 554 5.6.0", bad[0])
        self.assertIn("so-khcn: {'delivered': 1, 'refused': 1, 'deferred': 0}", lines)

        received = self.received()
        self.assertEqual(set(received), {"once-good@syt.hanam.gov.vn"})
        document = uuidToObject(
            received["once-good@syt.hanam.gov.vn"], unrestricted=True
        )
        self.assertEqual(document.portal_type, "IncomingDocument")
        self.assertEqual(find_agency(document).UID(), self.agency.UID())
        self.assertEqual(document.channel, "email")
        # Waiting in the agency's queue for its clerk to register.
        self.assertEqual(api.content.get_state(document), "received")
        self.assertIsNone(document.arrival_number)
        self.assertEqual(document.main_file.filename, "van-ban.pdf")
        self.assertEqual(document.main_file.data, PDF)

        imap = self.imap()
        self.assertEqual(self.folder(imap, box["folder"]), [])
        done = self.folder(imap, box["done_folder"])
        self.assertEqual(
            [m["Message-ID"] for m in done], ["<once-good@syt.hanam.gov.vn>"]
        )
        errors = self.folder(imap, box["error_folder"])
        self.assertEqual(len(errors), 2)  # the message and its report
        (original,) = [
            m for m in errors if m["Message-ID"] == "<once-empty@example.org>"
        ]
        (report,) = [m for m in errors if m is not original]
        self.assertTrue(report["Subject"].startswith("[phutho-mailin] Refused"))
        self.assertIn("554 5.6.0", report.get_content())
        self.assertIn("<once-empty@example.org>", report.get_content())
        imap.logout()

        # Run again (the next cron run): nothing new anywhere.
        process, seconds = self.run_once(path)
        self.assertEqual(process.returncode, 0, process.stdout + process.stderr)
        self.assertIn(
            "so-khcn: {'delivered': 0, 'refused': 0, 'deferred': 0}",
            process.stdout.splitlines(),
        )
        self.assertNotIn("once-", process.stdout)
        self.assertEqual(self.received(), received)
        imap = self.imap()
        self.assertEqual(len(self.folder(imap, box["done_folder"])), 1)
        self.assertEqual(len(self.folder(imap, box["error_folder"])), 2)
        imap.logout()

    def test_imap_once_fails_when_something_is_unreachable(self):
        # The portal down: the message stays for the next run, exit 1.
        def portal_down(config, name):
            config["portal"]["url"] = f"http://127.0.0.1:{free_port()}/Plone"
            # Else the limit is asked of the (absent) portal for 15 s first.
            config["smtp"]["max_size"] = str(10**6)

        path, box = self.config_file(portal_down)
        imap = self.imap()
        imap.append(
            box["folder"],
            mail("Công văn 22/SYT", message_id="<once-later@syt.hanam.gov.vn>"),
        )
        imap.logout()
        process, seconds = self.run_once(path)
        output = process.stdout
        self.assertEqual(process.returncode, 1, output + process.stderr)
        (line,) = [x for x in output.splitlines() if "<once-later@" in x]
        self.assertIn(f"deferred (left in {box['folder']})", line)
        self.assertIn(
            "so-khcn: {'delivered': 0, 'refused': 0, 'deferred': 1}",
            output.splitlines(),
        )
        imap = self.imap()
        self.assertEqual(len(self.folder(imap, box["folder"])), 1)
        imap.logout()
        self.assertEqual(self.received(), {})

        # A mailbox that cannot be reached (listed first) fails the run but
        # does not keep the others from being polled.
        def mailbox_down(config, name):
            config.remove_section(name)
            config.read_dict(
                {
                    "imap:hong": {"host": "127.0.0.1", "port": str(free_port())},
                    name: dict(box),
                }
            )
            config["imap:hong"].update(
                ssl="false", user="x", password="x", address=MAILBOX, timeout="10"
            )

        path, box = self.config_file(mailbox_down)
        process, seconds = self.run_once(path)
        output = process.stdout
        self.assertEqual(process.returncode, 1, output + process.stderr)
        lines = output.splitlines()
        self.assertTrue(any("hong: polling failed" in line for line in lines), output)
        self.assertIn("so-khcn: {'delivered': 1, 'refused': 0, 'deferred': 0}", lines)
        self.assertIn("once-later@syt.hanam.gov.vn", self.received())
