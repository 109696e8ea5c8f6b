"""``POST <agency>/@edxml``: receive an edXML message.

The body is the raw message (``Content-Type: application/xml`` or
``text/xml``). Answers:

- ``201 Created`` with ``Location`` and the new incoming document's JSON
  for a new document (or a replacement); with ``Prefer: return=minimal``
  only ``{"@id", "UID", "@type", "created": true}``;
- ``200`` with ``{"@id", "UID", "@type", "created": false}`` for a message
  delivered again (the document it created the first time), an update or
  revocation (the document it acted on) and a status message (the
  outgoing document it answers);
- ``400`` with ``{"error": {"type", "message", "element"}}`` for a
  message that cannot be read or names a document the agency does not
  have: the error is raised, so the transaction is aborted and nothing is
  created; the portal's exception view answers it.

``POST <portal>/@exchange-pickup`` (Managers: cron, ``make run``) runs the
directory pickup (:mod:`phutho.intranet.exchange.pickup`) and answers its
report.
"""

from phutho.intranet import _
from phutho.intranet.exc import InvalidDataError
from phutho.intranet.exchange.api import import_message
from phutho.intranet.exchange.errors import EdXMLError
from phutho.intranet.exchange.errors import MessageTooLarge
from phutho.intranet.exchange.limits import current_limits
from plone.protect.interfaces import IDisableCSRFProtection
from plone.restapi.interfaces import ISerializeToJson
from plone.restapi.services import Service
from zope.component import getMultiAdapter
from zope.interface import alsoProvides

import logging
import threading
import transaction

logger = logging.getLogger("phutho.intranet.exchange")

BODY_TYPES = ("application/xml", "text/xml")

# Imports in one process run one at a time, until their commit. The
# full-text index gives each new word the next id, so two imports
# committing at once (a message's number, names, dates are new words)
# conflict on the same index buckets, and Zope retries them after pauses
# that double each time: seconds of waiting, sometimes a 503. One process
# runs Python code one thread at a time anyway (the GIL): taking turns
# costs no throughput. Several instances (ZEO, RelStorage) still import in
# parallel, conflicting less.
IMPORT_LOCK = threading.Lock()
LOCK_TIMEOUT = 120


def take_turn():
    """Wait for the other imports of this process to commit, then start
    this request's transaction afresh, so that it sees what they wrote
    (nothing is written before). The turn ends when this transaction
    commits or aborts (a conflict retry takes a new one)."""
    if not IMPORT_LOCK.acquire(timeout=LOCK_TIMEOUT):
        logger.warning("@edxml: waited %s s for another import; going on", LOCK_TIMEOUT)
        return
    released = []

    def release(*args):
        if not released:
            released.append(True)
            IMPORT_LOCK.release()

    try:
        transaction.abort()
        txn = transaction.begin()
    except BaseException:
        release()
        raise
    txn.addAfterCommitHook(release)
    txn.addAfterAbortHook(release)


def read_body(request, limit):
    """The request body, refused past ``limit`` bytes without reading it
    all."""
    length = request.getHeader("Content-Length")
    if length and length.isdigit() and int(length) > limit:
        raise MessageTooLarge(
            f"The message is {length} bytes; at most {limit} are accepted.", "edXML"
        )
    stream = request.get("BODYFILE")
    if stream is None:
        return request.get("BODY") or b""
    stream.seek(0)
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise MessageTooLarge(f"The message is over {limit} bytes.", "edXML")
    return data


def wants_minimal(request):
    """``Prefer: return=minimal`` (RFC 7240): the client needs only where
    the new document is, not its whole representation (an exchange
    platform posting many messages)."""
    prefer = request.getHeader("Prefer") or ""
    return any(
        part.strip().lower() == "return=minimal"
        for part in prefer.replace(";", ",").split(",")
    )


class EdXMLPost(Service):
    """Import one message into the agency (the context)."""

    # protect/csrf.py: the body types this service reads.
    accepted_content_types = BODY_TYPES

    def reply(self):
        request = self.request
        # Like plone.restapi's own services: CSRF on the REST API is checked
        # before the service runs (protect/csrf.py), so plone.protect's
        # write check, which knows no token of a REST client, would only
        # abort the import after the answer was written.
        alsoProvides(request, IDisableCSRFProtection)
        take_turn()
        try:
            data = read_body(request, current_limits().message_bytes)
            document, created = import_message(self.context, data, transport="rest")
        except EdXMLError as error:
            logger.warning(
                "POST %s/@edxml refused for %s: %s",
                self.context.absolute_url(1),
                request.get("AUTHENTICATED_USER"),
                error,
            )
            raise
        if created:
            request.response.setStatus(201)
            request.response.setHeader("Location", document.absolute_url())
            if not wants_minimal(request):
                return getMultiAdapter((document, request), ISerializeToJson)()
            request.response.setHeader("Preference-Applied", "return=minimal")
        return {
            "@id": document.absolute_url(),
            "UID": document.UID(),
            "@type": document.portal_type,
            "created": created,
        }


class PickupPost(Service):
    """Relay the outboxes and import every agency's inbox folder
    (``?limit=N`` files at most: the rest waits for the next call)."""

    def reply(self):
        from phutho.intranet.exchange.pickup import pickup

        alsoProvides(self.request, IDisableCSRFProtection)
        limit = self.request.form.get("limit")
        if limit is not None:
            if not str(limit).isdigit() or int(limit) < 1:
                raise InvalidDataError(
                    _(
                        "error_pickup_limit",
                        default="limit is the number of files to import at most: "
                        "a whole number from 1.",
                    ),
                    field="limit",
                )
            limit = int(limit)
        # Each file is imported and committed on its own (one bad file
        # loses nothing of the others).
        return pickup(self.context, commit=True, limit=limit)
