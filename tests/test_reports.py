"""Statistics of incoming documents against a fixture whose outcomes are
known: completed on time and late, in progress, overdue, returned; the
average processing time; by type, urgency, unit and person; who may read
them; the charts and the XLSX export."""

from datetime import datetime
from datetime import timedelta
from lxml import html
from phutho.intranet.dates import now
from phutho.intranet.dates import today
from phutho.intranet.reports import periods
from phutho.intranet.reports.scopes import Scope
from phutho.intranet.reports.tables import read_xlsx_rows
from phutho.intranet.testing import agency
from phutho.intranet.testing import create_incoming
from phutho.intranet.testing import PHUTHO_DEMO_FUNCTIONAL_TESTING
from phutho.intranet.testing import signed_in_browser
from phutho.intranet.workflow.api import do_transition
from phutho.intranet.workflow.assignment import ASSIGNMENTS_ATTR
from plone import api
from urllib.parse import urlencode
from zExceptions import Unauthorized

import transaction
import unittest


class StatisticsFixture:
    """Six documents of so-khcn that arrived 50 to 55 days ago."""

    def as_user(self, user_id, function, *args, **kwargs):
        with api.env.adopt_user(username=user_id):
            return function(*args, **kwargs)

    def step(self, user_id, document, transition, **data):
        self.as_user(user_id, do_transition, document, transition, data=data)

    def arrived(self, days_ago, **fields):
        arrival = datetime.combine(
            today() - timedelta(days=days_ago), datetime.min.time()
        )
        fields.setdefault("document_date", arrival.date() - timedelta(days=1))
        document = self.as_user(
            "vanthu.sokhcn",
            create_incoming,
            self.agency,
            arrival_date=arrival.replace(hour=8),
            **fields,
        )
        self.step("vanthu.sokhcn", document, "register")
        return document

    def assign(self, document, unit="cntt", days=5):
        self.step("vanthu.sokhcn", document, "submit")
        lead = {
            "kind": "unit",
            "id": self.agency[unit].UID(),
            "deadline": (today() + timedelta(days=days)).isoformat(),
        }
        self.step("lanhdao.sokhcn", document, "assign", lead=lead)

    def move_deadline(self, document, days):
        """Fixture only: deadlines cannot be set in the past by anyone."""
        for entry in getattr(document, ASSIGNMENTS_ATTR):
            entry["deadline"] = today() + timedelta(days=days)
        document.reindexObject()

    def complete(self, document):
        self.step("truongphong.sokhcn", document, "start")
        self.step("truongphong.sokhcn", document, "complete")

    def make_fixture(self):
        self.agency = agency(self.portal, "so-khcn")
        self.on_time = self.arrived(55, number_symbol="1/ST-A", urgency="urgent")
        self.assign(self.on_time)
        self.complete(self.on_time)  # 55 days after arrival
        self.late = self.arrived(54, number_symbol="2/ST-A", document_type="quyet-dinh")
        self.assign(self.late)
        self.move_deadline(self.late, -3)
        self.complete(self.late)  # 54 days after arrival, deadline 3 days ago
        self.overdue = self.arrived(53, number_symbol="3/ST-A")
        self.assign(self.overdue)
        self.move_deadline(self.overdue, -1)
        self.progress = self.arrived(52, number_symbol="4/ST-A")
        self.assign(self.progress, unit="vp", days=2)
        self.waiting = self.arrived(51, number_symbol="5/ST-A")  # registered only
        self.returned = self.as_user(
            "vanthu.sokhcn",
            create_incoming,
            self.agency,
            number_symbol="6/ST-A",
            arrival_date=datetime.combine(
                today() - timedelta(days=50), datetime.min.time()
            ),
        )
        self.as_user(
            "vanthu.sokhcn",
            do_transition,
            self.returned,
            "return_to_sender",
            comment="Gửi nhầm nơi nhận",
        )
        self.period = periods.date_range(
            today() - timedelta(days=56), today() - timedelta(days=49)
        )


