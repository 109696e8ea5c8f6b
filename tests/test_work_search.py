"""The portal's search (issue 13): results that say number and symbol,
type, direction, agency and date, facets with counts, words without
diacritics; the same over the API. And what the add menus and the
publication workflow of news say."""

from lxml import html
from phutho.intranet.dates import format_date
from phutho.intranet.dates import today
from phutho.intranet.testing import agency
from phutho.intranet.testing import create_incoming
from phutho.intranet.testing import create_outgoing
from phutho.intranet.testing import DEMO_PASSWORD
from phutho.intranet.testing import PHUTHO_DEMO_SERVER_TESTING
from phutho.intranet.testing import RestSession
from phutho.intranet.testing import signed_in_browser
from phutho.intranet.workflow.api import do_transition
from plone import api
from urllib.parse import urlencode

import transaction
import unittest

CLERK = "vanthu.sokhcn"
LEADER = "lanhdao.sokhcn"


class TestSearch(unittest.TestCase):
    layer = PHUTHO_DEMO_SERVER_TESTING

    def setUp(self):
        self.app = self.layer["app"]
        self.portal = self.layer["portal"]
        self.agency = agency(self.portal, "so-khcn")
        with api.env.adopt_user(username=CLERK):
            self.plan = create_incoming(
                self.agency,
                title="Kế hoạch phát triển năng lượng tái tạo",
                document_type="ke-hoach",
                sender_name="Sở Nội vụ",
                number_symbol="41/KH-SNV",
            )
            self.letter = create_incoming(
                self.agency,
                title="Về việc năng lượng tái tạo cấp xã",
                document_type="cong-van",
                sender_name="Sở Tài chính",
                number_symbol="77/STC-NS",
            )
            self.secret = create_incoming(
                self.agency,
                title="Năng lượng tái tạo (mật)",
                document_type="cong-van",
                secrecy="confidential",
                number_symbol="5/CV-M",
            )
            do_transition(self.plan, "register")
        with api.env.adopt_user(username="chuyenvien.sokhcn"):
            self.draft = create_outgoing(
                self.agency,
                "cntt",
                title="Báo cáo năng lượng tái tạo quý IV",
                document_type="bao-cao",
            )
        transaction.commit()
        self.sessions = []

    def tearDown(self):
        for session in self.sessions:
            session.close()

    def open(self, user_id, **params):
        browser = signed_in_browser(self.app, user_id)
        browser.open(f"{self.portal.absolute_url()}/@@search?{urlencode(params)}")
        return html.fromstring(browser.contents), browser

    def facet(self, page, name):
        return {
            " ".join(a.text_content().split()[:-1]): int(a.text_content().split()[-1])
            for a in page.cssselect(f"#facet-{name} li a")
        }

    def test_results_and_facets(self):
        page, browser = self.open(CLERK, SearchableText="nang luong tai tao")
        results = [
            " ".join(li.text_content().split())
            for li in page.cssselect(".phutho-search-result")
        ]
        plan = [r for r in results if "Kế hoạch phát triển năng lượng tái tạo" in r][0]
        for part in ("41/KH-SNV", "Kế hoạch", "Văn bản đến", "Sở Nội vụ"):
            self.assertIn(part, plan)
        self.assertIn(format_date(today()), plan)
        self.assertNotIn("Located in", page.text_content())
        self.assertNotIn("Tháng", " ".join(results))
        # The clerk sees the secret one too (secret-clerks); counts follow.
        kinds = self.facet(page, "portal_type")
        self.assertGreaterEqual(kinds["Văn bản đến"], 3)
        types = self.facet(page, "document_type")
        self.assertEqual(types["Kế hoạch"], 1)
        self.assertGreaterEqual(types["Công văn"], 2)
        self.assertEqual(self.facet(page, "issuer")["Sở Nội vụ"], 1)
        # By the year of the document's own date (not of today's).
        years = self.facet(page, "document_year")
        self.assertIn(str(self.plan.document_date.year), years)
        self.assertEqual(sum(years.values()), sum(kinds.values()))

        # A facet narrows; its count is what remains.
        browser.getLink(url="document_type=ke-hoach").click()
        page = html.fromstring(browser.contents)
        titles = [
            a.text_content() for a in page.cssselect(".phutho-search-result h2 a")
        ]
        self.assertEqual(titles, ["Kế hoạch phát triển năng lượng tái tạo"])
        self.assertIn("1", page.cssselect("#phutho-search-count")[0].text_content())
        browser.open(
            page.cssselect("#facet-document_type .phutho-facet-clear")[0].get("href")
        )
        self.assertNotIn("document_type=", browser.url)

    def test_what_one_may_not_see_is_neither_found_nor_counted(self):
        page, _browser = self.open(
            "chuyenvien2.sokhcn", SearchableText="nang luong tai tao"
        )
        titles = [
            a.text_content() for a in page.cssselect(".phutho-search-result h2 a")
        ]
        self.assertNotIn(self.secret.Title(), titles)
        page, _browser = self.open("vanthu.snv", SearchableText="nang luong tai tao")
        titles = [
            a.text_content() for a in page.cssselect(".phutho-search-result h2 a")
        ]
        for document in (self.plan, self.letter, self.secret, self.draft):
            self.assertNotIn(document.Title(), titles)
        self.assertEqual(self.facet(page, "issuer").get("Sở Nội vụ"), None)

    def test_api(self):
        session = RestSession(self.portal.absolute_url(), auth=(CLERK, DEMO_PASSWORD))
        self.sessions.append(session)
        response = session.get(
            "@document-search",
            params={
                "SearchableText": "NANG LUONG TAI TAO",
                "document_type": "ke-hoach",
            },
        )
        self.assertEqual(response.status_code, 200, response.text)
        body = response.json()
        self.assertEqual(body["items_total"], 1)
        item = body["items"][0]
        self.assertEqual(item["number_symbol"], "41/KH-SNV")
        self.assertEqual(item["direction"], "incoming")
        self.assertEqual(item["issuer"], "Sở Nội vụ")
        facets = {facet["id"]: facet for facet in body["facets"]}
        self.assertEqual(
            facets["document_type"]["values"],
            [{"value": "ke-hoach", "title": "Kế hoạch", "count": 1}],
        )
        for params, field in (
            ({"document_year": "năm"}, "document_year"),
            ({"portal_type": "Nope"}, "portal_type"),
            ({"sort_on": "Date"}, "sort_on"),
            ({"path": "/elsewhere"}, "path"),
        ):
            refused = session.get("@document-search", params=params)
            with self.subTest(params=params):
                self.assertEqual(refused.status_code, 400)
                self.assertEqual(refused.json()["error"]["field"], field)


class TestPlacesAndWords(unittest.TestCase):
    layer = PHUTHO_DEMO_SERVER_TESTING

    def test_news_folder_offers_news_and_news_are_published(self):
        portal = self.layer["portal"]
        session = RestSession(portal.absolute_url(), auth=("quantri", DEMO_PASSWORD))
        addable = [
            t["id"] for t in session.get("tin-tuc/@types").json() if t["addable"]
        ]
        session.close()
        self.assertIn("News Item", addable)
        self.assertNotIn("Agency", addable)
        self.assertNotIn("EasyForm", addable)
        wftool = api.portal.get_tool("portal_workflow")
        workflow = wftool["simple_publication_workflow"]
        transition = workflow.transitions["publish"]
        for text, vietnamese in (
            (transition.actbox_name, "Xuất bản"),
            (transition.title, "Xuất bản"),
            (workflow.states["published"].title, "Đã xuất bản"),
        ):
            self.assertEqual(
                api.portal.translate(text, domain="plone", lang="vi"), vietnamese
            )
