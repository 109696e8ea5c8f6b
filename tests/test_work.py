"""Daily work (issue 13): dashboards that follow the work, the personal
bar's counts, landing on one's work, forms that guess right, messages that
say what happened, bylines where they mean something, and the 1006 → 1007
upgrade. Pages through zope.testbrowser, the API over HTTP."""

from datetime import timedelta
from lxml import html
from phutho.intranet.dates import format_date
from phutho.intranet.dates import today
from phutho.intranet.numbering.symbol import format_number
from phutho.intranet.testing import agency
from phutho.intranet.testing import create_incoming
from phutho.intranet.testing import create_outgoing
from phutho.intranet.testing import DEMO_PASSWORD
from phutho.intranet.testing import PHUTHO_DEMO_SERVER_TESTING
from phutho.intranet.testing import RestSession
from phutho.intranet.testing import signed_in_browser
from phutho.intranet.work import sections
from phutho.intranet.work.counts import summary
from phutho.intranet.work.people import worker
from phutho.intranet.workflow.api import do_transition
from plone import api
from plone.app.testing import login
from plone.app.testing import logout
from Products.GenericSetup.upgrade import listUpgradeSteps
from urllib.parse import urlencode

import re
import transaction
import unittest

CLERK = "vanthu.sokhcn"
LEADER = "lanhdao.sokhcn"
HEAD = "truongphong.sokhcn"
SPECIALIST = "chuyenvien.sokhcn"
OTHER_SPECIALIST = "chuyenvien2.sokhcn"


def in_days(days):
    return today() + timedelta(days=days)


class WorkCase(unittest.TestCase):
    layer = PHUTHO_DEMO_SERVER_TESTING

    def setUp(self):
        self.app = self.layer["app"]
        self.portal = self.layer["portal"]
        self.agency = agency(self.portal, "so-khcn")
        self.sessions = []

    def tearDown(self):
        for session in self.sessions:
            session.close()

    # -- fixtures, each step as the person whose job it is --

    def as_user(self, user_id, function, *args, **kwargs):
        with api.env.adopt_user(username=user_id):
            return function(*args, **kwargs)

    def step(self, user_id, document, transition, comment="", **data):
        self.as_user(
            user_id, do_transition, document, transition, comment=comment, data=data
        )

    def incoming(self, steps=(), **fields):
        fields.setdefault("number_symbol", f"{len(self.created()) + 1}/KH-TEST")
        document = self.as_user(CLERK, create_incoming, self.agency, **fields)
        for user_id, transition, data in steps:
            self.step(user_id, document, transition, **data)
        return document

    def created(self):
        catalog = api.portal.get_tool("portal_catalog")
        return catalog.unrestrictedSearchResults(portal_type="IncomingDocument")

    def assign_data(self, days=7, unit="cntt", user=None):
        if user:
            lead = {"kind": "user", "id": user}
        else:
            lead = {"kind": "unit", "id": self.agency[unit].UID()}
        return {"lead": dict(lead, deadline=in_days(days).isoformat())}

    def to_assign(self):
        return ((CLERK, "register", {}), (CLERK, "submit", {}))

    def browser(self, user_id=None):
        return signed_in_browser(self.app, user_id)

    def rest(self, user_id):
        session = RestSession(self.portal.absolute_url(), auth=(user_id, DEMO_PASSWORD))
        self.sessions.append(session)
        return session

    def page(self, browser):
        return html.fromstring(browser.contents)

    def texts(self, browser, selector):
        return [
            " ".join(e.text_content().split())
            for e in self.page(browser).cssselect(selector)
        ]

    def dashboard(self, user_id, **params):
        browser = self.browser(user_id)
        query = f"?{urlencode(params)}" if params else ""
        browser.open(f"{self.portal.absolute_url()}/@@documents-dashboard{query}")
        return browser

    def titles(self, browser, section_id):
        return self.texts(browser, f"#dashboard-{section_id} .phutho-work-title a")

    def count(self, browser, section_id):
        found = self.texts(browser, f"#summary-{section_id} .phutho-work-card-count")
        return int(found[0]) if found else None


