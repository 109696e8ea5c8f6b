"""Forms with collective.easyform (issue 13): the clerks' intake of a
paper document files an incoming document (channel ``form``) checked by
the document's own rules; the officials' feedback is stored and mailed
through the queued MailHost to a real SMTP server; both need the CSRF
token and speak Vietnamese; both ship with the demo."""

from AccessControl.PermissionRole import rolesForPermissionOn
from collective.easyform.api import get_actions
from datetime import timedelta
from lxml import html
from phutho.intranet.dates import today
from phutho.intranet.mail.send import start_queue
from phutho.intranet.mail.testing import MailThroughSink
from phutho.intranet.testing import agency
from phutho.intranet.testing import create_incoming
from phutho.intranet.testing import DEMO_PASSWORD
from phutho.intranet.testing import PHUTHO_DEMO_INTEGRATION_TESTING
from phutho.intranet.testing import PHUTHO_DEMO_SERVER_TESTING
from phutho.intranet.testing import RestSession
from phutho.intranet.testing import signed_in_browser
from phutho.intranet.workflow.api import do_transition
from plone import api
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from zExceptions import Unauthorized

import io
import transaction
import unittest

CLERK = "vanthu.sokhcn"
SPECIALIST = "chuyenvien.sokhcn"
# The smallest file our checks take for a PDF.
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class FormsCase(unittest.TestCase):
    layer = PHUTHO_DEMO_SERVER_TESTING

    def setUp(self):
        self.app = self.layer["app"]
        self.portal = self.layer["portal"]
        self.agency = agency(self.portal, "so-khcn")
        self.intake = self.portal["bieu-mau"]["tiep-nhan-van-ban-giay"]
        self.feedback = self.portal["bieu-mau"]["gop-y-de-nghi"]

    def browser(self, user_id=None):
        return signed_in_browser(self.app, user_id)

    def texts(self, browser, selector):
        return [
            " ".join(e.text_content().split())
            for e in html.fromstring(browser.contents).cssselect(selector)
        ]

    def received(self):
        transaction.begin()
        catalog = api.portal.get_tool("portal_catalog")
        return catalog.unrestrictedSearchResults(
            portal_type="IncomingDocument", channel="form"
        )

    def fill_intake(self, browser, **values):
        browser.open(self.intake.absolute_url())
        fields = dict(
            title="Về việc tổng kết công tác văn thư năm 2026",
            number_symbol="215/SNV-VTLT",
            document_date=(today() - timedelta(days=3)).isoformat(),
            sender_name="Sở Nội vụ",
        )
        fields.update(values)
        for name, value in fields.items():
            browser.getControl(name=f"form.widgets.{name}").value = value
        browser.getControl(name="form.widgets.document_type:list").value = ["cong-van"]
        control = browser.getControl(name="form.widgets.main_file")
        control.add_file(io.BytesIO(PDF), "application/pdf", "van-ban.pdf")
        browser.getControl(name="form.buttons.submit").click()


