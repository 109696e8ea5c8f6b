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
        prepared["number_symbol"] = " ".join(
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
        records.set_record(
            named_file,
            records.SIGNATURES_ATTRIBUTE,
            records.DONE,
            status=result["status"],
            signatures=result["signatures"],
        )
        obj.reindexObject(idxs=["signature_status"])
    elif job.kind == SIGN:
        signed = NamedBlobFile(
            data=result["pdf"],
            contentType="application/pdf",
            filename=named_file.filename,
        )
        setattr(obj, job.field, signed)
        from phutho.intranet.workflow.history import record

        record(obj, "agency_signed", actor="phutho-worker", field=job.field)
        # The new file is checked like any signed PDF.
        enqueue_file_jobs(obj, job.field, signed)
        obj.reindexObject()


def fail(job, reason):
    """Mark the job's file as failed, with the reason (in a transaction)."""
    try:
        obj, named_file = target(job)
    except Obsolete:
        return
    attribute = {
        OCR: records.OCR_ATTRIBUTE,
        VERIFY: records.SIGNATURES_ATTRIBUTE,
    }.get(job.kind)
    if attribute:
        records.set_record(named_file, attribute, records.FAILED, reason=reason)
    else:
        records.set_record(named_file, "_phutho_signing", records.FAILED, reason=reason)
    if job.kind == VERIFY:
        obj.reindexObject(idxs=["signature_status"])


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
