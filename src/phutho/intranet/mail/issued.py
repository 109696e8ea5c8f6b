"""Issued documents by mail to recipients outside the portal.

When an outgoing document is issued, the exchange queues it for each
recipient outside the portal (``Name | OrganId | e-mail``); those it
reaches by e-mail go through :class:`MailConnector`: one mail per
recipient from the agency's document mailbox with the signed file, the
annexes and the edXML message attached. Each mail is
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
from phutho.intranet.exchange.interfaces import IConnector
from phutho.intranet.exchange.interfaces import TransportError
from phutho.intranet.mail import sent
from phutho.intranet.mail.compose import build_message
from phutho.intranet.mail.render import tr
from phutho.intranet.mail.send import send
from phutho.intranet.mail.send import site_sender
from phutho.intranet.workflow.history import record
from phutho.intranet.workflow.localroles import is_secret
from plone import api
from zope.interface import implementer

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


def attachments(document, edxml=None):
    """The signed file (else the draft), the annexes, and ``edxml`` (a
    ``(filename, type, bytes)`` triple) when given."""
    result = []
    main = _file(document.signed_file or document.draft_file)
    if main:
        result.append(main)
    for annex in document.objectValues():
        if annex.portal_type == "Annex":
            found = _file(getattr(annex, "file", None))
            if found:
                result.append(found)
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


def mail_document(document, name, email, edxml=None):
    """Mail the issued ``document`` to one recipient; returns the Message-ID.

    From the agency's document mailbox (replies and bounces come back to
    mail-in), with the files attached; recorded in the processing history
    with its Message-ID and remembered for refusals and bounces.
    """
    site = api.portal.get()
    agency = find_agency(document)
    sender = (
        (agency.Title(), agency.email)
        if agency is not None and getattr(agency, "email", None)
        else site_sender()
    )
    files = attachments(document, edxml)
    subject = " ".join(x for x in (document.symbol, document.Title()) if x)
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
    logger.info("Mailed %s to %s (%s)", document.symbol, email, message_id)
    return message_id


def mail_issued(document, edxml=None):
    """Mail ``document`` to each external recipient with an address;
    returns the Message-IDs. Secret documents are not mailed (the history
    says so)."""
    recipients = mail_recipients(document)
    if not recipients:
        return []
    if is_secret(document):
        record(document, "mail_skipped", actor="system", reason="secret")
        return []
    return [mail_document(document, name, email, edxml) for name, email in recipients]


@implementer(IConnector)
class MailConnector:
    """The exchange's connector for recipients reached by e-mail.

    The exchange (:mod:`phutho.intranet.exchange.outbox`) hands each
    recipient of an issued document to the connector of highest priority
    that accepts it; for an e-mail address this one (above the exchange's
    own ``email``, below the ``directory`` of the exchange platform) sends
    the full mail of :func:`mail_document`: signed file, annexes and the
    edXML message, one mail per recipient. Status messages (edXML only)
    go as a short mail with the message attached.
    """

    name = "mail"
    title = "Thư điện tử"
    priority = 15

    def accepts(self, agency, recipient):
        return bool(getattr(recipient, "email", ""))

    def send(self, agency, recipient, item):
        mailhost = api.portal.get_tool("MailHost")
        if not mailhost.smtp_queue:
            return "held"  # never an immediate send: it would ignore an abort
        edxml = (item.filename, "application/xml", item.data())
        document = None
        if item.document_uid:
            brains = api.portal.get_tool("portal_catalog").unrestrictedSearchResults(
                UID=item.document_uid
            )
            document = brains[0]._unrestrictedGetObject() if brains else None
        if item.kind == "document" and document is not None:
            if is_secret(document):
                raise TransportError("Secret documents are never sent by e-mail.")
            mail_document(document, recipient.name or "", recipient.email, edxml)
            return "sent"
        send(
            build_message(
                f"edXML - {agency.Title()}",
                tr(
                    _(
                        "mail_edxml_attached",
                        default="The edXML message (QCVN 102:2016) is attached.",
                    )
                )
                + "\n",
                (agency.Title(), agency.email or site_sender()[1]),
                [(recipient.name or "", recipient.email)],
                attachments=[edxml],
                headers={"X-Edxml-Kind": item.kind},
            )
        )
        return "sent"