class TestIntake(FormsCase):
    def test_clerk_files_a_paper_document(self):
        transaction.commit()
        before = len(self.received())
        browser = self.browser(CLERK)
        browser.open(self.intake.absolute_url())
        # The required choice starts empty, not on "Nghị quyết".
        self.assertEqual(
            browser.getControl(name="form.widgets.document_type:list").value,
            ["--NOVALUE--"],
        )
        self.fill_intake(browser)
        brains = self.received()
        self.assertEqual(len(brains), before + 1)
        document = brains[-1]._unrestrictedGetObject()
        self.assertEqual(browser.url, document.absolute_url())
        self.assertEqual(document.channel, "form")
        self.assertEqual(document.number_symbol, "215/SNV-VTLT")
        self.assertEqual(document.main_file.filename, "van-ban.pdf")
        self.assertEqual(api.content.get_state(document), "received")
        self.assertIn(self.agency.absolute_url(), document.absolute_url())
        self.assertIn("Đã tiếp nhận", self.texts(browser, ".portalMessage")[0])
        # It waits for registration on the clerk's dashboard.
        browser.open(f"{self.portal.absolute_url()}/@@documents-dashboard")
        self.assertIn(
            document.title,
            self.texts(browser, "#dashboard-to-register .phutho-work-title a"),
        )

    def test_dashboards_lead_to_the_forms_that_start_work(self):
        transaction.commit()
        browser = self.browser(CLERK)
        browser.open(f"{self.portal.absolute_url()}/@@documents-dashboard")
        links = {
            link.get("id"): link.get("href")
            for link in html.fromstring(browser.contents).cssselect(
                "#dashboard-start a"
            )
        }
        self.assertEqual(
            links["start-add-incoming-so-khcn"],
            f"{self.agency.absolute_url()}/++add++IncomingDocument",
        )
        self.assertEqual(
            links["start-intake-tiep-nhan-van-ban-giay"], self.intake.absolute_url()
        )
        browser.getLink(id="start-intake-tiep-nhan-van-ban-giay").click()
        self.assertEqual(browser.url, self.intake.absolute_url())
        # A specialist drafts; she files nothing.
        browser = self.browser(SPECIALIST)
        browser.open(f"{self.portal.absolute_url()}/@@documents-dashboard")
        ids = [
            link.get("id")
            for link in html.fromstring(browser.contents).cssselect(
                "#dashboard-start a"
            )
        ]
        self.assertEqual(ids, ["start-add-outgoing-so-khcn"])

    def test_the_documents_rules_refuse_at_the_field(self):
        transaction.commit()
        before = len(self.received())
        browser = self.browser(CLERK)
        self.fill_intake(browser, number_symbol="không có số")
        self.assertIn(
            "Nhập số, ký hiệu đúng như trên văn bản",
            " ".join(self.texts(browser, "#formfield-form-widgets-number_symbol")),
        )
        # A deadline before the document's date: the schema's invariant.
        self.fill_intake(
            browser,
            processing_deadline=(today() - timedelta(days=10)).isoformat(),
        )
        self.assertIn(
            "Hạn xử lý không được trước ngày của văn bản.",
            " ".join(self.texts(browser, ".portalMessage")),
        )
        # The same document twice: the duplicate warning.
        with api.env.adopt_user(username=CLERK):
            registered = create_incoming(
                self.agency,
                number_symbol="99/SNV-VTLT",
                sender_name="Sở Nội vụ",
                sender_organ_id=None,
            )
            do_transition(registered, "register")
        transaction.commit()
        self.fill_intake(browser, number_symbol="99/SNV-VTLT")
        self.assertTrue(
            self.texts(
                browser, "#formfield-form-widgets-allow_duplicate .invalid-feedback"
            )
        )
        self.assertEqual(len(self.received()), before)
        # Ticked after checking: filed.
        browser.getControl(name="form.widgets.allow_duplicate:list").value = [
            "selected"
        ]
        browser.getControl(name="form.buttons.submit").click()
        self.assertEqual(len(self.received()), before + 1)

    def test_only_clerks_file_and_the_token_is_needed(self):
        transaction.commit()
        before = len(self.received())
        browser = self.browser(SPECIALIST)
        self.fill_intake(browser)
        self.assertTrue(
            any("văn thư" in t for t in self.texts(browser, "#content-core"))
        )
        self.assertEqual(len(self.received()), before)
        # Without plone.protect's token the submission is refused.
        browser = self.browser(CLERK)
        browser.open(self.intake.absolute_url())
        form = (
            browser.getForm(index=1)
            if len(browser._getAllResponseForms()) > 1
            else browser.getForm()
        )
        token = browser.getControl(name="_authenticator")
        token.value = "forged"
        browser.handleErrors = True
        browser.raiseHttpErrors = False
        self.fill_values_and_submit(browser)
        self.assertEqual(len(self.received()), before)
        self.assertIsNotNone(form)
        # Anonymous visitors do not see the form at all.
        with self.assertRaises(Unauthorized):
            self.browser().open(self.intake.absolute_url())

    def fill_values_and_submit(self, browser):
        for name, value in dict(
            title="Giả mạo",
            number_symbol="1/GM-X",
            document_date=today().isoformat(),
            sender_name="Nơi khác",
        ).items():
            browser.getControl(name=f"form.widgets.{name}").value = value
        browser.getControl(name="form.widgets.document_type:list").value = ["cong-van"]
        control = browser.getControl(name="form.widgets.main_file")
        control.add_file(io.BytesIO(PDF), "application/pdf", "x.pdf")
        browser.getControl(name="form.buttons.submit").click()

    def test_forms_over_the_api(self):
        transaction.commit()
        session = RestSession(
            self.portal.absolute_url(), auth=("quantri", DEMO_PASSWORD)
        )
        response = session.get("bieu-mau/gop-y-de-nghi")
        session.close()
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.json()["@type"], "EasyForm")
        self.assertTrue(response.json()["CSRFProtection"])


