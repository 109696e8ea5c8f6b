"""What each kind of job does, in three steps.

``prepare`` (in a transaction) copies the file out of the ZODB and
gathers the settings; ``execute`` (outside any transaction, no ZODB
connection held) does the slow work — OCR, signature checks with network
fetches, signing; ``store`` (in a new transaction, retried on conflict)
writes the result on the file if the file is still the one that was read.
A job whose file changed meanwhile is dropped: the change queued a new one.
"""

from phutho.intranet.dates import format_date
from phutho.intranet.jobs import queue
from phutho.intranet.ocr import records
from phutho.intranet.ocr.engine import file_kind
from phutho.intranet.ocr.engine import OcrError
from phutho.intranet.ocr.engine import run_ocr
from phutho.intranet.ocr.settings import ocr_limits
from phutho.intranet.ocr.settings import setting
from phutho.intranet.signatures.sign import key_for
from phutho.intranet.signatures.sign import load_signer
from phutho.intranet.signatures.sign import sign_pdf
from phutho.intranet.signatures.sign import SigningError
from phutho.intranet.signatures.verify import load_trust_roots
from phutho.intranet.signatures.verify import SignatureError
from phutho.intranet.signatures.verify import verify_pdf
from plone.app.uuid.utils import uuidToObject
from plone.namedfile.file import NamedBlobFile

import json
import logging
import os
import shutil

logger = logging.getLogger("phutho.intranet.jobs")

OCR = "ocr"
VERIFY = "verify"
SIGN = "sign"

SEARCHABLE_SUFFIX = "-ocr.pdf"


class Obsolete(Exception):
    """The job's document or file is gone or changed: nothing to do."""


def target(job):
    """``(document, named file)`` of the job, as they are now."""
    obj = uuidToObject(job.uid, unrestricted=True)
    if obj is None:
        raise Obsolete(job.uid)
    named_file = getattr(obj, job.field, None)
    if not named_file or records.file_key(named_file) != tuple(job.key):
        raise Obsolete(f"{job.uid}/{job.field}")
    return obj, named_file


def _copy_out(named_file, workdir, name="input"):
    path = os.path.join(workdir, name)
    with named_file.open() as source, open(path, "wb") as output:
        shutil.copyfileobj(source, output)
    return path


def prepare(job, workdir):
    """Read what ``execute`` needs (in a transaction)."""
    obj, named_file = target(job)
    prepared = {
        "path": _copy_out(named_file, workdir),
        "kind": file_kind(named_file.contentType, named_file.filename),
        "filename": named_file.filename or "document",
        "workdir": workdir,
    }
    if job.kind == OCR:
        prepared["limits"] = ocr_limits()
    elif job.kind == VERIFY:
        prepared["roots_dir"] = setting("trust_roots", "")
        prepared["revocation"] = setting("check_revocation", True)
        prepared["timeout"] = setting("revocation_timeout", 5)
    elif job.kind == SIGN:
        from phutho.intranet.content.utils import find_agency

        agency = find_agency(obj)
        prepared["agency"] = agency.Title() if agency is not None else ""
        prepared["key"] = key_for(
            setting("agency_keys", []), getattr(agency, "organ_id", None)
        )
        date = format_date(obj.issued_date) if obj.issued_date else ""
        prepared["number_symbol"] = " ngày ".join(
            part for part in (obj.symbol or "", date) if part
        )
    return prepared


def execute(job, prepared):
    """Do the work; returns a result dict for ``store``. Raises
    :class:`OcrError`, :class:`SignatureError` or :class:`SigningError`
    with the reason when it fails."""
    if job.kind == OCR:
        result = run_ocr(
            prepared["path"], prepared["kind"], prepared["workdir"], prepared["limits"]
        )
        with open(result.pdf_path, "rb") as stream:
            pdf = stream.read()
        return {
            "text": result.text,
            "pdf": pdf,
            "pages": result.pages,
            "seconds": round(result.seconds, 1),
        }
    if job.kind == VERIFY:
        roots = load_trust_roots(prepared["roots_dir"])
        with open(prepared["path"], "rb") as stream:
            return verify_pdf(
                stream, roots, prepared["revocation"], prepared["timeout"]
            )
    if job.kind == SIGN:
        if not prepared["key"]:
            raise SigningError("no certificate is configured for this agency")
        signer = load_signer(*prepared["key"])
        with open(prepared["path"], "rb") as stream:
            data = stream.read()
        return {
            "pdf": sign_pdf(data, signer, prepared["agency"], prepared["number_symbol"])
        }
    raise ValueError(f"unknown job kind {job.kind}")


