"""Documents arriving by mail get proposals too: mails fed to the mail-in
ingester's SMTP listener (as tests/test_mailin.py does) land as incoming
documents; their register form shows what the attached file and the
mail's subject and body say, and the fields the clerk ticks are saved
with the registration."""

from email.message import EmailMessage
from email.utils import make_msgid
from phutho.intranet.mail.account import ensure_service_account
from phutho.intranet.mailin.receive import received_index
from phutho.intranet.mailin.testing import IngesterThread
from phutho.intranet.testing import agency
from phutho.intranet.testing import DEMO_PASSWORD
from phutho.intranet.testing import PHUTHO_DEMO_SERVER_TESTING
from phutho.intranet.testing import RestSession
from phutho.intranet.testing import signed_in_browser
from plone import api
from plone.app.uuid.utils import uuidToObject
from test_reading import load_script

import datetime
import random
import smtplib
import transaction
import unittest

MAILIN_USER = "mailin"
MAILIN_PASSWORD = "Mailin@2026-test"
MAILBOX = "vanthu.sokhcn@phutho.gov.vn"


def make_mail(subject, body, pdf=None):
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = "Sở Nội vụ <vanthu.sonoivu@phutho.gov.vn>"
    msg["To"] = MAILBOX
    msg["Message-ID"] = make_msgid(domain="snv.phutho.gov.vn")
    msg.set_content(body)
    if pdf is not None:
        msg.add_attachment(
            pdf, maintype="application", subtype="pdf", filename="van-ban.pdf"
        )
    return msg


class TestMailInProposals(unittest.TestCase):
    layer = PHUTHO_DEMO_SERVER_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        ensure_service_account(MAILIN_USER, MAILIN_PASSWORD)
        transaction.commit()
        self.agency = agency(self.portal, "so-khcn")
        self.ingester = IngesterThread(
            self.portal.absolute_url(), MAILIN_USER, MAILIN_PASSWORD
        ).start()
        self.addCleanup(self.ingester.stop)
        self.clerk = RestSession(
            self.portal.absolute_url(), auth=("vanthu.sokhcn", DEMO_PASSWORD)
        )

    def deliver(self, msg):
        """Send ``msg`` through the ingester; the document it became."""
        with smtplib.SMTP("127.0.0.1", self.ingester.port, timeout=60) as smtp:
            self.assertEqual(smtp.send_message(msg, to_addrs=[MAILBOX]), {})
        transaction.begin()
        self.portal._p_jar.sync()
        key = msg["Message-ID"].strip("<>").lower()
        (uid,) = [
            uid
            for (agency_uid, found), uid in received_index(self.portal).items()
            if agency_uid == self.agency.UID() and found == key
        ]
        document = uuidToObject(uid, unrestricted=True)
        self.assertEqual(document.channel, "email")
        return document

    def register_form(self, document):
        browser = signed_in_browser(self.layer["app"], "vanthu.sokhcn")
        browser.open(f"{document.absolute_url()}/@@transition?workflow_action=register")
        return browser

    def test_attached_document_proposed_on_the_register_form(self):
        corpus = load_script("ocr_corpus")
        doc = corpus.make_document(random.Random(9), 0)
        msg = make_mail(
            f"Gửi văn bản số {doc['number_symbol']}",
            "Kính gửi Sở Khoa học và Công nghệ,\nXin gửi kèm văn bản.\n",
            corpus.render_pdf(doc),
        )
        document = self.deliver(msg)
        # The mail's subject gave the number; the file says the rest.
        self.assertEqual(document.number_symbol, doc["number_symbol"])
        proposals = self.clerk.get(f"{document.absolute_url()}/@proposals").json()
        self.assertEqual(proposals["source"], "text")
        fields = proposals["fields"]
        self.assertEqual(fields["number_symbol"], doc["number_symbol"])
        self.assertEqual(fields["document_date"], doc["date"])
        self.assertEqual(fields["signer_name"], doc["signer_name"])
        self.assertEqual(fields["recipients"], doc["recipients"])
        browser = self.register_form(document)
        self.assertIn("transition-proposals", browser.contents)
        self.assertIn(doc["signer_name"], browser.contents)
        self.assertIn("đề xuất", browser.contents)
        # What the document already has is not proposed again.
        self.assertNotIn('id="proposal-number_symbol"', browser.contents)
        # The clerk ticks two of them and registers.
        browser.getControl(name="proposals:list").value = [
            "signer_name",
            "document_date",
        ]
        browser.getControl(name="form.submitted").click()
        transaction.begin()
        self.portal._p_jar.sync()
        self.assertEqual(api.content.get_state(document), "registered")
        self.assertEqual(document.signer_name, doc["signer_name"])
        self.assertEqual(
            document.document_date, datetime.date.fromisoformat(doc["date"])
        )
        # Not ticked: not saved.
        self.assertNotEqual(document.recipients, doc["recipients"])

    def test_mail_alone_proposed_from_subject_and_body(self):
        msg = make_mail(
            "Công văn số 45/SNV-TCCB về việc cử cán bộ dự lớp bồi dưỡng",
            "Kính gửi: Sở Khoa học và Công nghệ\n\n"
            "Sở Nội vụ đề nghị quý Sở cử cán bộ tham dự lớp bồi dưỡng.\n\n"
            "Nơi nhận:\n- Như trên;\n- Lưu: VT, TCCB.\n",
        )
        document = self.deliver(msg)
        self.assertIsNone(document.main_file)
        proposals = self.clerk.get(f"{document.absolute_url()}/@proposals").json()
        self.assertEqual(proposals["source"], "mail")
        fields = proposals["fields"]
        self.assertEqual(fields["number_symbol"], "45/SNV-TCCB")
        self.assertEqual(fields["title"], "cử cán bộ dự lớp bồi dưỡng")
        self.assertEqual(fields["recipients"], ["Như trên", "Lưu: VT, TCCB"])
        browser = self.register_form(document)
        self.assertIn("transition-proposals", browser.contents)
        self.assertIn("cử cán bộ dự lớp bồi dưỡng", browser.contents)
