"""Decree 30/2020/NĐ-CP, Appendix VI part I: the functional checklist an
auditor reads, one test per item, named after it (docs/compliance.md maps
each to where it is built). Each test shows the item working as a person
would use it; the detailed tests of each item are named in the table."""

from datetime import date
from datetime import datetime
from datetime import timedelta
from fpdf import FPDF
from io import BytesIO
from lxml import etree
from lxml import html
from phutho.intranet import versions
from phutho.intranet.accesslog import writer
from phutho.intranet.accesslog.api import log_of
from phutho.intranet.content.storage import add_document
from phutho.intranet.dates import format_date
from phutho.intranet.dates import today
from phutho.intranet.exc import DuplicateError
from phutho.intranet.exc import InvalidDataError
from phutho.intranet.numbering.api import last_number
from phutho.intranet.numbering.symbol import format_number
from phutho.intranet.reports import casefiles
from phutho.intranet.reports import periods
from phutho.intranet.reports.outgoing import report as outgoing_report
from phutho.intranet.reports.pdf import casefile_pdf
from phutho.intranet.reports.registers import register_table
from phutho.intranet.reports.scopes import Scope
from phutho.intranet.reports.tables import read_xlsx_rows
from phutho.intranet.reports.tables import to_xlsx
from phutho.intranet.search import saved
from phutho.intranet.search.advanced import results_table
from phutho.intranet.search.advanced import search
from phutho.intranet.testing import agency
from phutho.intranet.testing import create_incoming
from phutho.intranet.testing import create_outgoing
from phutho.intranet.testing import OUTGOING_TO_SIGNED
from phutho.intranet.testing import PHUTHO_DEMO_FUNCTIONAL_TESTING
from phutho.intranet.testing import signed_in_browser
from phutho.intranet.workflow.api import do_transition
from phutho.intranet.workflow.assignment import ASSIGNMENTS_ATTR
from phutho.intranet.workflow.assignment import is_overdue
from phutho.intranet.workflow.delivery import deliveries_of
from phutho.intranet.workflow.delivery import delivery_status
from phutho.intranet.workflow.history import history_of
from plone import api
from plone.app.uuid.utils import uuidToObject
from plone.namedfile.file import NamedBlobFile
from pypdf import PdfReader
from pypdf import PdfWriter
from z3c.relationfield import RelationValue
from zope.component import getUtility
from zope.event import notify
from zope.intid.interfaces import IIntIds
from zope.lifecycleevent import ObjectModifiedEvent

import os
import shutil
import subprocess
import sys
import tempfile
import time
import transaction
import unittest


def pdf(pages=1, text=None):
    """A PDF of ``pages`` pages; with ``text``, real text on the first."""
    if text:
        document = FPDF()
        document.add_font(
            "DejaVu",
            "",
            os.path.join(
                os.path.dirname(casefiles.__file__), "fonts", "DejaVuSans.ttf"
            ),
        )
        document.set_font("DejaVu", size=12)
        for _page in range(pages):
            document.add_page()
            document.multi_cell(0, 8, text)
        data = bytes(document.output())
    else:
        writer_ = PdfWriter()
        for _page in range(pages):
            writer_.add_blank_page(width=595, height=842)
        out = BytesIO()
        writer_.write(out)
        data = out.getvalue()
    return NamedBlobFile(
        data=data, filename="van-ban.pdf", contentType="application/pdf"
    )


