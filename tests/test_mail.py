"""Outgoing mail against a real SMTP server (aiosmtpd on loopback) through
the MailHost's real persistent queue: notifications, the digest, issued
documents by mail, aborted transactions and a relay that goes down."""

from datetime import timedelta
from email.header import decode_header
from phutho.intranet.dates import today
from phutho.intranet.mail import pending
from phutho.intranet.mail.digest import run_digest
from phutho.intranet.mail.preferences import property_name
from phutho.intranet.mail.queue import queue_length
from phutho.intranet.mail.testing import MailThroughSink
from phutho.intranet.testing import agency
from phutho.intranet.testing import create_incoming
from phutho.intranet.testing import create_outgoing
from phutho.intranet.testing import OUTGOING_TO_SIGNED
from phutho.intranet.testing import PHUTHO_DEMO_FUNCTIONAL_TESTING
from phutho.intranet.testing import run_transitions
from phutho.intranet.testing import signed_in_browser
from phutho.intranet.workflow.api import do_transition
from phutho.intranet.workflow.history import history_of
from plone import api
from plone.app.testing import login
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from plone.app.uuid.utils import uuidToObject
from plone.namedfile.file import NamedBlobFile

import os
import time
import transaction
import unittest

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TITLE = "Về việc triển khai chữ ký số trong cơ quan nhà nước"


def header_text(value):
    """A header as a reader sees it (RFC 2047 words decoded)."""
    return "".join(
        part.decode(charset or "utf-8") if isinstance(part, bytes) else part
        for part, charset in decode_header(value)
    )


class MailCase(unittest.TestCase):
    layer = PHUTHO_DEMO_FUNCTIONAL_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        self.mail = MailThroughSink(
            self.portal,
            "congthongtin@phutho.gov.vn",
            "Cổng thông tin nội bộ tỉnh Phú Thọ",
        ).start()
        self.sink = self.mail.sink
        self.queue = self.mail.directory
        # The demo data left notifications of its own.
        for tree in (pending.pending_tree(self.portal), pending.done_tree(self.portal)):
            if tree is not None:
                tree.clear()
        transaction.commit()
        self.agency = agency(self.portal, "so-khcn")

    def tearDown(self):
        self.mail.stop()

    def set_preference(self, user_id, kind, value):
        api.user.get(userid=user_id).setMemberProperties({property_name(kind): value})

    def incoming_to_submit(self):
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        login(self.portal, "vanthu.sokhcn")
        doc = create_incoming(self.agency, title=TITLE)
        do_transition(doc, "register")
        do_transition(doc, "submit")
        return doc

    def assign(self, doc, user_id="chuyenvien.sokhcn", days=5):
        login(self.portal, "lanhdao.sokhcn")
        deadline = (today() + timedelta(days=days)).isoformat()
        do_transition(
            doc,
            "assign",
            data={"lead": {"kind": "user", "id": user_id, "deadline": deadline}},
        )

    def sync(self):
        transaction.begin()
        self.portal._p_jar.sync()


class TestImmediateNotifications(MailCase):
    def test_assignment_mailed_at_once_in_vietnamese(self):
        self.set_preference("chuyenvien.sokhcn", "assigned_immediately", True)
        doc = self.incoming_to_submit()
        self.assign(doc)
        transaction.commit()
        messages = self.sink.wait_for(1)
        self.assertEqual(len(messages), 1)
        msg = messages[0]
        raw = self.sink.messages[0]["data"]
        # Encoded on the wire, Vietnamese once decoded.
        self.assertRegex(raw, rb"Subject: [^\r\n]*=\?utf-8\?")
        self.assertIn(TITLE, str(msg["Subject"]))
        self.assertEqual(
            self.sink.messages[0]["rcpt_tos"], ["chuyenvien.sokhcn@phutho.gov.vn"]
        )
        self.assertIn("Cổng thông tin nội bộ", str(msg["From"]))
        text = msg.get_body(("plain",)).get_content()
        html = msg.get_body(("html",)).get_content()
        self.assertIn(doc.absolute_url(), text)
        self.assertIn(f'href="{doc.absolute_url()}"', html)
        self.assertIn(TITLE, html)
        self.assertEqual(msg["Auto-Submitted"], "auto-generated")
        # Mailed, not kept for the digest as well.
        self.assertEqual(pending.entries_for(self.portal, "chuyenvien.sokhcn"), [])

    def test_nothing_for_an_aborted_transaction(self):
        self.set_preference("chuyenvien.sokhcn", "assigned_immediately", True)
        doc = self.incoming_to_submit()
        transaction.commit()
        self.assign(doc)
        transaction.abort()
        time.sleep(1.5)
        self.assertEqual(self.sink.messages, [])
        self.assertEqual(queue_length(self.portal.MailHost), 0)
        self.assertEqual(os.listdir(os.path.join(self.queue, "tmp")), [])

    def test_relay_down_then_back_delivers_once(self):
        self.set_preference("chuyenvien.sokhcn", "assigned_immediately", True)
        self.sink.stop()
        doc = self.incoming_to_submit()
        self.assign(doc)
        transaction.commit()
        time.sleep(1.5)  # several attempts of the queue thread
        self.assertEqual(self.sink.messages, [])
        self.assertEqual(queue_length(self.portal.MailHost), 1)
        self.sink.start()
        messages = self.sink.wait_for(1)
        self.assertEqual(len(messages), 1)
        time.sleep(1)
        self.assertEqual(len(self.sink.messages), 1)  # never twice
        self.assertEqual(queue_length(self.portal.MailHost), 0)

    def test_switched_off_gets_nothing(self):
        self.set_preference("chuyenvien.sokhcn", "assigned", False)
        self.set_preference("chuyenvien.sokhcn", "assigned_immediately", True)
        doc = self.incoming_to_submit()
        self.assign(doc)
        transaction.commit()
        time.sleep(1)
        self.assertEqual(self.sink.messages, [])
        self.assertEqual(pending.entries_for(self.portal, "chuyenvien.sokhcn"), [])


