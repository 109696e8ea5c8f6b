"""``POST /@mail-digest`` with ``{"date": "YYYY-MM-DD", "limit": 200}``:
sends the daily digests of the next ``limit`` people not yet served that
day, in this request's transaction. Answers ``{"date", "sent", "skipped",
"remaining"}``; ``phutho-digest`` calls it until ``remaining`` is 0.
Who may: "Send mail digest" (the MailService role, Managers, webmasters).
"""

from datetime import date
from phutho.intranet.mail.digest import DEFAULT_BATCH
from phutho.intranet.mail.digest import run_digest
from phutho.intranet.services.utils import json_object
from plone.restapi.services import Service
from zope.interface import alsoProvides

import plone.protect.interfaces

MAX_BATCH = 2000


class DigestPost(Service):
    def _bad(self, message):
        self.request.response.setStatus(400)
        return {"error": {"type": "BadRequest", "message": message}}

    def reply(self):
        alsoProvides(self.request, plone.protect.interfaces.IDisableCSRFProtection)
        data = json_object(self.request)
        if data is None and self.request.get("BODY"):
            return self._bad("The body must be a JSON object.")
        data = data or {}
        day = None
        if data.get("date"):
            try:
                day = date.fromisoformat(str(data["date"]))
            except ValueError:
                return self._bad("date: write it as YYYY-MM-DD.")
        limit = data.get("limit", DEFAULT_BATCH)
        if (
            not isinstance(limit, int)
            or isinstance(limit, bool)
            or not (1 <= limit <= MAX_BATCH)
        ):
            return self._bad(f"limit: a whole number from 1 to {MAX_BATCH}.")
        return run_digest(day=day, limit=limit)
