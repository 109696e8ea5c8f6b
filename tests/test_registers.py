"""Registers of Decree 30/2020 Appendix IV: their columns in order, on
screen, printed and exported (XLSX read back with openpyxl and compared
row by row with the screen), for any period; the follow-up register."""

from datetime import timedelta
from lxml import html
from phutho.intranet.dates import format_date
from phutho.intranet.dates import today
from phutho.intranet.numbering.symbol import format_number
from phutho.intranet.reports import periods
from phutho.intranet.reports.registers import FOLLOWUP_COLUMNS
from phutho.intranet.reports.registers import INCOMING_COLUMNS
from phutho.intranet.reports.registers import OUTGOING_COLUMNS
from phutho.intranet.reports.registers import register_table
from phutho.intranet.reports.tables import read_xlsx_rows
from phutho.intranet.testing import agency
from phutho.intranet.testing import create_incoming
from phutho.intranet.testing import create_outgoing
from phutho.intranet.testing import OUTGOING_TO_SIGNED
from phutho.intranet.testing import PHUTHO_DEMO_FUNCTIONAL_TESTING
from phutho.intranet.testing import signed_in_browser
from phutho.intranet.workflow.api import do_transition
from plone import api
from urllib.parse import urlencode

import codecs
import csv
import io
import transaction
import unittest


def cell_texts(element, selector):
    return [
        [" ".join(td.text_content().split()) for td in tr.cssselect("td")]
        for tr in element.cssselect(selector)
    ]


class RegisterCase(unittest.TestCase):
    layer = PHUTHO_DEMO_FUNCTIONAL_TESTING

    def setUp(self):
        self.app = self.layer["app"]
        self.portal = self.layer["portal"]
        self.agency = agency(self.portal, "so-khcn")

    def as_user(self, user_id, function, *args, **kwargs):
        with api.env.adopt_user(username=user_id):
            return function(*args, **kwargs)

    def step(self, user_id, document, transition, **data):
        self.as_user(user_id, do_transition, document, transition, data=data)

    def incoming(self, **fields):
        return self.as_user("vanthu.sokhcn", create_incoming, self.agency, **fields)

    def registered(self, **fields):
        document = self.incoming(**fields)
        self.step("vanthu.sokhcn", document, "register")
        return document

    def assigned(self, days=7, **fields):
        document = self.registered(**fields)
        self.step("vanthu.sokhcn", document, "submit")
        lead = {
            "kind": "unit",
            "id": self.agency["cntt"].UID(),
            "deadline": (today() + timedelta(days=days)).isoformat(),
        }
        self.step("lanhdao.sokhcn", document, "assign", lead=lead)
        return document

    def issued(self, **fields):
        document = self.as_user(
            "chuyenvien.sokhcn",
            create_outgoing,
            self.agency,
            "cntt",
            internal_recipients=[agency(self.portal, "so-noi-vu").UID()],
            external_recipients=["Sở Y tế tỉnh Hà Nam"],
            copies=3,
            **fields,
        )
        for user_id, transition in OUTGOING_TO_SIGNED:
            self.step(user_id, document, transition)
        self.step("vanthu.sokhcn", document, "issue")
        return document

    def browser(self, user_id="vanthu.sokhcn"):
        return signed_in_browser(self.app, user_id)

    def screen_rows(self, browser):
        return cell_texts(
            html.fromstring(browser.contents), "#register-entries tbody tr"
        )


