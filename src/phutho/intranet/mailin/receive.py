"""Inside the portal: a raw mail becomes an incoming document.

Called by ``POST /@mail-in`` in the request's transaction, so the document,
its annexes and the dedupe mark commit together or not at all. The
recipient address chooses the agency (its "Document mailbox" field); the
message becomes an IncomingDocument in state ``received``, channel
``email``. Dedupe: ``{(agency UID, Message-ID or content hash): document
UID}`` in a BTree on the site; two concurrent deliveries of one message
insert the same key, so one of them conflicts, is retried by Zope and then
finds the document the other created.
"""

from BTrees.OOBTree import OOBTree
from phutho.intranet.content.document import SUBJECT_MAX_LENGTH
from phutho.intranet.content.storage import add_document
from phutho.intranet.content.vocabularies import document_types
from phutho.intranet.dates import localize
from phutho.intranet.dates import now
from phutho.intranet.dates import today
from phutho.intranet.mail import sent
from phutho.intranet.mailin.html_body import sanitize_html
from phutho.intranet.mailin.parse import choose_main
from phutho.intranet.mailin.parse import content_key
from phutho.intranet.mailin.parse import find_number_symbol
from phutho.intranet.mailin.parse import parse_message
from phutho.intranet.mailin.parse import UnusableMessage
from phutho.intranet.workflow.history import record
from plone import api
from plone.app.uuid.utils import uuidToObject
from plone.dexterity.utils import addContentToContainer
from plone.dexterity.utils import createContent
from plone.namedfile.file import NamedBlobFile
from zope.annotation.interfaces import IAnnotations

import logging

logger = logging.getLogger("phutho.intranet.mailin")

RECEIVED_KEY = "phutho.intranet.mailin.received"
DEFAULT_MAX_MB = 50
DEFAULT_DOCUMENT_TYPE = "cong-van"


class MailInRefused(Exception):
    """A mail the portal will never accept (SMTP 5xx, IMAP error folder).

    ``kind`` names the reason for programs; ``message`` says it to people.
    """

    status = 422

    def __init__(self, kind, message, status=None):
        super().__init__(message)
        self.kind = kind
        self.message = message
        if status:
            self.status = status


def max_size():
    """Largest accepted message, in bytes (registry, in MB)."""
    megabytes = api.portal.get_registry_record(
        "phutho.intranet.mail.mailin_max_size", default=DEFAULT_MAX_MB
    )
    return int(megabytes or DEFAULT_MAX_MB) * 1024 * 1024


def received_index(site):
    annotations = IAnnotations(site)
    index = annotations.get(RECEIVED_KEY)
    if index is None:
        index = annotations[RECEIVED_KEY] = OOBTree()
    return index


def agencies_by_mailbox():
    """``{document mailbox address: agency}`` of every agency."""
    catalog = api.portal.get_tool("portal_catalog")
    result = {}
    for brain in catalog.unrestrictedSearchResults(portal_type="Agency"):
        agency = brain._unrestrictedGetObject()
        address = (getattr(agency, "email", None) or "").strip().lower()
        if address:
            result[address] = agency
    return result


def agency_for(address, mailboxes=None):
    """The agency whose document mailbox is ``address``, or None."""
    mailboxes = agencies_by_mailbox() if mailboxes is None else mailboxes
    return mailboxes.get((address or "").strip().lower())


def guess_document_type(subject):
    """The document type a subject starts with (``Quyết định …``), else
    Công văn; the clerk checks it before registering."""
    lowered = (subject or "").strip().lower()
    for token, title, _abbreviation in document_types():
        if lowered.startswith(title.lower()):
            return token
    return DEFAULT_DOCUMENT_TYPE


def mail_date(mail):
    """The day the mail was written, as a placeholder for the document's
    date (the clerk corrects it); None when missing or in the future."""
    if mail.date is None:
        return None
    try:
        day = localize(mail.date).date()
    except (TypeError, ValueError, OverflowError):
        return None
    return day if day <= today() else None


def _blob(attachment):
    return NamedBlobFile(
        data=attachment.data,
        filename=attachment.filename,
        contentType=attachment.content_type or "application/octet-stream",
    )


def _add_annex(document, title, named_file):
    annex = createContent("Annex", title=title, file=named_file)
    return addContentToContainer(document, annex, checkConstraints=False)


def create_document(agency, mail, raw, envelope_sender=""):
    """Create the incoming document of ``mail`` in ``agency`` (unrestricted)."""
    sender = agency_for(mail.from_address)
    subject = mail.subject.strip() or mail.from_name or mail.from_address
    arrival = now().replace(second=0, microsecond=0, tzinfo=None)
    fields = dict(
        title=subject[:SUBJECT_MAX_LENGTH],
        description=mail.text,
        document_type=guess_document_type(mail.subject),
        channel="email",
        arrival_date=arrival,
        sender_name=(
            sender.Title()
            if sender is not None
            else mail.from_name or mail.from_address
        ),
        sender_organ_id=getattr(sender, "organ_id", None) if sender else None,
        number_symbol=find_number_symbol(mail.subject) or None,
        document_date=mail_date(mail),
        recipients=[agency.Title()],
    )
    attachments = list(mail.attachments)
    main = choose_main(attachments)
    if main is not None:
        fields["main_file"] = _blob(attachments.pop(main))
    document = add_document(agency, "IncomingDocument", **fields)
    for attachment in attachments:
        _add_annex(document, attachment.filename, _blob(attachment))
    eml_name = f"thu-goc-{arrival:%Y%m%d-%H%M}.eml"
    _add_annex(
        document,
        "Thư gốc (.eml)",
        NamedBlobFile(data=raw, filename=eml_name, contentType="message/rfc822"),
    )
    document.mail_message_id = mail.message_id
    document.mail_from = mail.from_address or envelope_sender
    document.mail_body_html = sanitize_html(mail.html) if mail.html else ""
    # The service account created it, but has no business in it.
    creator = api.user.get_current().getId()
    if creator and "Owner" in document.get_local_roles_for_userid(creator):
        document.manage_delLocalRoles([creator])
    record(
        document,
        "received_by_mail",
        message_id=mail.message_id,
        sender=mail.from_address or envelope_sender,
        attachments=[a.filename for a in mail.attachments],
        defects=mail.defects[:20],
    )
    document.reindexObject()
    return document


