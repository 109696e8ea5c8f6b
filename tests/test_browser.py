"""The Classic UI pages of documents, registers and agencies, driven
through zope.testbrowser as their users drive them: real forms, real
authenticators, the demo agencies and people."""

from datetime import timedelta
from lxml import html
from phutho.intranet.browser.register import INCOMING_COLUMNS
from phutho.intranet.dates import format_date
from phutho.intranet.dates import today
from phutho.intranet.numbering.symbol import format_number
from phutho.intranet.testing import agency
from phutho.intranet.testing import create_incoming
from phutho.intranet.testing import create_outgoing
from phutho.intranet.testing import PHUTHO_DEMO_FUNCTIONAL_TESTING
from phutho.intranet.testing import signed_in_browser
from phutho.intranet.workflow.api import do_transition
from phutho.intranet.workflow.history import history_of
from plone import api
from plone.app.testing import login
from plone.protect.authenticator import createToken
from urllib.parse import urlencode
from zExceptions import Forbidden
from zExceptions import Unauthorized

import codecs
import csv
import io
import re
import transaction
import unittest

TIMESTAMP_RE = re.compile(r"^\d{2}/\d{2}/\d{4} \d{2}:\d{2}$")


def in_days(days):
    return today() + timedelta(days=days)


class BrowserCase(unittest.TestCase):
    layer = PHUTHO_DEMO_FUNCTIONAL_TESTING

    def setUp(self):
        self.app = self.layer["app"]
        self.portal = self.layer["portal"]
        self.agency = agency(self.portal, "so-khcn")

    # -- fixtures, made through the Python API as the right person --

    def as_user(self, user_id, function, *args, **kwargs):
        with api.env.adopt_user(username=user_id):
            return function(*args, **kwargs)

    def incoming(self, **fields):
        return self.as_user("vanthu.sokhcn", create_incoming, self.agency, **fields)

    def step(self, user_id, document, transition, **data):
        self.as_user(user_id, do_transition, document, transition, data=data)

    def submitted(self, **fields):
        document = self.incoming(**fields)
        self.step("vanthu.sokhcn", document, "register")
        self.step("vanthu.sokhcn", document, "submit")
        return document

    def assigned(self, lead, **fields):
        document = self.submitted(**fields)
        lead = dict(lead, deadline=in_days(7).isoformat())
        self.step("lanhdao.sokhcn", document, "assign", lead=lead)
        return document

    # -- the browser --

    def browser(self, user_id=None):
        """A browser signed in as ``user_id`` (anonymous without one).

        Call after the fixtures are committed."""
        return signed_in_browser(self.app, user_id)

    def page(self, browser):
        return html.fromstring(browser.contents)

    def texts(self, browser, selector):
        return [
            " ".join(e.text_content().split())
            for e in self.page(browser).cssselect(selector)
        ]

    def state(self, document):
        transaction.begin()  # see what the browser's requests committed
        return api.content.get_state(document)


