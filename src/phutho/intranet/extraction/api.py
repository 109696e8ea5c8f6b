"""Proposals for the clerk's forms, from a document or an uploaded file.

The fields found by :mod:`.rules` are mapped to the document's fields
(``sender_name``, ``number_symbol``, ``document_date``…). A document that
arrived by e-mail is also read from the mail's subject (its title) and
body (its description); what its file says comes first. Nothing is
written: the forms show the proposals and the clerk confirms them.
"""

from phutho.intranet.content.vocabularies import document_types
from phutho.intranet.extraction.rules import propose
from phutho.intranet.extraction.rules import propose_from_mail
from phutho.intranet.ocr import records
from phutho.intranet.ocr.engine import file_kind as ocr_kind
from phutho.intranet.ocr.engine import needs_ocr
from phutho.intranet.ocr.settings import setting
from phutho.intranet.search.cache import file_text
from phutho.intranet.search.extract import extract_text
from phutho.intranet.search.extract import ExtractionError
from phutho.intranet.search.extract import file_kind
from plone import api

import io

# Found field -> field of an incoming document.
INCOMING_FIELDS = {
    "agency": "sender_name",
    "organ_id": "sender_organ_id",
    "number_symbol": "number_symbol",
    "date": "document_date",
    "document_type": "document_type",
    "subject": "title",
    "signer_authority": "signer_authority",
    "signer_position": "signer_position",
    "signer_name": "signer_name",
    "recipients": "recipients",
    "place": "place",
}

MAIN_FILES = {
    "IncomingDocument": ("main_file",),
    "OutgoingDocument": ("signed_file", "draft_file"),
}


def known_agencies():
    """``(name, OrganId)`` of the portal's agencies and of the configured
    list (``name | OrganId`` lines)."""
    catalog = api.portal.get_tool("portal_catalog")
    found = []
    for brain in catalog.unrestrictedSearchResults(portal_type="Agency"):
        obj = brain._unrestrictedGetObject()
        found.append((brain.Title, getattr(obj, "organ_id", "") or ""))
    for line in setting("known_agencies", []) or ():
        name, _sep, organ_id = line.partition("|")
        if name.strip():
            found.append((name.strip(), organ_id.strip()))
    return found


def _context():
    return known_agencies(), document_types()


def to_fields(found):
    """Rename the found values to the document's field names."""
    return {INCOMING_FIELDS[key]: value for key, value in found.items() if value}


def reading_state(named_file):
    """``{"state", "reason", "pages"}`` of the OCR of a file, or None."""
    record = records.record(named_file, records.OCR_ATTRIBUTE)
    if record is None:
        return None
    return {
        "state": record.state,
        "reason": record.reason,
        "pages": record.data.get("pages"),
    }


def proposals_for(document):
    """``{"fields": {...}, "source": ..., "ocr": {...} | None}`` for a
    document: what its main file's text (native or OCR'd) and, for mail,
    the mail say."""
    agencies, types = _context()
    found, source, ocr = {}, None, None
    for field in MAIN_FILES.get(document.portal_type, ()):
        named_file = getattr(document, field, None)
        if not named_file:
            continue
        ocr = reading_state(named_file)
        text = file_text(named_file, document)
        if text:
            found = propose(text, agencies, types)
            source = "ocr" if records.ocr_text(named_file) is not None else "text"
        break
    if getattr(document, "channel", None) == "email":
        mail = propose_from_mail(document.title, document.description, agencies, types)
        for key, value in mail.items():
            found.setdefault(key, value)
        source = source or "mail"
    return {"fields": to_fields(found), "source": source, "ocr": ocr}


def proposals_from_upload(data, filename, content_type):
    """Proposals from a file before any document exists (its text layer
    only: a scan is read by OCR after the document is saved)."""
    agencies, types = _context()
    kind = file_kind(content_type, filename)
    scan_kind = ocr_kind(content_type, filename)
    text = None
    if kind is not None:
        try:
            text = extract_text(io.BytesIO(data), kind, len(data))
        except ExtractionError:
            text = None
    found = propose(text, agencies, types) if text else {}
    pages = None
    if kind == "pdf":
        import pypdf

        try:
            pages = len(pypdf.PdfReader(io.BytesIO(data)).pages)
        except Exception:
            pages = 1
    ocr_needed = bool(scan_kind) and needs_ocr(scan_kind, text, pages)
    return {
        "fields": to_fields(found),
        "source": "text" if found else None,
        "ocr_needed": ocr_needed,
    }


def json_ready(proposals):
    """Dates as ISO strings (already), lists as lists: the REST body."""
    return proposals
