"""Issued documents by mail to recipients outside the portal.

When an outgoing document is issued, each external recipient with an
e-mail address (``Name | OrganId | e-mail``) gets one mail from the
agency's document mailbox with the signed file, the annexes and, when the
exchange package provides it, the edXML message attached. Each mail is
recorded in the processing history with its Message-ID; the queue thread
records the relay's refusals against it (:mod:`.sent`), and bounces that
come back to the agency's mailbox are recorded by mail-in. Secret
documents are never mailed.
"""

from phutho.intranet import _
from phutho.intranet.content.outgoing import InvalidRecipient
from phutho.intranet.content.outgoing import parse_recipient
from phutho.intranet.content.utils import find_agency
from phutho.intranet.dates import format_date
from phutho.intranet.mail import sent
from phutho.intranet.mail.compose import build_message
from phutho.intranet.mail.render import tr
from phutho.intranet.mail.send import send
from phutho.intranet.mail.send import site_sender
from phutho.intranet.workflow.history import record
from phutho.intranet.workflow.localroles import is_secret
from plone import api

import logging

logger = logging.getLogger("phutho.intranet.mail")


def mail_recipients(document):
    """``[(name, email)]`` of the external recipients that have an address."""
    result = []
    for line in document.external_recipients or ():
        try:
            recipient = parse_recipient(line)
        except InvalidRecipient:
            continue
        if recipient["email"]:
            result.append((recipient["name"], recipient["email"]))
    return result


def _file(named_file):
    if named_file is None:
        return None
    return (
        named_file.filename or "van-ban",
        named_file.contentType or "application/octet-stream",
        named_file.data,
    )


def edxml_attachment(document):
    """``(filename, type, bytes)`` of the document's edXML message, when the
    exchange package can write one; None otherwise."""
    try:
        from phutho.intranet.exchange import export_message
    except ImportError:
        try:
            from phutho.intranet.exchange.writer import export_message
        except ImportError:
            return None
    try:
        data = export_message(document)
    except Exception:
        logger.exception("No edXML for %s", document.absolute_url(1))
        return None
    name = (document.symbol or document.getId()).replace("/", "-")
    return (f"{name}.edxml", "application/xml", data)


def attachments(document):
    """The signed file (else the draft), the annexes, the edXML message."""
    result = []
    main = _file(document.signed_file or document.draft_file)
    if main:
        result.append(main)
    for annex in document.objectValues():
        if annex.portal_type == "Annex":
            found = _file(getattr(annex, "file", None))
            if found:
                result.append(found)
    edxml = edxml_attachment(document)
    if edxml:
        result.append(edxml)
    return result


def _text(document, agency, name):
    lines = [
        tr(_("mail_issued_greeting", default="Dear ${name},", mapping={"name": name})),
        "",
        tr(
            _(
                "mail_issued_intro",
                default="${agency} sends you the document ${symbol} of ${date}:",
                mapping={
                    "agency": agency.Title(),
                    "symbol": document.symbol or "",
                    "date": format_date(document.issued_date),
                },
            )
        ),
        document.Title(),
        "",
        tr(
            _(
                "mail_issued_attached",
                default="The signed document and its annexes are attached.",
            )
        ),
    ]
    if document.signer_name:
        lines += ["", document.signer_name]
    lines += ["--", agency.Title()]
    if getattr(agency, "address", None):
        lines.append(agency.address)
    return "\n".join(lines) + "\n"


def mail_issued(document):
    """Mail ``document`` to its external recipients; returns the Message-IDs.

    Called after the issue transition (the document has its number and
    symbol). Secret documents are not mailed: the history says so.
    """
    recipients = mail_recipients(document)
    if not recipients:
        return []
    if is_secret(document):
        record(document, "mail_skipped", actor="system", reason="secret")
        return []
    site = api.portal.get()
    agency = find_agency(document)
    sender = (
        (agency.Title(), agency.email)
        if agency is not None and getattr(agency, "email", None)
        else site_sender()
    )
    files = attachments(document)
    subject = " ".join(x for x in (document.symbol, document.Title()) if x)
    message_ids = []
    for name, email in recipients:
        msg = build_message(
            subject,
            _text(document, agency, name),
            sender,
            [(name, email)],
            attachments=files,
            reply_to=sender,
        )
        message_id = send(msg)
        sent.remember(site, message_id, document.UID(), email)
        record(
            document,
            "mailed",
            recipient=email,
            recipient_name=name,
            message_id=sent.normalize_message_id(message_id),
            attachments=[f[0] for f in files],
        )
        message_ids.append(message_id)
    logger.info(
        "Mailed %s to %s", document.symbol, ", ".join(e for _n, e in recipients)
    )
    return message_ids


def on_outgoing_issued(document, event):
    """Subscriber: after ``issue``, mail the document."""
    if event.transition is not None and event.transition.id == "issue":
        mail_issued(document)