class TestTransitionForms(BrowserCase):
    def test_clerk_registers_through_the_form(self):
        document = self.incoming()
        transaction.commit()
        browser = self.browser("vanthu.sokhcn")
        browser.open(document.absolute_url())
        self.assertEqual(self.texts(browser, "#doc-history .phutho-timeline-entry"), [])
        browser.getLink(id="doc-action-register").click()
        self.assertIn("@@transition?workflow_action=register", browser.url)
        # The only register that fits a normal incoming document is chosen.
        self.assertEqual(
            browser.getControl(name="register").value, [self.agency["so-den"].UID()]
        )
        browser.getControl(name="form.submitted").click()

        self.assertEqual(browser.url, document.absolute_url())
        self.assertEqual(self.state(document), "registered")
        number = str(document.arrival_number)
        self.assertIn(number, self.texts(browser, "#doc-registration dd"))
        entries = self.page(browser).cssselect("#doc-history .phutho-timeline-entry")
        self.assertEqual(len(entries), 1)
        self.assertEqual(
            entries[0].cssselect(".phutho-timeline-actor")[0].text, "Trịnh Thị Thu"
        )
        self.assertRegex(
            entries[0].cssselect(".phutho-timeline-time")[0].text, TIMESTAMP_RE
        )
        self.assertIn(number, [dd.text for dd in entries[0].cssselect("dd")])
        # Registered: the clerk's next step is offered, registering is not.
        self.assertTrue(self.page(browser).cssselect("#doc-action-submit"))
        self.assertFalse(self.page(browser).cssselect("#doc-action-register"))

    def test_duplicate_needs_the_checkbox(self):
        self.submitted()
        twin = self.incoming()  # same number, symbol and issuing agency
        transaction.commit()
        browser = self.browser("vanthu.sokhcn")
        browser.open(f"{twin.absolute_url()}/@@transition?workflow_action=register")
        browser.getControl(name="form.submitted").click()
        self.assertTrue(self.page(browser).cssselect("#error-allow_duplicate"))
        self.assertEqual(self.state(twin), "received")
        browser.getControl(name="allow_duplicate").value = True
        browser.getControl(name="form.submitted").click()
        self.assertEqual(self.state(twin), "registered")

    def test_assign_without_deadline_changes_nothing(self):
        document = self.submitted()
        transaction.commit()
        before = len(history_of(document))
        browser = self.browser("lanhdao.sokhcn")
        browser.open(f"{document.absolute_url()}/@@transition?workflow_action=assign")
        browser.getControl(name="lead").value = [f"unit:{self.agency['cntt'].UID()}"]
        browser.getControl(name="instructions").value = "Phòng CNTT chủ trì."
        browser.getControl(name="form.submitted").click()

        self.assertTrue(self.page(browser).cssselect("#transition-form"))
        self.assertTrue(self.texts(browser, "#error-deadline")[0])
        self.assertTrue(self.page(browser).cssselect(".statusmessage-error"))
        # What was typed is still there.
        self.assertEqual(
            browser.getControl(name="instructions").value, "Phòng CNTT chủ trì."
        )
        self.assertEqual(self.state(document), "submitted")
        self.assertEqual(len(history_of(document)), before)

    def test_leader_assigns_through_the_form(self):
        document = self.submitted()
        transaction.commit()
        deadline = in_days(5)
        browser = self.browser("lanhdao.sokhcn")
        browser.open(document.absolute_url())
        browser.getLink(id="doc-action-assign").click()
        browser.getControl(name="lead").value = [f"unit:{self.agency['cntt'].UID()}"]
        browser.getControl(name="deadline").value = deadline.isoformat()
        browser.getControl(name="coordinators:list").value = ["user:chuyenvien2.sokhcn"]
        browser.getControl(name="instructions").value = (
            "Phòng CNTT chủ trì, Văn phòng phối hợp."
        )
        browser.getControl(name="comment").value = "Đề nghị khẩn trương."
        browser.getControl(name="form.submitted").click()

        self.assertEqual(self.state(document), "assigned")
        self.assertEqual(browser.url, document.absolute_url())
        assignments = self.texts(browser, "#doc-assignments li")
        self.assertIn("Phòng Công nghệ thông tin", assignments[0])
        self.assertIn(format_date(deadline), assignments[0])
        self.assertIn("Tạ Quang Vinh", assignments[1])
        latest = self.page(browser).cssselect("#doc-history .phutho-timeline-entry")[-1]
        self.assertEqual(
            latest.cssselect(".phutho-timeline-actor")[0].text, "Nguyễn Mạnh Cường"
        )
        self.assertRegex(
            latest.cssselect(".phutho-timeline-time")[0].text, TIMESTAMP_RE
        )
        self.assertEqual(
            latest.cssselect(".phutho-timeline-comment")[0].text, "Đề nghị khẩn trương."
        )
        details = " ".join(dd.text_content() for dd in latest.cssselect("dd"))
        self.assertIn("Phòng CNTT chủ trì, Văn phòng phối hợp.", details)
        self.assertIn(format_date(deadline), details)

    def test_head_of_unit_hands_over_inside_the_unit(self):
        document = self.assigned({"kind": "unit", "id": self.agency["cntt"].UID()})
        transaction.commit()
        browser = self.browser("truongphong.sokhcn")
        browser.open(f"{document.absolute_url()}/@@transition?workflow_action=reassign")
        handler = browser.getControl(name="handler")
        self.assertIn("chuyenvien.sokhcn", handler.options)
        self.assertNotIn("chuyenvien2.sokhcn", handler.options)  # another unit
        self.assertFalse(self.page(browser).cssselect("#transition-lead"))
        handler.value = ["chuyenvien.sokhcn"]
        browser.getControl(name="form.submitted").click()
        transaction.begin()
        self.assertEqual(
            history_of(document)[-1]["assignees"][0]["id"], "chuyenvien.sokhcn"
        )

    def test_return_needs_a_reason(self):
        document = self.incoming()
        transaction.commit()
        browser = self.browser("vanthu.sokhcn")
        browser.open(
            f"{document.absolute_url()}/@@transition?workflow_action=return_to_sender"
        )
        self.assertTrue(
            self.page(browser).cssselect("textarea#transition-comment[required]")
        )
        browser.getControl(name="form.submitted").click()
        self.assertTrue(self.page(browser).cssselect("#error-comment"))
        self.assertEqual(self.state(document), "received")
        browser.getControl(name="comment").value = "Gửi nhầm cơ quan."
        browser.getControl(name="form.submitted").click()
        self.assertEqual(self.state(document), "returned")

    def test_complete_links_the_reply(self):
        document = self.assigned({"kind": "user", "id": "chuyenvien.sokhcn"})
        self.step("chuyenvien.sokhcn", document, "start")
        reply = self.as_user(
            "chuyenvien.sokhcn", create_outgoing, self.agency, "cntt", title="Trả lời"
        )
        transaction.commit()
        browser = self.browser("chuyenvien.sokhcn")
        browser.open(f"{document.absolute_url()}/@@transition?workflow_action=complete")
        browser.getControl(name="reply").value = [reply.UID()]
        browser.getControl(name="form.submitted").click()
        self.assertEqual(self.state(document), "completed")
        self.assertIn("Trả lời", " ".join(self.texts(browser, "#doc-related li")))


