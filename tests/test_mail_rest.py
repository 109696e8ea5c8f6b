"""Mail through the REST API and the console commands, over real HTTP with
the real mail queue and an SMTP server on loopback: ``phutho-digest``
(``POST /@mail-digest``), bounces that come back through mail-in, and the
LMTP flavour of the listener."""

from email.message import EmailMessage
from email.utils import make_msgid
from phutho.intranet.mail import pending
from phutho.intranet.mail.account import ensure_service_account
from phutho.intranet.mail.testing import MailThroughSink
from phutho.intranet.mailin.testing import IngesterThread
from phutho.intranet.testing import agency
from phutho.intranet.testing import create_outgoing
from phutho.intranet.testing import DEMO_PASSWORD
from phutho.intranet.testing import OUTGOING_TO_ISSUED
from phutho.intranet.testing import PHUTHO_DEMO_SERVER_TESTING
from phutho.intranet.testing import run_transitions
from phutho.intranet.workflow.history import history_of
from plone import api
from plone.app.testing import login
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID

import os
import requests
import smtplib
import subprocess
import sys
import tempfile
import time
import transaction
import unittest

USER, PASSWORD = "mailin", "Mailin@2026-rest"
MAILBOX = "vanthu.sokhcn@phutho.gov.vn"


class RestMailCase(unittest.TestCase):
    layer = PHUTHO_DEMO_SERVER_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        self.mail = MailThroughSink(self.portal, "congthongtin@phutho.gov.vn").start()
        self.sink = self.mail.sink
        for tree in (pending.pending_tree(self.portal), pending.done_tree(self.portal)):
            if tree is not None:
                tree.clear()
        ensure_service_account(USER, PASSWORD)
        transaction.commit()
        self.url = self.portal.absolute_url()
        self.agency = agency(self.portal, "so-khcn")

    def tearDown(self):
        self.mail.stop()

    def sync(self):
        transaction.begin()
        self.portal._p_jar.sync()


class TestDigestCommand(RestMailCase):
    def config(self):
        fd, path = tempfile.mkstemp(suffix=".cfg")
        with os.fdopen(fd, "w") as stream:
            stream.write(
                f"[portal]\nurl = {self.url}\nuser = {USER}\npassword = {PASSWORD}\n"
            )
        self.addCleanup(os.unlink, path)
        return path

    def digest(self, config):
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "phutho.intranet.mail.command",
                "--config",
                config,
                "--batch",
                "2",
            ],
            capture_output=True,
            text=True,
            timeout=300,
        )

    def test_phutho_digest_sends_once_a_day(self):
        site = self.portal
        people = [
            "chuyenvien.sokhcn",
            "truongphong.sokhcn",
            "lanhdao.sokhcn",
            "vanthu.sokhcn",
            "chuyenvien2.sokhcn",
        ]
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        login(self.portal, "chuyenvien.sokhcn")
        doc = create_outgoing(
            self.agency,
            "cntt",
            internal_recipients=[agency(self.portal, "so-noi-vu").UID()],
        )
        run_transitions(self.portal, doc, OUTGOING_TO_ISSUED)  # all may see it
        pending.pending_tree(site).clear()
        for user_id in people:
            pending.add(site, user_id, "review", doc.UID(), "")
        transaction.commit()
        config = self.config()
        first = self.digest(config)
        self.assertEqual(first.returncode, 0, first.stderr)
        # The five, and whoever the demo documents' deadlines concern.
        sent = int(first.stdout.split(": ")[1].split(" sent")[0])
        self.assertGreaterEqual(sent, 5, first.stdout)
        messages = self.sink.wait_for(sent)
        self.assertEqual(len(messages), sent)
        by_person = {}
        for item, msg in zip(self.sink.messages, messages):
            by_person.setdefault(item["rcpt_tos"][0], []).append(msg)
        for user_id in people:
            (msg,) = by_person[f"{user_id}@phutho.gov.vn"]
            self.assertIn(doc.absolute_url(), msg.get_body(("plain",)).get_content())
        again = self.digest(config)
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assertIn("0 sent", again.stdout)
        time.sleep(1)
        self.assertEqual(len(self.sink.messages), sent)

    def test_digest_service_needs_its_permission(self):
        response = requests.post(
            f"{self.url}/@mail-digest",
            json={},
            headers={"Accept": "application/json"},
            auth=("chuyenvien.sokhcn", DEMO_PASSWORD),
            timeout=30,
        )
        self.assertEqual(response.status_code, 401)
        response = requests.post(
            f"{self.url}/@mail-digest",
            json={"limit": 0},
            headers={"Accept": "application/json"},
            auth=(USER, PASSWORD),
            timeout=30,
        )
        self.assertEqual(response.status_code, 400)
        bad = self.digest_unreachable()
        self.assertEqual(bad.returncode, 1)

    def digest_unreachable(self):
        fd, path = tempfile.mkstemp(suffix=".cfg")
        with os.fdopen(fd, "w") as stream:
            stream.write(
                f"[portal]\nurl = http://127.0.0.1:9/plone\nuser = {USER}\npassword = x\n"
            )
        self.addCleanup(os.unlink, path)
        env = dict(os.environ)
        return subprocess.run(
            [
                sys.executable,
                "-c",
                "import phutho.intranet.mail.command as c, sys; c.RETRIES = 1; "
                f"sys.exit(c.main(['--config', {path!r}]))",
            ],
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
        )


