"""The e-mail transport: edXML messages through Plone's queued MailHost to a
real SMTP server (aiosmtpd on loopback, mail/testing.py).

- An issued document reaches a recipient outside the portal reached by
  e-mail as one mail carrying its edXML message, logged as sent.
- A document that came by e-mail sends its statuses (01, then 03 when
  registered) back by e-mail, even where an exchange folder is configured.
- Without a mail queue the message waits in the outbox (held); once the
  queue is there, the pickup sends it and the log says so.
"""

from email.policy import default
from pathlib import Path
from phutho.intranet.exchange import api as exchange
from phutho.intranet.exchange.outbox import items as outbox_items
from phutho.intranet.exchange.pickup import pickup
from phutho.intranet.exchange.reader import read_message
from phutho.intranet.exchange.writer import write_message
from phutho.intranet.mail.testing import MailThroughSink
from phutho.intranet.testing import agency
from phutho.intranet.testing import create_outgoing
from phutho.intranet.testing import OUTGOING_TO_ISSUED
from phutho.intranet.testing import PHUTHO_DEMO_FUNCTIONAL_TESTING
from phutho.intranet.testing import run_transitions
from phutho.intranet.workflow.api import do_transition
from phutho.intranet.workflow.delivery import delivery_status
from plone import api
from plone.app.testing import login
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID

import email
import importlib.util
import shutil
import tempfile
import time
import transaction
import unittest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location(
    "edxml_corpus", ROOT / "scripts" / "edxml_corpus.py"
)
CORPUS = importlib.util.module_from_spec(spec)
spec.loader.exec_module(CORPUS)

VPCP = "Văn phòng Chính phủ | 000.00.00.G22 | vanthu@vpcp.gov.vn"


def edxml_of(mail):
    """The edXML message attached to ``mail`` (bytes)."""
    (part,) = [
        p for p in mail.iter_attachments() if p.get_filename().endswith(".edxml")
    ]
    return part.get_content()


class MailTransportCase(unittest.TestCase):
    layer = PHUTHO_DEMO_FUNCTIONAL_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        self.mail = MailThroughSink(self.portal, "congthongtin@phutho.gov.vn")
        self.mail.start(queue=False)
        self.sink = self.mail.sink
        self.agency = agency(self.portal, "so-khcn")
        self.agency.email = "vanthu@sokhcn.phutho.gov.vn"
        transaction.commit()

    def tearDown(self):
        self.mail.stop()

    def queued(self):
        self.mail.queue()
        transaction.commit()

    def mails_to(self, address, count, timeout=30):
        """The first ``count`` mails to ``address``, waiting for them."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [
                email.message_from_bytes(m["data"], policy=default)
                for m in list(self.sink.messages)
                if address in m["rcpt_tos"]
            ]
            if len(found) >= count:
                return found
            time.sleep(0.1)
        self.fail(f"{len(found)} mails to {address}, {count} expected")

    def issue(self, *recipients):
        login(self.portal, "chuyenvien.sokhcn")
        document = create_outgoing(
            self.agency, "cntt", external_recipients=list(recipients)
        )
        run_transitions(self.portal, document, OUTGOING_TO_ISSUED)
        transaction.commit()
        return document


class TestDocumentsByMail(MailTransportCase):
    def test_one_mail_with_the_message(self):
        self.queued()
        document = self.issue(VPCP)
        (mail,) = self.mails_to("vanthu@vpcp.gov.vn", 1)
        message = read_message(edxml_of(mail))
        self.assertEqual(message.document_id, document.document_id)
        self.assertEqual(message.number_symbol, document.symbol)
        self.assertEqual([r.organ_id for r in message.recipients], ["000.00.00.G22"])
        self.assertEqual(message.sender.organ_id, self.agency.organ_id)
        # One mail, not one of the mail package and one of the exchange.
        time.sleep(1.5)
        self.assertEqual(len(self.mails_to("vanthu@vpcp.gov.vn", 1)), 1)
        transaction.begin()
        (item,) = outbox_items(self.agency)
        self.assertEqual((item.transport, item.status), ("mail", "sent"))
        (row,) = delivery_status(document, external=True)
        self.assertEqual(
            (row["transport"], row["email"]), ("mail", "vanthu@vpcp.gov.vn")
        )
        self.assertEqual(row["log"][-1]["event"], "sent")

    def test_held_without_a_queue_then_sent_by_the_pickup(self):
        self.assertFalse(self.portal.MailHost.smtp_queue)
        document = self.issue(VPCP)
        (item,) = outbox_items(self.agency)
        self.assertEqual(item.status, "held")
        time.sleep(0.5)
        self.assertEqual(self.sink.messages, [])
        self.queued()
        report = pickup(self.portal)
        self.assertEqual(report["retried"], 1)
        (mail,) = self.mails_to("vanthu@vpcp.gov.vn", 1)
        self.assertEqual(read_message(edxml_of(mail)).document_id, document.document_id)
        transaction.begin()
        self.assertEqual(item.status, "sent")
        (row,) = delivery_status(document, external=True)
        self.assertEqual([e["event"] for e in row["log"]], ["held", "sent"])
        # Sent once: a second pickup has nothing to retry.
        self.assertEqual(pickup(self.portal)["retried"], 0)


class TestStatusesByMail(MailTransportCase):
    def test_statuses_go_back_by_mail(self):
        """A document that came by mail (mail-in files it with transport
        "email") answers by mail, even with an exchange folder configured,
        which would otherwise win for a sender with an OrganId."""
        self.queued()
        root = tempfile.mkdtemp(prefix="exchange-")
        self.addCleanup(shutil.rmtree, root, True)
        api.portal.set_registry_record("phutho.intranet.exchange.directory", root)
        message = read_message(CORPUS.document(self.agency.organ_id))
        message.sender.email = "vanthu@vpcp.gov.vn"
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        document, created = exchange.import_message(
            self.agency, write_message(message), transport="email"
        )
        self.assertTrue(created)
        transaction.commit()
        (mail,) = self.mails_to("vanthu@vpcp.gov.vn", 1)
        status = read_message(edxml_of(mail))
        self.assertEqual(status.kind, "status")
        self.assertEqual(status.status_code, "01")
        self.assertEqual(status.response_for.document_id, message.document_id)
        self.assertEqual(status.sender.organ_id, self.agency.organ_id)

        login(self.portal, "vanthu.sokhcn")
        do_transition(document, "register", comment="Vào sổ văn bản đến")
        transaction.commit()
        mails = self.mails_to("vanthu@vpcp.gov.vn", 2)
        status = read_message(edxml_of(mails[1]))
        self.assertEqual(status.status_code, "03")
        self.assertIn("Vào sổ văn bản đến", status.description)
        clerk = api.user.get(userid="vanthu.sokhcn").getProperty("fullname")
        self.assertEqual(status.staff.staff, clerk)
        transaction.begin()
        transports = {i.transport for i in outbox_items(self.agency)}
        self.assertEqual(transports, {"mail"})
        self.assertFalse(list(Path(root).glob("*/outbox/*/*.edxml")))
