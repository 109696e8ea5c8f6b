"""Search on every field (diacritics folded), sort, saved searches opened
again, export of results, and the project's indexes as Collection
criteria (plone.app.querystring)."""

from lxml import html
from phutho.intranet.dates import today
from phutho.intranet.reports.tables import read_xlsx_rows
from phutho.intranet.search import saved
from phutho.intranet.search.advanced import search
from phutho.intranet.testing import agency
from phutho.intranet.testing import create_incoming
from phutho.intranet.testing import create_outgoing
from phutho.intranet.testing import OUTGOING_TO_SIGNED
from phutho.intranet.testing import PHUTHO_DEMO_FUNCTIONAL_TESTING
from phutho.intranet.testing import signed_in_browser
from phutho.intranet.workflow.api import do_transition
from plone import api
from plone.app.querystring.querybuilder import QueryBuilder
from urllib.parse import urlencode

import transaction
import unittest


class SearchCase(unittest.TestCase):
    layer = PHUTHO_DEMO_FUNCTIONAL_TESTING

    def setUp(self):
        self.app = self.layer["app"]
        self.portal = self.layer["portal"]
        self.request = self.layer["request"]
        self.agency = agency(self.portal, "so-khcn")
        with api.env.adopt_user(username="vanthu.sokhcn"):
            self.incoming = create_incoming(
                self.agency,
                title="Về việc ứng dụng chữ ký số chuyên dùng",
                sender_name="Cục Chữ ký số và Chứng thực điện tử",
                sender_organ_id="000.00.12.G22",
                number_symbol="88/CKS-QLCKS",
                channel="exchange",
                signer_name="Hoàng Văn Thăng",
                recipients=["Sở Khoa học và Công nghệ các tỉnh"],
            )
            do_transition(self.incoming, "register")
        with api.env.adopt_user(username="chuyenvien.sokhcn"):
            self.outgoing = create_outgoing(
                self.agency,
                "cntt",
                title="Về việc báo cáo số liệu chuyển đổi số",
                internal_recipients=[agency(self.portal, "so-noi-vu").UID()],
                external_recipients=["Sở Y tế tỉnh Hà Nam | 000.00.21.H27"],
            )
        for user_id, transition in OUTGOING_TO_SIGNED:
            with api.env.adopt_user(username=user_id):
                do_transition(self.outgoing, transition)
        with api.env.adopt_user(username="vanthu.sokhcn"):
            do_transition(self.outgoing, "issue")

    def find(self, **form):
        with api.env.adopt_user(username="vanthu.sokhcn"):
            brains, _criteria = search(form, self.portal)
            return {brain.UID for brain in brains}


class TestSearchEveryField(SearchCase):
    def test_each_field(self):
        incoming, outgoing = self.incoming.UID(), self.outgoing.UID()
        self.assertIn(incoming, self.find(sender_name="cuc chu ky so"))
        self.assertIn(incoming, self.find(organ_id="000.00.12.G22"))
        self.assertNotIn(outgoing, self.find(organ_id="000.00.12.G22"))
        self.assertIn(incoming, self.find(signer="hoang van thang"))
        self.assertIn(outgoing, self.find(signer="NGUYEN MANH CUONG"))
        self.assertIn(outgoing, self.find(recipients="so noi vu"))
        self.assertIn(outgoing, self.find(recipients="000.00.21.H27"))
        self.assertIn(incoming, self.find(recipients="khoa hoc cong nghe"))
        self.assertIn(incoming, self.find(channel="exchange"))
        self.assertNotIn(incoming, self.find(channel="paper"))
        self.assertIn(outgoing, self.find(drafting_unit=self.agency["cntt"].UID()))
        self.assertIn(incoming, self.find(number="88/CKS-QLCKS"))
        self.assertIn(incoming, self.find(text="chu ky so chuyen dung"))
        day = today().strftime("%d/%m/%Y")
        self.assertIn(
            outgoing,
            self.find(date_from=day, date_to=day, portal_type="OutgoingDocument"),
        )
        self.assertEqual(self.find(portal_type="CaseFile", signer="hoang"), set())
        # Query syntax is taken as words, never an error.
        self.assertIn(incoming, self.find(signer='"hoang (van) thang* OR'))

    def test_sort_and_refusals(self):
        from phutho.intranet.exc import InvalidDataError

        with api.env.adopt_user(username="vanthu.sokhcn"):
            brains, criteria = search(
                {
                    "portal_type": "IncomingDocument",
                    "sort_on": "register_number",
                    "sort_order": "ascending",
                },
                self.portal,
            )
            numbers = [b.register_number for b in brains if b.register_number]
            self.assertEqual(numbers, sorted(numbers))
            for bad in (
                {"urgency": "x"},
                {"sort_on": "x"},
                {"date_from": "31/02/2026"},
            ):
                with self.assertRaises(InvalidDataError):
                    search(bad, self.portal)


class TestSavedSearchAndExport(SearchCase):
    def test_saved_search_reopened_and_exported(self):
        transaction.commit()
        browser = signed_in_browser(self.app, "vanthu.sokhcn")
        url = f"{self.portal.absolute_url()}/@@advanced-search"
        browser.open(f"{url}?{urlencode({'signer': 'nguyen manh cuong'})}")
        page = html.fromstring(browser.contents)
        rows = [
            [" ".join(td.text_content().split()) for td in tr.cssselect("td")]
            for tr in page.cssselect("#search-results tbody tr")
        ]
        self.assertIn(self.outgoing.symbol, [r[0] for r in rows])

        browser.getControl(name="name").value = "Văn bản lãnh đạo ký"
        browser.getControl(name="form.save").click()
        self.assertIn("saved=", browser.url)
        browser.open(f"{self.portal.absolute_url()}/@@saved-searches")
        browser.getLink("Văn bản lãnh đạo ký").click()
        page = html.fromstring(browser.contents)
        reopened = [
            [" ".join(td.text_content().split()) for td in tr.cssselect("td")]
            for tr in page.cssselect("#search-results tbody tr")
        ]
        self.assertEqual(reopened, rows)
        self.assertEqual(
            page.cssselect("#search-signer")[0].get("value"), "nguyen manh cuong"
        )

        browser.getLink(id="export-xlsx").click()
        data = browser.contents
        xlsx = read_xlsx_rows(data.encode("latin-1") if isinstance(data, str) else data)
        self.assertEqual(xlsx[4:], rows[: len(xlsx) - 4])
        self.assertEqual(len(xlsx) - 4, len(rows))

        # Another person does not see it.
        transaction.begin()
        self.assertEqual(len(saved.searches("vanthu.sokhcn")), 1)
        self.assertEqual(saved.searches("lanhdao.sokhcn"), [])


class TestCollections(SearchCase):
    def test_indexes_are_collection_criteria(self):
        registry = api.portal.get_tool("portal_registry")
        for name in (
            "signer",
            "recipients",
            "organ_id",
            "channel",
            "drafting_unit",
            "document_type",
        ):
            self.assertTrue(
                registry[f"plone.app.querystring.field.{name}.enabled"], name
            )
        builder = QueryBuilder(self.portal, self.request)
        with api.env.adopt_user(username="vanthu.sokhcn"):
            results = builder(
                query=[
                    {
                        "i": "channel",
                        "o": "plone.app.querystring.operation.selection.any",
                        "v": ["exchange"],
                    },
                    {
                        "i": "signer",
                        "o": "plone.app.querystring.operation.string.contains",
                        "v": "hoang van thang",
                    },
                ],
                batch=False,
                brains=True,
            )
            self.assertEqual([b.UID for b in results], [self.incoming.UID()])
