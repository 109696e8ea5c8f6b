"""Documents arriving by mail: the ingester's SMTP listener, fed by smtplib,
in front of the portal served over real HTTP; the portal going down; the
ingester killed with SIGKILL in the middle of a batch."""

from email.message import EmailMessage
from email.utils import make_msgid
from phutho.intranet.mail.account import ensure_service_account
from phutho.intranet.mail.testing import free_port
from phutho.intranet.mail.testing import TCPProxy
from phutho.intranet.mailin.receive import received_index
from phutho.intranet.mailin.testing import IngesterThread
from phutho.intranet.testing import agency
from phutho.intranet.testing import PHUTHO_DEMO_SERVER_TESTING
from phutho.intranet.workflow.history import history_of
from plone import api
from plone.app.uuid.utils import uuidToObject
from urllib.parse import urlparse

import os
import signal
import smtplib
import subprocess
import sys
import tempfile
import threading
import time
import transaction
import unittest

MAILIN_USER = "mailin"
MAILIN_PASSWORD = "Mailin@2026-test"
MAILBOX = "vanthu.sokhcn@phutho.gov.vn"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def make_mail(
    subject="Công văn 15/UBND-VX về việc tổng hợp báo cáo",
    to=MAILBOX,
    sender="Sở Nội vụ <vanthu.sonoivu@phutho.gov.vn>",
    pdf=PDF,
    message_id=True,
    body="Kính gửi Sở KH&CN, đề nghị...",
):
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = sender
    msg["To"] = to
    if message_id:
        msg["Message-ID"] = make_msgid(domain="snv.phutho.gov.vn")
    msg.set_content(body)
    if pdf is not None:
        msg.add_attachment(
            pdf, maintype="application", subtype="pdf", filename="cong-van.pdf"
        )
    return msg


class MailInCase(unittest.TestCase):
    layer = PHUTHO_DEMO_SERVER_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        ensure_service_account(MAILIN_USER, MAILIN_PASSWORD)
        transaction.commit()
        self.agency = agency(self.portal, "so-khcn")
        self.url = self.portal.absolute_url()

    def sync(self):
        transaction.begin()
        self.portal._p_jar.sync()

    def documents(self):
        """``{message id: [documents]}`` received by mail in so-khcn."""
        self.sync()
        result = {}
        for (agency_uid, key), uid in received_index(self.portal).items():
            if agency_uid == self.agency.UID():
                result.setdefault(key, []).append(uid)
        return result

    def incoming_count(self):
        self.sync()
        catalog = api.portal.get_tool("portal_catalog")
        return len(
            catalog.unrestrictedSearchResults(
                portal_type="IncomingDocument",
                path="/".join(self.agency.getPhysicalPath()),
            )
        )