class TestDashboards(WorkCase):
    def test_clerk_follows_received_registered_returned_and_to_issue(self):
        received = self.incoming(title="Mới đến")
        registered = self.incoming(title="Đã vào sổ", steps=((CLERK, "register", {}),))
        sent_back = self.incoming(title="Lãnh đạo trả lại", steps=self.to_assign())
        self.step(LEADER, sent_back, "send_back", comment="Chuyển Sở Tài chính.")
        wrong = self.incoming(title="Gửi nhầm")
        self.step(CLERK, wrong, "return_to_sender", comment="Gửi nhầm cơ quan.")
        transaction.commit()

        browser = self.dashboard(CLERK)
        self.assertIn(received.Title(), self.titles(browser, "to-register"))
        submit = self.titles(browser, "to-submit")
        self.assertEqual(
            {registered.Title(), sent_back.Title()} & set(submit),
            {registered.Title(), sent_back.Title()},
        )
        self.assertEqual(
            set(self.titles(browser, "returned")), {sent_back.Title(), wrong.Title()}
        )
        row = [
            r
            for r in self.texts(browser, "#dashboard-to-submit .phutho-work-item")
            if sent_back.Title() in r
        ][0]
        self.assertIn("Bị trả lại", row)
        self.assertIn("Trình lãnh đạo", row)  # the row's next step
        # The summary counts what each section holds.
        self.assertEqual(self.count(browser, "returned"), 2)
        self.assertFalse(self.page(browser).cssselect("#dashboard-to-assign"))

        # Presenting from the dashboard: one button, back to the dashboard.
        form = browser.getForm(
            action=re.escape(f"{registered.absolute_url()}/@@transition"), index=0
        )
        form.submit(name="form.submitted")
        self.assertIn("@@documents-dashboard", browser.url)
        self.assertIn("Đã trình lãnh đạo.", self.texts(browser, ".portalMessage")[0])
        transaction.begin()
        self.assertEqual(api.content.get_state(registered), "submitted")
        self.assertNotIn(registered.Title(), self.titles(browser, "to-submit"))

    def test_leader_follows_what_he_assigned(self):
        first = self.incoming(title="Giao phòng CNTT", steps=self.to_assign())
        second = self.incoming(title="Giao chuyên viên", steps=self.to_assign())
        self.step(LEADER, first, "assign", **self.assign_data(days=3))
        self.step(LEADER, second, "assign", **self.assign_data(user=SPECIALIST))
        self.step(HEAD, first, "reassign", handler=SPECIALIST)
        self.step(SPECIALIST, first, "start")
        self.as_user(
            SPECIALIST,
            __import__(
                "phutho.intranet.workflow.progress", fromlist=["add_progress_note"]
            ).add_progress_note,
            first,
            "Đã tổng hợp",
            40,
        )
        late = self.incoming(title="Quá hạn", steps=self.to_assign())
        self.step(LEADER, late, "assign", **self.assign_data(days=1))
        late._assignments[0]["deadline"] = in_days(-2)
        late.reindexObject()
        transaction.commit()

        browser = self.dashboard(LEADER)
        mine = self.titles(browser, "assigned-by-me")
        self.assertLessEqual({first.Title(), second.Title(), late.Title()}, set(mine))
        row = [
            r
            for r in self.texts(browser, "#dashboard-assigned-by-me .phutho-work-item")
            if first.Title() in r
        ][0]
        self.assertIn("Phòng Công nghệ thông tin → Lý Thị Hương", row)
        self.assertIn("40%", row)
        self.assertIn("Đang xử lý", row)
        # Overdue by unit: the unit's late work and how much it has.
        units = self.texts(browser, "#dashboard-overdue-by-unit tbody tr")
        self.assertEqual(len(units), 1)
        self.assertIn("Phòng Công nghệ thông tin", units[0])
        self.assertTrue(units[0].split()[-2:][0].isdigit())

        # Completed work stays in his list, with its state.
        self.step(SPECIALIST, first, "complete")
        transaction.commit()
        browser = self.dashboard(LEADER, section="assigned-by-me", state="completed")
        self.assertEqual(self.titles(browser, "assigned-by-me"), [first.Title()])
        self.assertIn("100%", self.texts(browser, ".phutho-work-item")[0])

    def test_specialist_drafts_follow_her_and_show_reply_deadline(self):
        draft = self.as_user(
            SPECIALIST,
            create_outgoing,
            self.agency,
            "cntt",
            title="Dự thảo trả lời",
            drafter=SPECIALIST,
            reply_deadline=in_days(4),
        )
        due = self.incoming(title="Hạn trong tuần", steps=self.to_assign())
        self.step(LEADER, due, "assign", **self.assign_data(days=0, user=SPECIALIST))
        transaction.commit()
        browser = self.dashboard(SPECIALIST)
        self.assertIn(draft.Title(), self.titles(browser, "my-drafts"))
        headings = self.texts(browser, "#dashboard-my-drafts th")
        self.assertIn("Hạn trả lời", headings)
        self.assertNotIn("Hạn xử lý", headings)
        # Its row (the catalog's modified index counts minutes: the demo's
        # draft made in the same minute may come first).
        (row,) = [
            r
            for r in self.texts(browser, "#dashboard-my-drafts .phutho-work-item")
            if draft.Title() in r
        ]
        self.assertIn(format_date(in_days(4)), row)
        self.assertIn(due.Title(), self.titles(browser, "due-this-week"))

        # On its way through review and signature it stays hers.
        self.step(SPECIALIST, draft, "submit_for_review")
        self.step(HEAD, draft, "submit_for_signature")
        transaction.commit()
        browser = self.dashboard(SPECIALIST)
        row = [
            r
            for r in self.texts(browser, "#dashboard-my-drafts .phutho-work-item")
            if draft.Title() in r
        ][0]
        self.assertIn("Đã trình ký", row)
        # The head saw it to review; once sent on, it waits for the leader.
        head = self.dashboard(HEAD)
        self.assertNotIn(draft.Title(), self.titles(head, "to-review"))
        leader = self.dashboard(LEADER)
        self.assertIn(draft.Title(), self.titles(leader, "to-sign"))

    def test_filters_sort_and_batches(self):
        for number in range(1, 24):
            self.incoming(
                title=f"Văn bản số {number:02d}",
                number_symbol=f"{number}/TB-SYT",
                document_type="thong-bao" if number % 2 else "cong-van",
                urgency="urgent" if number == 7 else "normal",
                steps=((CLERK, "register", {}),),
            )
        transaction.commit()
        browser = self.dashboard(CLERK, section="to-submit")
        self.assertEqual(len(self.texts(browser, ".phutho-work-item")), 20)
        self.assertIn("1–20", self.texts(browser, ".phutho-batch-position")[0])
        browser.getLink(url="b_start=20").click()
        self.assertEqual(len(self.texts(browser, ".phutho-work-item")), 3)

        # Sorted on the arrival number, both ways, from the column heading.
        browser = self.dashboard(CLERK, section="to-submit", sort_on="number")
        numbers = [
            int(n.split()[-1]) for n in self.texts(browser, ".phutho-arrival-number")
        ]
        self.assertEqual(numbers, sorted(numbers))
        header = self.page(browser).cssselect("th.phutho-col-number")[0]
        self.assertEqual(header.get("aria-sort"), "ascending")
        browser.getLink(url="sort_on=number&sort_order=descending").click()
        numbers = [
            int(n.split()[-1]) for n in self.texts(browser, ".phutho-arrival-number")
        ]
        self.assertEqual(numbers, sorted(numbers, reverse=True))

        # Type, urgency and issuing agency (without diacritics) filter.
        browser = self.dashboard(
            CLERK, section="to-submit", document_type="thong-bao", b_size=50
        )
        self.assertEqual(len(self.texts(browser, ".phutho-work-item")), 12)
        self.assertEqual(self.count(browser, "to-submit"), 23)  # the section's own
        browser = self.dashboard(CLERK, section="to-submit", urgency="urgent")
        self.assertEqual(self.titles(browser, "to-submit"), ["Văn bản số 07"])
        browser = self.dashboard(
            CLERK, section="to-submit", issuer="bo thong tin", b_size=50
        )
        self.assertEqual(len(self.texts(browser, ".phutho-work-item")), 23)
        browser = self.dashboard(CLERK, section="to-submit", issuer="so y te")
        self.assertEqual(self.texts(browser, ".phutho-work-item"), [])
        # A value no filter takes is said, not a site error.
        browser = self.dashboard(CLERK, section="to-submit", document_type="nope")
        self.assertTrue(self.page(browser).cssselect(".alert-danger"))

        # The same through the API, with the same refusal.
        api_ = self.rest(CLERK)
        response = api_.get(
            "@my-work/to-submit",
            params={"document_type": "thong-bao", "sort_on": "number", "b_size": 5},
        )
        self.assertEqual(response.status_code, 200, response.text)
        body = response.json()
        self.assertEqual(body["items_total"], 12)
        self.assertEqual(len(body["items"]), 5)
        self.assertIn("next", body["batching"])
        self.assertEqual(
            [item["arrival_number"] for item in body["items"]],
            sorted(item["arrival_number"] for item in body["items"]),
        )
        refused = api_.get("@my-work/to-submit", params={"urgency": "x"})
        self.assertEqual(refused.status_code, 400)
        self.assertEqual(refused.json()["error"]["field"], "urgency")
        self.assertEqual(api_.get("@my-work/to-sign").status_code, 404)  # not hers

    def test_overdue_filter_and_period(self):
        late = self.incoming(title="Trễ hạn", steps=self.to_assign())
        self.step(LEADER, late, "assign", **self.assign_data(days=1))
        late._assignments[0]["deadline"] = in_days(-1)
        late.reindexObject()
        on_time = self.incoming(title="Còn hạn", steps=self.to_assign())
        self.step(LEADER, on_time, "assign", **self.assign_data(days=5))
        transaction.commit()
        browser = self.dashboard(HEAD, section="assigned", overdue="1")
        self.assertEqual(self.titles(browser, "assigned"), [late.Title()])
        browser = self.dashboard(HEAD, section="assigned", period="week")
        self.assertLessEqual(
            {late.Title(), on_time.Title()}, set(self.titles(browser, "assigned"))
        )
        browser = self.dashboard(
            HEAD,
            section="assigned",
            date_from=in_days(1).isoformat(),
        )
        self.assertEqual(self.titles(browser, "assigned"), [])

    def test_anonymous_gets_401_from_the_api(self):
        response = RestSession(self.portal.absolute_url()).get("@my-work")
        self.assertEqual(response.status_code, 401)