class TestDigest(MailCase):
    def outgoing_to(self, steps):
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        login(self.portal, "chuyenvien.sokhcn")
        doc = create_outgoing(self.agency, "cntt", drafter="chuyenvien.sokhcn")
        run_transitions(self.portal, doc, steps)
        return doc

    def test_one_digest_per_person_and_day(self):
        incoming = self.incoming_to_submit()  # clerks: to register
        self.assign(incoming, days=1)  # the specialist: assigned, due soon
        draft = self.outgoing_to(
            (("chuyenvien.sokhcn", "submit_for_review"),)
        )  # the head: to review
        login(self.portal, "truongphong.sokhcn")
        do_transition(draft, "return_for_revision", comment="Sửa lại trích yếu")
        transaction.commit()
        for user_id, kind in (
            ("truongphong.sokhcn", "review"),
            ("chuyenvien.sokhcn", "assigned"),
            ("chuyenvien.sokhcn", "returned"),
        ):
            kinds = [e["kind"] for _k, e in pending.entries_for(self.portal, user_id)]
            self.assertIn(kind, kinds, user_id)
        # vanthu created the incoming document: not told about it.
        self.assertEqual(pending.entries_for(self.portal, "vanthu.sokhcn"), [])

        result = run_digest(limit=None)
        transaction.commit()
        self.assertGreaterEqual(result["sent"], 2)
        messages = self.sink.wait_for(result["sent"])
        self.assertEqual(len(messages), result["sent"])
        by_person = {}
        for item, msg in zip(self.sink.messages, messages):
            for rcpt in item["rcpt_tos"]:
                by_person.setdefault(rcpt, []).append(msg)
        self.assertTrue(all(len(v) == 1 for v in by_person.values()), by_person)
        specialist = by_person["chuyenvien.sokhcn@phutho.gov.vn"][0]
        text = specialist.get_body(("plain",)).get_content()
        self.assertIn("Sửa lại trích yếu", text)
        self.assertIn(incoming.absolute_url(), text)
        self.assertIn(draft.absolute_url(), text)
        self.assertIn("Sắp đến hạn", text)  # the deadline section
        self.assertIn(today().strftime("%d/%m/%Y"), str(specialist["Subject"]))
        self.assertEqual(pending.entries_for(self.portal, "chuyenvien.sokhcn"), [])

        # Twice the same day: nothing new.
        again = run_digest(limit=None)
        transaction.commit()
        self.assertEqual((again["sent"], again["remaining"]), (0, 0))
        time.sleep(1)
        self.assertEqual(len(self.sink.messages), result["sent"])

    def test_overdue_and_batches(self):
        doc = self.incoming_to_submit()
        self.assign(doc, days=1)
        # A deadline that has passed (transitions refuse to set one).
        from phutho.intranet.workflow.assignment import ASSIGNMENTS_ATTR

        for entry in getattr(doc, ASSIGNMENTS_ATTR):
            entry["deadline"] = today() - timedelta(days=2)
        doc.reindexObject()
        transaction.commit()
        first = run_digest(limit=1)
        transaction.commit()
        self.assertEqual(first["sent"] + first["skipped"], 1)
        rest = run_digest(limit=100)
        transaction.commit()
        self.assertEqual(rest["remaining"], 0)
        messages = self.sink.wait_for(first["sent"] + rest["sent"])
        texts = {
            m["rcpt_tos"][0]: msg.get_body(("plain",)).get_content()
            for m, msg in zip(self.sink.messages, messages)
        }
        self.assertIn("Quá hạn", texts["chuyenvien.sokhcn@phutho.gov.vn"])

    def test_unit_assignment_and_recall(self):
        incoming = self.incoming_to_submit()
        login(self.portal, "lanhdao.sokhcn")
        deadline = (today() + timedelta(days=7)).isoformat()
        unit = self.agency["cntt"]
        do_transition(
            incoming,
            "assign",
            data={"lead": {"kind": "unit", "id": unit.UID(), "deadline": deadline}},
        )
        # A unit's assignment goes to its heads, who hand the work on.
        heads = [
            e["document"]
            for _k, e in pending.entries_for(self.portal, "truongphong.sokhcn")
            if e["kind"] == "assigned"
        ]
        self.assertEqual(heads, [incoming.UID()])
        self.assertEqual(pending.entries_for(self.portal, "chuyenvien2.sokhcn"), [])

        snv = agency(self.portal, "so-noi-vu")
        outgoing = self.outgoing_to(())
        outgoing.internal_recipients = [snv.UID()]
        run_transitions(
            self.portal, outgoing, OUTGOING_TO_SIGNED + (("vanthu.sokhcn", "issue"),)
        )
        login(self.portal, "lanhdao.sokhcn")
        do_transition(outgoing, "recall", comment="Văn bản có sai sót")
        recalls = [
            e
            for _k, e in pending.entries_for(self.portal, "vanthu.snv")
            if e["kind"] == "recall"
        ]
        self.assertEqual(len(recalls), 1)
        self.assertEqual(recalls[0]["note"], "Văn bản có sai sót")
        copy = uuidToObject(recalls[0]["document"], unrestricted=True)
        self.assertEqual(copy.recall, "requested")

    def test_returned_draft_without_drafter_goes_to_its_creator(self):
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        login(self.portal, "chuyenvien.sokhcn")
        doc = create_outgoing(self.agency, "cntt")
        self.assertIsNone(doc.drafter)
        run_transitions(self.portal, doc, (("chuyenvien.sokhcn", "submit_for_review"),))
        login(self.portal, "truongphong.sokhcn")
        do_transition(doc, "return_for_revision", comment="Bổ sung căn cứ")
        kinds = [
            (e["kind"], e["note"])
            for _k, e in pending.entries_for(self.portal, "chuyenvien.sokhcn")
        ]
        self.assertIn(("returned", "Bổ sung căn cứ"), kinds)

    def test_signed_document_waits_for_the_clerk(self):
        doc = self.outgoing_to(OUTGOING_TO_SIGNED)
        transaction.commit()
        kinds = [
            (e["kind"], e["document"])
            for _k, e in pending.entries_for(self.portal, "vanthu.sokhcn")
        ]
        self.assertIn(("registration", doc.UID()), kinds)
        self.assertIn(
            ("review", doc.UID()),
            [
                (e["kind"], e["document"])
                for _k, e in pending.entries_for(self.portal, "lanhdao.sokhcn")
            ],
        )