def edxml_attachments(mail):
    """Attachments that look like edXML messages (QCVN 102:2016)."""
    found = []
    for attachment in mail.attachments:
        name = attachment.filename.lower()
        if name.endswith(".edxml") or (
            (name.endswith(".xml") or "xml" in attachment.content_type)
            and b"edXML" in attachment.data[:4096]
        ):
            found.append(attachment)
    return found


def import_edxml(agency, mail, raw):
    """File the mail's edXML message through the exchange's reader.

    Returns ``(document, created)``, or ``(None, reason)`` when there is
    none or the exchange refuses it (the mail then becomes an ordinary
    mail-in document, and the reason goes into its history). A refused
    import is rolled back to a savepoint: nothing of it stays.
    """
    import transaction

    try:
        from phutho.intranet.exchange.api import EdXMLError
        from phutho.intranet.exchange.api import import_message
    except ImportError:  # pragma: no cover - the exchange ships with us
        return None, ""
    reasons = []
    for attachment in edxml_attachments(mail):
        savepoint = transaction.savepoint()
        try:
            with api.env.adopt_roles(["Manager"]):
                document, created = import_message(
                    agency, attachment.data, transport="email"
                )
        except EdXMLError as error:
            savepoint.rollback()
            reasons.append(f"{attachment.filename}: {error}")
            continue
        if created:
            _add_annex(
                document,
                "Thư gốc (.eml)",
                NamedBlobFile(
                    data=raw, filename="thu-goc.eml", contentType="message/rfc822"
                ),
            )
            record(
                document,
                "received_by_mail",
                message_id=mail.message_id,
                sender=mail.from_address,
                edxml=attachment.filename,
            )
        return document, created
    return None, "; ".join(reasons)


def record_bounce(mail):
    """A delivery status notification about a document we mailed: record
    it in that document's history; returns the document or None."""
    site = api.portal.get()
    if not mail.bounce_of:
        return None
    refused = {
        address: (5, reason or "failed")
        for address, reason in mail.bounce_recipients.items()
    }
    return sent.record_refusal(site, mail.bounce_of, refused, action="mail_bounced")


def receive(raw, recipients, envelope_sender=""):
    """Turn ``raw`` addressed to ``recipients`` into incoming documents.

    Returns ``{"created": [...], "duplicates": [...], "unknown": [...],
    "bounce": url or None}``; each document as ``{"agency", "uid", "url"}``.
    Raises :class:`MailInRefused` for a message that can never be accepted.
    """
    if len(raw) > max_size():
        raise MailInRefused(
            "TooLarge",
            f"The message is larger than {max_size() // (1024 * 1024)} MB.",
            status=413,
        )
    try:
        mail = parse_message(raw)
    except UnusableMessage as error:
        raise MailInRefused("Unusable", f"Unreadable message: {error}")
    result = {"created": [], "duplicates": [], "unknown": [], "bounce": None}
    bounced = record_bounce(mail) if mail.bounce_of else None
    if bounced is not None:
        result["bounce"] = bounced.absolute_url()
        return result
    mailboxes = agencies_by_mailbox()
    targets = []
    for address in dict.fromkeys(a.strip().lower() for a in recipients if a):
        agency = mailboxes.get(address)
        if agency is None:
            result["unknown"].append(address)
        elif agency not in targets:
            targets.append(agency)
    if not targets:
        raise MailInRefused(
            "UnknownRecipient",
            "No agency has this document mailbox: "
            + ", ".join(result["unknown"] or ["(no recipient)"]),
        )
    if not mail.usable:
        raise MailInRefused(
            "NoContent", "The message has no subject, no text and no attachment."
        )
    key = mail.message_id or content_key(raw)
    index = received_index(api.portal.get())
    for agency in targets:
        entry_key = (agency.UID(), key)
        existing = index.get(entry_key)
        if existing is not None:
            document = uuidToObject(existing, unrestricted=True)
            result["duplicates"].append(_describe(agency, existing, document))
            continue
        document, outcome = import_edxml(agency, mail, raw)
        if document is not None:
            index[entry_key] = document.UID()
            described = dict(_describe(agency, document.UID(), document), edxml=True)
            result["created" if outcome else "duplicates"].append(described)
            continue
        with api.env.adopt_roles(["Manager"]):
            document = create_document(agency, mail, raw, envelope_sender)
            if outcome:  # why the exchange refused the edXML, for the clerk
                record(document, "edxml_refused", comment=outcome)
        index[entry_key] = document.UID()
        result["created"].append(_describe(agency, document.UID(), document))
        logger.info(
            "Mail %s from %s -> %s",
            key,
            mail.from_address or envelope_sender,
            document.absolute_url(1),
        )
    return result


def _describe(agency, uid, document):
    return {
        "agency": agency.Title(),
        "agency_uid": agency.UID(),
        "uid": uid,
        "url": document.absolute_url() if document is not None else None,
    }
