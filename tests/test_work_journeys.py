"""A week of daily work in a real browser (issue 13): headless Chromium
driven by Playwright, each person signing in through the login form and
clicking what the pages offer.

* The incoming journey: the clerk files a paper document and registers
  it, presents it; the leader assigns it from his dashboard; the head of
  unit hands it over (Giao xử lý); the specialist notes her progress and
  completes it. Each dashboard's counts follow.
* The outgoing journey: the specialist drafts, the head reviews, the
  leader signs, the clerk issues; the recipient agency's clerk registers
  the delivered copy, and the sender's number shows on it.
* The clerks' easyform intake, the work calendar, search with facets.

Each journey runs at a desktop's width (1366 px) and a phone's (375 px);
the clicks each takes (signing in included; choosing an option or a file
is a click; typed fields are counted apart) are printed and written to
``clicks.json``. Screenshots of the main pages and axe-core's findings
are written under ``$PHUTHO_TEST_ARTEFACTS`` (default:
``var/test-artefacts`` in the checkout, which git ignores), in
``screenshots/`` and ``axe/``. axe-core (tests/vendor/axe-core) runs on
every main page: no serious or critical violation is allowed, except in
markup Plone renders (its toolbar, checked apart, and PLONE_MARKUP), which
is listed in ``axe/plone-markup.json``.
"""

from datetime import timedelta
from pathlib import Path
from phutho.intranet.dates import today
from phutho.intranet.sitesetup import SITE_TITLE
from phutho.intranet.testing import agency
from phutho.intranet.testing import DEMO_PASSWORD
from phutho.intranet.testing_programs import require
from plone import api
from test_pages_chromium import CHROMIUM_TESTING
from test_pages_chromium import HAVE_CHROMIUM

import json
import os
import transaction
import unittest

CHECKOUT = Path(__file__).resolve().parent.parent
ARTEFACTS = Path(
    os.environ.get("PHUTHO_TEST_ARTEFACTS") or CHECKOUT / "var" / "test-artefacts"
)
SCREENSHOTS = ARTEFACTS / "screenshots"
AXE_RESULTS = ARTEFACTS / "axe"
AXE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text(
    encoding="utf-8"
)
# What axe must not find (its impacts: minor, moderate, serious, critical).
BLOCKING = ("serious", "critical")
WIDTHS = {
    "desktop": {"width": 1366, "height": 900},
    "phone": {"width": 375, "height": 812},
}
WAIT_MS = 30_000

RECIPIENTS_TAB = "Nơi nhận"
CLERK = "vanthu.sokhcn"
LEADER = "lanhdao.sokhcn"
HEAD = "truongphong.sokhcn"
SPECIALIST = "chuyenvien.sokhcn"
RECIPIENT_CLERK = "vanthu.snv"
# A PDF our checks take.
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# Violations in markup Plone renders and this project does not (rule id,
# a piece of the element's selector): written to the artefacts and
# reported, not failed on. Anything else serious or critical fails.
PLONE_MARKUP = {
    ("label", "_file-input"): "plone.formwidget.namedfile's file widget: the <label>"
    " points at the widget's id, the <input type=file> has id …-input",
    ("select-name", "internal_recipients-"): "z3c.form's ordered selection widget"
    " (orderedselect_input.pt): its two <select>s have no label, the <label>"
    " points at the widget's <div>",
    ("link-name", ".crumb"): "mockup's related items picker (pat-relateditems):"
    " the home crumb of its path bar is an icon without text",
}

# Clicks per journey and width (clicks.json in the artefacts).
CLICKS = {}
# Plone's own violations seen, by rule and page.
PLONE_FOUND = {}