class TestRefusals(BrowserCase):
    def post(self, browser, document, user_id, **form):
        with api.env.adopt_user(username=user_id):
            token = createToken()
        form.setdefault("_authenticator", token)
        browser.post(
            f"{document.absolute_url()}/@@transition",
            urlencode(dict(form, **{"form.submitted": "1"}), doseq=True),
        )

    def test_no_button_and_no_transition_without_the_workflow(self):
        document = self.submitted()
        transaction.commit()
        browser = self.browser("vanthu.sokhcn")  # may read it, may not assign
        browser.open(document.absolute_url())
        self.assertFalse(self.page(browser).cssselect("#doc-action-assign"))
        browser.open(f"{document.absolute_url()}/@@transition?workflow_action=assign")
        self.assertTrue(self.page(browser).cssselect("#transition-not-available"))
        self.assertFalse(self.page(browser).cssselect("#transition-form"))
        self.post(
            browser,
            document,
            "vanthu.sokhcn",
            workflow_action="assign",
            lead=f"unit:{self.agency['cntt'].UID()}",
            deadline=in_days(3).isoformat(),
        )
        self.assertTrue(self.page(browser).cssselect(".statusmessage-error"))
        self.assertEqual(self.state(document), "submitted")

    def test_post_without_authenticator_is_refused(self):
        document = self.incoming()
        transaction.commit()
        browser = self.browser("vanthu.sokhcn")
        with self.assertRaises(Forbidden):
            self.post(
                browser,
                document,
                "vanthu.sokhcn",
                workflow_action="register",
                _authenticator="",
            )
        with self.assertRaises(Forbidden):
            self.post(
                browser,
                document,
                "vanthu.sokhcn",
                workflow_action="register",
                _authenticator="forged",
            )
        self.assertEqual(self.state(document), "received")
        # The same POST with the clerk's own authenticator goes through.
        self.post(browser, document, "vanthu.sokhcn", workflow_action="register")
        self.assertEqual(self.state(document), "registered")

    def test_state_menu_opens_the_actions_a_person_has(self):
        # The toolbar's state menu links to content_status_history; Plone's
        # page there needs "Modify portal content", which a leader lacks.
        document = self.submitted()
        transaction.commit()
        url = f"{document.absolute_url()}/content_status_history"
        browser = self.browser("lanhdao.sokhcn")
        browser.open(url)
        links = self.page(browser).cssselect("#doc-action-assign")
        self.assertEqual(
            links[0].get("href"),
            f"{document.absolute_url()}/@@transition?workflow_action=assign",
        )
        self.assertIn("Đã trình", self.texts(browser, "#document-state")[0])
        browser = self.browser("vanthu.sokhcn")  # may read it, has nothing to do now
        browser.open(url)
        self.assertFalse(self.page(browser).cssselect("#doc-actions"))
        self.assertTrue(self.page(browser).cssselect("#no-document-actions"))
        with self.assertRaises(Unauthorized):
            self.browser().open(url)

    def test_no_history_link_that_leads_nowhere(self):
        document = self.submitted()
        transaction.commit()
        browser = self.browser("vanthu.sokhcn")
        browser.open(document.absolute_url())
        self.assertNotIn("@@historyview", browser.contents)
        with self.assertRaises(Unauthorized):
            browser.open(f"{document.absolute_url()}/@@historyview")

    def test_workflow_menu_points_to_the_form(self):
        document = self.incoming()
        with api.env.adopt_user(username="vanthu.sokhcn"):
            urls = [
                t["url"]
                for t in api.portal.get_tool("portal_workflow").getTransitionsFor(
                    document
                )
            ]
        self.assertIn(
            f"{document.absolute_url()}/@@transition?workflow_action=register", urls
        )