class TestIssuedByMail(MailCase):
    def test_issued_document_mailed_with_files_and_refusal_recorded(self):
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        login(self.portal, "chuyenvien.sokhcn")
        doc = create_outgoing(
            self.agency,
            "cntt",
            external_recipients=[
                "Sở Y tế tỉnh Hà Nam | | vanthu@syt.hanam.gov.vn",
                "Hộp thư không tồn tại | | khongco@syt.hanam.gov.vn",
                "Không có địa chỉ",
            ],
        )
        run_transitions(self.portal, doc, OUTGOING_TO_SIGNED)
        login(self.portal, "vanthu.sokhcn")
        doc.signed_file = NamedBlobFile(
            data=PDF, filename="cong-van-da-ky.pdf", contentType="application/pdf"
        )
        annex = api.content.create(
            container=doc,
            type="Annex",
            id="phu-luc",
            title="Phụ lục",
            file=NamedBlobFile(
                data=b"PK\x03\x04 phu luc",
                filename="phu-luc.docx",
                contentType="application/vnd.openxmlformats-officedocument."
                "wordprocessingml.document",
            ),
        )
        self.assertIsNotNone(annex)
        self.sink.refuse.add("khongco@syt.hanam.gov.vn")
        do_transition(doc, "issue")
        transaction.commit()
        messages = self.sink.wait_for(1)
        self.assertEqual(len(messages), 1)
        msg = messages[0]
        self.assertEqual(self.sink.messages[0]["rcpt_tos"], ["vanthu@syt.hanam.gov.vn"])
        self.assertIn("vanthu.sokhcn@phutho.gov.vn", str(msg["From"]))
        self.assertIn(doc.symbol, str(msg["Subject"]))
        files = {
            part.get_filename(): part.get_content() for part in msg.iter_attachments()
        }
        self.assertEqual(files["cong-van-da-ky.pdf"], PDF)
        self.assertIn("phu-luc.docx", files)
        # The edXML message of the exchange, in the same mail.
        edxml = [name for name in files if name.endswith(".edxml")]
        self.assertEqual(len(edxml), 1, files)
        self.assertIn(b"edXML", files[edxml[0]])

        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            self.sync()
            actions = [e["action"] for e in history_of(doc)]
            if "mail_refused" in actions:
                break
            time.sleep(0.2)
        # One mail per recipient: nothing else left for the accepted one.
        self.assertEqual(len(self.sink.messages), 1)
        history = history_of(doc)
        mailed = [e for e in history if e["action"] == "mailed"]
        self.assertEqual(
            sorted(e["recipient"] for e in mailed),
            ["khongco@syt.hanam.gov.vn", "vanthu@syt.hanam.gov.vn"],
        )
        sent_id = msg["Message-ID"].strip("<>").lower()
        self.assertIn(sent_id, [e["message_id"] for e in mailed])
        refused = [e for e in history if e["action"] == "mail_refused"]
        self.assertEqual(len(refused), 1, history)
        self.assertEqual(refused[0]["recipients"], ["khongco@syt.hanam.gov.vn"])
        self.assertIn("550", refused[0]["reasons"][0])

    def test_secret_documents_are_not_mailed(self):
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        login(self.portal, "chuyenvien.sokhcn")
        doc = create_outgoing(
            self.agency,
            "cntt",
            secrecy="mat",
            external_recipients=["Sở Y tế | | vanthu@syt.hanam.gov.vn"],
        )
        from phutho.intranet.mail.issued import mail_issued

        self.assertEqual(mail_issued(doc), [])
        transaction.commit()
        time.sleep(1)
        self.assertEqual(self.sink.messages, [])
        self.assertIn("mail_skipped", [e["action"] for e in history_of(doc)])


