"""What other packages call (mail, mail-in, the services, the pages).

- :func:`read_message` - bytes to a DocumentMessage or StatusMessage
  (raises EdXMLError naming the element at fault).
- :func:`import_message` - file a message in an agency:
  ``(document, created)``.
- :func:`export_message` - the edXML message of an issued outgoing
  document, signed when a key is configured.
- :func:`status_message` - the edXML status message of an exchanged
  incoming document for a status code.
- :func:`send_document` - queue an issued document for its recipients
  outside the portal (the issue transition calls it).

See docs/exchange.md.
"""

from . import outbox
from .errors import EdXMLError  # noqa: F401 -- part of the API
from .importer import import_message as _import_message
from .importer import register_issued
from .limits import current_limits
from .mapping import external_organizations
from .mapping import make_document_id
from .mapping import outgoing_message
from .model import DocumentMessage  # noqa: F401 -- part of the API
from .model import StatusMessage  # noqa: F401 -- part of the API
from .reader import read_message as _read_message
from .signature import configured_signer
from .statuses import status_for
from .writer import write_message
from phutho.intranet.content.utils import find_agency
from phutho.intranet.workflow.delivery import describe
from phutho.intranet.workflow.delivery import external_key
from phutho.intranet.workflow.delivery import record_status
from phutho.intranet.workflow.localroles import is_secret

import logging

logger = logging.getLogger("phutho.intranet.exchange")


def read_message(data):
    """Parse and read an edXML message (bytes) with the configured size
    limits."""
    return _read_message(data, current_limits())


def import_message(agency, data, transport="rest"):
    """File ``data`` in ``agency``: ``(document, created)``. ``transport``
    names how it came ("rest", "directory", "email"): the document's status
    messages go back the same way."""
    if agency is None:
        raise ValueError("An agency is required")
    return _import_message(agency, data, transport)


def ensure_document_id(document):
    """The DocumentId of an issued outgoing document (set on first use)."""
    if not getattr(document, "document_id", None):
        if not document.symbol or document.issued_date is None:
            raise ValueError("Only an issued document has a DocumentId")
        agency = find_agency(document)
        document.document_id = make_document_id(
            agency.organ_id, document.issued_date, document.symbol
        )
        register_issued(agency, document)
    return document.document_id


def export_message(document, business_type=None, reason="", sign=True):
    """The edXML message (bytes) of an issued OutgoingDocument (its
    DocumentId computed when not stored yet: nothing is written)."""
    message = outgoing_message(document, business_type, reason)
    return write_message(message, configured_signer() if sign else None)


def status_message(document, code, comment="", user_id=None):
    """The edXML status message (bytes) an exchanged incoming document
    sends its sender for ``code`` (01-06, 15, 16)."""
    description = describe(code, comment)
    return write_message(
        status_for(document, code, description, user_id), configured_signer()
    )


def exchanged_recipients(document):
    """``[(Organization, preferred transport or None)]``: the recipients of
    an outgoing document outside the portal (agencies of the portal get
    their copy by internal delivery). None for a secret document: secret
    documents never travel electronically (Decree 30/2020)."""
    if is_secret(document):
        return []
    return [(organization, None) for organization in external_organizations(document)]


def send_document(document, business_type=None, reason=""):
    """Queue the message of an issued document for each recipient outside
    the portal, logging each as sent (or held, failed, unsent) in the
    sender's log. ``business_type`` None is the document as issued; 1, 2,
    3 a revocation, update or replacement message."""
    ensure_document_id(document)
    recipients = exchanged_recipients(document)
    if is_secret(document) and document.external_recipients:
        logger.info("%s is secret: not exchanged", document.absolute_url(1))
    if not recipients:
        return []
    agency = find_agency(document)
    # One message for every recipient, stored once.
    data = outbox.message_blob(export_message(document, business_type, reason))
    items = []
    for recipient, transport in recipients:
        item = outbox.queue(
            agency,
            recipient,
            data,
            "document",
            document.UID(),
            transport,
        )
        record_status(
            document,
            external_key(recipient.organ_id, recipient.email, recipient.name),
            "",
            description=item.error,
            event=item.status,
            organ_id=recipient.organ_id or None,
            email=recipient.email or None,
            name=recipient.name,
            transport=item.transport,
        )
        items.append(item)
    return items