class TestProgressAndCorrection(BrowserCase):
    def test_progress_note(self):
        document = self.assigned({"kind": "user", "id": "chuyenvien.sokhcn"})
        transaction.commit()
        browser = self.browser("chuyenvien.sokhcn")
        browser.open(document.absolute_url())
        browser.getLink(id="doc-tool-progress-note").click()
        browser.getControl(name="percent").value = "140"
        browser.getControl(name="text").value = "Đã họp với các phòng."
        browser.getControl(name="form.submitted").click()
        self.assertTrue(self.page(browser).cssselect("#error-percent"))
        browser.getControl(name="percent").value = "40"
        browser.getControl(name="form.submitted").click()
        latest = self.page(browser).cssselect("#doc-history .phutho-timeline-entry")[-1]
        self.assertEqual(
            latest.cssselect(".phutho-timeline-comment")[0].text,
            "Đã họp với các phòng.",
        )
        self.assertIn("40%", [dd.text for dd in latest.cssselect("dd")])

    def test_progress_note_needs_the_permission(self):
        document = self.submitted()
        transaction.commit()
        browser = self.browser("lanhdao.sokhcn")
        browser.open(document.absolute_url())
        self.assertFalse(self.page(browser).cssselect("#doc-tool-progress-note"))
        with self.assertRaises(Unauthorized):
            browser.open(f"{document.absolute_url()}/@@progress-note")

    def test_clerk_corrects_the_registration(self):
        document = self.submitted()
        transaction.commit()
        browser = self.browser("vanthu.sokhcn")
        browser.open(document.absolute_url())
        browser.getLink(id="doc-tool-correct-registration").click()
        browser.getControl(name="form.widgets.sender_name").value = (
            "Bộ Khoa học và Công nghệ"
        )
        browser.getControl(name="form.buttons.save").click()  # without a reason
        self.assertTrue(self.page(browser).cssselect("#form-widgets-reason"))
        transaction.begin()
        self.assertEqual(document.sender_name, "Bộ Thông tin và Truyền thông")
        browser.getControl(name="form.widgets.reason").value = "Gõ nhầm tên cơ quan."
        browser.getControl(name="form.buttons.save").click()
        transaction.begin()
        self.assertEqual(document.sender_name, "Bộ Khoa học và Công nghệ")
        latest = self.page(browser).cssselect("#doc-history .phutho-timeline-entry")[-1]
        self.assertEqual(
            latest.cssselect(".phutho-timeline-comment")[0].text, "Gõ nhầm tên cơ quan."
        )
        self.assertIn("Bộ Khoa học và Công nghệ", latest.text_content())