class TestPreferencesForm(MailCase):
    def test_person_switches_a_kind_off(self):
        browser = signed_in_browser(self.layer["app"], "chuyenvien.sokhcn")
        browser.open(self.portal.absolute_url() + "/@@personal-preferences")
        control = browser.getControl(name="form.widgets.phutho_mail_review:list")
        self.assertTrue(control.controls[0].selected)
        control.controls[0].selected = False
        browser.getControl(
            name="form.widgets.phutho_mail_assigned_immediately:list"
        ).controls[0].selected = True
        browser.getControl(name="form.buttons.save").click()
        self.sync()
        member = api.user.get(userid="chuyenvien.sokhcn")
        self.assertFalse(member.getProperty("phutho_mail_review"))
        self.assertTrue(member.getProperty("phutho_mail_assigned_immediately"))


class TestUpgrade(MailCase):
    def test_upgrade_1004_restores_role_settings_and_properties(self):
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        registry = api.portal.get_tool("portal_registry")
        del registry.records["phutho.intranet.mail.deadline_days"]
        memberdata = api.portal.get_tool("portal_memberdata")
        memberdata.manage_delProperties(["phutho_mail_review"])
        self.portal.MailHost.smtp_queue = False
        setup = api.portal.get_tool("portal_setup")
        os.environ["PHUTHO_MAIL_QUEUE"] = self.queue
        try:
            steps = [
                step
                for group in setup.listUpgrades(
                    "phutho.intranet:default", show_old=True
                )
                for step in (group if isinstance(group, list) else [group])
                if step["dest"] == ("1004",)
            ]
            self.assertTrue(steps)
            for step in steps:
                step["step"].doStep(setup)
        finally:
            os.environ.pop("PHUTHO_MAIL_QUEUE")
        self.assertEqual(
            api.portal.get_registry_record("phutho.intranet.mail.deadline_days"), 3
        )
        self.assertTrue(memberdata.hasProperty("phutho_mail_review"))
        self.assertTrue(self.portal.MailHost.smtp_queue)
        self.assertIn("MailService", self.portal.validRoles())
