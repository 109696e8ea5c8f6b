"""Which document each mail we sent was about, to record what became of it.

A persistent BTree on the site maps the Message-ID of every issued document
we mailed to the document's UID and the recipient. The queue thread looks a
refused message up here and appends the refusal to the document's
processing history (in its own connection and transaction); a delivery
status notification (bounce) that comes back through mail-in does the same.
"""

from BTrees.OOBTree import OOBTree
from persistent.mapping import PersistentMapping
from phutho.intranet.workflow.history import record
from zope.annotation.interfaces import IAnnotations

import email.parser
import logging
import time
import transaction

logger = logging.getLogger("phutho.intranet.mail")

SENT_KEY = "phutho.intranet.mail.sent"


def normalize_message_id(value):
    """``<ABC@host>`` → ``abc@host`` (Message-IDs compare without brackets
    and case)."""
    return (value or "").strip().strip("<>").strip().lower()


def sent_index(site, create=False):
    """The site's ``{message id: {"document", "recipient"}}`` BTree."""
    annotations = IAnnotations(site)
    index = annotations.get(SENT_KEY)
    if index is None and create:
        index = annotations[SENT_KEY] = OOBTree()
    return index


def remember(site, message_id, document_uid, recipient):
    """Note that ``message_id`` carried ``document_uid`` to ``recipient``."""
    sent_index(site, create=True)[normalize_message_id(message_id)] = PersistentMapping(
        document=document_uid, recipient=recipient
    )


def document_of(site, message_id):
    """The document a sent Message-ID was about (unrestricted), or None."""
    index = sent_index(site)
    entry = index.get(normalize_message_id(message_id)) if index is not None else None
    if entry is None:
        return None
    brains = site.portal_catalog.unrestrictedSearchResults(UID=entry["document"])
    return brains[0]._unrestrictedGetObject() if brains else None


def record_refusal(site, message_id, refused, action="mail_refused"):
    """Append the relay's refusal of ``message_id`` to its document's
    history; returns the document or None when the message was not ours."""
    document = document_of(site, message_id)
    if document is None:
        return None
    record(
        document,
        action,
        actor="system",
        message_id=normalize_message_id(message_id),
        recipients=sorted(refused),
        reasons=[f"{code} {reason}" for code, reason in refused.values()],
    )
    logger.warning(
        "Mail %s of %s refused: %s",
        message_id,
        document.absolute_url(1),
        "; ".join(f"{a}: {c} {r}" for a, (c, r) in refused.items()),
    )
    return document


class RefusalRecorder:
    """The queue thread's report callback: records a refusal in the
    database ``db`` for the site at ``site_path``, in its own connection."""

    attempts = 5

    def __init__(self, db, site_path):
        self.db = db
        self.site_path = tuple(site_path)

    def __call__(self, message, refused):
        header = message.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
        message_id = email.parser.BytesHeaderParser().parsebytes(header)["Message-ID"]
        if not message_id:
            return
        for attempt in range(self.attempts):
            try:
                self._record(message_id, refused)
                return
            except Exception:
                # ConflictError mostly; give up after a few attempts.
                if attempt == self.attempts - 1:
                    logger.exception("Could not record the refusal of %s", message_id)
                time.sleep(0.2 * (attempt + 1))

    def _record(self, message_id, refused):
        from Testing.makerequest import makerequest
        from zope.component.hooks import getSite
        from zope.component.hooks import setSite

        manager = transaction.TransactionManager()
        connection = self.db.open(transaction_manager=manager)
        previous = getSite()
        try:
            manager.begin()
            app = makerequest(connection.root()["Application"])
            site = app.unrestrictedTraverse(self.site_path)
            setSite(site)
            if record_refusal(site, message_id, refused) is not None:
                manager.commit()
            else:
                manager.abort()
        except Exception:
            manager.abort()
            raise
        finally:
            setSite(previous)
            connection.close()
