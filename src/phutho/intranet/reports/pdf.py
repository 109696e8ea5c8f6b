"""A case file as one PDF (Decree 30, Appendix VI: export of a case file
in order): a cover with the file's metadata, an index of its documents
with the page each starts on, then every document's main file in order.

Pages are made with fpdf2 in DejaVu Sans (shipped in ``fonts/``: every
Vietnamese letter, whatever the server has installed); documents' PDF
files are appended with pypdf. A main file that is not a readable PDF
(a DOCX, a damaged file) gets one page saying so, so that the index and
the pages still match.
"""

from fpdf import FPDF
from io import BytesIO
from phutho.intranet.content.terms import RIGHTS
from phutho.intranet.content.utils import find_agency
from phutho.intranet.content.vocabularies import RETENTION
from phutho.intranet.dates import format_date
from phutho.intranet.dates import format_datetime
from phutho.intranet.dates import now
from phutho.intranet.reports import common
from pypdf import PdfReader
from pypdf import PdfWriter
from pypdf.errors import PdfReadError

import logging
import os

logger = logging.getLogger("phutho.intranet.reports")

FONT_DIR = os.path.join(os.path.dirname(__file__), "fonts")
FONT = "DejaVu"
INDEX_COLUMNS = ("STT", "Số, ký hiệu", "Ngày", "Tác giả", "Trích yếu", "Tờ số")
INDEX_WIDTHS = (10, 32, 20, 38, 72, 14)


def _line(pdf, height, text, align="L"):
    """A paragraph across the page; the next one starts below it."""
    pdf.multi_cell(0, height, text, align=align, new_x="LMARGIN", new_y="NEXT")


