"""What an agency keeps of its exchanges: an annotation on the agency.

- ``received``: ``(sender OrganId, DocumentId) -> incoming document UID``.
  Written in the transaction that creates the document, so two deliveries
  of one message racing each other insert the same key into the same
  BTree bucket: one transaction gets a ConflictError and, retried, finds
  the document the other created. Different messages are different keys,
  which BTrees merge without conflict.
- ``issued``: ``DocumentId -> outgoing document UID``, so that status
  messages find the document they answer without a catalog query.
- ``inbox``: a log of the messages received (what, from whom, the result).
- ``outbox``: the messages to send, each for one recipient through one
  transport, and what became of them (see :mod:`.outbox`); ``pending``
  the ids of those to try again (held or failed), made when first needed.
"""

from BTrees.OOBTree import OOBTree
from persistent import Persistent
from zope.annotation.interfaces import IAnnotations

KEY = "phutho.intranet.exchange"


class AgencyExchange(Persistent):
    """The exchange state of one agency."""

    pending = None

    def __init__(self):
        self.received = OOBTree()
        self.issued = OOBTree()
        self.inbox = OOBTree()
        self.outbox = OOBTree()


def exchange_of(agency, create=True):
    """The agency's :class:`AgencyExchange` (None when it has none and
    ``create`` is false)."""
    annotations = IAnnotations(agency)
    state = annotations.get(KEY)
    if state is None and create:
        state = annotations[KEY] = AgencyExchange()
    return state


def received_key(organ_id, document_id):
    return ((organ_id or "").strip(), (document_id or "").strip())