class TestOutgoingPage(BrowserCase):
    def test_issued_document_shows_numbers_and_delivery(self):
        recipient = agency(self.portal, "so-noi-vu")
        document = self.as_user(
            "chuyenvien.sokhcn",
            create_outgoing,
            self.agency,
            "cntt",
            internal_recipients=[recipient.UID()],
            external_recipients=["Sở Y tế tỉnh Hà Nam | | vanthu@syt.hanam.gov.vn"],
        )
        for user_id, transition in (
            ("chuyenvien.sokhcn", "submit_for_review"),
            ("truongphong.sokhcn", "submit_for_signature"),
            ("lanhdao.sokhcn", "sign"),
        ):
            self.step(user_id, document, transition)
        transaction.commit()
        browser = self.browser("vanthu.sokhcn")
        browser.open(document.absolute_url())
        browser.getLink(id="doc-action-issue").click()
        browser.getControl(name="form.submitted").click()

        self.assertEqual(self.state(document), "issued")
        fields = self.texts(browser, "#doc-registration dd")
        self.assertIn(document.symbol, fields)
        self.assertIn(format_date(today()), fields)
        self.assertIn("Phòng Công nghệ thông tin", fields)
        self.assertIn("Sở Y tế tỉnh Hà Nam", fields)
        delivery = self.texts(browser, "#doc-delivery tbody tr")
        self.assertEqual(len(delivery), 1)
        self.assertIn("Sở Nội vụ", delivery[0])
        self.assertIn("01", delivery[0])

        # The outgoing register lists it with its signer and recipients.
        browser.open(self.agency["so-di"].absolute_url())
        rows = self.texts(browser, "#register-entries tbody tr")
        row = [r for r in rows if document.symbol in r][0]
        self.assertIn("Nguyễn Mạnh Cường", row)
        self.assertIn("Sở Nội vụ; Sở Y tế tỉnh Hà Nam", row)


class TestDashboard(BrowserCase):
    def section(self, browser, section_id):
        return self.texts(browser, f"#dashboard-{section_id} .phutho-work-title a")

    def test_each_role_sees_its_work(self):
        received = self.incoming(title="Chờ vào sổ", number_symbol="1/A-B")
        secret = self.incoming(
            title="Văn bản mật chờ vào sổ",
            number_symbol="2/A-B",
            secrecy="confidential",
        )
        to_assign = self.submitted(title="Chờ phân công", number_symbol="3/A-B")
        mine = self.assigned(
            {"kind": "user", "id": "chuyenvien.sokhcn"},
            title="Giao cho chuyên viên",
            number_symbol="4/A-B",
        )
        late = self.assigned(
            {"kind": "unit", "id": self.agency["cntt"].UID()},
            title="Đã quá hạn",
            number_symbol="5/A-B",
        )
        late._assignments[0]["deadline"] = in_days(-2)  # assign refuses past dates
        late.reindexObject()
        transaction.commit()
        titles = {d.Title() for d in (received, secret, to_assign, mine, late)}

        clerk = self.browser("vanthu.sokhcn")
        clerk.open(f"{self.portal.absolute_url()}/@@documents-dashboard")
        self.assertLessEqual(
            {received.Title(), secret.Title()}, set(self.section(clerk, "to-register"))
        )
        self.assertFalse(self.page(clerk).cssselect("#dashboard-to-assign"))

        leader = self.browser("lanhdao.sokhcn")
        leader.open(f"{self.agency.absolute_url()}/@@documents-dashboard")
        self.assertIn(to_assign.Title(), self.section(leader, "to-assign"))
        self.assertFalse(self.page(leader).cssselect("#dashboard-to-register"))
        self.assertIn(late.Title(), self.section(leader, "overdue"))
        overdue_row = self.texts(leader, "#dashboard-overdue .phutho-work-item")[0]
        self.assertIn(format_date(in_days(-2)), overdue_row)
        self.assertTrue(
            self.page(leader).cssselect("#dashboard-overdue .badge.bg-danger")
        )

        specialist = self.browser("chuyenvien.sokhcn")
        specialist.open(f"{self.portal.absolute_url()}/@@documents-dashboard")
        self.assertIn(mine.Title(), self.section(specialist, "assigned"))
        self.assertNotIn(late.Title(), self.section(specialist, "assigned"))

        head = self.browser("truongphong.sokhcn")
        head.open(f"{self.portal.absolute_url()}/@@documents-dashboard")
        self.assertIn(late.Title(), self.section(head, "assigned"))  # the unit's work
        self.assertIn(late.Title(), self.section(head, "overdue"))

        # Others see nothing of this agency's secret or unassigned documents.
        for user_id in ("chuyenvien2.sokhcn", "vanthu.snv", "quantri"):
            browser = self.browser(user_id)
            browser.open(f"{self.portal.absolute_url()}/@@documents-dashboard")
            shown = set(self.texts(browser, ".phutho-work-title a"))
            with self.subTest(user=user_id):
                self.assertFalse(titles & shown)

    def test_outgoing_drafts_by_step(self):
        steps = (
            ("chuyenvien.sokhcn", "submit_for_review"),
            ("truongphong.sokhcn", "submit_for_signature"),
            ("lanhdao.sokhcn", "sign"),
        )
        drafts = []
        for count in (1, 2, 3):  # how far each draft goes
            draft = self.as_user(
                "chuyenvien.sokhcn",
                create_outgoing,
                self.agency,
                "cntt",
                title=f"Dự thảo {count}",
            )
            for user_id, transition in steps[:count]:
                self.step(user_id, draft, transition)
            drafts.append(draft)
        transaction.commit()
        for user_id, section_id, draft in (
            ("truongphong.sokhcn", "to-review", drafts[0]),
            ("lanhdao.sokhcn", "to-sign", drafts[1]),
            ("vanthu.sokhcn", "to-issue", drafts[2]),
        ):
            browser = self.browser(user_id)
            browser.open(f"{self.portal.absolute_url()}/@@documents-dashboard")
            titles = self.section(browser, section_id)
            with self.subTest(user=user_id):
                self.assertEqual([d for d in drafts if d.Title() in titles], [draft])
                row = self.texts(browser, f"#dashboard-{section_id} .phutho-work-item")
                row = row[titles.index(draft.Title())]
                self.assertIn("Phòng Công nghệ thông tin", row)  # the drafting unit
        # The drafter follows them elsewhere: these sections are not his.
        browser = self.browser("chuyenvien.sokhcn")
        browser.open(f"{self.portal.absolute_url()}/@@documents-dashboard")
        for section_id in (
            "to-review",
            "to-sign",
            "to-issue",
            "to-register",
            "to-assign",
        ):
            self.assertFalse(self.page(browser).cssselect(f"#dashboard-{section_id}"))

    def test_secret_document_only_to_its_people(self):
        secret = self.assigned(
            {"kind": "user", "id": "chuyenvien.sokhcn"},
            title="Kế hoạch bảo vệ bí mật",
            secrecy="confidential",
            number_symbol="9/KH-CAT",
        )
        transaction.commit()
        for user_id, visible in (
            ("chuyenvien.sokhcn", True),
            ("truongphong.sokhcn", False),
            ("chuyenvien2.sokhcn", False),
        ):
            browser = self.browser(user_id)
            browser.open(f"{self.portal.absolute_url()}/@@documents-dashboard")
            with self.subTest(user=user_id):
                self.assertEqual(
                    secret.Title() in self.texts(browser, ".phutho-work-title a"),
                    visible,
                )

    def test_anonymous_is_asked_to_sign_in(self):
        with self.assertRaises(Unauthorized):
            self.browser().open(f"{self.portal.absolute_url()}/@@documents-dashboard")