def _pdf():
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.set_margins(25, 20, 15)
    pdf.add_font(FONT, "", os.path.join(FONT_DIR, "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", os.path.join(FONT_DIR, "DejaVuSans-Bold.ttf"))
    return pdf


def _main_file_pages(document):
    """``(reader or None, page count)`` of a document's main file: a
    placeholder page (None, 1) when it has none or it is no readable PDF."""
    named_file = getattr(document, "main_file", None)
    if not named_file:
        return None, 1
    data = named_file.data
    if not data.startswith(b"%PDF-"):
        return None, 1
    try:
        reader = PdfReader(BytesIO(data))
        if reader.is_encrypted:
            return None, 1
        return reader, max(1, len(reader.pages))
    except (PdfReadError, ValueError, KeyError, OSError) as error:
        logger.warning(
            "Unreadable PDF %s: %s", "/".join(document.getPhysicalPath()), error
        )
        return None, 1


def _document_line(document):
    number = common_number(document)
    date = (
        document.document_date
        if document.portal_type == "IncomingDocument"
        else document.issued_date
    )
    author = (
        document.sender_name
        if document.portal_type == "IncomingDocument"
        else (
            find_agency(document).Title() if find_agency(document) is not None else ""
        )
    )
    return number or "", format_date(date), author or "", document.title or ""


def common_number(document):
    if document.portal_type == "IncomingDocument":
        return document.number_symbol
    return document.symbol


def _cover(pdf, casefile, count):
    agency = find_agency(casefile)
    pdf.add_page()
    pdf.set_font(FONT, "B", 12)
    _line(pdf, 7, (agency.Title() if agency is not None else "").upper(), align="C")
    pdf.ln(25)
    pdf.set_font(FONT, "B", 20)
    _line(pdf, 12, "HỒ SƠ", align="C")
    pdf.set_font(FONT, "B", 14)
    _line(pdf, 8, casefile.title, align="C")
    pdf.ln(10)
    pdf.set_font(FONT, "", 12)
    rows = (
        ("Số, ký hiệu hồ sơ", casefile.file_code),
        ("Mục lục số (năm)", str(casefile.catalog_year or "")),
        (
            "Thời gian",
            " - ".join(
                p
                for p in (
                    format_date(casefile.start_date),
                    format_date(casefile.end_date),
                )
                if p
            ),
        ),
        ("Thời hạn bảo quản", common.text(dict(RETENTION).get(casefile.retention))),
        (
            "Chế độ sử dụng",
            common.text(dict(RIGHTS).get(casefile.rights or "restricted")),
        ),
        ("Người lập hồ sơ", casefile.file_creator or ""),
        ("Số lượng văn bản", str(count)),
        ("Tổng số trang", str(casefile.page_total)),
    )
    for label, value in rows:
        pdf.set_font(FONT, "B", 12)
        pdf.cell(60, 8, f"{label}:")
        pdf.set_font(FONT, "", 12)
        _line(pdf, 8, value or "")
    if casefile.description:
        pdf.ln(4)
        _line(pdf, 7, casefile.description)
    pdf.ln(10)
    pdf.set_font(FONT, "", 9)
    _line(pdf, 6, f"Xuất ngày {format_datetime(now())}", align="R")


def _index(pdf, documents, starts):
    pdf.add_page()
    pdf.set_font(FONT, "B", 14)
    _line(pdf, 10, "MỤC LỤC VĂN BẢN", align="C")
    pdf.ln(2)
    pdf.set_font(FONT, "", 9)
    with pdf.table(col_widths=INDEX_WIDTHS, text_align="LEFT", line_height=5) as table:
        table.row(INDEX_COLUMNS)
        for ordinal, (document, start) in enumerate(zip(documents, starts), start=1):
            number, date, author, subject = _document_line(document)
            table.row((str(ordinal), number, date, author, subject, str(start)))


def _placeholder(pdf, document):
    pdf.add_page()
    pdf.set_font(FONT, "B", 12)
    number, date, author, subject = _document_line(document)
    _line(pdf, 8, f"{number} ({date}) – {author}")
    pdf.set_font(FONT, "", 12)
    _line(pdf, 8, subject)
    pdf.ln(6)
    named_file = getattr(document, "main_file", None)
    if named_file:
        message = (
            f"Tệp chính {named_file.filename or ''} không phải tệp PDF đọc được; "
            "xem bản điện tử trên cổng."
        )
    else:
        message = "Văn bản chưa có tệp chính."
    _line(pdf, 8, message)


def _front(casefile, documents, starts, placeholders):
    """Cover, index and placeholder pages as a PDF (bytes) and the number
    of pages before the first document."""
    pdf = _pdf()
    _cover(pdf, casefile, len(documents))
    _index(pdf, documents, starts)
    front_pages = pdf.page_no()
    for document in placeholders:
        _placeholder(pdf, document)
    return bytes(pdf.output()), front_pages


def casefile_pdf(casefile, documents=None):
    """The case file as one PDF (bytes). ``documents`` default to those the
    current user may see, in the file's order."""
    documents = casefile.document_objects() if documents is None else documents
    files = [_main_file_pages(document) for document in documents]
    placeholders = [
        doc for doc, (reader, _n) in zip(documents, files) if reader is None
    ]
    # The index's length decides where documents start: lay it out, count
    # its pages, and lay it out again with the right page numbers.
    starts = [0] * len(documents)
    front_pages = 0
    for _attempt in range(3):
        _data, pages = _front(casefile, documents, starts, [])
        if pages == front_pages:
            break
        front_pages = pages
        page = front_pages + 1
        for index, (_reader, count) in enumerate(files):
            starts[index] = page
            page += count
    front, front_pages = _front(casefile, documents, starts, placeholders)
    front_reader = PdfReader(BytesIO(front))
    writer = PdfWriter()
    for number in range(front_pages):
        writer.add_page(front_reader.pages[number])
    placeholder_page = front_pages
    for reader, _count in files:
        if reader is None:
            writer.add_page(front_reader.pages[placeholder_page])
            placeholder_page += 1
        else:
            for page in reader.pages:
                writer.add_page(page)
    writer.add_metadata({"/Title": f"{casefile.file_code} {casefile.title}"})
    output = BytesIO()
    writer.write(output)
    return output.getvalue()
