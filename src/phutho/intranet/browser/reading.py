"""Reading on the document page: OCR state and signatures of each file
(``@@document-reading-section``), the searchable PDF made by OCR
(``@@searchable-pdf/<field>``), the proposals shown to the clerk in the
register form (:func:`register_proposals`) and in the add form
(:class:`ProposalsViewlet`, with ``++plone++phutho.intranet/proposals.js``)."""

from phutho.intranet import _
from phutho.intranet.extraction.api import proposals_for
from phutho.intranet.jobs.readings import file_readings
from phutho.intranet.jobs.readings import searchable_file
from phutho.intranet.ocr.settings import setting
from plone.app.layout.viewlets.common import ViewletBase
from plone.namedfile.utils import set_headers
from plone.namedfile.utils import stream_data
from Products.Five.browser import BrowserView
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
from zExceptions import NotFound
from zope.interface import implementer
from zope.publisher.interfaces import IPublishTraverse

OCR_TITLES = {
    "pending": _("ocr_pending", default="Reading the scan (OCR)…"),
    "done": _("ocr_done", default="Text read by OCR"),
    "failed": _("ocr_failed", default="OCR failed"),
}
SIGNATURE_TITLES = {
    "valid": _("signature_valid", default="Valid signature"),
    "invalid": _("signature_invalid", default="Signature fails"),
    "pending": _("signature_pending", default="Checking the signature…"),
}
PROBLEM_TITLES = {
    "signed_bytes_changed": _(
        "problem_bytes_changed", default="the signed content was changed"
    ),
    "signature_invalid": _(
        "problem_signature_invalid", default="the signature is wrong"
    ),
    "modified_after_signing": _(
        "problem_modified", default="the document was modified after signing"
    ),
    "certificate_not_valid_at_signing_time": _(
        "problem_expired",
        default="the certificate was not valid at the signing time",
    ),
    "untrusted": _("problem_untrusted", default="the certificate is not trusted"),
    "revoked": _("problem_revoked", default="the certificate was revoked"),
}
REVOCATION_TITLES = {
    "good": _("revocation_good", default="not revoked"),
    "revoked": _("revocation_revoked", default="revoked"),
    "not_checked": _("revocation_not_checked", default="revocation not checked"),
}
FIELD_TITLES = {
    "main_file": _("label_main_file", default="Main file"),
    "draft_file": _("label_draft_file", default="Draft"),
    "signed_file": _("label_signed_file", default="Signed document"),
}


class DocumentReadingSection(BrowserView):
    """The files' OCR states and signatures, on the document page."""

    def __call__(self):
        self.files = [self.describe(item) for item in file_readings(self.context)]
        self.files = [
            item
            for item in self.files
            if item["ocr"] or item["signatures"] or item["agency_signing"]
        ]
        return self.index() if self.files else ""

    def describe(self, item):
        ocr = item["ocr"]
        if ocr:
            ocr = dict(ocr, title=OCR_TITLES.get(ocr["state"], ocr["state"]))
        signatures = item["signatures"]
        if signatures:
            state = (
                signatures["status"]
                if signatures["state"] == "done"
                else ("invalid" if signatures["state"] == "failed" else "pending")
            )
            signatures = dict(
                signatures,
                title=SIGNATURE_TITLES.get(state, state),
                css=(
                    "bg-success"
                    if state == "valid"
                    else ("bg-danger" if state == "invalid" else "bg-secondary")
                ),
                # Not "items": a path expression takes dict.items for it.
                entries=[self.signature(entry) for entry in signatures["items"]],
            )
        return {
            "label": FIELD_TITLES.get(item["field"], item["field"]),
            "filename": item["filename"],
            "ocr": ocr,
            "signatures": signatures,
            "agency_signing": item["agency_signing"],
        }

    def signature(self, entry):
        return dict(
            entry,
            valid=entry.get("status") == "valid",
            problem_titles=[
                PROBLEM_TITLES.get(p, p) for p in entry.get("problems", ())
            ],
            revocation_title=REVOCATION_TITLES.get(entry.get("revocation")),
        )


@implementer(IPublishTraverse)
class SearchablePdf(BrowserView):
    """``@@searchable-pdf/<field>``: the PDF with a text layer made by OCR
    (the uploaded original is never changed)."""

    field = None

    def publishTraverse(self, request, name):
        if self.field is None:
            self.field = name
            return self
        raise NotFound(name)

    def __call__(self):
        named_file = searchable_file(self.context, self.field)
        if named_file is None:
            raise NotFound(self.field)
        set_headers(named_file, self.request.response, filename=named_file.filename)
        return stream_data(named_file)


def register_proposals(document):
    """Proposals for the register form: ``[{"name", "value", "current"}]``
    for the fields whose proposal differs from what the document has."""
    found = proposals_for(document)["fields"]
    rows = []
    for name, value in found.items():
        if name == "place" or not hasattr(document, name):
            continue
        current = getattr(document, name, None)
        shown = "; ".join(value) if isinstance(value, list) else str(value)
        current_shown = (
            "; ".join(current) if isinstance(current, (list, tuple)) else current
        )
        if str(current_shown or "") == shown:
            continue
        from phutho.intranet.content.incoming import IIncomingDocument

        title = IIncomingDocument[name].title if name in IIncomingDocument else name
        rows.append(
            {
                "name": name,
                "title": title,
                "value": value,
                "shown": shown,
                "current": current_shown,
            }
        )
    return rows


def signature_badge(status):
    """The dashboards' flag of a document whose PDF signature fails."""
    if status != "invalid":
        return None
    return {
        "text": _("badge_signature_invalid", default="Signature fails (chữ ký lỗi)"),
        "css": "bg-danger",
    }


def apply_proposals(document, names):
    """Write the proposals the clerk ticked (``names``) on ``document``,
    each checked by its schema field; refusals raise InvalidDataError."""
    from phutho.intranet.content.incoming import IIncomingDocument
    from phutho.intranet.exc import InvalidDataError
    from zope.lifecycleevent import modified
    from zope.schema import ValidationError

    import datetime

    if not names:
        return []
    found = proposals_for(document)["fields"]
    applied = []
    for name in names:
        if name not in found or name not in IIncomingDocument:
            continue
        value = found[name]
        if name == "document_date":
            value = datetime.date.fromisoformat(value)
        field = IIncomingDocument[name].bind(document)
        try:
            field.validate(value)
        except ValidationError as error:
            raise InvalidDataError(
                _(
                    "error_proposal_invalid",
                    default="The proposed ${field} cannot be used: ${error}",
                    mapping={"field": name, "error": error.doc()},
                ),
                field=name,
            )
        field.set(document, value)
        applied.append(name)
    if applied:
        modified(document)
    return applied


class ProposalsViewlet(ViewletBase):
    """On ``<agency>/++add++IncomingDocument`` only: where proposals.js
    posts the chosen file (``POST <agency>/@proposals``) and its messages,
    translated here (the script has no catalogue)."""

    index = ViewPageTemplateFile("templates/proposals_config.pt")

    def available(self):
        ti = getattr(self.view, "ti", None)
        return ti is not None and ti.getId() == "IncomingDocument"

    def update(self):
        self.url = f"{self.context.absolute_url()}/@proposals"
        self.max_bytes = setting("ocr_max_file_mb", 100) * 1024 * 1024

    def render(self):
        return self.index() if self.available() else ""