class TestRegisterPage(BrowserCase):
    def test_entries_in_number_order_and_csv(self):
        documents = []
        for index in range(3):
            document = self.incoming(
                title=f"Văn bản số {index}", number_symbol=f"{50 + index}/UBND-VX"
            )
            self.step("vanthu.sokhcn", document, "register")
            documents.append(document)
        transaction.commit()
        register = self.agency["so-den"]
        browser = self.browser("vanthu.sokhcn")
        browser.open(register.absolute_url())

        headers = self.texts(browser, "#register-entries thead th")
        self.assertEqual(headers, list(INCOMING_COLUMNS))
        rows = [
            [" ".join(td.text_content().split()) for td in tr.cssselect("td")]
            for tr in self.page(browser).cssselect("#register-entries tbody tr")
        ]
        numbers = [int(row[1]) for row in rows]
        self.assertEqual(numbers, sorted(numbers))
        ours = [row for row in rows if row[3] in {d.number_symbol for d in documents}]
        self.assertEqual(
            [row[1] for row in ours],
            [format_number(d.arrival_number) for d in documents],
        )
        self.assertEqual(ours[0][0], format_date(today()))
        self.assertEqual(ours[0][5], "Công văn – Văn bản số 0")

        # Another month has none of them.
        browser.getLink(id="period-previous").click()
        self.assertFalse(
            set(self.texts(browser, "#register-entries td"))
            & {d.number_symbol for d in documents}
        )

        browser.open(
            f"{register.absolute_url()}/@@register-export?year={today().year}&month={today().month}"
        )
        self.assertIn("attachment", browser.headers["Content-Disposition"])
        self.assertTrue(browser.headers["Content-Type"].startswith("text/csv"))
        body = browser.contents  # decoded as the response's charset, UTF-8
        self.assertTrue(body.startswith(codecs.BOM_UTF8.decode("utf-8")))
        table = list(csv.reader(io.StringIO(body[1:])))
        self.assertEqual(table[0], list(INCOMING_COLUMNS))
        self.assertEqual(
            [row[1] for row in table[1:]], [format_number(n) for n in numbers]
        )

    def test_specialists_do_not_see_registers(self):
        transaction.commit()
        browser = self.browser("chuyenvien.sokhcn")
        browser.handleErrors = True
        browser.open(self.agency["so-den"].absolute_url())
        self.assertTrue(browser.url.endswith("/insufficient-privileges"))
        self.assertFalse(self.page(browser).cssselect("#register-entries"))