class Journey:
    """One journey at one width: the people's pages, their clicks."""

    def __init__(self, case, name, width):
        self.case = case
        self.name = name
        self.width = width
        self.clicks = 0
        self.fields = 0

    def person(self, user_id):
        """A browser of its own for ``user_id``, signed in through Plone's
        login form; returns the page they land on."""
        context = self.case.layer["browser"].new_context(
            viewport=WIDTHS[self.width], locale="vi-VN"
        )
        self.case.addCleanup(context.close)
        page = context.new_page()
        page.set_default_timeout(WAIT_MS)
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        self.case.page_errors.append(errors)
        page.goto(f"{self.case.portal_url}/login")
        page.fill('input[name="__ac_name"]', user_id)
        page.fill('input[name="__ac_password"]', DEMO_PASSWORD)
        self.click(page, '[name="buttons.login"]')
        self.case.assertEqual(
            page.locator(".portalMessage").first.inner_text().split(),
            "Thông tin: Chào mừng! Bạn đã đăng nhập thành công.".split(),
        )
        return page

    def click(self, page, selector, navigates=True, force=False):
        """A person's click (counted); waits for the page it opens."""
        self.clicks += 1
        locator = page.locator(selector).first
        locator.scroll_into_view_if_needed()
        if navigates:
            with page.expect_navigation():
                locator.click(force=force)
        else:
            locator.click(force=force)

    def fill(self, page, selector, value):
        self.fields += 1
        page.fill(selector, value)

    def choose(self, page, selector, value=None, label=None):
        """Picking an option of a select: one click."""
        self.clicks += 1
        if label is not None:
            page.select_option(selector, label=label)
        else:
            page.select_option(selector, value)

    def menu(self, page, selector):
        """Open the navigation (a phone's menu button first) and follow a
        link of the agencies' menu or the main menu."""
        if self.width == "phone":
            self.click(page, ".phutho-nav-toggle summary", navigates=False)
        if ".phutho-agency-menu" in selector:
            self.click(page, ".phutho-nav-agencies summary", navigates=False)
        self.click(page, selector)

    def done(self):
        """Note the journey's clicks (``clicks.json``, and printed)."""
        CLICKS[f"{self.name} {self.width}"] = {
            "clicks": self.clicks,
            "fields typed": self.fields,
        }
        (ARTEFACTS / "clicks.json").write_text(
            json.dumps(CLICKS, indent=1, sort_keys=True), encoding="utf-8"
        )
        print(
            f"\n{self.name} at {self.width}: {self.clicks} clicks, {self.fields} fields"
        )