class TestFeedback(FormsCase):
    def setUp(self):
        super().setUp()
        self.mail = MailThroughSink(
            self.portal, "quantri@phutho.gov.vn", "Cổng thông tin"
        ).start()
        self.sink = self.mail.sink
        transaction.commit()
        start_queue(self.portal)

    def tearDown(self):
        self.mail.stop()

    def test_feedback_is_stored_and_mailed(self):
        browser = self.browser(SPECIALIST)
        browser.open(self.feedback.absolute_url())
        self.assertEqual(
            browser.getControl(name="form.widgets.topic:list").value, ["--NOVALUE--"]
        )
        browser.getControl(name="form.widgets.topic:list").displayValue = [
            "Đề nghị hỗ trợ"
        ]
        browser.getControl(name="form.widgets.subject").value = "Không in được sổ đến"
        browser.getControl(name="form.widgets.comments").value = "Trang in bị lệch."
        browser.getControl(name="form.widgets.replyto").value = "huong@phutho.gov.vn"
        browser.getControl(name="form.buttons.submit").click()
        self.assertIn("Cảm ơn bạn", browser.contents)
        transaction.begin()
        rows = [
            data
            for _id, data in get_actions(self.feedback)[
                "saved"
            ].getSavedFormInputItems()
        ]
        self.assertEqual(rows[-1]["subject"], "Không in được sổ đến")
        messages = self.sink.wait_for(1)
        self.assertEqual(len(messages), 1)
        message = messages[0]
        self.assertEqual(message["To"].addresses[0].addr_spec, "quantri@phutho.gov.vn")
        self.assertIn("Không in được sổ đến", str(message["Subject"]))
        self.assertIn("huong@phutho.gov.vn", str(message["Reply-To"]))
        self.assertIn("Trang in bị lệch.", message.get_body().get_content())

    def test_missing_answers_are_said_in_vietnamese(self):
        browser = self.browser(SPECIALIST)
        browser.open(self.feedback.absolute_url())
        browser.getControl(name="form.buttons.submit").click()
        errors = " ".join(self.texts(browser, ".invalid-feedback, .fieldErrorBox"))
        self.assertIn("Bắt buộc nhập", errors)
        self.assertNotIn("Required input is missing", browser.contents)


class TestDemoUpgrade(unittest.TestCase):
    """A demo site built before the forms gets them from the demo
    profile's step 1001 → 1002; forms a webmaster changed stay."""

    layer = PHUTHO_DEMO_INTEGRATION_TESTING

    def test_1002_demo_forms(self):
        portal = self.layer["portal"]
        setRoles(portal, TEST_USER_ID, ["Manager"])
        folder = portal["bieu-mau"]
        api.content.delete(obj=folder["tiep-nhan-van-ban-giay"])
        folder["gop-y-de-nghi"].title = "Góp ý (đã sửa)"
        setup = api.portal.get_tool("portal_setup")
        setup.setLastVersionForProfile("phutho.intranet:demo", "1001")
        setup.upgradeProfile("phutho.intranet:demo")
        self.assertEqual(
            setup.getLastVersionForProfile("phutho.intranet:demo"), ("1002",)
        )
        intake = folder["tiep-nhan-van-ban-giay"]
        self.assertEqual(intake.portal_type, "EasyForm")
        self.assertIn("IncomingIntake", intake.actions_model)
        self.assertTrue(intake.CSRFProtection)
        self.assertEqual(folder["gop-y-de-nghi"].title, "Góp ý (đã sửa)")
        # Signed-in people may open it, anonymous visitors not.
        self.assertIn("Reader", intake.get_local_roles_for_userid("AuthenticatedUsers"))
        with api.env.adopt_user(username="vanthu.sokhcn"):
            self.assertTrue(api.user.has_permission("View", obj=intake))
        self.assertNotIn("Anonymous", rolesForPermissionOn("View", intake))
        # The whole folder gone: made again, with both forms.
        api.content.delete(obj=folder)
        setup.setLastVersionForProfile("phutho.intranet:demo", "1001")
        setup.upgradeProfile("phutho.intranet:demo")
        self.assertEqual(
            sorted(portal["bieu-mau"].objectIds()),
            ["gop-y-de-nghi", "tiep-nhan-van-ban-giay"],
        )
