"""The Diazo theme, its viewlets and the front page."""

from lxml import html
from phutho.intranet.demo import load_data
from phutho.intranet.interfaces import IPhuthoIntranetLayer
from phutho.intranet.sitesetup import SITE_TITLE
from phutho.intranet.testing import DEMO_PASSWORD
from phutho.intranet.testing import PHUTHO_DEMO_INTEGRATION_TESTING
from phutho.intranet.testing import PHUTHO_DEMO_SERVER_TESTING
from phutho.intranet.testing import PHUTHO_INTRANET_INTEGRATION_TESTING
from phutho.intranet.themes import setup as theme_setup
from phutho.intranet.themes.viewlets import PROVINCE_AUTHORITY
from plone import api
from plone.app.testing import logout
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from plone.app.theming.interfaces import IThemeSettings
from plone.app.theming.utils import getCurrentTheme
from plone.base.utils import get_installer
from plone.i18n.normalizer.base import mapUnicode
from zope.annotation.interfaces import IAnnotations
from zope.interface import alsoProvides

import requests
import transaction
import unittest


def demo_agencies():
    """The demo agencies' data, keyed by id."""
    return {agency["id"]: agency for agency in load_data()["agencies"]}


def by_title(titles):
    """Sort titles as Plone's ``sortable_title`` does (accents ignored)."""
    return sorted(titles, key=lambda title: mapUnicode(title).lower())


def texts(doc, selector):
    """The stripped text of each element ``selector`` matches."""
    return [element.text_content().strip() for element in doc.cssselect(selector)]


class TestInstall(unittest.TestCase):
    layer = PHUTHO_INTRANET_INTEGRATION_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]

    def test_theme_enabled(self):
        self.assertEqual(getCurrentTheme(), "phutho")
        self.assertTrue(
            api.portal.get_registry_record("enabled", interface=IThemeSettings)
        )

    def test_theme_inherits_barceloneta_css(self):
        rules = api.portal.get_registry_record("rules", interface=IThemeSettings)
        self.assertEqual(rules, "/++theme++phutho/rules.xml")
        theme = self.portal.restrictedTraverse("++theme++phutho")
        self.assertIn("barceloneta.min.css", theme.readFile("manifest.cfg").decode())

    def test_front_page_is_the_site_layout(self):
        self.assertEqual(self.portal.getLayout(), "portal-home")

    def test_reinstall_keeps_the_remembered_layout(self):
        annotations = IAnnotations(self.portal)
        previous = annotations[theme_setup.PREVIOUS_LAYOUT_KEY]
        self.assertNotEqual(previous, "portal-home")
        theme_setup.install(self.portal)
        self.assertEqual(annotations[theme_setup.PREVIOUS_LAYOUT_KEY], previous)


class TestUninstall(unittest.TestCase):
    layer = PHUTHO_INTRANET_INTEGRATION_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        self.previous = IAnnotations(self.portal)[theme_setup.PREVIOUS_LAYOUT_KEY]
        get_installer(self.portal, self.layer["request"]).uninstall_product(
            "phutho.intranet"
        )

    def test_barceloneta_is_back(self):
        self.assertEqual(getCurrentTheme(), "barceloneta")
        self.assertTrue(
            api.portal.get_registry_record("enabled", interface=IThemeSettings)
        )

    def test_previous_layout_is_back(self):
        self.assertEqual(self.portal.getLayout(), self.previous)
        self.assertNotIn(theme_setup.PREVIOUS_LAYOUT_KEY, IAnnotations(self.portal))


