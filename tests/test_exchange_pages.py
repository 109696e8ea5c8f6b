"""The clerk's upload form "Nhận văn bản điện tử" and the exchange sections
of the document page."""

from pathlib import Path
from phutho.intranet.testing import agency
from phutho.intranet.testing import PHUTHO_DEMO_FUNCTIONAL_TESTING
from phutho.intranet.testing import signed_in_browser

import importlib.util
import io
import unittest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location(
    "edxml_corpus", ROOT / "scripts" / "edxml_corpus.py"
)
CORPUS = importlib.util.module_from_spec(spec)
spec.loader.exec_module(CORPUS)


class TestUploadForm(unittest.TestCase):
    layer = PHUTHO_DEMO_FUNCTIONAL_TESTING

    def test_clerk_receives_a_message(self):
        portal = self.layer["portal"]
        sokhcn = agency(portal, "so-khcn")
        browser = signed_in_browser(self.layer["app"], "vanthu.sokhcn")
        browser.open(sokhcn.absolute_url())
        browser.getLink(id="agency-link-receive-edxml").click()
        control = browser.getControl(name="message")
        control.add_file(
            io.BytesIO(CORPUS.document(sokhcn.organ_id)), "application/xml", "m.edxml"
        )
        browser.getControl(name="form.submitted").click()
        self.assertIn("/van-ban-den/", browser.url)
        self.assertIn("15/VPCP-KSTT", browser.contents)
        self.assertIn('id="doc-signature-status"', browser.contents)
        # A broken message: the reason and the element, nothing created.
        browser.open(sokhcn.absolute_url() + "/@@receive-edxml")
        browser.getControl(name="message").add_file(
            io.BytesIO(CORPUS.document(sokhcn.organ_id, PromulgationDate="2026/02/30")),
            "application/xml",
            "bad.edxml",
        )
        browser.handleErrors = True
        browser.raiseHttpErrors = False
        browser.getControl(name="form.submitted").click()
        self.assertIn(
            "MessageHeader/PromulgationInfo/PromulgationDate", browser.contents
        )
        self.assertEqual(browser.headers["status"].split()[0], "400")
        self.assertIn("Không nhận được thông điệp này", browser.contents)

    def receive(self, browser, agency_obj, data):
        browser.open(agency_obj.absolute_url() + "/@@receive-edxml")
        browser.getControl(name="message").add_file(
            io.BytesIO(data), "application/xml", "m.edxml"
        )
        browser.getControl(name="form.submitted").click()
        return browser.url

    def test_imported_numbers_stay_editable(self):
        """A CodeNumber that is not a plain number, and a document without a
        number, import and can be edited and saved like any document."""
        portal = self.layer["portal"]
        sokhcn = agency(portal, "so-khcn")
        browser = signed_in_browser(self.layer["app"], "vanthu.sokhcn")
        cases = (
            ("74fass22", "74fass22/VPCP-KSTT"),
            (None, "VPCP-KSTT"),
        )
        for index, (number, expected) in enumerate(cases):
            with self.subTest(number):
                url = self.receive(
                    browser,
                    sokhcn,
                    CORPUS.document(
                        sokhcn.organ_id,
                        CodeNumber=number,
                        DocumentId=f"000.00.00.G22,2026/11/20,{expected}",
                    ),
                )
                self.assertIn("/van-ban-den/", url)
                self.assertIn(expected, browser.contents)
                browser.open(url + "/@@edit")
                self.assertEqual(
                    browser.getControl(name="form.widgets.number_symbol").value,
                    expected,
                )
                browser.getControl(name="form.widgets.title").value = f"Đã sửa {index}"
                browser.getControl(name="form.buttons.save").click()
                self.assertEqual(browser.url.rstrip("/"), url.rstrip("/"))
                self.assertIn(f"Đã sửa {index}", browser.contents)
                self.assertNotIn("form.widgets.number_symbol", browser.contents)

    def test_not_offered_to_specialists(self):
        portal = self.layer["portal"]
        browser = signed_in_browser(self.layer["app"], "chuyenvien.sokhcn")
        browser.open(agency(portal, "so-khcn").absolute_url())
        self.assertNotIn("agency-link-receive-edxml", browser.contents)