class TestPersonalBarAndLanding(WorkCase):
    def test_counts_in_the_personal_bar_follow_the_work(self):
        transaction.commit()
        browser = self.browser(CLERK)
        browser.open(self.portal.absolute_url())
        before = int(self.texts(browser, "#phutho-personal-waiting")[0])
        self.incoming(title="Vừa đến")
        transaction.commit()
        browser.open(self.portal.absolute_url())
        self.assertEqual(
            int(self.texts(browser, "#phutho-personal-waiting")[0]), before + 1
        )
        # The front page shows the same work, section by section.
        cards = self.texts(browser, "#phutho-home-work .phutho-work-card")
        self.assertTrue(any("Văn bản đến chờ vào sổ" in card for card in cards))
        # The API says the same number.
        self.assertEqual(self.rest(CLERK).get("@my-work").json()["waiting"], before + 1)
        # A webmaster working in no agency has no work link.
        browser = self.browser("quantri")
        browser.open(self.portal.absolute_url())
        self.assertEqual(self.texts(browser, "#phutho-personal-work"), [])
        self.assertEqual(self.texts(browser, "#phutho-home-work"), [])

    def test_summary_counts_are_remembered_until_the_catalog_changes(self):
        login(self.portal, CLERK)
        first = summary()
        catalog = api.portal.get_tool("portal_catalog")
        counter = catalog.getCounter()
        self.assertEqual(summary(), first)
        self.incoming(title="Thêm một văn bản")
        self.assertNotEqual(catalog.getCounter(), counter)
        self.assertEqual(summary()["waiting"], first["waiting"] + 1)
        logout()

    def test_officials_land_on_their_work(self):
        transaction.commit()
        for user_id, lands_on_work in ((CLERK, True), ("quantri", False)):
            browser = self.browser()
            browser.open(f"{self.portal.absolute_url()}/login")
            browser.getControl(name="__ac_name").value = user_id
            browser.getControl(name="__ac_password").value = DEMO_PASSWORD
            browser.getControl(name="buttons.login").click()
            with self.subTest(user=user_id):
                self.assertEqual(
                    browser.url.endswith("@@documents-dashboard"), lands_on_work
                )
        # Someone coming from a page goes back to it.
        page = f"{self.agency.absolute_url()}"
        browser = self.browser()
        browser.open(f"{self.portal.absolute_url()}/login?came_from={page}")
        browser.getControl(name="__ac_name").value = CLERK
        browser.getControl(name="__ac_password").value = DEMO_PASSWORD
        browser.getControl(name="buttons.login").click()
        self.assertEqual(browser.url, page)


