"""IMAP polling against a real Dovecot (started on loopback with a
throw-away configuration), messages placed by IMAP APPEND, delivered to the
portal over real HTTP."""

from email.message import EmailMessage
from imapclient import IMAPClient
from phutho.intranet.mail.account import ensure_service_account
from phutho.intranet.mail.testing import Dovecot
from phutho.intranet.mail.testing import in_ci
from phutho.intranet.mailin.client import PortalClient
from phutho.intranet.mailin.imap import MailboxConfig
from phutho.intranet.mailin.imap import poll_once
from phutho.intranet.mailin.receive import received_index
from phutho.intranet.testing import agency
from phutho.intranet.testing import PHUTHO_DEMO_SERVER_TESTING

import email
import email.policy
import transaction
import unittest

MAILBOX = "vanthu.sokhcn@phutho.gov.vn"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
USER, PASSWORD = "mailin", "Mailin@2026-imap"


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
class TestIMAPPolling(unittest.TestCase):
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
