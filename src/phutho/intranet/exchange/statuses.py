"""Status messages sent as an exchanged document moves.

On the recipient's side an incoming document that came by exchange sends
its sender 01 when it arrives, then 02 (returned), 03 (registered), 04
(assigned), 05 (in progress), 06 (completed), 15/16 (a recall agreed or
refused) as the workflow moves it (:func:`on_incoming_transition`). On the
sender's side a recall of an issued document sends 13 to each recipient
reached by exchange (:func:`on_outgoing_transition`), and every status
goes into the per-recipient log of :mod:`phutho.intranet.workflow.delivery`.
"""

from . import outbox
from .mapping import agency_organization
from .mapping import staff_info
from .model import Organization
from .model import ResponseFor
from .model import StatusMessage
from .signature import configured_signer
from .writer import write_message
from phutho.intranet.content.utils import find_agency
from phutho.intranet.dates import now
from phutho.intranet.workflow.delivery import describe
from phutho.intranet.workflow.delivery import external_key
from phutho.intranet.workflow.delivery import record_status
from phutho.intranet.workflow.delivery import TRANSITION_CODES
from phutho.intranet.workflow.presentation import fullname
from plone import api

import logging

logger = logging.getLogger("phutho.intranet.exchange")

REPLY_ATTR = "_exchange_reply"
# The connector that answers by the way a message came (``transport`` of
# import_message), when their names differ: mail-in files messages as
# "email", the mail package's connector is "mail". A message posted to
# @edxml is answered by whichever connector reaches the sender.
REPLY_CONNECTORS = {"email": "mail"}


def reply_address(document):
    """Where an exchanged incoming document's statuses go: its sender, by
    the transport the document came through."""
    info = dict(getattr(document, REPLY_ATTR, None) or {})
    return (
        Organization(
            organ_id=document.sender_organ_id or "",
            name=document.sender_name or "",
            email=getattr(document, "sender_email", None) or "",
        ),
        REPLY_CONNECTORS.get(info.get("transport"), info.get("transport")),
    )


def _current_user_id():
    user = api.user.get_current()
    return user.getId() if user is not None else None


def status_for(document, code, description, user_id=None):
    """The StatusMessage an incoming ``document`` sends its sender."""
    agency = find_agency(document)
    return StatusMessage(
        sender=agency_organization(agency),
        response_for=ResponseFor(
            organ_id=document.sender_organ_id or "",
            code=document.number_symbol or "",
            promulgation_date=document.document_date,
            document_id=getattr(document, "document_id", None) or "",
        ),
        staff=staff_info(user_id, agency),
        status_code=code,
        description=description,
        timestamp=now().replace(tzinfo=None, microsecond=0),
    )


def send_status(document, code, comment="", user_id=None):
    """Queue status ``code`` of an exchanged incoming ``document`` for its
    sender. Returns the outbox item, or None for a document that did not
    come by exchange."""
    if not getattr(document, "document_id", None) or document.channel != "exchange":
        return None
    user_id = user_id if user_id is not None else _current_user_id()
    description = describe(code, comment, fullname(user_id) if user_id else "")
    message = status_for(document, code, description, user_id)
    recipient, transport = reply_address(document)
    data = write_message(message, configured_signer())
    return outbox.queue(
        find_agency(document),
        recipient,
        data,
        "status",
        document_uid=document.UID(),
        preferred=transport,
    )


def on_incoming_transition(document, event):
    """Subscriber: an exchanged incoming document tells its sender."""
    if event.transition is None:
        return
    code = TRANSITION_CODES.get(event.transition.id)
    if code is None:
        return
    comment = (event.kwargs or {}).get("comment", "")
    send_status(document, code, comment)


def send_recall_requests(outgoing, comment):
    """Status 13 to each recipient the document reached by exchange."""
    from .api import exchanged_recipients

    agency = find_agency(outgoing)
    user_id = _current_user_id()
    staff = staff_info(user_id, agency)
    for recipient, transport in exchanged_recipients(outgoing):
        message = StatusMessage(
            sender=agency_organization(agency),
            response_for=ResponseFor(
                organ_id=recipient.organ_id,
                code=outgoing.symbol or "",
                promulgation_date=outgoing.issued_date,
                document_id=outgoing.document_id,
            ),
            staff=staff,
            status_code="13",
            description=describe("13", comment, staff.staff),
            timestamp=now().replace(tzinfo=None, microsecond=0),
        )
        outbox.queue(
            agency,
            recipient,
            write_message(message, configured_signer()),
            "status",
            document_uid=outgoing.UID(),
            preferred=transport,
        )
        record_status(
            outgoing,
            external_key(recipient.organ_id, recipient.email, recipient.name),
            "13",
            description=message.description,
            staff=staff.staff,
        )


def on_outgoing_transition(document, event):
    """Subscriber: issuing sends the document to recipients outside the
    portal; a recall asks them for it back (13)."""
    if event.transition is None:
        return
    from .api import send_document
    from phutho.intranet.jobs.subscribers import deliveries_wait_for_signature

    comment = (event.kwargs or {}).get("comment", "")
    if event.transition.id == "issue":
        # With the agency's signature at issue (issue 15), the signing job
        # sends it once signed: recipients get the signed file.
        if not deliveries_wait_for_signature(document):
            send_document(document)
    elif event.transition.id == "recall":
        send_recall_requests(document, comment)
