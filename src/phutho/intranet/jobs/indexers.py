"""``signature_status`` of a document: ``invalid`` when a signature of one
of its files fails, ``pending`` while being checked, ``valid`` when every
signed file checks, ``""`` without signatures. Dashboards flag ``invalid``."""

from phutho.intranet.content.incoming import IIncomingDocument
from phutho.intranet.content.outgoing import IOutgoingDocument
from phutho.intranet.jobs.subscribers import FILE_FIELDS
from phutho.intranet.ocr import records
from plone.indexer import indexer
from zope.interface import Interface


def document_signature_status(obj):
    found = []
    for field in FILE_FIELDS.get(obj.portal_type, ()):
        record = records.record(getattr(obj, field, None), records.SIGNATURES_ATTRIBUTE)
        if record is None:
            continue
        if record.state == records.PENDING:
            found.append("pending")
        elif record.state == records.FAILED:
            found.append("invalid")
        elif record.data.get("status"):
            found.append(record.data["status"])
    for status in ("invalid", "pending", "valid"):
        if status in found:
            return status
    return ""


@indexer(Interface)
def signature_status(obj):
    if IIncomingDocument.providedBy(obj) or IOutgoingDocument.providedBy(obj):
        return document_signature_status(obj)
    raise AttributeError("signature_status")