class TestIncomingRegister(RegisterCase):
    def test_columns_on_screen_print_and_xlsx_row_by_row(self):
        first = self.assigned(title="Về việc chuyển đổi số", number_symbol="05/UBND-VX")
        second = self.registered(title="Về việc kiểm tra", number_symbol="12/SNV-TCBC")
        transaction.commit()
        register = self.agency["so-den"]
        browser = self.browser()
        browser.open(register.absolute_url())
        page = html.fromstring(browser.contents)

        headers = [
            " ".join(th.text_content().split())
            for th in page.cssselect("#register-entries thead th")
        ]
        self.assertEqual(headers, list(INCOMING_COLUMNS))
        self.assertEqual(len(headers), 10)
        heading = [
            " ".join(p.text_content().split())
            for p in page.cssselect("#report-heading p")
        ]
        self.assertEqual(
            heading,
            [
                "Sở Khoa học và Công nghệ",
                "Sổ đăng ký văn bản đến: Sổ văn bản đến",
                f"Tháng {today().month:02d}/{today().year}",
            ],
        )
        screen = self.screen_rows(browser)
        ours = {row[3]: row for row in screen}
        row = ours["05/UBND-VX"]
        self.assertEqual(row[0], format_date(first.arrival_date))
        self.assertEqual(row[1], format_number(first.arrival_number))
        self.assertEqual(row[2], "Bộ Thông tin và Truyền thông")
        self.assertEqual(row[4], format_date(first.document_date))
        self.assertEqual(row[5], "Công văn – Về việc chuyển đổi số")
        self.assertEqual(row[6], "Phòng Công nghệ thông tin")
        self.assertEqual(row[7], format_date(today()))  # handed over at assignment
        self.assertEqual(row[8], "")  # Ký nhận: signed on paper
        # Not handed over yet: no receiver, no date.
        self.assertEqual(ours["12/SNV-TCBC"][6:8], ["", ""])
        numbers = [int(r[1]) for r in screen]
        self.assertEqual(numbers, sorted(numbers))
        self.assertTrue(all(len(r[1]) >= 2 for r in screen))  # 01, not 1

        # Print: the same rows, the heading on top.
        browser.getLink(id="report-print").click()
        printed = html.fromstring(browser.contents)
        self.assertEqual(
            [
                " ".join(e.text_content().split())
                for e in printed.cssselect("#report-heading > *")
            ],
            heading,
        )
        self.assertEqual(
            [
                th.text_content()
                for th in printed.cssselect("#register-entries thead th")
            ],
            list(INCOMING_COLUMNS),
        )
        self.assertEqual(cell_texts(printed, "#register-entries tbody tr"), screen)

        # XLSX: the same heading, columns and rows, every cell text.
        browser.open(register.absolute_url())
        browser.getLink(id="export-xlsx").click()
        self.assertEqual(
            browser.headers["Content-Type"],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        rows = read_xlsx_rows(
            browser.contents.encode("latin-1")
            if isinstance(browser.contents, str)
            else browser.contents
        )
        self.assertEqual([r[0] for r in rows[:3]], heading)
        self.assertEqual(rows[4], list(INCOMING_COLUMNS))
        self.assertEqual(rows[5:], screen)

        # CSV with ";" for spreadsheets set to Vietnamese.
        browser.open(register.absolute_url())
        browser.getLink(id="export-csv-semicolon").click()
        body = browser.contents
        self.assertTrue(body.startswith(codecs.BOM_UTF8.decode("utf-8")))
        table = list(csv.reader(io.StringIO(body[1:]), delimiter=";"))
        self.assertEqual(table[0], list(INCOMING_COLUMNS))
        self.assertEqual(table[1:], screen)
        self.assertIsNotNone(second)

    def test_any_period(self):
        current = today()
        document = self.registered(number_symbol="07/A-B")
        register = self.agency["so-den"]
        for period in (
            periods.month(current.year, current.month),
            periods.quarter(current.year, (current.month - 1) // 3 + 1),
            periods.year(current.year),
            periods.date_range(current - timedelta(days=2), current),
        ):
            table = self.as_user("vanthu.sokhcn", register_table, register, period)
            self.assertIn("07/A-B", [row[3] for row in table.rows], period)
        for period in (
            periods.year(current.year - 1),
            periods.date_range(
                current - timedelta(days=40), current - timedelta(days=35)
            ),
        ):
            table = self.as_user("vanthu.sokhcn", register_table, register, period)
            self.assertNotIn("07/A-B", [row[3] for row in table.rows], period)
        self.assertTrue(document.arrival_number)

        transaction.commit()
        browser = self.browser()
        params = {
            "period": "quarter",
            "year": current.year,
            "quarter": (current.month - 1) // 3 + 1,
        }
        browser.open(f"{register.absolute_url()}?{urlencode(params)}")
        self.assertIn("07/A-B", [r[3] for r in self.screen_rows(browser)])
        self.assertIn("Quý ", browser.contents)
        start = (current - timedelta(days=3)).strftime("%d/%m/%Y")
        params = {"period": "range", "start": start, "end": current.isoformat()}
        browser.open(f"{register.absolute_url()}?{urlencode(params)}")
        self.assertIn("07/A-B", [r[3] for r in self.screen_rows(browser)])
        # A wrong period is named on the page, the default one shown.
        browser.open(f"{register.absolute_url()}?period=range&start=x")
        self.assertIn("alert-warning", browser.contents)
        # An export of a wrong period is refused.
        browser.handleErrors = True
        browser.raiseHttpErrors = False
        browser.open(
            f"{register.absolute_url()}/@@register-export?format=xlsx&period=week"
        )
        self.assertEqual(browser.headers["status"].split()[0], "400")
        browser.open(f"{register.absolute_url()}/@@register-export?format=pdf")
        self.assertEqual(browser.headers["status"].split()[0], "400")

    def test_followup_register(self):
        late = self.assigned(title="Việc sắp tới hạn", number_symbol="20/A-B", days=1)
        transaction.commit()
        register = self.agency["so-den"]
        table = self.as_user(
            "vanthu.sokhcn",
            register_table,
            register,
            periods.month(today().year, today().month),
            "followup",
        )
        self.assertEqual(table.columns, list(FOLLOWUP_COLUMNS))
        row = [r for r in table.rows if r[3] == "20/A-B"][0]
        self.assertEqual(row[5], "Phòng Công nghệ thông tin")
        self.assertEqual(row[6], format_date(today() + timedelta(days=1)))
        self.assertTrue(row[7])
        # A reply completes it: its symbol is in the register.
        reply = self.issued(title="Trả lời")
        self.assertTrue(reply.symbol)
        with api.env.adopt_roles(["Manager"]):
            do_transition(late, "start")
            do_transition(late, "complete", data={"reply": reply.UID()})
        table = self.as_user(
            "vanthu.sokhcn",
            register_table,
            register,
            periods.month(today().year, today().month),
            "followup",
        )
        row = [r for r in table.rows if r[3] == "20/A-B"][0]
        self.assertEqual(row[8], reply.symbol)
        self.assertIn(format_date(today()), row[7])

        browser = self.browser()
        transaction.commit()
        browser.open(f"{register.absolute_url()}?kind=followup")
        page = html.fromstring(browser.contents)
        self.assertEqual(
            [th.text_content() for th in page.cssselect("#register-entries thead th")],
            list(FOLLOWUP_COLUMNS),
        )


class TestOutgoingRegister(RegisterCase):
    def test_columns_with_archive_copy_and_handover(self):
        document = self.issued(
            title="Về việc báo cáo", archive_holders="VT, CNTT, Lưu hồ sơ"
        )
        plain = self.issued(title="Về việc khác")
        transaction.commit()
        register = self.agency["so-di"]
        browser = self.browser()
        browser.open(register.absolute_url())
        page = html.fromstring(browser.contents)
        self.assertEqual(
            [th.text_content() for th in page.cssselect("#register-entries thead th")],
            list(OUTGOING_COLUMNS),
        )
        rows = {r[0]: r for r in self.screen_rows(browser)}
        row = rows[document.symbol]
        self.assertTrue(
            row[0].split("/")[0].isdigit() and len(row[0].split("/")[0]) >= 2
        )
        self.assertEqual(row[1], format_date(today()))
        self.assertEqual(row[2], "Công văn – Về việc báo cáo")
        self.assertEqual(row[3], "Nguyễn Mạnh Cường")
        self.assertEqual(row[4], "Sở Nội vụ; Sở Y tế tỉnh Hà Nam")
        self.assertEqual(row[5], "VT, CNTT, Lưu hồ sơ")
        self.assertEqual(row[6], "3")
        self.assertEqual(row[7], format_date(today()))
        self.assertEqual(row[8], "")
        self.assertEqual(rows[plain.symbol][5], "VT, CNTT")  # the usual "Lưu:" line

        browser.getLink(id="export-xlsx").click()
        data = browser.contents
        rows_x = read_xlsx_rows(
            data.encode("latin-1") if isinstance(data, str) else data
        )
        self.assertEqual(rows_x[4], list(OUTGOING_COLUMNS))
        self.assertEqual(rows_x[5:], self.screen_rows(self.reopen(browser, register)))

    def reopen(self, browser, register):
        browser.open(register.absolute_url())
        return browser


class TestFieldAtIssue(RegisterCase):
    def test_clerk_chooses_the_field_on_the_issue_form(self):
        self.agency.fields_of_work = ["VX | Văn hóa - Xã hội"]
        document = self.as_user(
            "chuyenvien.sokhcn",
            create_outgoing,
            self.agency,
            "cntt",
            internal_recipients=[agency(self.portal, "so-noi-vu").UID()],
        )
        for user_id, transition in OUTGOING_TO_SIGNED:
            self.step(user_id, document, transition)
        transaction.commit()
        browser = self.browser()
        browser.open(document.absolute_url())
        browser.getLink(id="doc-action-issue").click()
        browser.getControl(name="field").value = ["VX"]
        browser.getControl(name="form.submitted").click()
        transaction.begin()
        self.assertTrue(document.symbol.endswith("/SKHCN-VX"), document.symbol)
        # The register shows the symbol as issued.
        browser.open(self.agency["so-di"].absolute_url())
        self.assertIn(document.symbol, [r[0] for r in self.screen_rows(browser)])