class TestStatistics(StatisticsFixture, unittest.TestCase):
    layer = PHUTHO_DEMO_FUNCTIONAL_TESTING

    def setUp(self):
        self.app = self.layer["app"]
        self.portal = self.layer["portal"]
        self.make_fixture()

    def test_indexed_at_a_commit_without_a_site(self):
        # Scripts and test layers commit after the site hook is gone: the
        # indexers run then, and must not need it (plone.api does).
        from zope.component.hooks import setSite

        brains = api.content.find(context=self.agency, portal_type="IncomingDocument")
        for brain in brains:
            brain.getObject().reindexObject()
        setSite(None)
        try:
            transaction.commit()
        finally:
            setSite(self.portal)
        total = Scope(self.agency).compute(self.period)["total"]
        self.assertEqual((total["on_time"], total["late"]), (1, 1))

    def test_counts_against_known_outcomes(self):
        stats = Scope(self.agency).compute(self.period)
        total = stats["total"]
        self.assertEqual(
            {
                k: total[k]
                for k in (
                    "received",
                    "on_time",
                    "late",
                    "in_progress",
                    "overdue",
                    "other",
                )
            },
            {
                "received": 6,
                "on_time": 1,
                "late": 1,
                "in_progress": 2,
                "overdue": 1,
                "other": 1,
            },
        )
        # Completed now, 55 and 54 days after arrival at 08:00: 54.5 days
        # and today's hours since 08:00 (late in the province's evening,
        # from 15:24 UTC, that is more than half a day).
        since_eight = now().replace(tzinfo=None) - datetime.combine(
            today(), datetime.min.time()
        ).replace(hour=8)
        expected = 54.5 + since_eight.total_seconds() / 86400
        self.assertAlmostEqual(total["average_days"], expected, delta=0.15)
        by_type = dict(stats["by_type"])
        self.assertEqual(by_type["Quyết định"]["received"], 1)
        self.assertEqual(by_type["Quyết định"]["late"], 1)
        self.assertEqual(by_type["Công văn"]["received"], 5)
        by_urgency = {label: row["received"] for label, row in stats["by_urgency"]}
        self.assertEqual(sum(by_urgency.values()), 6)
        self.assertIn(1, by_urgency.values())
        by_unit = dict(stats["by_unit"])
        self.assertEqual(by_unit["Phòng Công nghệ thông tin"]["received"], 3)
        self.assertEqual(by_unit["Phòng Công nghệ thông tin"]["overdue"], 1)
        self.assertEqual(by_unit["Văn phòng Sở"]["in_progress"], 1)

        # The unit's own statistics; a person's.
        unit = Scope(self.agency["cntt"]).compute(self.period)["total"]
        self.assertEqual((unit["received"], unit["on_time"], unit["late"]), (3, 1, 1))
        # Outside the period: nothing.
        empty = Scope(self.agency).compute(
            periods.date_range(
                today() - timedelta(days=48), today() - timedelta(days=40)
            )
        )["total"]
        self.assertEqual(empty["received"], 0)

    def test_leaders_and_heads_see_theirs_page_charts_and_xlsx(self):
        transaction.commit()
        params = urlencode(self.period.params())
        leader = signed_in_browser(self.app, "lanhdao.sokhcn")
        leader.open(f"{self.agency.absolute_url()}/@@statistics?{params}")
        page = html.fromstring(leader.contents)
        total_row = [
            td.text_content().strip()
            for td in page.cssselect("#stats-table-total tbody td")
        ]
        self.assertEqual(total_row[1:7], ["6", "1", "1", "2", "1", "1"])
        bars = {
            g.get("data-label"): g.get("data-value")
            for g in page.cssselect("#chart-outcomes g.phutho-chart-bar")
        }
        self.assertEqual(bars["Quá hạn"], "1")
        self.assertTrue(page.cssselect("#chart-types"))
        leader.getLink(id="export-xlsx").click()
        data = leader.contents
        rows = read_xlsx_rows(data.encode("latin-1") if isinstance(data, str) else data)
        self.assertEqual(rows[5][1:7], ["6", "1", "1", "2", "1", "1"])

        head = signed_in_browser(self.app, "truongphong.sokhcn")
        head.open(f"{self.agency['cntt'].absolute_url()}/@@statistics?{params}")
        page = html.fromstring(head.contents)
        row = [
            td.text_content().strip()
            for td in page.cssselect("#stats-table-total tbody td")
        ]
        self.assertEqual(row[1:4], ["3", "1", "1"])
        with self.assertRaises(Unauthorized):
            head.open(f"{self.agency.absolute_url()}/@@statistics")
        with self.assertRaises(Unauthorized):
            head.open(f"{self.agency['vp'].absolute_url()}/@@statistics")
        specialist = signed_in_browser(self.app, "chuyenvien.sokhcn")
        with self.assertRaises(Unauthorized):
            specialist.open(f"{self.agency.absolute_url()}/@@statistics")
