"""Search ignoring Vietnamese diacritics and case, over fields and attached files.

The fixtures are made once by tests/fixtures/make_fixtures.py.
"""

from datetime import date
from pathlib import Path
from phutho.intranet.content.storage import container_for
from phutho.intranet.search import cache
from phutho.intranet.search import setup
from phutho.intranet.search.extract import DOCX
from phutho.intranet.search.extract import extract_text
from phutho.intranet.search.extract import ExtractionError
from phutho.intranet.search.extract import file_kind
from phutho.intranet.search.extract import Limits
from phutho.intranet.search.extract import ODT
from phutho.intranet.search.extract import PDF
from phutho.intranet.search.lexicon import FoldingNormalizer
from phutho.intranet.search.lexicon import WordSplitter
from phutho.intranet.testing import PHUTHO_DEMO_INTEGRATION_TESTING
from phutho.intranet.text import fold
from plone import api
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from plone.namedfile.file import NamedBlobFile
from plone.restapi.search.handler import SearchHandler
from plone.uuid.interfaces import IUUID
from Products.CMFCore.indexing import processQueue
from Products.ZCTextIndex.Lexicon import Lexicon
from unittest import mock
from zope.event import notify
from zope.lifecycleevent import ObjectModifiedEvent

import io
import logging
import struct
import transaction
import unicodedata
import unittest
import zipfile

FIXTURES = Path(__file__).parent / "fixtures"
HOSTILE = ("corrupt.pdf", "bomb.docx", "billion-laughs.docx", "external-entity.docx")
CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".odt": "application/vnd.oasis.opendocument.text",
}


def extract_fixture(name, limits=Limits()):
    path = FIXTURES / name
    with path.open("rb") as stream:
        return extract_text(stream, file_kind("", name), path.stat().st_size, limits)


def blob_file(name):
    return NamedBlobFile(
        data=(FIXTURES / name).read_bytes(),
        filename=name,
        contentType=CONTENT_TYPES[Path(name).suffix],
    )


class TestFold(unittest.TestCase):
    def test_strips_marks_and_case(self):
        self.assertEqual(fold("Quyết định số 15"), "quyet dinh so 15")
        self.assertEqual(fold("ĐƯỜNG Ủy ban"), "duong uy ban")

    def test_decomposed_input(self):
        self.assertEqual(fold(unicodedata.normalize("NFD", "Đường")), "duong")

    def test_empty(self):
        self.assertEqual(fold(None), "")


class TestLexicon(unittest.TestCase):
    def setUp(self):
        self.lexicon = Lexicon(WordSplitter(), FoldingNormalizer())

    def words(self, text):
        return [
            self.lexicon.get_word(wid) for wid in self.lexicon.sourceToWordIds(text)
        ]

    def test_vietnamese_words_are_folded(self):
        self.assertEqual(
            self.words("Quyết định số 15/QĐ-UBND về đường"),
            ["quyet", "dinh", "so", "15", "qd", "ubnd", "ve", "duong"],
        )

    def test_decomposed_words_stay_whole(self):
        text = unicodedata.normalize("NFD", "Quyết định đường")
        self.assertNotEqual(text, unicodedata.normalize("NFC", text))
        self.assertEqual(self.words(text), ["quyet", "dinh", "duong"])

    def test_words_plone_lexicon_leaves_accented(self):
        # Plone's normalizer skips words starting above U+024F.
        self.assertEqual(
            self.words("Ủy ban Ứng dụng Ở"), ["uy", "ban", "ung", "dung", "o"]
        )

    def test_query_terms_and_globs_are_folded(self):
        self.lexicon.sourceToWordIds("đường Đông")
        self.assertEqual(
            self.lexicon.parseTerms("ĐƯỜNG đườ* Đô?g"), ["duong", "duo*", "do?g"]
        )
        self.assertEqual(
            self.lexicon.termToWordIds("ĐƯỜNG"), [self.lexicon.get_wid("duong")]
        )
        self.assertEqual(
            self.lexicon.globToWordIds(self.lexicon.parseTerms("Đườ*")[0]),
            [self.lexicon.get_wid("duong")],
        )

    def test_elements_compare_by_class(self):
        # So that re-importing catalog.xml does not empty the lexicon.
        self.assertEqual(
            (WordSplitter(), FoldingNormalizer()), (WordSplitter(), FoldingNormalizer())
        )
        self.assertNotEqual(WordSplitter(), FoldingNormalizer())


