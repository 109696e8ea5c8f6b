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
        sotttt = agency(portal, "so-tttt")
        browser = signed_in_browser(self.layer["app"], "vanthu.sotttt")
        browser.open(sotttt.absolute_url())
        browser.getLink(id="agency-link-receive-edxml").click()
        control = browser.getControl(name="message")
        control.add_file(
            io.BytesIO(CORPUS.document(sotttt.organ_id)), "application/xml", "m.edxml"
        )
        browser.getControl(name="form.submitted").click()
        self.assertIn("/van-ban-den/", browser.url)
        self.assertIn("15/VPCP-KSTT", browser.contents)
        self.assertIn('id="doc-signature-status"', browser.contents)
        # A broken message: the reason and the element, nothing created.
        browser.open(sotttt.absolute_url() + "/@@receive-edxml")
        browser.getControl(name="message").add_file(
            io.BytesIO(CORPUS.document(sotttt.organ_id, PromulgationDate="2026/02/30")),
            "application/xml",
            "bad.edxml",
        )
        browser.handleErrors = True
        browser.raiseHttpErrors = False
        browser.getControl(name="form.submitted").click()
        self.assertIn(
            "MessageHeader/PromulgationInfo/PromulgationDate", browser.contents
        )

    def test_not_offered_to_specialists(self):
        portal = self.layer["portal"]
        browser = signed_in_browser(self.layer["app"], "chuyenvien.sotttt")
        browser.open(agency(portal, "so-tttt").absolute_url())
        self.assertNotIn("agency-link-receive-edxml", browser.contents)