class TestAgencyPage(BrowserCase):
    def test_units_and_links_by_role(self):
        transaction.commit()
        url = self.agency.absolute_url()

        anonymous = self.browser()
        anonymous.open(url)
        units = self.texts(anonymous, "#agency-units li")
        self.assertEqual(len(units), 3)
        self.assertIn("Phòng Công nghệ thông tin", units[0])
        self.assertIn("Phan Văn Long", units[0])
        self.assertIn(
            "tel:02103811336",
            [
                a.get("href")
                for a in self.page(anonymous).cssselect("#agency-contact a")
            ],
        )
        self.assertFalse(
            self.page(anonymous).cssselect(
                "#agency-link-add-incoming, #agency-link-add-outgoing"
            )
        )
        self.assertFalse(self.page(anonymous).cssselect("#agency-registers"))

        clerk = self.browser("vanthu.sokhcn")
        clerk.open(url)
        self.assertTrue(self.page(clerk).cssselect("#agency-link-add-incoming"))
        # Incoming, outgoing, their secret pair and the copies register.
        self.assertEqual(len(self.texts(clerk, "#agency-registers li")), 5)
        clerk.getLink(id="agency-link-dashboard").click()
        self.assertTrue(self.page(clerk).cssselect("#phutho-dashboard"))

        specialist = self.browser("chuyenvien.sokhcn")
        specialist.open(url)
        self.assertFalse(self.page(specialist).cssselect("#agency-link-add-incoming"))
        self.assertTrue(self.page(specialist).cssselect("#agency-link-add-outgoing"))

        other_clerk = self.browser("vanthu.snv")  # a clerk, of another agency
        other_clerk.open(url)
        self.assertFalse(self.page(other_clerk).cssselect("#agency-link-add-incoming"))


class TestAnnexUpload(unittest.TestCase):
    """The document page offers "Add an annex" while the workflow allows it."""

    layer = PHUTHO_DEMO_FUNCTIONAL_TESTING

    def test_clerk_adds_an_annex_to_a_received_document(self):
        portal = self.layer["portal"]
        login(portal, "vanthu.sokhcn")
        doc = create_incoming(
            agency(portal, "so-khcn"), number_symbol="901/BTTTT-CĐSQG"
        )
        transaction.commit()
        browser = signed_in_browser(self.layer["app"], "vanthu.sokhcn")
        browser.open(doc.absolute_url())
        browser.getLink(url="++add++Annex").click()
        browser.getControl(name="form.widgets.title").value = "Phụ lục danh sách"
        browser.getControl(name="form.widgets.file").add_file(
            b"%PDF-1.4 phu luc\n%%EOF\n", "application/pdf", "phu-luc.pdf"
        )
        browser.getControl(name="form.buttons.save").click()
        self.assertEqual([a.title for a in doc.objectValues()], ["Phụ lục danh sách"])
        browser.open(doc.absolute_url())
        self.assertIn("Phụ lục danh sách", browser.contents)
        # Registered: the clerk still may; submitted to the leader: no more.
        do_transition(doc, "register")
        transaction.commit()
        browser.open(doc.absolute_url())
        self.assertIn("++add++Annex", browser.contents)
        do_transition(doc, "submit")
        transaction.commit()
        browser.open(doc.absolute_url())
        self.assertNotIn("++add++Annex", browser.contents)