class TestSMTPListener(MailInCase):
    def setUp(self):
        super().setUp()
        self.ingester = IngesterThread(self.url, MAILIN_USER, MAILIN_PASSWORD).start()

    def tearDown(self):
        self.ingester.stop()

    def send(self, msg, to=(MAILBOX,)):
        with smtplib.SMTP("127.0.0.1", self.ingester.port, timeout=60) as smtp:
            return smtp.send_message(msg, to_addrs=list(to))

    def test_pdf_becomes_incoming_document_once(self):
        before = self.incoming_count()
        msg = make_mail()
        self.assertEqual(self.send(msg), {})
        key = msg["Message-ID"].strip("<>").lower()
        docs = self.documents()
        self.assertEqual(len(docs[key]), 1)
        doc = uuidToObject(docs[key][0], unrestricted=True)
        self.assertEqual(api.content.get_state(doc), "received")
        self.assertEqual(doc.channel, "email")
        self.assertEqual(doc.title, "Công văn 15/UBND-VX về việc tổng hợp báo cáo")
        self.assertEqual(doc.number_symbol, "15/UBND-VX")
        self.assertEqual(doc.main_file.data, PDF)
        self.assertEqual(doc.main_file.filename, "cong-van.pdf")
        self.assertEqual(doc.sender_name, "Sở Nội vụ")  # matched by address
        self.assertEqual(doc.sender_organ_id, agency(self.portal, "so-noi-vu").organ_id)
        self.assertIn("đề nghị", doc.description)
        annexes = [a for a in doc.objectValues() if a.portal_type == "Annex"]
        self.assertEqual([a.file.contentType for a in annexes], ["message/rfc822"])
        self.assertIn(key.encode(), annexes[0].file.data.lower())
        self.assertIn("received_by_mail", [e["action"] for e in history_of(doc)])
        self.assertEqual(self.incoming_count(), before + 1)

        # The same message again (the relay retried): nothing new.
        self.assertEqual(self.send(msg), {})
        self.assertEqual(self.incoming_count(), before + 1)
        self.assertEqual(len(self.documents()[key]), 1)

    def test_without_message_id_deduplicated_by_content(self):
        before = self.incoming_count()
        raw = make_mail(message_id=False).as_bytes()
        # The same bytes, the second time through one more relay.
        for data in (raw, b"Received: from relay2.phutho.gov.vn by mx\r\n" + raw):
            with smtplib.SMTP("127.0.0.1", self.ingester.port, timeout=60) as smtp:
                self.assertEqual(
                    smtp.sendmail("x@snv.phutho.gov.vn", [MAILBOX], data), {}
                )
        self.assertEqual(self.incoming_count(), before + 1)
        self.assertEqual(
            [k for k in self.documents() if k.startswith("sha256:")].__len__(), 1
        )

    def test_edxml_attachment_imported_through_the_exchange(self):
        from phutho.intranet.exchange.api import export_message
        from phutho.intranet.testing import create_outgoing
        from phutho.intranet.testing import OUTGOING_TO_ISSUED
        from phutho.intranet.testing import run_transitions
        from plone.app.testing import login
        from plone.app.testing import setRoles
        from plone.app.testing import TEST_USER_ID

        snv = agency(self.portal, "so-noi-vu")
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        login(self.portal, "chuyenvien.sokhcn")
        outgoing = create_outgoing(
            self.agency,
            "cntt",
            title="Về việc cử cán bộ dự tập huấn",
            external_recipients=[f"Sở Nội vụ | {snv.organ_id} | "],
        )
        run_transitions(self.portal, outgoing, OUTGOING_TO_ISSUED)
        data = export_message(outgoing, sign=False)
        transaction.commit()
        msg = make_mail(subject="Gửi văn bản điện tử", to=snv.email, pdf=None)
        msg.add_attachment(
            data, maintype="application", subtype="xml", filename="van-ban.edxml"
        )
        self.assertEqual(self.send(msg, to=(snv.email,)), {})
        self.sync()
        key = (snv.UID(), msg["Message-ID"].strip("<>").lower())
        doc = uuidToObject(received_index(self.portal)[key], unrestricted=True)
        # Filed by the exchange's reader: the sender's number and symbol.
        self.assertEqual(doc.number_symbol, outgoing.symbol)
        self.assertEqual(doc.title, "Về việc cử cán bộ dự tập huấn")
        self.assertIn("received_by_mail", [e["action"] for e in history_of(doc)])
        self.assertEqual(self.send(msg, to=(snv.email,)), {})  # once

    def test_unknown_recipient_refused_at_rcpt(self):
        with self.assertRaises(smtplib.SMTPRecipientsRefused) as caught:
            self.send(
                make_mail(to="khongco@phutho.gov.vn"), to=["khongco@phutho.gov.vn"]
            )
        code, reason = caught.exception.recipients["khongco@phutho.gov.vn"]
        self.assertEqual(code, 550)
        self.assertIn(b"no agency", reason.lower())

    def test_nothing_usable_refused(self):
        msg = EmailMessage()
        msg["From"] = "x@example.org"
        msg["To"] = MAILBOX
        msg.set_content("   ")
        with self.assertRaises(smtplib.SMTPDataError) as caught:
            self.send(msg)
        self.assertEqual(caught.exception.smtp_code, 554)

    def test_service_needs_its_permission(self):
        import requests

        response = requests.post(
            f"{self.url}/@mail-in",
            data=make_mail().as_bytes(),
            headers={"X-Mailin-Recipients": MAILBOX, "Accept": "application/json"},
            auth=("chuyenvien.sokhcn", "PhuTho@2026"),
            timeout=30,
        )
        self.assertEqual(response.status_code, 401)