class TestExtract(unittest.TestCase):
    def test_file_kind(self):
        self.assertEqual(file_kind("application/pdf", "x.bin"), PDF)
        self.assertEqual(file_kind("application/octet-stream", "Phu luc.DOCX"), DOCX)
        self.assertEqual(file_kind("", "bien-ban.odt"), ODT)
        self.assertIsNone(file_kind("image/jpeg", "scan.jpg"))

    def test_pdf(self):
        text = extract_fixture("qd15.pdf")
        self.assertIn("Quyết định số 15/QĐ-UBND", text)
        self.assertIn("đường giao thông nông thôn", text)
        self.assertIn("Sở Giao thông vận tải", text)  # second page

    def test_pdf_that_forbids_printing(self):
        self.assertIn(
            "Quyết định số 15/QĐ-UBND", extract_fixture("qd15-restricted.pdf")
        )

    def test_docx(self):
        text = extract_fixture("annex.docx")
        self.assertIn("Phụ lục 01", text)
        # Paragraphs and tabs separate words.
        self.assertIn("01\nDự toán", text)
        self.assertIn("Dự toán kinh phí xây dựng cầu treo", text.replace("\t", " "))

    def test_odt(self):
        text = extract_fixture("annex.odt")
        self.assertEqual(
            text.split(), "Biên bản nghiệm thu Công trình thủy lợi Đồng Xuân".split()
        )

    def test_hostile_files_raise(self):
        for name, reason in (
            ("corrupt.pdf", "unreadable pdf"),
            ("bomb.docx", "expands to 67109069 bytes"),
            ("billion-laughs.docx", "unreadable docx"),
            ("external-entity.docx", "declares a DTD"),
        ):
            with self.subTest(name), self.assertRaisesRegex(ExtractionError, reason):
                extract_fixture(name)

    def test_zip_member_larger_than_declared(self):
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as writer:
            writer.writestr("content.xml", b" " * 1_000_000)
        data = bytearray(archive.getvalue())
        # Declare 100 bytes in the local header and the central directory.
        struct.pack_into("<I", data, 22, 100)
        struct.pack_into("<I", data, data.find(b"PK\x01\x02") + 24, 100)
        with self.assertRaisesRegex(ExtractionError, "Bad CRC-32"):
            extract_text(io.BytesIO(data), ODT, len(data))

    def test_limits(self):
        for limits, reason in (
            (Limits(file_bytes=1000), "exceeds 1000"),
            (Limits(pdf_pages=1), "2 pages exceed 1"),
            (Limits(text_chars=100), "more than 100 characters"),
            (Limits(seconds=0), "more than 0 s"),
        ):
            with self.subTest(reason), self.assertRaisesRegex(ExtractionError, reason):
                extract_fixture("qd15.pdf", limits)
        with self.assertRaisesRegex(ExtractionError, "expands to"):
            extract_fixture("annex.odt", Limits(xml_bytes=100))


class SearchTestCase(unittest.TestCase):
    layer = PHUTHO_DEMO_INTEGRATION_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        self.request = self.layer["request"]
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        # No setup.install() here: what is tested is what the installed
        # profile left (test_text_indexes_use_the_folding_lexicon).
        self.catalog = api.portal.get_tool("portal_catalog")
        self.agency = self.portal["co-quan"]["so-khcn"]

    def incoming(
        self, title="Quyết định số 15 về việc phê duyệt dự án sửa chữa", **fields
    ):
        fields.setdefault("main_file", blob_file("qd15.pdf"))
        return api.content.create(
            container=container_for(self.agency, "IncomingDocument"),
            type="IncomingDocument",
            title=title,
            document_type="quyet-dinh",
            sender_name="UBND tỉnh Phú Thọ",
            number_symbol="15/QĐ-UBND",
            document_date=date(2026, 11, 20),
            **fields,
        )

    def annex(self, document, name):
        return api.content.create(
            container=document,
            type="Annex",
            title=f"Phụ lục {name}",
            file=blob_file(name),
        )

    def found(self, **query):
        """Paths found in the agency (the demo's news match some words too)."""
        brains = self.catalog(path=self.path(self.agency), **query)
        return sorted(brain.getPath() for brain in brains)

    def path(self, obj):
        return "/".join(obj.getPhysicalPath())


