"""Case files: export to one PDF (cover, index, each document's main file
in order; page count checked) and to XML (validated against our XSD), the
metadata of a document in its case files, the case-file index report on
screen, print and XLSX, and permissions per case file."""

from datetime import date
from io import BytesIO
from lxml import etree
from lxml import html
from phutho.intranet.content.storage import add_document
from phutho.intranet.reports import casefiles
from phutho.intranet.reports.pdf import casefile_pdf
from phutho.intranet.reports.tables import read_xlsx_rows
from phutho.intranet.testing import agency
from phutho.intranet.testing import create_incoming
from phutho.intranet.testing import create_outgoing
from phutho.intranet.testing import OUTGOING_TO_SIGNED
from phutho.intranet.testing import PHUTHO_DEMO_FUNCTIONAL_TESTING
from phutho.intranet.testing import signed_in_browser
from phutho.intranet.workflow.api import do_transition
from plone import api
from plone.namedfile.file import NamedBlobFile
from pypdf import PdfReader
from pypdf import PdfWriter
from z3c.relationfield import RelationValue
from zope.annotation.interfaces import IAnnotations
from zope.component import getUtility
from zope.event import notify
from zope.intid.interfaces import IIntIds
from zope.lifecycleevent import ObjectModifiedEvent

import transaction
import unittest

NS = {"h": casefiles.NAMESPACE}


def pdf_file(pages, name="van-ban.pdf"):
    writer = PdfWriter()
    for _page in range(pages):
        writer.add_blank_page(width=595, height=842)
    output = BytesIO()
    writer.write(output)
    return NamedBlobFile(
        data=output.getvalue(), filename=name, contentType="application/pdf"
    )


class CaseFileCase(unittest.TestCase):
    layer = PHUTHO_DEMO_FUNCTIONAL_TESTING

    def setUp(self):
        self.app = self.layer["app"]
        self.portal = self.layer["portal"]
        self.agency = agency(self.portal, "so-khcn")
        with api.env.adopt_user(username="vanthu.sokhcn"):
            self.first = create_incoming(
                self.agency,
                number_symbol="05/UBND-VX",
                main_file=pdf_file(2),
                page_count=2,
                recipients=["Sở KH&CN", "Sở Nội vụ"],
            )
            do_transition(self.first, "register")
            self.third = create_incoming(self.agency, number_symbol="17/BNV-CCVC")
        with api.env.adopt_user(username="chuyenvien.sokhcn"):
            self.second = create_outgoing(
                self.agency,
                "cntt",
                draft_file=pdf_file(3, "du-thao.pdf"),
                page_count=3,
                internal_recipients=[agency(self.portal, "so-noi-vu").UID()],
            )
        for user_id, transition in OUTGOING_TO_SIGNED:
            with api.env.adopt_user(username=user_id):
                do_transition(self.second, transition)
        with api.env.adopt_user(username="vanthu.sokhcn"):
            do_transition(self.second, "issue")
            self.casefile = self.make_casefile(
                "2026.CNTT.01", [self.first, self.second, self.third]
            )
            self.other = self.make_casefile("2026.CNTT.02", [self.third, self.first])

    def make_casefile(self, code, documents, **fields):
        intids = getUtility(IIntIds)
        return add_document(
            self.agency,
            "CaseFile",
            title=f"Hồ sơ {code}",
            file_code=code,
            retention="10",
            start_date=date(2026, 1, 5),
            file_creator="Phòng Công nghệ thông tin",
            documents=[RelationValue(intids.getId(d)) for d in documents],
            **fields,
        )