@require(HAVE_CHROMIUM, "Chromium (Debian package chromium)")
class TestJourneys(unittest.TestCase):
    layer = CHROMIUM_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        self.portal_url = self.portal.absolute_url()
        self.agency = agency(self.portal, "so-khcn")
        self.recipient = agency(self.portal, "so-noi-vu")
        self.page_errors = []
        self.violations = {}
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        AXE_RESULTS.mkdir(parents=True, exist_ok=True)
        self.files = ARTEFACTS / "files"
        self.files.mkdir(parents=True, exist_ok=True)
        self.pdf = self.files / "van-ban-giay.pdf"
        self.pdf.write_bytes(PDF)
        # What scripts/create_site.py names the production site.
        api.portal.set_registry_record("plone.site_title", SITE_TITLE)
        transaction.commit()

    def tearDown(self):
        errors = [e for page in self.page_errors for e in page]
        self.assertEqual(errors, [], "JavaScript errors on the pages")

    # -- looking at pages --

    def shot(self, page, name, width):
        # Written here rather than by Playwright (``path=``), whose file
        # writing starts a thread that outlives the test.
        (SCREENSHOTS / f"{name}-{width}.png").write_bytes(
            page.screenshot(full_page=True)
        )

    def check_page(self, page, name, width):
        """Screenshot, then axe-core: serious and critical violations are
        kept for the test's end, all findings written to ``axe/``."""
        self.shot(page, name, width)
        page.wait_for_load_state("load")
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.add_script_tag(content=AXE)
        # Plone's toolbar (#edit-zone) is Plone's markup: checked apart,
        # reported, not failed on.
        results = page.evaluate("""() => axe.run({exclude: [['#edit-zone']]}, {
                   resultTypes: ['violations'],
                   runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a',
                             'wcag21aa', 'best-practice']}})""")
        toolbar = page.evaluate(
            """() => document.querySelector('#edit-zone') ? axe.run('#edit-zone', {
                   resultTypes: ['violations'],
                   runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}})
                   : {violations: []}"""
        )
        for violation in toolbar["violations"]:
            if violation["impact"] in BLOCKING:
                PLONE_FOUND.setdefault(
                    (
                        violation["id"],
                        "Plone's toolbar (#edit-zone): " + violation["help"],
                    ),
                    set(),
                ).update(json.dumps(n["target"]) for n in violation["nodes"])
        violations = [
            {
                "id": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "nodes": [
                    {"target": n["target"], "summary": n.get("failureSummary")}
                    for n in v["nodes"]
                ][:8],
            }
            for v in results["violations"]
        ]
        (AXE_RESULTS / f"{name}-{width}.json").write_text(
            json.dumps(
                {"url": page.url, "violations": violations},
                ensure_ascii=False,
                indent=1,
            ),
            encoding="utf-8",
        )
        blocking = []
        for violation in violations:
            if violation["impact"] not in BLOCKING:
                continue
            ours = [
                n for n in violation["nodes"] if not self.plone_markup(violation, n)
            ]
            if ours:
                blocking.append(dict(violation, nodes=ours))
        self.note_plone_markup()
        if blocking:
            self.violations[f"{name}-{width} {page.url}"] = blocking

    def plone_markup(self, violation, node):
        """Whether ``node`` is Plone's markup we cannot change (noted)."""
        target = json.dumps(node["target"])
        for (rule, piece), why in PLONE_MARKUP.items():
            if violation["id"] == rule and piece in target:
                PLONE_FOUND.setdefault((rule, why), set()).add(target)
                return True
        return False

    def note_plone_markup(self):
        (AXE_RESULTS / "plone-markup.json").write_text(
            json.dumps(
                [
                    {"rule": rule, "why": why, "elements": sorted(targets)}
                    for (rule, why), targets in sorted(PLONE_FOUND.items())
                ],
                ensure_ascii=False,
                indent=1,
            ),
            encoding="utf-8",
        )

    def assertNoViolations(self):
        report = "\n".join(
            f"{where}: {v['impact']} {v['id']} ({v['help']}) at "
            + "; ".join(f"{n['target']} {n['summary']}" for n in v["nodes"])
            for where, found in self.violations.items()
            for v in found
        )
        self.assertEqual(self.violations, {}, f"axe-core:\n{report}")

    def count(self, page, section):
        """A dashboard's count of one section (0 when it is not shown)."""
        card = page.locator(f"#summary-{section} .phutho-work-card-count")
        return int(card.inner_text()) if card.count() else 0

    def titles(self, page, section):
        return [
            " ".join(t.split())
            for t in page.locator(
                f"#dashboard-{section} .phutho-work-title a"
            ).all_inner_texts()
        ]

    def message(self, page):
        return " ".join(page.locator(".portalMessage").first.inner_text().split())

    def dashboard(self, journey, page):
        """Back to one's work from the personal bar."""
        if (
            journey.width == "phone"
            and not page.locator("#phutho-personal-work").is_visible()
        ):
            page.goto(f"{self.portal_url}/@@documents-dashboard")
            return page
        journey.click(page, "#phutho-personal-work a")
        return page

    def state(self, document):
        transaction.begin()
        return api.content.get_state(document)

    def assertState(self, document, state, page):
        """The document's state, or what the page said instead."""
        if self.state(document) != state:
            said = page.locator(".portalMessage, .alert, .invalid-feedback")
            self.fail(f"not {state} at {page.url}: {said.all_inner_texts()}")

    def find(self, portal_type, title):
        """The documents of ``portal_type`` titled ``title``."""
        transaction.begin()
        catalog = api.portal.get_tool("portal_catalog")
        brains = catalog.unrestrictedSearchResults(portal_type=portal_type)
        return [b._unrestrictedGetObject() for b in brains if b.Title == title]

    # -- the journeys --

    def incoming_journey(self, width):
        journey = Journey(self, "incoming", width)
        title = f"Về việc kiểm tra hồ sơ số hóa ({width})"
        number_symbol = f"{ {'desktop': 71, 'phone': 72}[width] }/SNV-CCVC"
        deadline = today() + timedelta(days=5)

        # The clerk lands on her work, goes to her agency, files the paper.
        clerk = journey.person(CLERK)
        self.assertIn("@@documents-dashboard", clerk.url)
        to_register = self.count(clerk, "to-register")
        to_submit = self.count(clerk, "to-submit")
        self.check_page(clerk, "dashboard-clerk", width)
        journey.click(clerk, "#start-add-incoming-so-khcn")
        journey.clicks += 1  # choosing the file
        clerk.set_input_files('input[name="form.widgets.main_file"]', str(self.pdf))
        # The page reads the file for proposals; a blank scan has none.
        clerk.wait_for_function(
            "() => !['ready', 'reading'].includes("
            "document.querySelector('form#form').dataset.proposals)"
        )
        journey.fill(clerk, "#form-widgets-title", title)
        journey.choose(clerk, "#form-widgets-document_type", "cong-van")
        journey.fill(clerk, "#form-widgets-number_symbol", number_symbol)
        journey.fill(
            clerk,
            "#form-widgets-document_date",
            (today() - timedelta(days=2)).isoformat(),
        )
        journey.fill(clerk, "#form-widgets-sender_name", "Sở Nội vụ")
        journey.fill(clerk, "#form-widgets-processing_deadline", deadline.isoformat())
        self.check_page(clerk, "add-incoming", width)
        journey.click(clerk, "#form-buttons-save")
        (document,) = self.find("IncomingDocument", title)
        self.assertState(document, "received", clerk)
        self.check_page(clerk, "document-received", width)
        # The next action is the first blue button.
        first = clerk.locator("#doc-actions a.btn-primary").first
        self.assertEqual(first.get_attribute("id"), "doc-action-register")
        journey.click(clerk, "#doc-action-register")
        self.check_page(clerk, "transition-register", width)
        journey.click(
            clerk, 'button[name="form.submitted"], input[name="form.submitted"]'
        )
        self.assertState(document, "registered", clerk)
        self.assertRegex(self.message(clerk), r"Đã vào sổ, số đến \d+")
        self.dashboard(journey, clerk)
        self.assertEqual(self.count(clerk, "to-register"), to_register)
        self.assertEqual(self.count(clerk, "to-submit"), to_submit + 1)
        self.assertIn(title, self.titles(clerk, "to-submit"))
        # Presenting it is the row's own button.
        journey.click(clerk, f"#row-action-submit-{document.UID()}")
        self.assertState(document, "submitted", clerk)
        self.assertEqual(self.count(clerk, "to-submit"), to_submit)

        # The leader assigns it from his dashboard.
        leader = journey.person(LEADER)
        to_assign = self.count(leader, "to-assign")
        assigned_by_me = self.count(leader, "assigned-by-me")
        self.assertIn(title, self.titles(leader, "to-assign"))
        self.check_page(leader, "dashboard-leader", width)
        journey.click(leader, f"#row-action-assign-{document.UID()}")
        self.assertEqual(
            leader.input_value('input[name="deadline"]'), deadline.isoformat()
        )
        journey.choose(
            leader, 'select[name="lead"]', f"unit:{self.agency['cntt'].UID()}"
        )
        self.check_page(leader, "transition-assign", width)
        journey.click(
            leader, 'button[name="form.submitted"], input[name="form.submitted"]'
        )
        self.assertState(document, "assigned", leader)
        self.assertIn("Đã phân công", self.message(leader))
        self.assertIn("@@documents-dashboard", leader.url)
        self.assertEqual(self.count(leader, "to-assign"), to_assign - 1)
        self.assertEqual(self.count(leader, "assigned-by-me"), assigned_by_me + 1)

        # The head of the unit hands it over to the specialist.
        head = journey.person(HEAD)
        self.assertIn(title, self.titles(head, "assigned"))
        head_assigned = self.count(head, "assigned")
        self.check_page(head, "dashboard-head", width)
        journey.click(head, f"#dashboard-assigned .phutho-work-title a >> text={title}")
        self.assertEqual(
            head.locator("#doc-action-reassign").inner_text(), "Giao xử lý"
        )
        journey.click(head, "#doc-action-reassign")
        journey.choose(head, 'select[name="handler"]', SPECIALIST)
        self.check_page(head, "transition-handover", width)
        journey.click(
            head, 'button[name="form.submitted"], input[name="form.submitted"]'
        )
        self.assertIn("Đã giao xử lý cho Lý Thị Hương", self.message(head))
        self.assertIn("Giao xử lý", head.locator("#doc-history").inner_text())

        # The specialist notes her progress and completes it.
        specialist = journey.person(SPECIALIST)
        self.assertIn(title, self.titles(specialist, "assigned"))
        assigned = self.count(specialist, "assigned")
        self.check_page(specialist, "dashboard-specialist", width)
        journey.click(
            specialist, f"#dashboard-assigned .phutho-work-title a >> text={title}"
        )
        self.check_page(specialist, "document-assigned", width)
        journey.click(specialist, "#doc-tool-progress-note")
        journey.fill(specialist, 'textarea[name="text"]', "Đã rà soát 120 hồ sơ.")
        journey.fill(specialist, 'input[name="percent"]', "60")
        journey.click(
            specialist, 'button[name="form.submitted"], input[name="form.submitted"]'
        )
        self.assertIn("60%", specialist.locator("#doc-history").inner_text())
        journey.click(specialist, "#doc-action-complete")
        journey.fill(specialist, 'textarea[name="comment"]', "Đã hoàn thành.")
        journey.click(
            specialist, 'button[name="form.submitted"], input[name="form.submitted"]'
        )
        self.assertState(document, "completed", specialist)
        self.dashboard(journey, specialist)
        self.assertEqual(self.count(specialist, "assigned"), assigned - 1)
        self.assertNotIn(title, self.titles(specialist, "assigned"))
        # The head's and the leader's dashboards follow.
        head.goto(f"{self.portal_url}/@@documents-dashboard")
        self.assertEqual(self.count(head, "assigned"), head_assigned - 1)
        leader.goto(
            f"{self.portal_url}/@@documents-dashboard?section=assigned-by-me"
            "&state=completed"
        )
        self.assertIn(title, self.titles(leader, "assigned-by-me"))
        journey.done()
        self.assertNoViolations()

    def outgoing_journey(self, width):
        journey = Journey(self, "outgoing", width)
        title = f"Về việc cử cán bộ tập huấn chuyển đổi số ({width})"

        specialist = journey.person(SPECIALIST)
        drafts = self.count(specialist, "my-drafts")
        journey.click(specialist, "#start-add-outgoing-so-khcn")
        journey.fill(
            specialist, "#form-widgets-IDublinCore-title, #form-widgets-title", title
        )
        journey.choose(specialist, "#form-widgets-document_type", "cong-van")
        journey.fill(
            specialist,
            "#form-widgets-content",
            "Sở Khoa học và Công nghệ đề nghị Sở Nội vụ cử hai cán bộ dự tập huấn.",
        )
        # The drafting unit and the drafter start from the person.
        self.assertEqual(
            specialist.input_value("#form-widgets-drafting_unit"),
            self.agency["cntt"].UID(),
        )
        self.assertEqual(specialist.input_value("#form-widgets-drafter"), SPECIALIST)
        # The recipient agency: its tab, then the agency in the picker.
        tab = specialist.locator(".autotoc-nav a", has_text=RECIPIENTS_TAB)
        if tab.count():
            journey.click(specialist, f".autotoc-nav a >> text={RECIPIENTS_TAB}", False)
        journey.choose(
            specialist,
            "#form-widgets-internal_recipients-from",
            self.recipient.UID(),
        )
        journey.click(
            specialist,
            '#formfield-form-widgets-internal_recipients button[name="from2toButton"]',
            navigates=False,
        )
        self.check_page(specialist, "add-outgoing", width)
        journey.click(specialist, "#form-buttons-save")
        (document,) = self.find("OutgoingDocument", title)
        self.assertState(document, "draft", specialist)
        journey.click(specialist, "#doc-action-submit_for_review")
        journey.click(
            specialist, 'button[name="form.submitted"], input[name="form.submitted"]'
        )
        self.assertState(document, "review", specialist)
        self.dashboard(journey, specialist)
        self.assertEqual(self.count(specialist, "my-drafts"), drafts + 1)
        self.check_page(specialist, "dashboard-drafts", width)

        for user_id, section, transition, state in (
            (HEAD, "to-review", "submit_for_signature", "signing"),
            (LEADER, "to-sign", "sign", "signed"),
            (CLERK, "to-issue", "issue", "issued"),
        ):
            page = journey.person(user_id)
            waiting = self.count(page, section)
            self.assertIn(title, self.titles(page, section))
            journey.click(page, f"#row-action-{transition}-{document.UID()}")
            if "@@transition" in page.url:  # a form to confirm
                self.check_page(page, f"transition-{transition}", width)
                journey.click(
                    page, 'button[name="form.submitted"], input[name="form.submitted"]'
                )
            self.assertState(document, state, page)
            page.goto(f"{self.portal_url}/@@documents-dashboard")
            self.assertEqual(self.count(page, section), waiting - 1)
        symbol = document.symbol
        self.assertTrue(symbol)

        # The recipient's clerk registers the delivered copy; it shows the
        # sender's number.
        recipient = journey.person(RECIPIENT_CLERK)
        delivered = [
            d
            for d in self.find("IncomingDocument", title)
            if self.recipient.UID()
            in [a.UID() for a in d.aq_chain if hasattr(a, "UID")]
        ]
        self.assertEqual(len(delivered), 1)
        (copy,) = delivered
        self.assertIn(title, self.titles(recipient, "to-register"))
        journey.click(recipient, f"#row-action-register-{copy.UID()}")
        self.assertIn(symbol, recipient.locator("#content").inner_text())
        journey.click(
            recipient, 'button[name="form.submitted"], input[name="form.submitted"]'
        )
        self.assertState(copy, "registered", recipient)
        self.assertEqual(copy.number_symbol, symbol)
        journey.done()
        self.assertNoViolations()

    def test_incoming_desktop(self):
        self.incoming_journey("desktop")

    def test_incoming_phone(self):
        self.incoming_journey("phone")

    def test_outgoing_desktop(self):
        self.outgoing_journey("desktop")

    def test_outgoing_phone(self):
        self.outgoing_journey("phone")

    def test_intake_calendar_and_search(self):
        for width in WIDTHS:
            self.intake_calendar_and_search(width)
        self.assertNoViolations()

    def intake_calendar_and_search(self, width):
        # The easyform intake: a paper document filed from the forms folder.
        journey = Journey(self, "intake", width)
        title = f"Về việc góp ý dự thảo quy chế ({width})"
        clerk = journey.person(CLERK)
        journey.click(clerk, "#start-intake-tiep-nhan-van-ban-giay")
        journey.clicks += 1
        clerk.set_input_files('input[name="form.widgets.main_file"]', str(self.pdf))
        journey.fill(clerk, "#form-widgets-title", title)
        journey.choose(clerk, "#form-widgets-document_type", "cong-van")
        journey.fill(clerk, "#form-widgets-number_symbol", f"9{len(width)}/STC-NS")
        journey.fill(
            clerk,
            "#form-widgets-document_date",
            (today() - timedelta(days=1)).isoformat(),
        )
        journey.fill(clerk, "#form-widgets-sender_name", "Sở Tài chính")
        self.check_page(clerk, "intake-form", width)
        journey.click(clerk, "#form-buttons-submit")
        (document,) = self.find("IncomingDocument", title)
        self.assertEqual(document.channel, "form")
        self.assertIn("Đã tiếp nhận", self.message(clerk))
        self.assertEqual(clerk.url, document.absolute_url())
        journey.done()

        # The work calendar of the agency, this week.
        journey = Journey(self, "calendar", width)
        journey.menu(clerk, ".phutho-agency-menu a >> text=Sở Khoa học và Công nghệ")
        self.check_page(clerk, "agency", width)
        journey.click(clerk, "#agency-link-calendar")
        self.check_page(clerk, "calendar", width)
        self.assertTrue(clerk.locator("h1").first.inner_text())
        journey.done()

        # Search with facets: words without diacritics, then a facet.
        journey = Journey(self, "search", width)
        if width == "phone" and not clerk.locator("#searchGadget").is_visible():
            journey.click(clerk, ".phutho-search-toggle", navigates=False)
        journey.fill(clerk, "#searchGadget", "gop y du thao quy che")
        journey.clicks += 1
        with clerk.expect_navigation():
            clerk.press("#searchGadget", "Enter")
        self.assertIn(title, clerk.locator("#content").inner_text())
        self.check_page(clerk, "search", width)
        facet = clerk.locator(".phutho-facet a, .phutho-facets a").first
        self.assertTrue(facet.count())
        journey.click(clerk, ".phutho-facet a, .phutho-facets a")
        self.assertIn(title, clerk.locator("#content").inner_text())
        journey.done()
