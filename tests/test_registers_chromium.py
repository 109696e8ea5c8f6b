"""The register in a real browser (headless Chromium): every column
readable at 1366 px without a horizontal scroll, and the print view on A4
landscape with all columns and the heading (agency, register, period)."""

from datetime import timedelta
from io import BytesIO
from phutho.intranet.dates import today
from phutho.intranet.testing import agency
from phutho.intranet.testing import create_incoming
from phutho.intranet.testing import DEMO_PASSWORD
from phutho.intranet.testing_programs import require
from phutho.intranet.workflow.api import do_transition
from plone import api
from pypdf import PdfReader
from test_pages_chromium import CHROMIUM_TESTING
from test_pages_chromium import HAVE_CHROMIUM

import base64
import transaction
import unittest

LAPTOP = {"width": 1366, "height": 768}
# A4 landscape less the print stylesheet's margins (10 mm each side), in
# CSS pixels (96 per inch).
A4_LANDSCAPE_PRINTABLE = round((297 - 20) / 25.4 * 96)
CREDENTIALS = base64.b64encode(f"vanthu.sokhcn:{DEMO_PASSWORD}".encode()).decode()
LONG = "Về việc triển khai thực hiện Kế hoạch chuyển đổi số, phát triển chính quyền số"


@require(HAVE_CHROMIUM, "Chromium (Debian package chromium)")
class TestRegisterInChromium(unittest.TestCase):
    layer = CHROMIUM_TESTING

    def setUp(self):
        self.browser = self.layer["browser"]
        self.portal = self.layer["portal"]
        self.agency = agency(self.portal, "so-khcn")
        for index in range(6):
            with api.env.adopt_user(username="vanthu.sokhcn"):
                document = create_incoming(
                    self.agency,
                    title=f"{LONG} giai đoạn {index}",
                    sender_name="Ban Chỉ đạo phát triển khoa học, công nghệ, đổi mới sáng tạo",
                    number_symbol=f"{1234 + index}/QĐ-BCĐKHCNĐMST",
                    urgency="very_urgent",
                    secrecy="normal",
                )
                do_transition(document, "register")
                do_transition(document, "submit")
            with api.env.adopt_user(username="lanhdao.sokhcn"):
                lead = {
                    "kind": "unit",
                    "id": self.agency["cntt"].UID(),
                    "deadline": (today() + timedelta(days=5)).isoformat(),
                }
                do_transition(document, "assign", data={"lead": lead})
        transaction.commit()

    def page(self, viewport, path):
        context = self.browser.new_context(
            viewport=viewport,
            # Plone redirects to its login form rather than challenging:
            # send the credentials with every request.
            extra_http_headers={"Authorization": f"Basic {CREDENTIALS}"},
        )
        self.addCleanup(context.close)
        page = context.new_page()
        response = page.goto(f"{self.agency['so-den'].absolute_url()}{path}")
        self.assertEqual(response.status, 200)
        return page

    def test_readable_at_1366_without_horizontal_scroll(self):
        page = self.page(LAPTOP, "")
        headers = page.locator("#register-entries thead th")
        self.assertEqual(headers.count(), 10)
        scroll_width, inner_width = page.evaluate(
            "[document.documentElement.scrollWidth, window.innerWidth]"
        )
        self.assertLessEqual(scroll_width, inner_width)
        # No scrolling box around the table either (Bootstrap's
        # .table-responsive would hide a horizontal scroll there), and the
        # table no wider than what holds it.
        hidden, width, room = page.evaluate(
            "(() => { const t = document.querySelector('#register-entries');"
            " let hidden = [];"
            " for (let e = t.parentElement; e; e = e.parentElement) {"
            "   const o = getComputedStyle(e).overflowX;"
            "   if ((o === 'auto' || o === 'scroll') && e.scrollWidth > e.clientWidth)"
            "     hidden.push(e.className || e.tagName); }"
            " return [hidden, t.getBoundingClientRect().width,"
            "         t.parentElement.clientWidth]; })()"
        )
        self.assertEqual(hidden, [])
        self.assertLessEqual(width, room)
        for index in range(10):
            box = headers.nth(index).bounding_box()
            self.assertGreaterEqual(box["x"], 0)
            self.assertLessEqual(box["x"] + box["width"], LAPTOP["width"])
            # A column narrower than a short word would not be readable.
            self.assertGreater(box["width"], 40)

    def test_print_view_fits_a4_landscape(self):
        page = self.page(
            {"width": A4_LANDSCAPE_PRINTABLE, "height": 700}, "/@@register-print"
        )
        page.emulate_media(media="print")
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        self.assertLessEqual(scroll_width, A4_LANDSCAPE_PRINTABLE)
        self.assertEqual(page.locator("#register-entries thead th").count(), 10)
        data = page.pdf(prefer_css_page_size=True, print_background=False)
        reader = PdfReader(BytesIO(data))
        box = reader.pages[0].mediabox
        self.assertGreater(float(box.width), float(box.height))  # landscape
        self.assertAlmostEqual(float(box.width), 842, delta=2)  # A4: 297 mm
        text = reader.pages[0].extract_text()
        self.assertIn("SỞ KHOA HỌC VÀ CÔNG NGHỆ", text.upper())
        self.assertIn("Sổ văn bản đến".upper(), text.upper())
        self.assertIn(f"{today().month:02d}/{today().year}", text)
        self.assertIn("Ký nhận", text)