class TestBounces(RestMailCase):
    def test_bounce_recorded_in_the_history(self):
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        login(self.portal, "chuyenvien.sokhcn")
        doc = create_outgoing(
            self.agency,
            "cntt",
            external_recipients=["Sở Y tế tỉnh Hà Nam | | vanthu@syt.hanam.gov.vn"],
        )
        run_transitions(self.portal, doc, OUTGOING_TO_ISSUED)
        transaction.commit()
        sent = self.sink.wait_for(1)[0]
        message_id = sent["Message-ID"]
        # The remote server accepted it, then bounced it to the agency's
        # document mailbox (where replies and bounces arrive).
        report = EmailMessage()
        report["Subject"] = "Undelivered Mail Returned to Sender"
        report["From"] = "MAILER-DAEMON@syt.hanam.gov.vn"
        report["To"] = MAILBOX
        report["Message-ID"] = make_msgid(domain="syt.hanam.gov.vn")
        report.set_content("Thư không gửi được.")
        report.make_mixed()
        report.replace_header(
            "Content-Type",
            'multipart/report; report-type=delivery-status; boundary="r"',
        )
        raw = (
            report.as_bytes().split(b"\n\n", 1)[0].replace(b"\n", b"\r\n")
            + b"\r\n\r\n--r\r\nContent-Type: text/plain\r\n\r\nThu khong gui duoc.\r\n"
            b"--r\r\nContent-Type: message/delivery-status\r\n\r\n"
            b"Reporting-MTA: dns; mx.syt.hanam.gov.vn\r\n\r\n"
            b"Final-Recipient: rfc822; vanthu@syt.hanam.gov.vn\r\nAction: failed\r\n"
            b"Status: 5.2.2\r\nDiagnostic-Code: smtp; 552 mailbox full\r\n\r\n"
            b"--r\r\nContent-Type: text/rfc822-headers\r\n\r\n"
            b"Message-ID: " + message_id.encode() + b"\r\nSubject: x\r\n\r\n--r--\r\n"
        )
        ingester = IngesterThread(self.url, USER, PASSWORD).start()
        try:
            with smtplib.SMTP("127.0.0.1", ingester.port, timeout=60) as smtp:
                self.assertEqual(smtp.sendmail("", [MAILBOX], raw), {})
        finally:
            ingester.stop()
        self.sync()
        bounced = [e for e in history_of(doc) if e["action"] == "mail_bounced"]
        self.assertEqual(len(bounced), 1)
        self.assertEqual(bounced[0]["recipients"], ["vanthu@syt.hanam.gov.vn"])
        self.assertIn("mailbox full", bounced[0]["reasons"][0])
        self.assertEqual(bounced[0]["message_id"], message_id.strip("<>").lower())


class TestLMTP(RestMailCase):
    def test_lmtp_listener(self):
        ingester = IngesterThread(self.url, USER, PASSWORD, lmtp=True).start()
        try:
            msg = EmailMessage()
            msg["Subject"] = "Công văn 7/SYT qua LMTP"
            msg["From"] = "vanthu@syt.hanam.gov.vn"
            msg["To"] = MAILBOX
            msg["Message-ID"] = make_msgid(domain="syt.hanam.gov.vn")
            msg.set_content("Nội dung")
            with smtplib.LMTP("127.0.0.1", ingester.port, timeout=60) as lmtp:
                self.assertEqual(lmtp.send_message(msg), {})
                code, _reply = lmtp.rcpt("khongco@phutho.gov.vn")
                self.assertEqual(code, 503)  # no MAIL transaction any more
        finally:
            ingester.stop()
        self.sync()
        catalog = api.portal.get_tool("portal_catalog")
        found = catalog.unrestrictedSearchResults(
            portal_type="IncomingDocument", Title="LMTP"
        )
        self.assertEqual(len(found), 1)