class TestCaseFileExport(CaseFileCase):
    def test_pdf_cover_index_and_documents_in_order(self):
        with api.env.adopt_user(username="vanthu.sokhcn"):
            data = casefile_pdf(self.casefile)
        reader = PdfReader(BytesIO(data))
        # Cover, index, 2 + 3 pages of files, 1 page for the one without.
        self.assertEqual(len(reader.pages), 1 + 1 + 2 + 3 + 1)
        cover = reader.pages[0].extract_text()
        self.assertIn("2026.CNTT.01", cover)
        self.assertIn("HỒ SƠ", cover)
        index = reader.pages[1].extract_text()
        self.assertIn("MỤC LỤC VĂN BẢN", index)
        self.assertLess(index.index("05/UBND-VX"), index.index(self.second.symbol))
        self.assertIn("chưa có tệp chính", reader.pages[7].extract_text())

    def test_xml_validates_and_carries_appendix_vi_metadata(self):
        with api.env.adopt_user(username="vanthu.sokhcn"):
            data = casefiles.casefile_xml(self.casefile)
        self.assertTrue(casefiles.validate(data))
        root = etree.fromstring(data)
        self.assertEqual(root.findtext("h:FileCode", namespaces=NS), "2026.CNTT.01")
        self.assertEqual(root.findtext("h:FileCatalog", namespaces=NS), "2026")
        self.assertEqual(root.findtext("h:Language", namespaces=NS), "vi")
        self.assertEqual(root.findtext("h:DocTotal", namespaces=NS), "3")
        documents = root.findall("h:Documents/h:Document", NS)
        self.assertEqual(
            [d.findtext("h:DocOrdinal", namespaces=NS) for d in documents],
            ["1", "2", "3"],
        )
        first, second, third = documents
        self.assertEqual(first.findtext("h:CodeNumber", namespaces=NS), "05")
        self.assertEqual(first.findtext("h:CodeNotation", namespaces=NS), "UBND-VX")
        self.assertEqual(
            first.findtext("h:OrganId", namespaces=NS), self.first.sender_organ_id
        )
        self.assertEqual(
            first.findtext("h:FileNotation", namespaces=NS), "2026.CNTT.01"
        )
        self.assertEqual(len(first.findall("h:ToPlaces/h:Place", NS)), 2)
        self.assertTrue(first.findall("h:TraceHeaderList/h:TraceHeader", NS))
        self.assertEqual(second.get("direction"), "outgoing")
        self.assertEqual(
            second.findtext("h:To/h:OrganName", namespaces=NS), "Sở Nội vụ"
        )
        self.assertEqual(
            second.findtext("h:CodeNumber", namespaces=NS),
            self.second.symbol.split("/")[0],
        )
        # A file that breaks the schema is refused.
        broken = data.replace(
            b"<DocOrdinal>2</DocOrdinal>", b"<DocOrdinal>x</DocOrdinal>"
        )
        with self.assertRaises(etree.DocumentInvalid):
            casefiles.validate(broken)

    def test_document_in_several_case_files_keeps_its_place_in_each(self):
        places = {
            notation: ordinal
            for _file, catalog, notation, ordinal in casefiles.positions(self.first)
        }
        self.assertEqual(places, {"2026.CNTT.01": 1, "2026.CNTT.02": 2})
        # No copy was made: one document, two references.
        self.assertIs(self.casefile.documents[0].to_object.aq_base, self.first.aq_base)

    def test_pages_and_index_report(self):
        transaction.commit()
        clerk = signed_in_browser(self.app, "vanthu.sokhcn")
        clerk.open(f"{self.casefile.absolute_url()}/@@casefile-export?format=pdf")
        self.assertEqual(clerk.headers["Content-Type"], "application/pdf")
        clerk.open(f"{self.casefile.absolute_url()}/@@casefile-export?format=xml")
        body = clerk.contents
        self.assertTrue(
            casefiles.validate(body.encode("utf-8") if isinstance(body, str) else body)
        )

        clerk.open(f"{self.agency.absolute_url()}/@@casefile-index?year=2026")
        page = html.fromstring(clerk.contents)
        rows = [
            [" ".join(td.text_content().split()) for td in tr.cssselect("td")]
            for tr in page.cssselect("#casefile-index tbody tr")
        ]
        self.assertEqual([r[1] for r in rows], ["2026.CNTT.01", "2026.CNTT.02"])
        self.assertEqual(rows[0][5], "3")
        self.assertEqual(rows[0][6], "5")  # pages of the documents that say so
        clerk.getLink(id="report-print").click()
        printed = html.fromstring(clerk.contents)
        self.assertIn(
            "Mục lục hồ sơ", printed.cssselect("#report-heading h1")[0].text_content()
        )
        self.assertEqual(
            [
                [" ".join(td.text_content().split()) for td in tr.cssselect("td")]
                for tr in printed.cssselect("#register-entries tbody tr")
            ],
            rows,
        )
        clerk.open(
            f"{self.agency.absolute_url()}/@@casefile-index?year=2026&format=xlsx"
        )
        data = clerk.contents
        xlsx = read_xlsx_rows(data.encode("latin-1") if isinstance(data, str) else data)
        self.assertEqual(xlsx[0][0], "Sở Khoa học và Công nghệ")
        self.assertEqual(xlsx[5:], rows)


class TestCaseFilePermissions(CaseFileCase):
    def may(self, permission, username, obj):
        """Check anew: borg.localrole caches answers on the request, and
        the test's request lives across the changes."""
        annotations = IAnnotations(obj.REQUEST)
        for key in [k for k in annotations if str(k).startswith("borg.localrole")]:
            del annotations[key]
        return api.user.has_permission(permission, username=username, obj=obj)

    def test_keeper_shares_reading_and_adding(self):
        self.assertFalse(
            self.may("View", username="chuyenvien2.sokhcn", obj=self.casefile)
        )
        with api.env.adopt_user(username="vanthu.sokhcn"):
            self.casefile.readers = ["chuyenvien2.sokhcn"]
            notify(ObjectModifiedEvent(self.casefile))
        self.assertTrue(
            self.may("View", username="chuyenvien2.sokhcn", obj=self.casefile)
        )
        # The catalog knows: the file shows in the person's searches.
        with api.env.adopt_user(username="chuyenvien2.sokhcn"):
            found = api.content.find(portal_type="CaseFile", file_code="2026.CNTT.01")
        self.assertEqual(len(found), 1)
        self.assertFalse(
            self.may(
                "Modify portal content",
                username="chuyenvien2.sokhcn",
                obj=self.casefile,
            )
        )
        with api.env.adopt_user(username="vanthu.sokhcn"):
            self.casefile.readers = []
            self.casefile.editors = ["chuyenvien2.sokhcn"]
            notify(ObjectModifiedEvent(self.casefile))
        self.assertTrue(
            self.may(
                "Modify portal content",
                username="chuyenvien2.sokhcn",
                obj=self.casefile,
            )
        )
        # Sharing is the keeper's: an editor may not share further.
        self.assertFalse(
            self.may(
                "phutho.intranet: Share case file",
                username="chuyenvien2.sokhcn",
                obj=self.casefile,
            )
        )
        with api.env.adopt_user(username="vanthu.sokhcn"):
            self.casefile.editors = []
            notify(ObjectModifiedEvent(self.casefile))
        self.assertFalse(
            self.may("View", username="chuyenvien2.sokhcn", obj=self.casefile)
        )
        # Who may see the file does not see its documents for that.
        self.assertFalse(
            self.may("View", username="chuyenvien2.sokhcn", obj=self.third)
        )
