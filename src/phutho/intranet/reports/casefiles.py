"""Case files (hồ sơ): where a document sits in them (FileCatalog,
FileNotation, DocOrdinal), their index report (mục lục hồ sơ) per agency
and year, and their export to XML carrying Appendix VI's metadata of the
file and of each document, in order. The PDF export is in :mod:`.pdf`.
"""

from lxml import etree
from phutho.intranet.content.casefile import ICaseFile
from phutho.intranet.content.document import split_number_symbol
from phutho.intranet.content.incoming import IIncomingDocument
from phutho.intranet.content.terms import RIGHTS
from phutho.intranet.content.utils import find_agency
from phutho.intranet.content.vocabularies import RETENTION
from phutho.intranet.content.vocabularies import URGENCY
from phutho.intranet.dates import format_date
from phutho.intranet.dates import localize
from phutho.intranet.numbering.symbol import format_number
from phutho.intranet.reports import common
from phutho.intranet.reports.registers import due_date
from phutho.intranet.reports.tables import Table
from phutho.intranet.workflow.history import history_of
from plone import api
from plone.app.uuid.utils import uuidToObject

import os

NAMESPACE = "urn:phutho:intranet:hoso:1"
SCHEMA_FILE = os.path.join(os.path.dirname(__file__), "casefile.xsd")
PRIORITY = {value: str(index) for index, (value, _title) in enumerate(URGENCY)}
RETENTION_TITLES = dict(RETENTION)
RIGHTS_TITLES = dict(RIGHTS)

INDEX_TITLE = "Mục lục hồ sơ"
INDEX_COLUMNS = (
    "Số TT",
    "Số, ký hiệu hồ sơ",
    "Tiêu đề hồ sơ",
    "Thời gian bắt đầu - kết thúc",
    "Thời hạn bảo quản",
    "Số lượng văn bản",
    "Số trang",
    "Chế độ sử dụng",
    "Người lập hồ sơ",
    "Ghi chú",
)
INDEX_WIDTHS = (3, 8, 26, 10, 7, 5, 5, 7, 10, 8)


def positions(document):
    """``[(case file, FileCatalog, FileNotation, DocOrdinal)]`` of every case
    file referencing ``document`` (from the relation catalog, no walk)."""
    result = []
    for relation in api.relation.get(
        target=document, relationship="documents", unrestricted=True
    ):
        casefile = relation.from_object
        if casefile is None or not ICaseFile.providedBy(casefile):
            continue
        result.append(
            (
                casefile,
                casefile.catalog_year,
                casefile.file_code,
                casefile.ordinal_of(document),
            )
        )
    return result


def _text(parent, name, value):
    """Add ``<name>value</name>`` when there is a value."""
    if value in (None, "", []):
        return None
    element = etree.SubElement(parent, f"{{{NAMESPACE}}}{name}")
    element.text = str(value)
    return element


def _date(value):
    if value is None:
        return None
    if hasattr(value, "hour"):
        return localize(value).date().isoformat()
    return value.isoformat()


def _datetime(value):
    return localize(value).isoformat(timespec="seconds") if value else None


def document_element(parent, casefile, document, ordinal):
    """``<Document>`` with Appendix VI's metadata of one document."""
    element = etree.SubElement(parent, f"{{{NAMESPACE}}}Document")
    incoming = IIncomingDocument.providedBy(document)
    agency = find_agency(document)
    element.set("direction", "incoming" if incoming else "outgoing")
    if incoming:
        organ_id, organ_name = document.sender_organ_id, document.sender_name
        number, notation = split_number_symbol(document.number_symbol)
        issued = document.document_date
        amount = getattr(document, "promulgation_amount", None)
        due = getattr(document, "due_date", None) or due_date(document)
    else:
        organ_id = getattr(agency, "organ_id", None)
        organ_name = agency.Title() if agency is not None else None
        number = format_number(document.number) if document.number else None
        notation = split_number_symbol(document.symbol)[1] if document.symbol else None
        issued = document.issued_date
        amount = document.copies or getattr(document, "promulgation_amount", None)
        due = document.reply_deadline
    _text(element, "OrganId", organ_id)
    _text(element, "OrganName", organ_name)
    _text(element, "FileCatalog", casefile.catalog_year)
    _text(element, "FileNotation", casefile.file_code)
    _text(element, "DocOrdinal", ordinal)
    _text(element, "TypeName", common.type_title(document.document_type))
    _text(element, "CodeNumber", number)
    _text(element, "CodeNotation", notation)
    _text(element, "IssuedDate", _date(issued))
    _text(element, "Subject", document.title)
    _text(element, "Language", getattr(document, "language", None) or "vi")
    _text(element, "PageAmount", document.page_count)
    _text(element, "Description", document.description)
    if document.signer_name or document.signer_position:
        signer = etree.SubElement(element, f"{{{NAMESPACE}}}SignerInfo")
        _text(
            signer,
            "Position",
            " ".join(
                p for p in (document.signer_authority, document.signer_position) if p
            ),
        )
        _text(signer, "FullName", document.signer_name)
    if not incoming:
        for uid in document.internal_recipients or ():
            recipient = uuidToObject(uid, unrestricted=True)
            if recipient is None:
                continue
            to = etree.SubElement(element, f"{{{NAMESPACE}}}To")
            _text(to, "OrganId", getattr(recipient, "organ_id", None))
            _text(to, "OrganName", recipient.Title())
        for name in common.recipient_names(document)[
            len(document.internal_recipients or ()) :
        ]:
            to = etree.SubElement(element, f"{{{NAMESPACE}}}To")
            _text(to, "OrganName", name)
    _text(element, "Priority", PRIORITY.get(document.urgency, "0"))
    _text(element, "IssuedAmount", amount)
    _text(element, "DueDate", _date(due))
    if incoming:
        _text(element, "ArrivalDate", _datetime(document.arrival_date))
        _text(element, "ArrivalNumber", document.arrival_number)
        if document.recipients:
            places = etree.SubElement(element, f"{{{NAMESPACE}}}ToPlaces")
            for place in document.recipients:
                _text(places, "Place", place)
    history = history_of(document)
    if history:
        traces = etree.SubElement(element, f"{{{NAMESPACE}}}TraceHeaderList")
        for entry in history:
            trace = etree.SubElement(traces, f"{{{NAMESPACE}}}TraceHeader")
            _text(trace, "Action", entry.get("action"))
            _text(trace, "Actor", entry.get("actor"))
            _text(trace, "Time", _datetime(entry.get("time")))
            _text(trace, "Comment", entry.get("comment"))
    main = getattr(document, "main_file", None)
    if main:
        _text(element, "MainFile", main.filename or "")
    return element


