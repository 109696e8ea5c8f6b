"""The outbox of an agency: every message it sends, for one recipient each.

:func:`queue` stores the message (a blob) with its recipient, chooses the
connector (:mod:`.interfaces`) and hands it over in the same transaction;
the item records what became of it: ``sent`` (on its way at commit),
``held`` (waiting, e.g. for the mail queue), ``failed`` (no connector, or
the connector refused), ``unsent`` (the recipient has neither an OrganId
nor an e-mail: paper). :func:`retry_held` tries held and failed items
again (the pickup command calls it).
"""

from .interfaces import IConnector
from .interfaces import TransportError
from .store import exchange_of
from BTrees.OOBTree import OOTreeSet
from dataclasses import asdict
from persistent import Persistent
from phutho.intranet.dates import now
from ZODB.blob import Blob
from zope.component import getUtilitiesFor

import logging
import uuid

logger = logging.getLogger("phutho.intranet.exchange")


def message_blob(data):
    """A blob holding ``data`` (a message), to give to several items."""
    blob = Blob()
    with blob.open("w") as stream:
        stream.write(data)
    return blob


class OutboxItem(Persistent):
    """One message for one recipient."""

    def __init__(self, recipient, data, kind, document_uid=None, filename=None):
        # Sorts as created (to the microsecond): folders are read in name
        # order, so statuses arrive in the order they were sent.
        self.id = f"{now():%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}"
        self.recipient = dict(recipient)
        self.kind = kind  # "document" or "status"
        self.document_uid = document_uid
        self.filename = filename or f"{self.id}.edxml"
        self.created = now()
        self.status = "queued"
        self.transport = None
        self.sent = None
        self.attempts = 0
        self.error = ""
        if isinstance(data, Blob):
            # One message for many recipients (a document issued to fifty
            # agencies) is stored once.
            self._blob = data
            with data.open("r") as stream:
                self.size = stream.seek(0, 2)
        else:
            self._blob = message_blob(data)
            self.size = len(data)

    def data(self):
        with self._blob.open("r") as stream:
            return stream.read()


def connectors():
    """Registered connectors, highest priority first."""
    found = [utility for name, utility in getUtilitiesFor(IConnector)]
    return sorted(found, key=lambda c: (-c.priority, c.name))


def choose(agency, recipient, preferred=None):
    """The connector for ``recipient``: ``preferred`` (by name) when it
    accepts, else the first that does, else None."""
    available = connectors()
    if preferred:
        for connector in available:
            if connector.name == preferred and connector.accepts(agency, recipient):
                return connector
    for connector in available:
        if connector.accepts(agency, recipient):
            return connector
    return None


RETRIED = ("held", "failed")


def _track(agency, item):
    """Keep the ids of the items to try again apart, so that the pickup
    does not read the whole outbox every minute."""
    state = exchange_of(agency)
    waiting = item.status in RETRIED
    if getattr(state, "pending", None) is None:
        if not waiting:
            return
        state.pending = OOTreeSet()
    if waiting:
        state.pending.add(item.id)
    elif item.id in state.pending:
        state.pending.remove(item.id)


def _send(agency, item, preferred=None):
    item = _deliver(agency, item, preferred)
    _track(agency, item)
    return item


def _deliver(agency, item, preferred=None):
    from .model import Organization

    recipient = Organization(**item.recipient)
    if not (recipient.organ_id or recipient.email):
        item.status = "unsent"
        item.error = "No OrganId and no e-mail: send it on paper."
        return item
    connector = choose(agency, recipient, preferred)
    item.attempts += 1
    if connector is None:
        item.status = "failed"
        item.error = "No transport can reach this recipient."
        logger.warning(
            "Outbox %s: no transport for %s", agency.absolute_url(1), item.recipient
        )
        return item
    try:
        item.status = connector.send(agency, recipient, item)
    except TransportError as error:
        item.status, item.error = "failed", str(error)
        logger.warning("Outbox %s: %s failed: %s", item.id, connector.name, error)
        return item
    except Exception as error:
        # A connector's defect must not refuse the transition that sends
        # (issuing a document): the message waits in the outbox, logged,
        # and the pickup tries again.
        item.status, item.error = "failed", f"{error.__class__.__name__}: {error}"
        logger.exception("Outbox %s: %s could not send", item.id, connector.name)
        return item
    item.transport = connector.name
    item.error = ""
    if item.status == "sent":
        item.sent = now()
    logger.info(
        "Outbox %s: %s for %s %s by %s",
        agency.absolute_url(1),
        item.kind,
        item.recipient.get("organ_id") or item.recipient.get("email"),
        item.status,
        connector.name,
    )
    return item


def queue(agency, recipient, data, kind, document_uid=None, preferred=None):
    """Store ``data`` (the message: bytes, or a :func:`message_blob` shared
    by several recipients) for ``recipient`` (an Organization) in
    ``agency``'s outbox and hand it to a connector. Returns the
    OutboxItem."""
    item = OutboxItem(asdict(recipient), data, kind, document_uid)
    exchange_of(agency).outbox[item.id] = item
    return _send(agency, item, preferred)


def items(agency, status=None):
    """Outbox items, newest first (of one ``status`` if given)."""
    state = exchange_of(agency, create=False)
    if state is None:
        return []
    found = [i for i in state.outbox.values() if status is None or i.status == status]
    return sorted(found, key=lambda i: i.created, reverse=True)


def retry_held(agency):
    """Hand held and failed items to a connector again; returns how many
    are now sent. A document's message sent now is noted in the sender's
    log of that recipient."""
    state = exchange_of(agency, create=False)
    pending = list(getattr(state, "pending", None) or ())
    sent = 0
    for item_id in pending:
        item = state.outbox.get(item_id)
        if item is None or item.status not in RETRIED:
            state.pending.remove(item_id)
            continue
        if _send(agency, item, item.transport).status == "sent":
            sent += 1
            _log_sent(item)
    return sent


def _log_sent(item):
    from phutho.intranet.workflow.delivery import external_key
    from phutho.intranet.workflow.delivery import record_status
    from plone.app.uuid.utils import uuidToObject

    document = uuidToObject(item.document_uid, unrestricted=True)
    if item.kind != "document" or document is None:
        return
    recipient = item.recipient
    record_status(
        document,
        external_key(
            recipient.get("organ_id"), recipient.get("email"), recipient.get("name")
        ),
        "",
        event="sent",
        transport=item.transport,
    )