class TestMarkupWithoutTheme(unittest.TestCase):
    """Rendered without Diazo (integration tests never transform), pages
    already hold the header, navigation and footer."""

    layer = PHUTHO_DEMO_INTEGRATION_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        alsoProvides(self.layer["request"], IPhuthoIntranetLayer)

    def render(self, path):
        return html.fromstring(self.portal.restrictedTraverse(path)())

    def test_front_page(self):
        doc = self.render("portal-home")
        self.assertEqual(
            texts(doc, "#portal-logo .phutho-authority"), [PROVINCE_AUTHORITY]
        )
        self.assertEqual(
            texts(doc, ".phutho-agency-menu li:not(.phutho-agency-all) a"),
            by_title(agency["title"] for agency in demo_agencies().values()),
        )
        self.assertEqual(
            [link.get("href") for link in doc.cssselect(".phutho-nav-items > li > a")],
            [
                self.portal.absolute_url() + path
                for path in ("", "/tin-tuc", "/thong-bao")
            ],
        )
        self.assertEqual(texts(doc, "#phutho-footer-contact h2"), ["UBND tỉnh Phú Thọ"])

    def test_front_page_lists_latest_news_and_announcements(self):
        doc = self.render("portal-home")
        news = doc.cssselect("#phutho-home-tin-tuc .phutho-home-items li")
        announcements = doc.cssselect("#phutho-home-thong-bao .phutho-home-items li")
        self.assertEqual(len(news), 3)
        self.assertEqual(len(announcements), 2)
        date = news[0].cssselect("time")[0].text
        self.assertRegex(date, r"^\d{2}/\d{2}/\d{4}$")
        self.assertEqual(
            len(texts(doc, "#phutho-home-agencies li")), len(demo_agencies())
        )

    def test_front_page_limits_news(self):
        folder = self.portal["tin-tuc"]
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        for index in range(8):
            api.content.create(folder, "News Item", id=f"extra-{index}", title="Extra")
        doc = self.render("portal-home")
        self.assertEqual(
            len(doc.cssselect("#phutho-home-tin-tuc .phutho-home-items li")), 5
        )

    def test_navigation_shows_only_what_the_user_may_see(self):
        self.portal["thong-bao"].manage_permission("View", ["Manager"], acquire=False)
        logout()
        doc = self.render("portal-home")
        self.assertEqual(
            [link.get("href") for link in doc.cssselect(".phutho-nav-items > li > a")],
            [self.portal.absolute_url() + path for path in ("", "/tin-tuc")],
        )
        self.assertEqual(doc.cssselect("#phutho-home-thong-bao"), [])

    def test_agency_page_marks_the_current_agency(self):
        doc = self.render("co-quan/so-khcn/view")
        current = doc.cssselect('.phutho-agency-menu a[aria-current="page"]')
        self.assertEqual([a.text for a in current], ["Sở Khoa học và Công nghệ"])
        self.assertEqual(
            texts(doc, "#phutho-footer-contact h2"), ["Sở Khoa học và Công nghệ"]
        )


class TestEmptySite(unittest.TestCase):
    """Without news folders nor agencies, nothing breaks."""

    layer = PHUTHO_INTRANET_INTEGRATION_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        alsoProvides(self.layer["request"], IPhuthoIntranetLayer)

    def test_front_page_and_footer(self):
        doc = html.fromstring(self.portal.restrictedTraverse("portal-home")())
        self.assertEqual(
            doc.cssselect(".phutho-home-listing, #phutho-home-agencies"), []
        )
        self.assertEqual(doc.cssselect(".phutho-nav-agencies"), [])
        footer = doc.cssselect("#phutho-footer-contact")[0]
        self.assertEqual(
            texts(footer, "h2"), [api.portal.get_registry_record("plone.site_title")]
        )
        self.assertEqual(footer.cssselect("dl"), [])