def casefile_xml(casefile, documents=None):
    """The case file as XML (UTF-8 bytes): its metadata, then each
    document's in the file's order. ``documents`` default to those the
    current user may see (a file does not leak what its reader may not)."""
    documents = casefile.document_objects() if documents is None else documents
    agency = find_agency(casefile)
    root = etree.Element(f"{{{NAMESPACE}}}CaseFile", nsmap={None: NAMESPACE})
    _text(root, "OrganId", getattr(agency, "organ_id", None))
    _text(root, "OrganName", agency.Title() if agency is not None else None)
    _text(root, "FileCode", casefile.file_code)
    _text(root, "FileCatalog", casefile.catalog_year)
    _text(root, "Title", casefile.title)
    _text(root, "Maintenance", common.text(RETENTION_TITLES.get(casefile.retention)))
    _text(
        root, "Rights", common.text(RIGHTS_TITLES.get(casefile.rights or "restricted"))
    )
    _text(root, "Creator", casefile.file_creator)
    _text(root, "Language", casefile.language or "vi")
    _text(root, "StartDate", _date(casefile.start_date))
    _text(root, "EndDate", _date(casefile.end_date))
    _text(root, "DocTotal", casefile.doc_total)
    _text(root, "PageTotal", casefile.page_total)
    _text(root, "Description", casefile.description)
    container = etree.SubElement(root, f"{{{NAMESPACE}}}Documents")
    for document in documents:
        document_element(container, casefile, document, casefile.ordinal_of(document))
    return etree.tostring(
        root, xml_declaration=True, encoding="UTF-8", pretty_print=True
    )


def xml_schema():
    """The XSD our case-file XML follows (reports/casefile.xsd)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    with open(SCHEMA_FILE, "rb") as stream:
        return etree.XMLSchema(etree.parse(stream, parser))


def validate(data):
    """Raise ``lxml.etree.DocumentInvalid`` unless ``data`` fits the XSD."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    xml_schema().assertValid(etree.fromstring(data, parser))
    return True


def index_table(agency, year):
    """Mục lục hồ sơ: the agency's case files of index year ``year`` that
    the reader may see, by file code."""
    catalog = api.portal.get_tool("portal_catalog")
    brains = catalog(
        portal_type="CaseFile",
        path="/".join(agency.getPhysicalPath()),
        file_catalog=year,
        sort_on="file_code",
    )
    table = Table(
        agency.Title(), INDEX_TITLE, f"Năm {year}", INDEX_COLUMNS, INDEX_WIDTHS
    )
    for number, brain in enumerate(brains, start=1):
        casefile = brain.getObject()
        dates = " - ".join(
            part
            for part in (
                format_date(casefile.start_date),
                format_date(casefile.end_date),
            )
            if part
        )
        table.add(
            [
                str(number),
                casefile.file_code,
                casefile.title,
                dates,
                common.text(RETENTION_TITLES.get(casefile.retention)),
                str(casefile.doc_total),
                str(casefile.page_total),
                common.text(RIGHTS_TITLES.get(casefile.rights or "restricted")),
                casefile.file_creator or "",
                casefile.description or "",
            ],
            {2: brain.getURL()},
        )
    table.total = len(table.rows)
    return table