class TestFormsGuessRight(WorkCase):
    def test_outgoing_add_form_starts_from_the_drafter(self):
        transaction.commit()
        browser = self.browser(OTHER_SPECIALIST)  # of the Văn phòng
        browser.open(f"{self.agency.absolute_url()}/++add++OutgoingDocument")
        document_type = browser.getControl(name="form.widgets.document_type:list")
        self.assertEqual(document_type.value, ["--NOVALUE--"])
        unit = browser.getControl(name="form.widgets.drafting_unit:list")
        self.assertEqual(unit.value, [self.agency["vp"].UID()])
        drafter = browser.getControl(name="form.widgets.drafter:list")
        self.assertEqual(drafter.value, [OTHER_SPECIALIST])
        # Saved without a type: refused at the field, nothing filed.
        browser.getControl(name="form.widgets.title").value = "Dự thảo thử"
        browser.getControl(name="form.buttons.save").click()
        self.assertIn("++add++OutgoingDocument", browser.url)
        self.assertTrue(
            self.page(browser).cssselect(
                "#formfield-form-widgets-document_type .invalid-feedback"
            )
        )

    def test_incoming_add_form_type_starts_empty(self):
        transaction.commit()
        browser = self.browser(CLERK)
        browser.open(f"{self.agency.absolute_url()}/++add++IncomingDocument")
        self.assertEqual(
            browser.getControl(name="form.widgets.document_type:list").value,
            ["--NOVALUE--"],
        )

    def test_assignment_form(self):
        document = self.incoming(
            title="Phân công có hạn",
            processing_deadline=in_days(9),
            steps=self.to_assign(),
        )
        transaction.commit()
        browser = self.browser(LEADER)
        browser.open(f"{document.absolute_url()}/@@transition?workflow_action=assign")
        # The deadline starts from the document's.
        self.assertEqual(
            browser.getControl(name="deadline").value, in_days(9).isoformat()
        )
        lead = browser.getControl(name="lead")
        labels = dict(zip(lead.options, lead.displayOptions))
        self.assertEqual(
            labels[f"user:{SPECIALIST}"],
            "Lý Thị Hương — Chuyên viên, Phòng Công nghệ thông tin",
        )
        self.assertIn("Lãnh đạo phòng", labels[f"user:{HEAD}"])
        self.assertNotIn(f"user:{LEADER}", lead.options)
        self.assertNotIn(f"user:{CLERK}", lead.options)
        # Co-ordinators are ticked, no Ctrl-click.
        boxes = self.page(browser).cssselect(
            "#transition-coordinators input[type=checkbox]"
        )
        self.assertGreater(len(boxes), 3)
        lead.value = [f"unit:{self.agency['cntt'].UID()}"]
        browser.getControl(name="coordinators:list").value = [
            f"unit:{self.agency['vp'].UID()}",
            f"user:{OTHER_SPECIALIST}",
        ]
        browser.getControl(name="form.submitted").click()
        message = self.texts(browser, ".portalMessage")[0]
        self.assertIn(
            f"Đã phân công: Phòng Công nghệ thông tin, hạn {format_date(in_days(9))}.",
            message,
        )
        transaction.begin()
        roles = [e["role"] for e in document._assignments]
        self.assertEqual(roles, ["lead", "coordinator", "coordinator"])
        # The registered deadline stays under "Thông tin vào sổ" when the
        # assignment's own changes.
        document._assignments[0]["deadline"] = in_days(3)
        transaction.commit()
        browser.open(document.absolute_url())
        registration = " ".join(self.texts(browser, "#doc-registration dd"))
        self.assertIn(format_date(in_days(9)), registration)
        self.assertNotIn(format_date(in_days(3)), registration)
        self.assertIn(
            format_date(in_days(3)),
            " ".join(self.texts(browser, "#doc-assignments li")),
        )

    def test_head_hands_over(self):
        document = self.incoming(title="Giao xử lý", steps=self.to_assign())
        self.step(LEADER, document, "assign", **self.assign_data(days=6))
        transaction.commit()
        browser = self.browser(HEAD)
        browser.open(document.absolute_url())
        button = browser.getLink(id="doc-action-reassign")
        self.assertEqual(button.text, "Giao xử lý")
        button.click()
        self.assertEqual(self.texts(browser, "h1.documentFirstHeading"), ["Giao xử lý"])
        self.assertEqual(
            browser.getControl(name="deadline").value, in_days(6).isoformat()
        )
        handler = browser.getControl(name="handler")
        handler.value = [SPECIALIST]
        browser.getControl(name="form.submitted").click()
        self.assertIn(
            f"Đã giao xử lý cho Lý Thị Hương, hạn {format_date(in_days(6))}.",
            self.texts(browser, ".portalMessage")[0],
        )
        entry = self.page(browser).cssselect("#doc-history .phutho-timeline-entry")[-1]
        self.assertIn("Giao xử lý", entry.text_content())
        self.assertNotIn("Phân công lại", entry.text_content())
        # A leader re-assigning is still "Phân công lại".
        browser = self.browser(LEADER)
        browser.open(document.absolute_url())
        self.assertEqual(
            browser.getLink(id="doc-action-reassign").text, "Phân công lại"
        )

    def test_messages_say_what_happened(self):
        document = self.incoming(title="Vào sổ có số")
        draft = self.as_user(
            SPECIALIST,
            create_outgoing,
            self.agency,
            "cntt",
            title="Phát hành có số",
            internal_recipients=[agency(self.portal, "so-noi-vu").UID()],
        )
        for user_id, transition in (
            (SPECIALIST, "submit_for_review"),
            (HEAD, "submit_for_signature"),
            (LEADER, "sign"),
        ):
            self.step(user_id, draft, transition)
        transaction.commit()
        browser = self.browser(CLERK)
        browser.open(f"{document.absolute_url()}/@@transition?workflow_action=register")
        browser.getControl(name="form.submitted").click()
        transaction.begin()
        number = format_number(document.arrival_number)
        self.assertIn(
            f"Đã vào sổ, số đến {number}.", self.texts(browser, ".portalMessage")[0]
        )
        browser.open(f"{draft.absolute_url()}/@@transition?workflow_action=issue")
        browser.getControl(name="form.submitted").click()
        transaction.begin()
        self.assertIn(
            f"Đã phát hành: {draft.symbol}.", self.texts(browser, ".portalMessage")[0]
        )