class ChecklistCase(unittest.TestCase):
    layer = PHUTHO_DEMO_FUNCTIONAL_TESTING

    def setUp(self):
        self.app = self.layer["app"]
        self.portal = self.layer["portal"]
        self.agency = agency(self.portal, "so-khcn")
        self.receiver = agency(self.portal, "so-noi-vu")

    def as_(self, user_id, function, *args, **kwargs):
        with api.env.adopt_user(username=user_id):
            return function(*args, **kwargs)

    def step(self, user_id, document, transition, comment="", **data):
        self.as_(
            user_id, do_transition, document, transition, comment=comment, data=data
        )

    def incoming(self, **fields):
        return self.as_("vanthu.sokhcn", create_incoming, self.agency, **fields)

    def registered(self, **fields):
        document = self.incoming(**fields)
        self.step("vanthu.sokhcn", document, "register")
        return document

    def assigned(self, days=5, unit="cntt", **fields):
        document = self.registered(**fields)
        self.step("vanthu.sokhcn", document, "submit")
        lead = {
            "kind": "unit",
            "id": self.agency[unit].UID(),
            "deadline": (today() + timedelta(days=days)).isoformat(),
        }
        self.step(
            "lanhdao.sokhcn", document, "assign", lead=lead, instructions="Xử lý gấp"
        )
        return document

    def issued(self, **fields):
        fields.setdefault("internal_recipients", [self.receiver.UID()])
        document = self.as_(
            "chuyenvien.sokhcn", create_outgoing, self.agency, "cntt", **fields
        )
        for user_id, transition in OUTGOING_TO_SIGNED:
            self.step(user_id, document, transition)
        self.step("vanthu.sokhcn", document, "issue")
        return document

    def month(self):
        return periods.month(today().year, today().month)

    def rows(self, browser, selector):
        return [
            [" ".join(td.text_content().split()) for td in tr.cssselect("td")]
            for tr in html.fromstring(browser.contents).cssselect(selector)
        ]

    def casefile(self, code, documents):
        intids = getUtility(IIntIds)
        return self.as_(
            "vanthu.sokhcn",
            add_document,
            self.agency,
            "CaseFile",
            title=f"Hồ sơ {code}",
            file_code=code,
            retention="20",
            start_date=today().replace(month=1, day=1),
            documents=[RelationValue(intids.getId(d)) for d in documents],
        )