class TestSenderNotices(unittest.TestCase):
    """A recipient's copy says when the sender recalls or replaces it."""

    layer = PHUTHO_DEMO_FUNCTIONAL_TESTING

    def test_recall_notice(self):
        portal = self.layer["portal"]
        login(portal, "vanthu.sokhcn")
        doc = create_incoming(
            agency(portal, "so-khcn"), number_symbol="902/BTTTT-CĐSQG"
        )
        doc.recall = "requested"
        doc.replaced_by = "07/SKHCN-CNTT"
        transaction.commit()
        browser = signed_in_browser(
            self.layer["app"], "vanthu.sokhcn", handle_errors=True
        )
        browser.open(doc.absolute_url())
        alerts = html.fromstring(browser.contents).cssselect(".alert-warning")
        self.assertEqual(len(alerts), 2)
        self.assertIn("07/SKHCN-CNTT", alerts[1].text_content())
        self.assertIn("accept_recall", browser.contents)  # the answer is offered


class TestWebmasterBuildsTheStructure(unittest.TestCase):
    """A webmaster adds an agency and a unit through the forms; their
    groups and local roles follow."""

    layer = PHUTHO_DEMO_FUNCTIONAL_TESTING

    def test_add_agency_and_unit(self):
        portal = self.layer["portal"]
        browser = signed_in_browser(self.layer["app"], "quantri")
        browser.open(portal.absolute_url() + "/co-quan/++add++Agency")
        browser.getControl(name="form.widgets.title").value = "Sở Y tế"
        browser.getControl(name="form.widgets.short_name").value = "SYT"
        browser.getControl(name="form.widgets.organ_id").value = "SYT-01"
        browser.getControl(name="form.buttons.save").click()
        self.assertIn(
            "000.00.00.G22", browser.contents
        )  # the OrganId rule, in the form
        browser.getControl(name="form.widgets.organ_id").value = "000.00.14.H43"
        browser.getControl(name="form.buttons.save").click()
        agency_obj = portal["co-quan"]["so-y-te"]
        self.assertEqual(agency_obj.short_name, "SYT")
        browser.open(agency_obj.absolute_url() + "/++add++Unit")
        browser.getControl(name="form.widgets.title").value = "Phòng Nghiệp vụ Y"
        browser.getControl(name="form.widgets.short_name").value = "NVY"
        browser.getControl(name="form.buttons.save").click()
        self.assertIn("phong-nghiep-vu-y", agency_obj)
        for group_id in (
            "so-y-te-clerks",
            "so-y-te-leaders",
            "so-y-te-phong-nghiep-vu-y-specialists",
        ):
            self.assertIsNotNone(api.group.get(groupname=group_id), group_id)
        self.assertIn("Clerk", agency_obj.get_local_roles_for_userid("so-y-te-clerks"))

    def test_officials_cannot_add_agencies(self):
        portal = self.layer["portal"]
        browser = signed_in_browser(
            self.layer["app"], "lanhdao.sokhcn", handle_errors=True
        )
        browser.open(portal.absolute_url() + "/co-quan/++add++Agency")
        # Plone sends signed-in users without the permission to this page.
        self.assertTrue(browser.url.endswith("/insufficient-privileges"), browser.url)
        self.assertNotIn("form.widgets.organ_id", browser.contents)

    def test_paste_where_it_does_not_fit_is_a_message(self):
        portal = self.layer["portal"]
        browser = signed_in_browser(self.layer["app"], "quantri")
        agency_url = portal.absolute_url() + "/co-quan/so-khcn"
        browser.open(agency_url)
        token = re.search(
            r'name="_authenticator" value="([^"]+)"', browser.contents
        ) or re.search(r"_authenticator=([0-9a-f]+)", browser.contents)
        browser.open(f"{agency_url}/object_copy?_authenticator={token.group(1)}")
        # An agency inside an agency: refused with a message, nothing pasted.
        browser.open(f"{agency_url}/object_paste?_authenticator={token.group(1)}")
        self.assertEqual(browser.url, agency_url)
        self.assertIn("Không dán được các mục này vào đây.", browser.contents)
        self.assertNotIn("Disallowed subobject type", browser.contents)
        self.assertNotIn("copy_of_so-khcn", portal["co-quan"]["so-khcn"].objectIds())
        # What fits is pasted as in Plone.
        news = portal["tin-tuc"]
        item = news.objectIds()[0]
        browser.open(
            f"{news.absolute_url()}/{item}/object_copy?_authenticator={token.group(1)}"
        )
        browser.open(
            f"{news.absolute_url()}/object_paste?_authenticator={token.group(1)}"
        )
        transaction.begin()
        self.assertIn(f"copy_of_{item}", news.objectIds())
