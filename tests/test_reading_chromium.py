"""The add form's proposals in a real browser (headless Chromium driven by
Playwright): the clerk picks the main file of a new incoming document,
the page posts it to ``@proposals`` with plone.protect's token and fills
the empty fields, marked as proposed; the clerk's own values stay, a
corrected field loses its mark, saving registers nothing; a scan is
announced as read after saving (OCR)."""

from phutho.intranet.testing import agency
from phutho.intranet.testing import DEMO_PASSWORD
from phutho.intranet.testing_programs import require
from plone import api
from test_pages_chromium import CHROMIUM_TESTING
from test_pages_chromium import HAVE_CHROMIUM
from test_pages_chromium import SCREENSHOT_DIR
from test_reading import load_script

import base64
import os
import random
import shutil
import tempfile
import transaction
import unittest

CREDENTIALS = base64.b64encode(f"vanthu.sokhcn:{DEMO_PASSWORD}".encode()).decode()
SPECIALIST = base64.b64encode(f"chuyenvien.sokhcn:{DEMO_PASSWORD}".encode()).decode()
DESKTOP = {"width": 1280, "height": 900}
WAIT_MS = 60_000


@require(HAVE_CHROMIUM, "Chromium (Debian package chromium)")
class TestAddFormProposals(unittest.TestCase):
    layer = CHROMIUM_TESTING

    def setUp(self):
        self.browser = self.layer["browser"]
        self.portal = self.layer["portal"]
        self.agency = agency(self.portal, "so-khcn")
        self.directory = tempfile.mkdtemp(prefix="phutho-proposals-")
        self.addCleanup(shutil.rmtree, self.directory, True)
        self.corpus = load_script("ocr_corpus")
        transaction.commit()

    def add_form(self):
        context = self.browser.new_context(
            viewport=DESKTOP,
            # Plone redirects to its login form rather than challenging.
            extra_http_headers={"Authorization": f"Basic {CREDENTIALS}"},
            locale="vi-VN",
        )
        self.addCleanup(context.close)
        page = context.new_page()
        self.errors = []
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.posts = []
        page.on(
            "request",
            lambda request: (
                self.posts.append(request)
                if request.method == "POST" and request.url.endswith("/@proposals")
                else None
            ),
        )
        response = page.goto(f"{self.agency.absolute_url()}/++add++IncomingDocument")
        self.assertEqual(response.status, 200)
        page.wait_for_selector('form#form[data-proposals="ready"]', timeout=WAIT_MS)
        return page

    def write(self, name, data):
        path = os.path.join(self.directory, name)
        with open(path, "wb") as stream:
            stream.write(data)
        return path

    def field(self, page, name):
        return page.locator(f"#form-widgets-{name}")

    def badge(self, page, name):
        return page.locator(f"#formfield-form-widgets-{name} .phutho-proposed-badge")

    def test_native_pdf_fills_the_empty_fields_as_proposed(self):
        doc = self.corpus.make_document(random.Random(4), 0)
        path = self.write("cong-van.pdf", self.corpus.render_pdf(doc))
        page = self.add_form()
        # What the clerk typed before choosing the file is kept.
        self.field(page, "sender_name").fill("Ghi của văn thư")
        page.set_input_files('input[name="form.widgets.main_file"]', path)
        page.wait_for_selector('form#form[data-proposals="done"]', timeout=WAIT_MS)
        self.assertEqual(self.errors, [])
        # Sent once, with plone.protect's token from the page.
        (post,) = self.posts
        token = page.get_attribute("#protect-script", "data-token")
        self.assertTrue(token)
        self.assertEqual(post.headers.get("x-csrf-token"), token)
        expected = {
            "number_symbol": doc["number_symbol"],
            "document_date": doc["date"],
            "document_type": doc["document_type"],
            "title": doc["subject"],
            "signer_name": doc["signer_name"],
            "signer_position": doc["signer_position"],
            "recipients": "\n".join(doc["recipients"]),
        }
        for name, value in expected.items():
            with self.subTest(name):
                self.assertEqual(self.field(page, name).input_value(), value)
                self.assertEqual(self.badge(page, name).count(), 1)
                self.assertEqual(self.badge(page, name).inner_text(), "đề xuất")
        self.assertEqual(
            self.field(page, "sender_name").input_value(), "Ghi của văn thư"
        )
        self.assertEqual(self.badge(page, "sender_name").count(), 0)
        status = page.locator("#phutho-proposals-status").inner_text()
        self.assertIn("đề xuất", status)
        # The clerk corrects a field: it is no longer a guess.
        corrected = doc["number_symbol"].replace("/", "a/", 1)
        self.field(page, "number_symbol").fill(corrected)
        self.assertEqual(self.badge(page, "number_symbol").count(), 0)
        self.assertEqual(self.badge(page, "document_date").count(), 1)
        # For a person to look at (test_pages_chromium's folder).
        with open(os.path.join(SCREENSHOT_DIR, "proposals-add-form.png"), "wb") as f:
            f.write(page.screenshot(full_page=True))
        # Saving creates the document with what the clerk confirmed;
        # nothing is registered by it.
        page.click("#form-buttons-save")
        page.wait_for_load_state()
        transaction.begin()
        self.portal._p_jar.sync()
        catalog = api.portal.get_tool("portal_catalog")
        (brain,) = [
            brain
            for brain in catalog.unrestrictedSearchResults(
                portal_type="IncomingDocument"
            )
            if brain.number_symbol == corrected
        ]
        document = brain._unrestrictedGetObject()
        self.assertEqual(document.sender_name, "Ghi của văn thư")
        self.assertEqual(document.signer_position, doc["signer_position"])
        self.assertEqual(document.title, doc["subject"])
        self.assertEqual(document.recipients, doc["recipients"])
        self.assertEqual(document.document_date.isoformat(), doc["date"])
        self.assertIsNone(document.arrival_number)
        self.assertEqual(api.content.get_state(document), "received")

    def test_scan_is_read_after_saving(self):
        from test_reading_worker import tiny_scan

        data, _doc = tiny_scan()
        path = self.write("scan.jpg", data)
        page = self.add_form()
        page.set_input_files('input[name="form.widgets.main_file"]', path)
        page.wait_for_selector(
            'form#form[data-proposals="ocr_needed"]', timeout=WAIT_MS
        )
        self.assertEqual(self.errors, [])
        status = page.locator("#phutho-proposals-status").inner_text()
        self.assertIn("OCR", status)
        self.assertEqual(page.locator(".phutho-proposed-badge").count(), 0)
        self.assertEqual(self.field(page, "number_symbol").input_value(), "")

    def test_not_on_other_add_forms(self):
        context = self.browser.new_context(
            viewport=DESKTOP,
            extra_http_headers={"Authorization": f"Basic {SPECIALIST}"},
        )
        self.addCleanup(context.close)
        page = context.new_page()
        response = page.goto(f"{self.agency.absolute_url()}/++add++OutgoingDocument")
        self.assertEqual(response.status, 200)
        self.assertEqual(page.locator("#phutho-proposals").count(), 0)
        # The script is on the page (one bundle for the site) and idle.
        self.assertEqual(
            page.locator('script[data-bundle="phutho-proposals"]').count(), 1
        )
        self.assertIsNone(page.get_attribute("form#form", "data-proposals"))