class TestAppendixVIChecklist(ChecklistCase):
    def test_01_automatic_numbering_per_year(self):
        register = self.agency["so-den"]
        year = today().year
        before = last_number(register, year)
        first, second = self.registered(number_symbol="1/A-B"), self.registered(
            number_symbol="2/A-B"
        )
        self.assertEqual(
            (first.arrival_number, second.arrival_number), (before + 1, before + 2)
        )
        # Last year's arrival is numbered in last year's series, from 1.
        old = self.registered(
            number_symbol="3/A-B",
            document_date=date(year - 1, 12, 20),
            arrival_date=datetime(year - 1, 12, 30, 9, 0),
        )
        self.assertEqual(old.arrival_number, last_number(register, year - 1))
        self.assertEqual(last_number(register, year), before + 2)
        outgoing = self.issued()
        self.assertRegex(outgoing.symbol, r"^\d{2,}/SKHCN-CNTT$")
        # A numberless letter (notation alone) is registered too.
        letter = self.registered(number_symbol="VPCP-KSTT")
        self.assertEqual(letter.arrival_number, before + 3)

    def test_02_automatic_receipt_notice_to_the_sender(self):
        outgoing = self.issued()
        (status,) = delivery_status(outgoing)
        self.assertEqual(status["status_code"], "01")  # at once, nobody acted
        copy = uuidToObject(
            deliveries_of(outgoing)[self.receiver.UID()], unrestricted=True
        )
        self.as_("vanthu.snv", do_transition, copy, "register")
        (status,) = delivery_status(outgoing)
        self.assertEqual(status["status_code"], "03")
        # Across the border the exchange sends 01 back by itself:
        # tests/test_exchange_pickup.py TestTwoAgencies.

    def test_03_duplicate_warning(self):
        self.registered(number_symbol="45/UBND-KT", sender_organ_id="000.00.00.H43")
        twin = self.incoming(
            number_symbol="45/ubnd-kt", sender_organ_id="000.00.00.H43"
        )
        with self.assertRaises(DuplicateError):
            self.step("vanthu.sokhcn", twin, "register")
        self.step("vanthu.sokhcn", twin, "register", allow_duplicate=True)
        self.assertTrue(twin.arrival_number)

    def test_04_notification_of_new_documents_and_receipt_status(self):
        outgoing = self.issued()
        transaction.commit()
        clerk = signed_in_browser(self.app, "vanthu.snv")
        clerk.open(f"{self.receiver.absolute_url()}/@@documents-dashboard")
        waiting = [
            " ".join(a.text_content().split())
            for a in html.fromstring(clerk.contents).cssselect(
                "#dashboard-to-register a"
            )
        ]
        self.assertIn(outgoing.Title(), waiting)
        sender = signed_in_browser(self.app, "vanthu.sokhcn")
        sender.open(outgoing.absolute_url())
        delivery = self.rows(sender, "#doc-delivery tbody tr")
        self.assertTrue(any("01" in cell for cell in delivery[0]))

    def test_05_deadline_follow_up_and_statistics(self):
        document = self.assigned(number_symbol="9/A-B", days=1)
        for entry in getattr(document, ASSIGNMENTS_ATTR):
            entry["deadline"] = today() - timedelta(days=2)
        document.reindexObject()
        self.assertTrue(is_overdue(document))
        table = self.as_(
            "vanthu.sokhcn",
            register_table,
            self.agency["so-den"],
            self.month(),
            "followup",
        )
        row = [r for r in table.rows if r[3] == "9/A-B"][0]
        self.assertIn("quá hạn", row[7])
        stats = Scope(self.agency["cntt"]).compute(self.month())
        self.assertGreaterEqual(stats["total"]["overdue"], 1)

    def test_06_leaders_distribute_and_return(self):
        document = self.registered(number_symbol="10/A-B")
        self.step("vanthu.sokhcn", document, "submit")
        self.step(
            "lanhdao.sokhcn", document, "send_back", comment="Sai nơi nhận nội bộ"
        )
        self.assertEqual(api.content.get_state(document), "registered")
        self.step("vanthu.sokhcn", document, "submit")
        self.step(
            "lanhdao.sokhcn",
            document,
            "assign",
            lead={
                "kind": "unit",
                "id": self.agency["cntt"].UID(),
                "deadline": (today() + timedelta(days=3)).isoformat(),
            },
        )
        self.assertEqual(api.content.get_state(document), "assigned")
        draft = self.as_(
            "chuyenvien.sokhcn",
            create_outgoing,
            self.agency,
            "cntt",
            drafter="chuyenvien.sokhcn",
        )
        self.step("chuyenvien.sokhcn", draft, "submit_for_review")
        self.step("truongphong.sokhcn", draft, "submit_for_signature")
        self.step(
            "lanhdao.sokhcn", draft, "return_for_revision", comment="Bổ sung số liệu"
        )
        self.assertEqual(api.content.get_state(draft), "draft")

    def test_07_full_processing_history(self):
        document = self.assigned(number_symbol="11/A-B")
        actions = [(e["action"], e["actor"]) for e in history_of(document)]
        self.assertEqual(
            actions,
            [
                ("register", "vanthu.sokhcn"),
                ("submit", "vanthu.sokhcn"),
                ("assign", "lanhdao.sokhcn"),
            ],
        )
        self.assertEqual(history_of(document)[-1]["instructions"], "Xử lý gấp")
        # Drafts: every version with its author; views: the access log.
        draft = self.as_(
            "chuyenvien.sokhcn", create_outgoing, self.agency, "cntt", content="Một."
        )
        with api.env.adopt_user(username="chuyenvien.sokhcn"):
            draft.content = "Hai."
            notify(ObjectModifiedEvent(draft))
        self.assertEqual(
            len(self.as_("truongphong.sokhcn", versions.versions, draft)), 2
        )
        writer.record(self.portal, document.UID(), "lanhdao.sokhcn", "view")
        self.assertEqual(log_of(document)[0]["user"], "lanhdao.sokhcn")

    def test_08_permissions_per_document_and_case_file(self):
        secret = self.incoming(number_symbol="12/A-B", secrecy="confidential")
        self.assertFalse(
            api.user.has_permission("View", username="chuyenvien.sokhcn", obj=secret)
        )
        casefile = self.casefile("2026.VP.08", [secret])
        self.assertFalse(
            api.user.has_permission("View", username="chuyenvien2.sokhcn", obj=casefile)
        )
        with api.env.adopt_user(username="vanthu.sokhcn"):
            casefile.editors = ["chuyenvien2.sokhcn"]
            notify(ObjectModifiedEvent(casefile))
        with api.env.adopt_user(username="chuyenvien2.sokhcn"):
            self.assertEqual(
                len(api.content.find(portal_type="CaseFile", file_code="2026.VP.08")), 1
            )
            # Seeing the file is not seeing its secret document.
            self.assertEqual(casefile.document_objects(), [])

    def test_09_case_files_with_codes(self):
        document = self.registered(number_symbol="13/A-B")
        self.casefile("2026.CNTT.09", [document])
        with api.env.adopt_user(username="vanthu.sokhcn"):
            found = api.content.find(portal_type="CaseFile", file_code="2026.CNTT.09")
            self.assertEqual(len(found), 1)
            self.assertEqual(
                len(
                    api.content.find(portal_type="CaseFile", file_catalog=today().year)
                ),
                1,
            )

    def test_10_document_in_several_case_files_without_copying(self):
        document = self.registered(number_symbol="14/A-B")
        other = self.registered(number_symbol="15/A-B")
        self.casefile("2026.A", [document])
        self.casefile("2026.B", [other, document])
        places = {p[2]: p[3] for p in casefiles.positions(document)}
        self.assertEqual(places, {"2026.A": 1, "2026.B": 2})
        # One object, referenced twice: no copy in the catalog or the files.
        catalog = api.portal.get_tool("portal_catalog")
        self.assertEqual(len(catalog.unrestrictedSearchResults(UID=document.UID())), 1)
        targets = {
            id(relation.to_object.aq_base)
            for casefile, _c, _n, _o in casefiles.positions(document)
            for relation in casefile.documents
            if relation.to_object.UID() == document.UID()
        }
        self.assertEqual(len(targets), 1)

    def test_11_case_file_export_to_pdf_and_xml_in_order(self):
        first = self.registered(number_symbol="16/A-B", main_file=pdf(2))
        second = self.registered(number_symbol="17/A-B", main_file=pdf(1))
        casefile = self.casefile("2026.CNTT.11", [second, first])
        data = self.as_("vanthu.sokhcn", casefile_pdf, casefile)
        self.assertEqual(len(PdfReader(BytesIO(data)).pages), 2 + 1 + 2)
        xml = self.as_("vanthu.sokhcn", casefiles.casefile_xml, casefile)
        self.assertTrue(casefiles.validate(xml))
        root = etree.fromstring(xml)
        ns = {"h": casefiles.NAMESPACE}
        self.assertEqual(
            [
                d.findtext("h:CodeNumber", namespaces=ns)
                for d in root.findall("h:Documents/h:Document", ns)
            ],
            ["17", "16"],
        )

    def test_12_search_on_every_field(self):
        document = self.registered(
            number_symbol="18/A-B",
            sender_name="Sở Giáo dục và Đào tạo",
            sender_organ_id="000.00.15.H43",
            channel="email",
            signer_name="Đặng Thị Ngọc",
            recipients=["UBND các xã"],
        )
        for form in (
            {"sender_name": "so giao duc"},
            {"organ_id": "000.00.15.H43"},
            {"channel": "email"},
            {"signer": "dang thi ngoc"},
            {"recipients": "ubnd cac xa"},
            {"number": "18/A-B"},
            {"document_type": "cong-van", "portal_type": "IncomingDocument"},
        ):
            brains, _c = self.as_("vanthu.sokhcn", search, form, self.portal)
            self.assertIn(document.UID(), [b.UID for b in brains], form)

    def test_13_full_text_search_and_sort(self):
        document = self.registered(
            number_symbol="19/A-B",
            main_file=pdf(1, text="Kế hoạch phát triển hạ tầng số tỉnh Phú Thọ"),
        )
        brains, _c = self.as_(
            "vanthu.sokhcn", search, {"text": "ha tang so phu tho"}, self.portal
        )
        self.assertIn(document.UID(), [b.UID for b in brains])
        brains, _c = self.as_(
            "vanthu.sokhcn",
            search,
            {
                "portal_type": "IncomingDocument",
                "sort_on": "register_number",
                "sort_order": "descending",
            },
            self.portal,
        )
        numbers = [b.register_number for b in brains if b.register_number]
        self.assertEqual(numbers, sorted(numbers, reverse=True))

    def test_14_saved_queries(self):
        document = self.registered(number_symbol="20/A-B", urgency="flash")
        with api.env.adopt_user(username="vanthu.sokhcn"):
            search_id = saved.save(
                "vanthu.sokhcn", "Hỏa tốc", {"urgency": "flash"}, self.portal
            )
            criteria = saved.get("vanthu.sokhcn", search_id)["criteria"]
            brains, _c = search(criteria, self.portal)
        self.assertEqual(criteria, {"urgency": "flash"})
        self.assertIn(document.UID(), [b.UID for b in brains])
        with self.assertRaises(InvalidDataError):
            saved.save("vanthu.sokhcn", "", {"urgency": "flash"}, self.portal)

    def test_15_export_of_search_results(self):
        self.registered(number_symbol="21/A-B", urgency="urgent")
        brains, _c = self.as_(
            "vanthu.sokhcn", search, {"urgency": "urgent"}, self.portal
        )
        table = results_table(brains, "Sở Khoa học và Công nghệ", 100)
        rows = read_xlsx_rows(to_xlsx(table))
        self.assertEqual(rows[3], table.columns)
        self.assertIn("21/A-B", [r[0] for r in rows[4:]])

    def test_16_access_log(self):
        document = self.registered(number_symbol="22/A-B")
        api.portal.set_registry_record("phutho.intranet.access_log_flush_size", 1)
        transaction.commit()
        signed_in_browser(self.app, "vanthu.sokhcn").open(document.absolute_url())
        leader = signed_in_browser(self.app, "lanhdao.sokhcn")
        leader.open(f"{document.absolute_url()}/@@access-log")
        rows = self.rows(leader, "#access-log tbody tr")
        self.assertEqual(rows[-1][1], "Trịnh Thị Thu")

    def test_17_backup_and_restore(self):
        """The commands of docs/operations.md (repozo, blob copy) on a
        FileStorage with blobs: full and incremental backups, restored
        into a new directory with the last state."""
        from persistent.mapping import PersistentMapping
        from ZODB.blob import Blob
        from ZODB.FileStorage import FileStorage

        import ZODB

        repozo = os.path.join(os.path.dirname(sys.executable), "repozo")
        work = tempfile.mkdtemp()
        try:
            var, backup = os.path.join(work, "var"), os.path.join(work, "backup")
            for path in (f"{var}/blobstorage", f"{backup}/fs", f"{backup}/blobs"):
                os.makedirs(path)

            def open_db(directory):
                return ZODB.DB(
                    FileStorage(
                        f"{directory}/Data.fs", blob_dir=f"{directory}/blobstorage"
                    )
                )

            db = open_db(var)
            with db.transaction() as conn:
                conn.root()["register"] = PersistentMapping(number=1)
                blob = conn.root()["file"] = Blob()
                with blob.open("w") as f:
                    f.write(b"%PDF-1.4 van ban 01")
            db.close()
            subprocess.run(
                [repozo, "-B", "-r", f"{backup}/fs", "-f", f"{var}/Data.fs"], check=True
            )
            time.sleep(1.1)  # repozo names backups by the second
            db = open_db(var)
            with db.transaction() as conn:
                conn.root()["register"]["number"] = 2
            db.close()
            subprocess.run(
                [repozo, "-B", "-r", f"{backup}/fs", "-f", f"{var}/Data.fs"], check=True
            )
            shutil.copytree(f"{var}/blobstorage", f"{backup}/blobs", dirs_exist_ok=True)

            restored = os.path.join(work, "restored")
            os.makedirs(restored)
            subprocess.run(
                [repozo, "-R", "-r", f"{backup}/fs", "-o", f"{restored}/Data.fs"],
                check=True,
            )
            shutil.copytree(f"{backup}/blobs", f"{restored}/blobstorage")
            db = open_db(restored)
            with db.transaction() as conn:
                self.assertEqual(conn.root()["register"]["number"], 2)
                with conn.root()["file"].open() as f:
                    self.assertEqual(f.read(), b"%PDF-1.4 van ban 01")
            db.close()
            kinds = {name.rsplit(".", 1)[-1] for name in os.listdir(f"{backup}/fs")}
            self.assertTrue({"fs", "deltafs"} <= kinds, kinds)  # full, incremental
        finally:
            shutil.rmtree(work)

    def test_18_incoming_register(self):
        document = self.assigned(number_symbol="05/UBND-VX")
        transaction.commit()
        clerk = signed_in_browser(self.app, "vanthu.sokhcn")
        clerk.open(self.agency["so-den"].absolute_url())
        row = [
            r
            for r in self.rows(clerk, "#register-entries tbody tr")
            if r[3] == "05/UBND-VX"
        ][0]
        self.assertEqual(len(row), 10)
        self.assertEqual(row[1], format_number(document.arrival_number))
        self.assertEqual(row[6], "Phòng Công nghệ thông tin")
        self.assertEqual(row[7], format_date(today()))

    def test_19_incoming_processing_report(self):
        done = self.assigned(number_symbol="23/A-B")
        self.step("truongphong.sokhcn", done, "start")
        self.step("truongphong.sokhcn", done, "complete")
        self.assigned(number_symbol="24/A-B")
        transaction.commit()
        leader = signed_in_browser(self.app, "lanhdao.sokhcn")
        leader.open(f"{self.agency.absolute_url()}/@@statistics")
        total = self.rows(leader, "#stats-table-total tbody tr")[0]
        self.assertGreaterEqual(int(total[2]), 1)  # completed on time
        self.assertGreaterEqual(int(total[4]), 1)  # in progress
        self.assertTrue(
            html.fromstring(leader.contents).cssselect("svg#chart-outcomes")
        )

    def test_20_outgoing_register(self):
        document = self.issued(copies=2)
        table = self.as_(
            "vanthu.sokhcn", register_table, self.agency["so-di"], self.month()
        )
        row = [r for r in table.rows if r[0] == document.symbol][0]
        self.assertEqual(len(row), 10)
        self.assertEqual(row[4], "Sở Nội vụ")
        self.assertEqual(row[5], "VT, CNTT")
        self.assertEqual(row[6], "2")
        self.assertEqual(row[7], format_date(today()))

    def test_21_outgoing_report(self):
        self.issued(document_type="cong-van")
        self.issued(document_type="cong-van", urgency="urgent")
        tables = self.as_("vanthu.sokhcn", outgoing_report, self.agency, self.month())
        by_type = {row[0]: row for row in tables[0].rows}
        self.assertGreaterEqual(int(by_type["Công văn"][1]), 2)
        delivery = {row[0][:2]: int(row[1]) for row in tables[3].rows}
        self.assertGreaterEqual(delivery["01"], 2)

    def test_22_case_file_index(self):
        self.casefile("2026.CNTT.22", [self.registered(number_symbol="25/A-B")])
        transaction.commit()
        clerk = signed_in_browser(self.app, "vanthu.sokhcn")
        clerk.open(f"{self.agency.absolute_url()}/@@casefile-index?year={today().year}")
        rows = self.rows(clerk, "#casefile-index tbody tr")
        self.assertEqual([r[1] for r in rows], ["2026.CNTT.22"])
        self.assertEqual(rows[0][4], "20 năm")
