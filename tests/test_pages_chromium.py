"""The themed pages in a real browser: headless Chromium driven by Playwright,
at a phone's width and at a desktop's.

Screenshots are written to /tmp/phutho-intranet-screenshots/ for a human
to look at; the assertions do not depend on them.
"""

from phutho.intranet.demo import load_data
from phutho.intranet.sitesetup import SITE_TITLE
from phutho.intranet.testing import PHUTHO_DEMO_SERVER_TESTING
from phutho.intranet.testing_programs import find_chromium
from phutho.intranet.testing_programs import in_ci
from phutho.intranet.testing_programs import missing
from phutho.intranet.testing_programs import require
from playwright.sync_api import sync_playwright
from plone import api
from plone.testing import Layer

import os
import transaction
import unittest

# Wherever the system has it (CHROMIUM=… to choose one).
CHROMIUM = find_chromium()
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOT_DIR = "/tmp/phutho-intranet-screenshots"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 800}


HAVE_CHROMIUM = CHROMIUM is not None


class ChromiumLayer(Layer):
    """One headless Chromium for all the tests, on top of the demo site
    served by a WSGI server (zope.testrunner does not call setUpClass)."""

    defaultBases = (PHUTHO_DEMO_SERVER_TESTING,)

    def setUp(self):
        if not HAVE_CHROMIUM:
            # Skipped on a developer's machine; in CI a failure.
            if in_ci():
                raise missing("Chromium (Debian package chromium)")
            return
        self["playwright"] = sync_playwright().start()
        self["browser"] = self["playwright"].chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        os.makedirs(SCREENSHOT_DIR, exist_ok=True)

    def tearDown(self):
        if not HAVE_CHROMIUM:
            return
        self["browser"].close()
        self["playwright"].stop()
        del self["browser"]
        del self["playwright"]


CHROMIUM_TESTING = ChromiumLayer(name="PhuthoDemo:Chromium")


@require(HAVE_CHROMIUM, "Chromium (Debian package chromium)")
class TestPagesInChromium(unittest.TestCase):
    layer = CHROMIUM_TESTING

    def setUp(self):
        self.browser = self.layer["browser"]
        self.portal_url = self.layer["portal"].absolute_url()
        # What scripts/create_site.py names the production site.
        api.portal.set_registry_record("plone.site_title", SITE_TITLE)
        transaction.commit()
        self.agencies = {agency["id"]: agency for agency in load_data()["agencies"]}

    def open(self, viewport, path=""):
        context = self.browser.new_context(viewport=viewport)
        self.addCleanup(context.close)
        page = context.new_page()
        response = page.goto(f"{self.portal_url}{path}")
        self.assertEqual(response.status, 200)
        return page

    def screenshot(self, page, name, full_page=False):
        # Written here rather than by Playwright (``path=``), whose file
        # writing starts a thread that outlives the test.
        with open(os.path.join(SCREENSHOT_DIR, name), "wb") as f:
            f.write(page.screenshot(full_page=full_page))

    def assertNoHorizontalScroll(self, page):
        scroll_width, inner_width = page.evaluate(
            "[document.documentElement.scrollWidth, window.innerWidth]"
        )
        self.assertLessEqual(scroll_width, inner_width, page.url)

    def assertWithinViewport(self, page, selector):
        locator = page.locator(selector)
        self.assertTrue(locator.is_visible(), selector)
        box = locator.bounding_box()
        width = page.viewport_size["width"]
        self.assertGreaterEqual(box["x"], 0, selector)
        self.assertLessEqual(box["x"] + box["width"], width, selector)

    def test_phone_front_page(self):
        page = self.open(PHONE)
        self.assertNoHorizontalScroll(page)
        for selector in (
            "header.phutho-header",
            ".phutho-emblem",
            ".phutho-portal-name",
            "#portal-searchbox",
            "#personaltools-login",
            ".phutho-nav-toggle",
        ):
            self.assertWithinViewport(page, selector)
        self.assertEqual(page.locator(".phutho-portal-name").text_content(), SITE_TITLE)
        page.locator("#portal-footer-wrapper").scroll_into_view_if_needed()
        self.assertWithinViewport(page, "#phutho-footer-contact")
        self.screenshot(page, "front-phone.png", full_page=True)

    def test_phone_navigation_collapses_and_opens(self):
        page = self.open(PHONE)
        agency = self.agencies["so-khcn"]
        link = page.locator(".phutho-agency-menu a", has_text=agency["title"])
        news = page.locator(".phutho-nav-items a", has_text="Tin tức nội bộ")
        self.assertFalse(news.is_visible())
        page.click(".phutho-nav-toggle summary")
        self.assertTrue(news.is_visible())
        page.click(".phutho-nav-agencies summary")
        self.assertTrue(link.is_visible())
        self.assertNoHorizontalScroll(page)
        self.screenshot(page, "menu-phone.png")
        link.click()
        page.wait_for_url(f"{self.portal_url}/co-quan/so-khcn")
        self.assertNoHorizontalScroll(page)
        footer = page.locator("#phutho-footer-contact")
        self.assertIn(agency["address"], footer.inner_text())

    def test_desktop_front_page(self):
        page = self.open(DESKTOP)
        self.assertNoHorizontalScroll(page)
        self.assertFalse(page.locator(".phutho-nav-toggle").is_visible())
        self.assertTrue(
            page.locator(".phutho-nav-items a", has_text="Thông báo").is_visible()
        )
        page.click(".phutho-nav-agencies summary")
        for agency in self.agencies.values():
            link = page.locator(".phutho-agency-menu a", has_text=agency["title"])
            self.assertTrue(link.first.is_visible(), agency["title"])
        self.assertWithinViewport(page, "#phutho-home-tin-tuc")
        self.assertWithinViewport(page, "#phutho-home-thong-bao")
        self.screenshot(page, "front-desktop.png", full_page=True)