class TestSearch(SearchTestCase):
    def test_text_indexes_use_the_folding_lexicon(self):
        """As the installed profile left them."""
        checked = 0
        for name in setup.TEXT_INDEXES:
            index = self.catalog._catalog.getIndex(name)
            self.assertEqual(index.lexicon_id, "phutho_lexicon")
            # Not left for a later rebuild: nothing to switch any more.
            self.assertLessEqual(
                index.numObjects(), self.catalog.phutho_lexicon.length()
            )
            checked += 1
        self.assertEqual(checked, 3)
        self.assertEqual(setup.install(self.portal), [])

    def test_title_without_diacritics(self):
        document = self.path(self.incoming())
        self.assertIn(document, self.found(SearchableText="quyet dinh so 15"))
        self.assertIn(document, self.found(Title="QUYET DINH so 15"))
        self.assertIn(document, self.found(SearchableText="15/QĐ-UBND"))

    def test_pdf_text(self):
        document = self.path(self.incoming())
        for query in (
            "duong giao thong",
            '"đường giao thông nông thôn"',
            "đường",
            "DUONG",
        ):
            with self.subTest(query):
                self.assertEqual(self.found(SearchableText=query), [document])
        self.assertEqual(self.found(Title="duong"), [])

    def test_globbed_queries(self):
        document = self.path(self.incoming())
        self.assertEqual(self.found(SearchableText="ĐƯỜ* AND giao*"), [document])

    def test_search_view_munges_with_globs(self):
        document = self.path(self.incoming())
        for text in ("quyet dinh", "duo", "Nông thô", "QUYẾT ĐỊ"):
            with self.subTest(text):
                self.request.form.update(
                    {"SearchableText": text, "path": self.path(self.agency)}
                )
                view = self.portal.restrictedTraverse("@@search")
                view.update()
                self.assertIsNone(view.error)
                self.assertEqual(
                    [item["@id"] for item in view.results],
                    [self.portal.unrestrictedTraverse(document).absolute_url()],
                )

    def test_restapi_search(self):
        document = self.incoming()
        result = SearchHandler(self.portal, self.request).search(
            {"SearchableText": "duong giao thong", "fullobjects": False}
        )
        self.assertEqual(
            [item["@id"] for item in result["items"]], [document.absolute_url()]
        )

    def test_annexes(self):
        document = self.incoming(main_file=None)
        docx = self.annex(document, "annex.docx")
        self.annex(document, "annex.odt")
        self.assertEqual(
            self.found(SearchableText="cau treo"),
            [self.path(document), self.path(docx)],
        )
        self.assertIn(
            self.path(document), self.found(SearchableText="thuy loi dong xuan")
        )

        api.content.delete(docx)
        self.assertEqual(self.found(SearchableText="cau treo"), [])

    def test_other_formats_keep_plones_indexer(self):
        document = self.incoming(main_file=None)
        note = api.content.create(
            container=document,
            type="Annex",
            title="Ghi chú",
            file=NamedBlobFile(
                data="Biên nhận hồ sơ".encode(),
                filename="ghi-chu.txt",
                contentType="text/plain",
            ),
        )
        self.assertEqual(
            self.found(SearchableText="bien nhan"),
            [self.path(document), self.path(note)],
        )

    def test_annex_file_replaced(self):
        document = self.incoming(main_file=None)
        annex = self.annex(document, "annex.docx")
        annex.file = blob_file("annex.odt")
        notify(ObjectModifiedEvent(annex))
        self.assertEqual(self.found(SearchableText="cau treo"), [])
        self.assertIn(self.path(document), self.found(SearchableText="thuy loi"))

    def test_outgoing_and_case_file(self):
        outgoing = api.content.create(
            container=container_for(self.agency, "OutgoingDocument"),
            type="OutgoingDocument",
            title="Tờ trình về kinh phí",
            content="Đề nghị Ủy ban nhân dân tỉnh xem xét",
            document_type="to-trinh",
            signer_name="Nguyễn Văn Hùng",
            draft_file=blob_file("qd15.pdf"),
        )
        self.annex(outgoing, "annex.odt")
        case_file = api.content.create(
            container=container_for(self.agency, "CaseFile"),
            type="CaseFile",
            title="Hồ sơ đường liên xã",
            file_code="2026.GT.01",
            retention="permanent",
            start_date=date(2026, 1, 1),
        )
        for query, expected in (
            ("uy ban nhan dan", outgoing),
            ("nguyen van hung", outgoing),
            ("duong giao thong", outgoing),
            ("thuy loi", outgoing),
            ("2026.GT.01", case_file),
        ):
            with self.subTest(query):
                self.assertIn(self.path(expected), self.found(SearchableText=query))

    def test_hostile_files_do_not_break_saving(self):
        for name in HOSTILE:
            with (
                self.subTest(name),
                self.assertLogs(cache.logger, logging.WARNING) as logs,
            ):
                document = self.incoming(
                    title=f"Tệp hỏng {name}", main_file=blob_file(name)
                )
                self.assertIn(
                    self.path(document), self.found(SearchableText="tep hong")
                )
                self.assertEqual(cache.file_text(document.main_file, document), "")
                self.assertIn(IUUID(document), logs.output[0])
                self.assertIn(name, logs.output[0])


