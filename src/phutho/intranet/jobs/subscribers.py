"""Queue the reading jobs when files arrive, and the agency's signature
when an outgoing document is issued.

Only the queue is written here, in the saving transaction: the work runs
in a worker after the commit. The agency's signature in particular is
queued by the issue transaction and made after it commits, so the register
counter is never held while signing.
"""

from phutho.intranet.jobs import handlers
from phutho.intranet.jobs import queue
from phutho.intranet.ocr import records
from phutho.intranet.ocr.settings import setting
from plone import api

FILE_FIELDS = {
    "IncomingDocument": ("main_file",),
    "OutgoingDocument": ("draft_file", "signed_file"),
    "Annex": ("file",),
    "File": ("file",),
}


def files_changed(obj, event):
    """Added or modified: queue what the files need."""
    for field in FILE_FIELDS.get(getattr(obj, "portal_type", None), ()):
        named_file = getattr(obj, field, None)
        if named_file:
            handlers.enqueue_file_jobs(obj, field, named_file)


def signing_field(document):
    """The field whose PDF the agency signs when ``document`` is issued:
    the signed file, else the draft; None when signing at issue is off
    or there is no PDF to sign."""
    if not setting("sign_on_issue", False):
        return None
    field = "signed_file" if document.signed_file else "draft_file"
    named_file = getattr(document, field, None)
    if (
        not named_file
        or handlers.file_kind(named_file.contentType, named_file.filename) != "pdf"
    ):
        return None
    return field


def deliveries_wait_for_signature(document):
    """True when issuing ``document`` queues the agency's signature: its
    deliveries by exchange and e-mail then go from the signing job, with
    the signed file (the exchange's issue subscriber asks)."""
    return signing_field(document) is not None


def document_issued(obj, event):
    """After ``issue``: queue the agency's signature of its PDF."""
    if event.transition is None or event.transition.id != "issue":
        return
    field = signing_field(obj)
    if field is None:
        return
    named_file = getattr(obj, field)
    records.set_record(named_file, records.SIGNING_ATTRIBUTE, records.PENDING)
    queue.enqueue(
        api.portal.get(), handlers.SIGN, obj.UID(), field, records.file_key(named_file)
    )