class TestBylines(WorkCase):
    def test_bylines_only_on_authored_content(self):
        transaction.commit()
        browser = self.browser(CLERK)
        for url in (
            self.agency.absolute_url(),
            f"{self.portal.absolute_url()}/@@documents-dashboard",
            self.agency["so-den"].absolute_url(),
            self.portal.absolute_url(),
        ):
            browser.open(url)
            with self.subTest(url=url):
                self.assertEqual(self.texts(browser, "#section-byline"), [])
        news = self.portal["tin-tuc"].objectValues()[0]
        browser.open(news.absolute_url())
        self.assertTrue(self.texts(browser, "#section-byline"))


class TestUpgrade(WorkCase):
    def test_1006_to_1007_adds_and_fills_the_indexes(self):
        from phutho.intranet.upgrades.v1007 import add_work_indexes
        from phutho.intranet.upgrades.v1007 import COLUMNS
        from phutho.intranet.upgrades.v1007 import INDEXES
        from phutho.intranet.upgrades.v1007 import work_settings

        document = self.incoming(title="Trước nâng cấp", steps=self.to_assign())
        self.step(LEADER, document, "assign", **self.assign_data(days=4))
        catalog = api.portal.get_tool("portal_catalog")
        for name in INDEXES:
            catalog.delIndex(name)
        for name in COLUMNS:
            catalog.delColumn(name)
        self.assertEqual(sorted(add_work_indexes()), sorted([*INDEXES, *COLUMNS]))
        brains = catalog.unrestrictedSearchResults(
            assigned_by=LEADER, last_transition="assign", UID=document.UID()
        )
        self.assertEqual(len(brains), 1)
        self.assertEqual(brains[0].work_lead, "Phòng Công nghệ thông tin")
        self.assertEqual(brains[0].issuer, document.sender_name)
        self.assertEqual(add_work_indexes(), [])  # run again: nothing to do
        # News are published (xuất bản), folders offer what belongs.
        wftool = api.portal.get_tool("portal_workflow")
        published = wftool["simple_publication_workflow"].states["published"]
        published.title = "Published"
        self.assertIn("tin-tuc", work_settings())
        self.assertEqual(published.title, "Published on the portal")
        # Both are steps of 1006 -> 1007.
        steps = listUpgradeSteps(
            api.portal.get_tool("portal_setup"), "phutho.intranet:default", "1006"
        )
        handlers = {
            step["step"].handler.__name__
            for group in steps
            for step in (group if isinstance(group, list) else [group])
            if step["dest"] == ("1007",) and hasattr(step["step"], "handler")
        }
        self.assertLessEqual({"add_work_indexes", "work_settings"}, handlers)


class TestSectionsUnit(WorkCase):
    """The sections a person gets follow their groups' functions."""

    def test_sections_per_function(self):
        for user_id, expected, absent in (
            (
                CLERK,
                {"to-register", "to-submit", "returned", "to-issue"},
                {"to-assign"},
            ),
            (LEADER, {"to-assign", "to-sign", "assigned-by-me"}, {"to-register"}),
            (HEAD, {"to-review", "assigned", "assigned-by-me"}, {"to-sign"}),
            (SPECIALIST, {"assigned", "my-drafts", "due-this-week"}, {"to-review"}),
        ):
            login(self.portal, user_id)
            shown = {s.id for s in sections.sections_for(worker())}
            with self.subTest(user=user_id):
                self.assertLessEqual(expected, shown)
                self.assertFalse(absent & shown)
        logout()