class TestCache(SearchTestCase):
    def setUp(self):
        super().setUp()
        self.extract = mock.patch.object(
            cache, "extract_text", wraps=cache.extract_text
        )

    def test_reindexing_does_not_extract_again(self):
        document = self.incoming()
        with self.extract as extract:
            document.reindexObject()
            processQueue()
            self.catalog.reindexIndex("SearchableText", self.request)
            self.assertEqual(
                cache.file_text(document.main_file, document)[:12], "ỦY BAN NHÂN "
            )
        extract.assert_not_called()

    def test_copies_carry_the_text(self):
        document = self.incoming()
        transaction.savepoint(optimistic=True)
        with self.extract as extract:
            copy = api.content.copy(document, self.agency)
            processQueue()
        extract.assert_not_called()
        self.assertIn(self.path(copy), self.found(SearchableText="duong giao thong"))

    def test_delivered_copies_carry_the_text(self):
        from phutho.intranet.workflow.delivery import _copy_file

        document = self.incoming()
        with self.extract as extract:
            copy = _copy_file(document.main_file)
            self.assertEqual(cache.file_text(copy, document)[:12], "ỦY BAN NHÂN ")
        extract.assert_not_called()
        self.assertIsNot(copy, document.main_file)

    def test_new_data_is_extracted_again(self):
        document = self.incoming()
        with self.extract as extract:
            document.main_file.data = (FIXTURES / "annex.docx").read_bytes()
            document.main_file.contentType = CONTENT_TYPES[".docx"]
            document.reindexObject()
            processQueue()
        extract.assert_called_once()
        self.assertIn(self.path(document), self.found(SearchableText="cau treo"))
        self.assertNotIn(self.path(document), self.found(SearchableText="duong"))

    def test_failures_are_cached(self):
        document = self.incoming(main_file=blob_file("corrupt.pdf"))
        with self.extract as extract, self.assertNoLogs(cache.logger, logging.WARNING):
            document.reindexObject()
            processQueue()
            self.assertEqual(cache.file_text(document.main_file, document), "")
        extract.assert_not_called()

    def test_unsupported_formats_are_not_read(self):
        document = self.incoming(
            main_file=NamedBlobFile(
                data=b"\xff\xd8", filename="scan.jpg", contentType="image/jpeg"
            )
        )
        with self.extract as extract:
            self.assertIsNone(cache.file_text(document.main_file, document))
        extract.assert_not_called()


class TestSetup(SearchTestCase):
    def test_install_again_rebuilds_nothing(self):
        self.assertEqual(setup.install(self.portal), [])

    def test_existing_content_becomes_searchable(self):
        self.assertEqual(setup.uninstall(self.portal), list(setup.TEXT_INDEXES))
        document = self.path(self.incoming(title="Ủy ban nhân dân tỉnh"))
        self.assertNotIn(document, self.found(SearchableText="uy ban"))

        self.assertEqual(setup.install(self.portal), list(setup.TEXT_INDEXES))
        self.assertIn(document, self.found(SearchableText="uy ban"))
        self.assertIn(document, self.found(Title="uy ban"))

    def test_emptied_lexicon_is_rebuilt(self):
        document = self.path(self.incoming())
        # What GenericSetup does when catalog.xml changes the pipeline.
        self.catalog.phutho_lexicon.clear()
        self.assertEqual(self.found(SearchableText="duong"), [])
        self.assertIn("SearchableText", setup.install(self.portal))
        self.assertEqual(self.found(SearchableText="duong"), [document])

    def test_reimporting_catalog_keeps_the_lexicon(self):
        document = self.path(self.incoming())
        words = self.catalog.phutho_lexicon.length()
        api.portal.get_tool("portal_setup").runImportStepFromProfile(
            "profile-phutho.intranet:default", "catalog"
        )
        self.assertEqual(self.catalog.phutho_lexicon.length(), words)
        self.assertEqual(setup.install(self.portal), [])
        self.assertEqual(self.found(SearchableText="duong"), [document])
