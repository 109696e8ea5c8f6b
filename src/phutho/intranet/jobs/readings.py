"""What reading found on a document's files, as plain data for the page
and the REST API (``@reading``)."""

from phutho.intranet.jobs.subscribers import FILE_FIELDS
from phutho.intranet.ocr import records
from urllib.parse import quote


def ocr_info(document, field, named_file):
    record = records.record(named_file, records.OCR_ATTRIBUTE)
    if record is None:
        return None
    searchable = record.data.get("searchable")
    return {
        "state": record.state,
        "reason": record.reason,
        "pages": record.data.get("pages"),
        "searchable_url": (
            f"{document.absolute_url()}/@@searchable-pdf/{quote(field)}"
            if searchable
            else None
        ),
    }


def signatures_info(named_file):
    record = records.record(named_file, records.SIGNATURES_ATTRIBUTE)
    if record is None:
        return None
    return {
        "state": record.state,
        "reason": record.reason,
        "status": record.data.get("status", ""),
        "items": list(record.data.get("signatures") or ()),
    }


def signing_info(named_file):
    """The agency's signature queued at issue, while pending or failed."""
    record = records.record(named_file, records.SIGNING_ATTRIBUTE)
    if record is None:
        return None
    return {"state": record.state, "reason": record.reason}


def file_readings(document):
    result = []
    for field in FILE_FIELDS.get(document.portal_type, ()):
        named_file = getattr(document, field, None)
        if not named_file:
            continue
        result.append(
            {
                "field": field,
                "filename": named_file.filename,
                "ocr": ocr_info(document, field, named_file),
                "signatures": signatures_info(named_file),
                "agency_signing": signing_info(named_file),
            }
        )
    return result


def searchable_file(document, field):
    """The searchable PDF made from ``field``'s file, or None."""
    if field not in FILE_FIELDS.get(document.portal_type, ()):
        return None
    record = records.record(getattr(document, field, None), records.OCR_ATTRIBUTE)
    if record is None or record.state != records.DONE:
        return None
    return record.data.get("searchable")