def store(job, prepared, result):
    """Write ``result`` (in a transaction)."""
    obj, named_file = target(job)
    if job.kind == OCR:
        base = os.path.splitext(prepared["filename"])[0]
        searchable = NamedBlobFile(
            data=result["pdf"],
            contentType="application/pdf",
            filename=f"{base}{SEARCHABLE_SUFFIX}",
        )
        records.set_record(
            named_file,
            records.OCR_ATTRIBUTE,
            records.DONE,
            text=result["text"],
            pages=result["pages"],
            seconds=result["seconds"],
            searchable=searchable,
        )
        obj.reindexObject(idxs=["SearchableText"])
        _reindex_parent(obj)
    elif job.kind == VERIFY:
        # Plain JSON data only in the ZODB (no library objects).
        result = json.loads(json.dumps(result))
        records.set_record(
            named_file,
            records.SIGNATURES_ATTRIBUTE,
            records.DONE,
            status=result["status"],
            signatures=result["signatures"],
        )
        obj.reindexObject(idxs=["signature_status"])
    elif job.kind == SIGN:
        from phutho.intranet.workflow.history import record

        signed = NamedBlobFile(
            data=result["pdf"],
            contentType="application/pdf",
            filename=named_file.filename,
        )
        setattr(obj, job.field, signed)
        record(obj, "agency_signed", actor="system", field=job.field)
        # The new file is checked like any signed PDF.
        enqueue_file_jobs(obj, job.field, signed)
        update_internal_copies(obj, named_file, signed)
        obj.reindexObject()
        send_deliveries(obj)


def fail(job, reason):
    """Mark the job's file as failed, with the reason (in a transaction).
    A failed agency signature is written in the history, and the
    deliveries that waited for it go with the file as it is: nothing
    accepted is lost, and the page says why the signature is missing."""
    try:
        obj, named_file = target(job)
    except Obsolete:
        return
    attribute = {
        OCR: records.OCR_ATTRIBUTE,
        VERIFY: records.SIGNATURES_ATTRIBUTE,
        SIGN: records.SIGNING_ATTRIBUTE,
    }[job.kind]
    records.set_record(named_file, attribute, records.FAILED, reason=reason)
    if job.kind == VERIFY:
        obj.reindexObject(idxs=["signature_status"])
    if job.kind == SIGN:
        from phutho.intranet.workflow.history import record

        record(obj, "agency_signing_failed", actor="system", reason=reason)
        send_deliveries(obj)


def send_deliveries(document):
    """Send an issued document to its recipients outside the portal
    (exchange, e-mail) once its agency signature is made or has failed;
    the issue transaction left it to the signing job
    (:func:`phutho.intranet.jobs.subscribers.deliveries_wait_for_signature`).
    A document recalled meanwhile is not sent."""
    from phutho.intranet.exchange.api import send_document
    from plone import api

    if api.content.get_state(document) != "issued":
        logger.info("%s is no longer issued: not sent", document.absolute_url(1))
        return []
    return send_document(document)


def update_internal_copies(outgoing, unsigned, signed):
    """The copies delivered inside the portal at issue carry the file
    before the agency signed it: each copy still holding those bytes gets
    the signed file (and a line in its history)."""
    from phutho.intranet.search.cache import carry_text
    from phutho.intranet.workflow.delivery import deliveries_of
    from phutho.intranet.workflow.history import record

    old = unsigned.data
    for uid in deliveries_of(outgoing).values():
        copy = uuidToObject(uid, unrestricted=True)
        current = getattr(copy, "main_file", None)
        if not current or current.getSize() != len(old) or current.data != old:
            continue
        replacement = NamedBlobFile(
            data=signed.data, contentType=signed.contentType, filename=signed.filename
        )
        carry_text(signed, replacement)
        copy.main_file = replacement
        record(copy, "agency_signed", actor="system", field="main_file")
        enqueue_file_jobs(copy, "main_file", replacement)
        copy.reindexObject()


FAILURES = (OcrError, SignatureError, SigningError)


def _reindex_parent(obj):
    """An annex's text is part of its document's."""
    from Acquisition import aq_parent

    parent = aq_parent(obj)
    if getattr(parent, "portal_type", None) in ("IncomingDocument", "OutgoingDocument"):
        parent.reindexObject(idxs=["SearchableText"])


# -- queuing ---------------------------------------------------------------------


def _pdf_text_and_pages(named_file, context):
    """The text layer (through the search cache) and the page count."""
    from phutho.intranet.search.cache import file_text

    import pypdf

    text = file_text(named_file, context)
    try:
        with named_file.open() as stream:
            pages = len(pypdf.PdfReader(stream).pages)
    except Exception:
        pages = 1
    return text, pages


def enqueue_file_jobs(obj, field, named_file):
    """Queue OCR and the signature check for one file when needed and not
    yet done for its current data; mark the file pending."""
    from phutho.intranet.ocr.engine import needs_ocr
    from phutho.intranet.signatures.verify import has_signatures
    from plone import api

    kind = file_kind(named_file.contentType, named_file.filename)
    if kind is None:
        return
    site = api.portal.get()
    key = records.file_key(named_file)
    if (
        setting("ocr_enabled", True)
        and records.record(named_file, records.OCR_ATTRIBUTE) is None
    ):
        if kind == "pdf":
            text, pages = _pdf_text_and_pages(named_file, obj)
        else:
            text, pages = None, 1
        if needs_ocr(kind, text, pages):
            records.set_record(named_file, records.OCR_ATTRIBUTE, records.PENDING)
            queue.enqueue(site, OCR, obj.UID(), field, key)
    if (
        kind == "pdf"
        and records.record(named_file, records.SIGNATURES_ATTRIBUTE) is None
    ):
        with named_file.open() as stream:
            signed = has_signatures(stream)
        if signed:
            records.set_record(
                named_file, records.SIGNATURES_ATTRIBUTE, records.PENDING
            )
            queue.enqueue(site, VERIFY, obj.UID(), field, key)
            obj.reindexObject(idxs=["signature_status"])
