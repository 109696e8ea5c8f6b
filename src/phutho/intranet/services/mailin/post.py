"""``POST /@mail-in``: a raw message (body, ``Content-Type:
message/rfc822``) for the recipients named in ``X-Mailin-Recipients``
(comma-separated envelope recipients; ``X-Mailin-Sender`` the envelope
sender). Answers 201 with the documents created, 200 when every agency
already has the message (same Message-ID, or same content without one),
413 over the size limit, 422 for an unknown recipient or a message with
nothing usable; 400 without a body or recipient. 5xx only for what a retry
may cure (a conflict Zope could not resolve, the database down). The
ingester acknowledges a mail only after 200 or 201.
Who may: "Receive mail" (the MailService role of the mail-in account).
"""

from phutho.intranet.mailin.receive import MailInRefused
from phutho.intranet.mailin.receive import max_size
from phutho.intranet.mailin.receive import receive
from plone.restapi.services import Service
from zope.interface import alsoProvides

import logging
import plone.protect.interfaces

logger = logging.getLogger("phutho.intranet.mailin")


def _error(request, status, kind, message):
    request.response.setStatus(status)
    return {"error": {"type": kind, "message": message}}


class MailInPost(Service):
    def reply(self):
        alsoProvides(self.request, plone.protect.interfaces.IDisableCSRFProtection)
        request = self.request
        recipients = [
            a.strip()
            for a in (request.getHeader("X-Mailin-Recipients") or "").split(",")
            if a.strip()
        ]
        sender = (request.getHeader("X-Mailin-Sender") or "").strip()
        length = request.getHeader("Content-Length")
        if length and length.isdigit() and int(length) > max_size():
            logger.warning("Refused mail of %s bytes for %s", length, recipients)
            return _error(
                request,
                413,
                "TooLarge",
                f"The message is larger than {max_size() // (1024 * 1024)} MB.",
            )
        raw = request.get("BODY") or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        if not raw.strip():
            return _error(request, 400, "BadRequest", "The body must be the message.")
        if not recipients:
            return _error(
                request,
                400,
                "BadRequest",
                "Name the recipients in X-Mailin-Recipients.",
            )
        try:
            result = receive(raw, recipients, envelope_sender=sender)
        except MailInRefused as refusal:
            logger.warning(
                "Refused mail for %s from %s: %s", recipients, sender, refusal.message
            )
            return _error(request, refusal.status, refusal.kind, refusal.message)
        request.response.setStatus(201 if result["created"] else 200)
        return result