class TestPortalDown(MailInCase):
    def test_not_acknowledged_while_down_ingested_once_back(self):
        parsed = urlparse(self.url)
        proxy = TCPProxy(parsed.hostname, parsed.port).up()
        url = f"http://127.0.0.1:{proxy.port}{parsed.path}"
        ingester = IngesterThread(url, MAILIN_USER, MAILIN_PASSWORD).start()
        try:
            before = self.incoming_count()
            proxy.down()
            msg = make_mail()
            with self.assertRaises(smtplib.SMTPRecipientsRefused) as caught:
                with smtplib.SMTP("127.0.0.1", ingester.port, timeout=60) as smtp:
                    smtp.send_message(msg)
            self.assertEqual(caught.exception.recipients[MAILBOX][0], 451)
            self.assertEqual(self.incoming_count(), before)
            # Down between RCPT and DATA: the data is not acknowledged either.
            proxy.up()
            with smtplib.SMTP("127.0.0.1", ingester.port, timeout=60) as smtp:
                smtp.ehlo()
                smtp.mail("vanthu.sonoivu@phutho.gov.vn")
                self.assertEqual(smtp.rcpt(MAILBOX)[0], 250)
                proxy.down()
                code, reason = smtp.data(msg.as_bytes())
            self.assertEqual(code, 451, reason)
            self.assertEqual(self.incoming_count(), before)
            # Back: the relay's next attempt is ingested, once.
            proxy.up()
            with smtplib.SMTP("127.0.0.1", ingester.port, timeout=60) as smtp:
                self.assertEqual(smtp.send_message(msg), {})
            self.assertEqual(self.incoming_count(), before + 1)
        finally:
            ingester.stop()
            proxy.down()


class TestKilledIngester(MailInCase):
    """SIGKILL in the middle of 200 messages, restart, the relay resends what
    was not acknowledged: every message exactly once."""

    COUNT = 200

    def start_ingester(self, port, config):
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "phutho.intranet.mailin.main",
                "--config",
                config,
                "--port",
                str(port),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                smtplib.SMTP("127.0.0.1", port, timeout=5).quit()
                return process
            except OSError:
                time.sleep(0.2)
        process.kill()
        raise RuntimeError(
            "phutho-mailin did not start: " + process.stdout.read().decode()
        )

    def test_every_message_exactly_once(self):
        fd, config = tempfile.mkstemp(suffix=".cfg")
        with os.fdopen(fd, "w") as f:
            f.write(
                f"[portal]\nurl = {self.url}\nuser = {MAILIN_USER}\n"
                f"password = {MAILIN_PASSWORD}\ntimeout = 60\n"
            )
        port = free_port()
        before = self.incoming_count()
        messages = [
            make_mail(subject=f"Thư số {i} về việc kiểm thử") for i in range(self.COUNT)
        ]
        acknowledged = set()
        process = self.start_ingester(port, config)
        try:
            killed = threading.Event()

            def killer():
                while len(acknowledged) < self.COUNT // 3:
                    time.sleep(0.05)
                os.kill(process.pid, signal.SIGKILL)
                killed.set()

            threading.Thread(target=killer, daemon=True).start()
            self.relay(messages, acknowledged, port, until=killed)
            self.assertTrue(killed.wait(120))
            process.wait(30)
            self.assertLess(len(acknowledged), self.COUNT)
            process = self.start_ingester(port, config)
            self.relay(messages, acknowledged, port)
        finally:
            process.kill()
            process.wait(30)
            os.unlink(config)
        self.assertEqual(len(acknowledged), self.COUNT)
        docs = self.documents()
        for msg in messages:
            key = msg["Message-ID"].strip("<>").lower()
            self.assertEqual(len(docs.get(key, ())), 1, key)
        self.assertEqual(self.incoming_count(), before + self.COUNT)

    def relay(self, messages, acknowledged, port, until=None):
        """Send what is not acknowledged yet, as a relay would; returns when
        all are, or when ``until`` is set and the ingester is gone."""
        for index, msg in enumerate(messages):
            if index in acknowledged:
                continue
            try:
                with smtplib.SMTP("127.0.0.1", port, timeout=60) as smtp:
                    smtp.send_message(msg)
                acknowledged.add(index)
            except (OSError, smtplib.SMTPException):
                if until is not None and until.is_set():
                    return
                if until is None:
                    raise