class TestThemedPages(unittest.TestCase):
    """Pages as the WSGI server sends them, through the Diazo transform."""

    layer = PHUTHO_DEMO_SERVER_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        self.portal_url = self.portal.absolute_url()
        # What scripts/create_site.py names the production site.
        api.portal.set_registry_record("plone.site_title", SITE_TITLE)
        transaction.commit()

    def get(self, path="", **kwargs):
        """Return the parsed page, as a browser asks for it."""
        response = requests.get(
            f"{self.portal_url}{path}",
            headers={"Accept": "text/html"},
            timeout=30,
            **kwargs,
        )
        self.assertEqual(response.status_code, 200, response.url)
        return html.fromstring(response.content)

    def assertContact(self, doc, agency):
        footer = doc.cssselect("#portal-footer-wrapper #phutho-footer-contact")[0]
        self.assertEqual(texts(footer, "h2"), [agency["title"]])
        self.assertEqual(
            texts(footer, "dd"),
            [agency["address"], agency["phone"], agency["email"], agency["website"]],
        )

    def test_front_page(self):
        doc = self.get()
        self.assertIn(SITE_TITLE, doc.findtext(".//title"))
        self.assertIn("phutho-theme", doc.body.get("class"))
        self.assertIn("template-portal-home", doc.body.get("class"))
        # Barceloneta's CSS is the theme's, ours comes after it.
        stylesheets = [
            link.get("href") for link in doc.cssselect("link[rel=stylesheet]")
        ]
        self.assertTrue(stylesheets[-1].endswith("/++theme++phutho/css/phutho.css"))
        self.assertTrue(any("barceloneta.min.css" in href for href in stylesheets))
        viewport = doc.cssselect('meta[name="viewport"]')[0].get("content")
        self.assertTrue(viewport.startswith("width=device-width"))

    def test_header(self):
        doc = self.get()
        header = doc.cssselect("header.phutho-header")[0]
        self.assertEqual(texts(header, ".phutho-portal-name"), [SITE_TITLE])
        self.assertEqual(texts(header, ".phutho-authority"), [PROVINCE_AUTHORITY])
        emblem = header.cssselect("img.phutho-emblem")[0]
        self.assertTrue(emblem.get("src").endswith("/++theme++phutho/emblem.svg"))
        self.assertEqual(
            len(header.cssselect("#portal-searchbox [name=SearchableText]")), 1
        )
        self.assertEqual(
            len(header.cssselect("#portal-anontools #personaltools-login")), 1
        )

    def test_agency_navigation(self):
        doc = self.get()
        nav = doc.cssselect(".phutho-navbar #phutho-agency-nav")[0]
        agencies = demo_agencies()
        self.assertEqual(
            texts(nav, ".phutho-agency-menu li:not(.phutho-agency-all) a"),
            by_title(agency["title"] for agency in agencies.values()),
        )
        links = texts(nav, ".phutho-nav-items > li > a")
        self.assertEqual(links[1:], ["Tin tức nội bộ", "Thông báo"])

    def test_front_page_footer_is_the_province(self):
        doc = self.get()
        self.assertContact(doc, demo_agencies()["ubnd-tinh"])
        self.assertEqual(len(doc.cssselect("#portal-footer .site-actions li")), 3)

    def test_agency_pages_footer_is_the_agency(self):
        agency = demo_agencies()["so-khcn"]
        self.assertContact(self.get("/co-quan/so-khcn"), agency)
        unit_id = agency["units"][0]["id"]
        self.assertContact(self.get(f"/co-quan/so-khcn/{unit_id}"), agency)

    def test_theme_resources(self):
        for path, content_type in (
            ("/++theme++phutho/css/phutho.css", "text/css"),
            ("/++theme++phutho/emblem.svg", "image/svg+xml"),
        ):
            response = requests.get(f"{self.portal_url}{path}", timeout=30)
            self.assertEqual(response.status_code, 200, path)
            self.assertTrue(
                response.headers["Content-Type"].startswith(content_type), path
            )

    def test_themed_at_every_host_name(self):
        """127.0.0.1, the address `make run` serves, is themed too (Plone
        leaves it out by default)."""
        self.assertEqual(
            api.portal.get_registry_record(
                "hostnameBlacklist", interface=IThemeSettings
            ),
            [],
        )
        for host in ("127.0.0.1", "localhost"):
            url = self.portal_url.replace("://localhost:", f"://{host}:")
            response = requests.get(url, headers={"Accept": "text/html"}, timeout=30)
            self.assertEqual(response.status_code, 200, host)
            doc = html.fromstring(response.content)
            self.assertIn("phutho-theme", doc.body.get("class"), host)
            self.assertEqual(len(doc.cssselect("header.phutho-header")), 1, host)

    def test_edit_form_keeps_the_portal_header_and_footer(self):
        """Add and edit forms and Site Setup are themed like every page:
        the header (search, navigation) and footer stay (issue 13)."""
        for path in ("/co-quan/so-khcn/edit", "/@@overview-controlpanel"):
            doc = self.get(path, auth=("quantri", DEMO_PASSWORD))
            with self.subTest(path=path):
                self.assertEqual(len(doc.cssselect("#edit-bar")), 1)
                stylesheets = [
                    link.get("href") for link in doc.cssselect("link[rel=stylesheet]")
                ]
                self.assertTrue(any("phutho.css" in href for href in stylesheets))
                self.assertEqual(len(doc.cssselect("header.phutho-header")), 1)
                self.assertEqual(len(doc.cssselect("#portal-searchbox")), 1)
                self.assertEqual(len(doc.cssselect(".phutho-navbar")), 1)
                self.assertEqual(len(doc.cssselect("#portal-footer-wrapper")), 1)
        doc = self.get("/co-quan/so-khcn/edit", auth=("quantri", DEMO_PASSWORD))
        self.assertEqual(
            len(doc.cssselect("form#form input[name='form.widgets.title']")), 1
        )
        self.assertEqual(len(doc.cssselect("form#form [name='form.buttons.save']")), 1)
